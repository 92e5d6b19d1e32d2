"""Read the values out of a filled DOCX made by formgen: `{field id: value}`.

python-docx's `paragraph.text` skips content controls, so this walks every `w:sdt` itself.
The file comes from outside: it is opened with size limits and no external entities. A body of
the kind formgen writes is read from its bytes (`ooxml.quick_control_readings`, the same result
a few times quicker); any other is parsed.
"""
from __future__ import annotations

import io
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import BinaryIO, Iterable, NamedTuple, Union

from lxml import etree

from . import match, ooxml
from ...errors import FormgenError, NoFormFields, shown
from ...model.forms import Document, Field
from ...model.kinds import kind_of
from ...model.messages import said
from ..zips import package_part

MAX_FILE_BYTES = 50_000_000
MAX_PART_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 100_000_000
MAX_ENTRIES = 2000
DOCUMENT_PART = "word/document.xml"
PLACEHOLDER_ONCE = 0.75  # how alike (difflib's ratio) a bracketed text is to a placeholder to be its earlier wording
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def read_docx_values(source: Union[str, Path, BinaryIO]) -> dict[str, str]:
    """`{field id: value}` for every content control with a tag; placeholders read as ''."""
    values: dict[str, str] = {}
    for tag, _, value in read_docx_controls(source):
        if tag and tag not in values:
            values[tag] = value
    return values


