"""Read the values out of a filled DOCX made by formgen: `{field id: value}`.

python-docx's `paragraph.text` skips content controls, so this walks every `w:sdt` itself.
The file comes from outside: it is opened with size limits and no external entities. A body of
the kind formgen writes is read from its bytes (`ooxml.quick_control_readings`, the same result
a few times quicker); any other is parsed.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO, Iterable, Union

from lxml import etree

from . import ooxml
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
    The first control of a tag counts. Controls that lost their tags (a LibreOffice 7.x save, which
    also drops the placeholder flag) are told by their order and labels: the one of the `documents`
    whose controls carry these labels."""
    stream = io.BytesIO(data)
    stream.name = str(path)
    controls = read_docx_controls(stream)
    if not controls:
        raise NoFormFields(path, "", "holds no field of the forms", "is it a form made by formgen?")
    tagged: dict[str, str] = {}
    problems = []
    for tag, _, value in controls:
        if tag and tag in tagged and tagged[tag] != value:
            problems.append(said("problem.duplicate_control", field=shown(tag)))
        if tag:
            tagged.setdefault(tag, value)
    if tagged:
        return tagged, problems
    document = _labelled(documents, [alias for _, alias, _ in controls])
    if document is None:
        raise FormgenError(path, "", "its controls lost their tags and do not match a form",
                           "ask for the form filled in the original file")
    return {f.id: _unless_placeholder(value, f) for f, (_, _, value) in zip(document.fields(), controls)}, []


def _labelled(documents: Iterable[Document], aliases: list[str | None]) -> Document | None:
    """The document whose controls carry these labels, in this order (a LibreOffice 7.x save also
    drops the label of a drop-down: more than half must be there). A blank's label was its hint
    before its form gave it a label of its own: a form sent out then is still told by its hints."""
    for document in documents:
        fields = [f for f in document.fields() if kind_of(f.kind).docx]
        if (len(fields) == len(aliases) and sum(a is not None for a in aliases) * 2 > len(aliases)
                and all(a is None or a in (f.label, f.hint) for a, f in zip(aliases, fields))):
            return document
    return None


def _unless_placeholder(value: str, field: Field) -> str:
    bare = value.replace("\u00a0", " ").strip()
    return "" if not bare or bare.strip("[]") == field.hint else value


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