def read_docx_controls(source: Union[str, Path, BinaryIO]) -> list[tuple[str | None, str | None, str]]:
    """(tag, alias, value) of every content control in document order. LibreOffice 7.x drops the
    tags when it saves, but keeps the controls, their order and their alias (the field's label)."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<stream>")
    xml = package_part(_read_limited(source, name), name, DOCUMENT_PART, MAX_UNPACKED_BYTES, MAX_ENTRIES,
                       MAX_PART_BYTES)
    quick = ooxml.quick_control_readings(xml)  # None unless it is sure to equal what the parse below gives
    if quick is not None:
        return quick
    return [ooxml.control_reading(sdt) for sdt in ooxml.iter_controls(_parsed(xml, name))]


def returned_values(path: Path, data: bytes, documents: Iterable[Document]) -> tuple[dict[str, str], list[str]]:
    """({field id: value}, what could not be read as it is) of a returned DOCX, as `collect` reads it.
    A file of formgen's own shape with every tag is read by tag. Any other is read control by
    control: by tag where a control has one, else lined up with the blank of the form whose text it
    holds (match.py), so a control LibreOffice untagged or a clerk typed over costs nothing, and
    text typed beside a control is its answer when the control is empty."""
    name = str(path)
    xml = package_part(_read_limited(io.BytesIO(data), name), name, DOCUMENT_PART, MAX_UNPACKED_BYTES, MAX_ENTRIES,
                       MAX_PART_BYTES)
    quick = ooxml.quick_control_readings(xml)
    documents = list(documents)
    if quick and _every_control(quick, documents):
        return _by_tag(quick)
    root = _parsed(xml, name)
    readings: list[tuple[str | None, str | None, str]] = []
    try:
        tokens = match.unit_tokens(ooxml.document_units(root), lambda sdt: _returned_control(sdt, readings))
        tagged, problems = _by_tag(readings)
        document = _form_of(documents, tokens, tagged)
        found = match.lined_up(blank_of(document).tokens, tokens) if document is not None else None
    except match.TooLong as exc:  # by tag alone, as a file of formgen's shape is
        tagged, problems = _by_tag([ooxml.control_reading(sdt) for sdt in ooxml.iter_controls(root)])
        if not tagged:
            raise FormgenError(path, "", said("problem.untagged_too_long", holds=exc.holds),
                               match.ORIGINAL_FILE) from None
        return tagged, problems + [said("problem.read_by_tag", holds=exc.holds)]
    if found is None:
        if tagged:
            return tagged, problems
        if not readings:
            raise NoFormFields(path, "", "holds no field of the forms", "is it a form made by formgen?")
        raise FormgenError(path, "", said("problem.untagged_unmatched"), match.ORIGINAL_FILE)
    values, found_problems = _answers(document, found, tagged)
    return values, problems + found_problems


def _every_control(readings, documents: list[Document]) -> bool:
    """Whether the controls are a form's, every one tagged, in its order: a file of formgen's own shape
    (as `fill` wrote it) read by tag alone. Text beside its controls is not looked for: Word and
    LibreOffice, where people type, write their own shape."""
    tags = tuple(tag for tag, _, _ in readings)
    return all(tags) and any(tags == order for order in map(_control_order, documents))


_ORDERS: dict[int, tuple[Document, tuple[str, ...]]] = {}


def _control_order(document: Document) -> tuple[str, ...]:
    if id(document) not in _ORDERS:
        _ORDERS[id(document)] = (document, tuple(f.id for f in document.fields() if kind_of(f.kind).docx))
    return _ORDERS[id(document)][1]


def _returned_control(sdt, readings: list) -> match.Control:
    tag, alias, value = ooxml.control_reading(sdt)
    readings.append((tag, alias, value))
    return match.Control(tag, alias, ooxml.control_kind(sdt), value)


def _by_tag(readings) -> tuple[dict[str, str], list[str]]:
    """{tag: value} of the controls that have a tag, the first of each; two that differ are a problem."""
    tagged: dict[str, str] = {}
    problems = []
    for tag, _, value in readings:
        if tag and tag in tagged and tagged[tag] != value:
            problems.append(said("problem.duplicate_control", field=shown(tag)))
        if tag:
            tagged.setdefault(tag, value)
    return tagged, problems


def _form_of(documents: list[Document], tokens: list[match.Token], tagged: dict[str, str]) -> Document | None:
    """The document the file is of: among those with the most of its tags, the one whose words it
    shares most (Dice's measure, so an edition in one language is not taken for the bilingual one);
    without tags, only one that shares at least MIN_SHARE of them."""
    if tagged:
        counts = {id(d): len(tagged.keys() & {f.id for f in d.fields()}) for d in documents}
        documents = [d for d in documents if counts[id(d)] == max(counts.values()) and counts[id(d)]]
    held = match.words(tokens)
    best, share = None, 0.0
    for document in documents:
        blank = blank_of(document).words
        shared = 2 * sum((held & blank).values()) / max(sum(held.values()) + sum(blank.values()), 1)
        if shared > share:
            best, share = document, shared
    return best if tagged or share >= match.MIN_SHARE else None


class Blank(NamedTuple):
    """A document's blank DOCX as returned files are matched against it."""

    tokens: list[match.Token]
    words: Counter
    grids: list[list[int]]  # each table's column widths, in twips


_BLANKS: dict[int, tuple[Document, Blank]] = {}


def blank_of(document: Document) -> Blank:
    """The document's blank DOCX read as a returned one is, made once per process."""
    if id(document) not in _BLANKS:
        from .write import blank

        fields = {f.id: f for f in document.fields()}
        root = _parsed(package_part(blank(document), "blank", DOCUMENT_PART, MAX_UNPACKED_BYTES, MAX_ENTRIES,
                                    MAX_PART_BYTES), "blank")
        grids: list[list[int]] = []
        tokens = match.unit_tokens(ooxml.document_units(root, grids), lambda sdt: match.Slot(
            fields[ooxml.control_tag(sdt)], ooxml.control_kind(sdt), ooxml.control_alias(sdt),
            ooxml.control_text(sdt) if ooxml.showing_placeholder(sdt) else ""))
        _BLANKS[id(document)] = (document, Blank(tokens, match.words(tokens), grids))
    return _BLANKS[id(document)][1]


def _answers(document: Document, found: dict[str, match.Found], tagged: dict[str, str]) -> tuple[dict, list[str]]:
    """{field id: value} of the document's fields, and how each was found where that is to be said."""
    values = dict(tagged)
    problems = []
    fields = {f.id: f for f in document.fields()}
    together = {other for where in found.values() for other in where.together}
    for field_id, where in found.items():
        if field_id in tagged:
            value = tagged[field_id]
        elif where.control is not None:
            value = _unless_placeholder(where.control.value, fields[field_id], where.placeholder)
            if value and _placeholder_once(value, where.placeholder):
                problems.append(said("problem.placeholder_once", field=field_id, text=match.excerpt(value)))
                value = ""
        elif where.instead:
            value = where.instead
            problems.append(said("problem.typed_over", field=field_id, text=match.excerpt(value)))
            problems += [said("problem.typed_over_together", field=other, with_field=field_id)
                         for other in where.together]
        else:
            value = ""
            if field_id not in together:
                problems.append(said("problem.control_missing", field=field_id))
        if where.beside and not value:
            value = where.beside
            problems.append(said("problem.typed_beside", field=field_id, text=match.excerpt(value)))
        elif where.beside and where.beside != value:
            problems.append(said("problem.typed_beside_kept", field=field_id, beside=match.excerpt(where.beside),
                                 text=match.excerpt(value)))
        values[field_id] = value
    return values, problems


def _unless_placeholder(value: str, field: Field, placeholder: str = "") -> str:
    """'' for a control that shows its placeholder: the field's hint in brackets, or what its blank shows
    (LibreOffice keeps the text but drops the flag that marks it)."""
    bare = value.replace("\u00a0", " ").strip()
    return "" if not bare or bare.strip("[]") == field.hint or bare == placeholder.replace("\u00a0", " ").strip() \
        else value


def _placeholder_once(value: str, placeholder: str) -> bool:
    """Whether a control holds its placeholder as the catalogs once worded it («[Санды жазыңыз]», now
    «[Сан жазыңыз]»; LibreOffice keeps it as text): in brackets, as formgen writes one, and nearly
    what its blank shows now."""
    bare, now = (" ".join(text.replace("\u00a0", " ").split()).casefold() for text in (value, placeholder))
    return (len(bare) > 2 and bare[0] + bare[-1] == "[]" == now[:1] + now[-1:]
            and SequenceMatcher(None, bare, now, autojunk=False).ratio() >= PLACEHOLDER_ONCE)


def _parsed(xml: bytes, name: str):
    try:
        return etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FormgenError(name, DOCUMENT_PART, f"damaged XML: {exc}", "save the file again in Word") from None


def _read_limited(source, name: str) -> bytes:
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as stream:
                data = stream.read(MAX_FILE_BYTES + 1)
        else:
            data = source.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise FormgenError(name, "", f"cannot read: {exc.strerror or exc}", "check the path") from None
    if len(data) > MAX_FILE_BYTES:
        raise FormgenError(name, "", f"file is larger than {MAX_FILE_BYTES} bytes", "a filled form is far smaller")
    return data
