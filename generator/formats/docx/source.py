"""A Word document staff wrote (a form to import), read as what a person sees in it: paragraphs with
their look (style, alignment, indent, bold, the list number Word draws) and tables of cell texts.

The document comes from outside (e-mail), so it is read with the limits of a returned form: its size,
its size unpacked and its number of parts (zip bombs) from the zip directory, every XML part parsed
with entities, DTDs and the network off, before python-docx sees it. Nothing in it runs: its text is
only read. What the import cannot take (pictures, text boxes, page headers and footers, notes,
comments) is named in `left_out`, never dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Union

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.text.paragraph import Paragraph

from . import ooxml
from ...errors import FormgenError
from .package import bounded_package, open_document, read_bounded, xml_parts

MAX_FILE_BYTES = 30_000_000  # as a returned form (collect)
MAX_UNPACKED_BYTES = 100_000_000
MAX_ENTRIES = 2000
MAX_PART_BYTES = 20_000_000  # each XML part, the body among them
MAX_BLOCKS = 5000  # paragraphs and table cells: a form is a few pages
NOT_A_DOCX = ("not a Word document (.docx)", "save it in Word or LibreOffice as Word Document (.docx)")
BULLET = "•"
ALIGNMENTS = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right",
              WD_ALIGN_PARAGRAPH.JUSTIFY: "both", WD_ALIGN_PARAGRAPH.DISTRIBUTE: "both"}


@dataclass(frozen=True)
class SourceParagraph:
    text: str  # as Word shows it; a blank drawn with underlined spaces reads as underscores
    style: str  # the paragraph style's name: "Normal", "Heading 2", "List Bullet"…
    align: str  # left, center, right or both (justified)
    indent: float  # the left indent as a share of the text's width
    bold: bool  # every letter of it bold
    label: str  # the list number Word draws before it ("1.", "а)"), BULLET, or ""
    heading: int  # its outline level (1 …) by its style, 0 for body text
    place: str  # "paragraph 12": the 12th paragraph with text


@dataclass(frozen=True)
class SourceTable:
    rows: tuple[tuple[str, ...], ...]  # each row's cells, a cell's paragraphs joined by line breaks
    place: str  # "table 2"


Block = Union[SourceParagraph, SourceTable]


@dataclass(frozen=True)
class SourceDocument:
    path: str
    blocks: tuple[Block, ...]
    left_out: tuple[str, ...]  # what was not imported, for the report


def read_source(path: Path) -> SourceDocument:
    data = read_bounded(path, MAX_FILE_BYTES, "a form is a few pages; save its pictures smaller")
    package = bounded_package(path, data, MAX_UNPACKED_BYTES, MAX_ENTRIES)
    notes = [note for name, root in xml_parts(path, package, MAX_PART_BYTES)  # every part parses safely
             for note in _notes(name, root)]
    document = open_document(path, data, NOT_A_DOCX)
    reader = _Reader(document, path)
    blocks = reader.blocks(document.element.body)
    return SourceDocument(str(path), tuple(blocks), tuple(reader.left_out + _headers_and_footers(document) + notes))


class _Reader:
    def __init__(self, document, path: Path) -> None:
        self.document, self.path = document, path
        self.left_out: list[str] = []
        self.paragraphs = self.tables = self.cells = 0
        numbering = _numbering_part(document)
        self.levels = ooxml.numbering_levels(numbering.element) if numbering is not None else {}
        self.counters: dict[str, list[int]] = {}
        self.styles = _Styles(document)
        section = document.sections[0] if document.sections else None
        width = (section.page_width - section.left_margin - section.right_margin) if section is not None else 0
        self.text_width = width or 1

    def blocks(self, body) -> list[Block]:
        blocks: list[Block] = []
        for element in ooxml.written_blocks(body):
            block = self.table(element) if ooxml.is_table(element) else self.paragraph(element)
            if block is not None:
                blocks.append(block)
        return blocks

    def count(self, cells: int = 1) -> None:
        self.cells += cells
        if self.cells > MAX_BLOCKS:
            raise FormgenError(self.path, f"{self.place()}", f"more than {MAX_BLOCKS} paragraphs and table cells",
                               "a form is a few pages; is this the right file?")

    def place(self) -> str:
        return f"paragraph {self.paragraphs}"

    def paragraph(self, element) -> SourceParagraph | None:
        self.count()
        paragraph = Paragraph(element, self.document.part)
        pictures, boxes = ooxml.pictures_and_boxes(element)
        text = ooxml.written_text(element)
        label = self.label(paragraph)
        if not text.strip():
            if pictures or boxes:
                self.note(f"after {self.place()}", pictures, boxes)
            return None
        self.paragraphs += 1
        if pictures or boxes:
            self.note(self.place(), pictures, boxes)
        look = self.styles.paragraph(element.style)
        own = paragraph.paragraph_format
        indent = own.left_indent if own.left_indent is not None else look.indent
        return SourceParagraph(
            text=text, style=look.name, align=ALIGNMENTS.get(own.alignment if own.alignment is not None else look.align,
                                                             "left"),
            indent=max(0.0, min(1.0, (indent or 0) / self.text_width)), bold=self.bold(paragraph, look.bold),
            label=label, heading=look.heading, place=self.place())

    def note(self, place: str, pictures: int, boxes: list[str]) -> None:
        if pictures:
            self.left_out.append(f"{place}: {pictures} picture(s)")
        for box in boxes:
            self.left_out.append(f"{place}: a text box «{_quoted(box)}»")

    def table(self, element) -> SourceTable:
        self.tables += 1
        place = f"table {self.tables}"
        rows = []
        for cells in ooxml.table_cells(element):
            self.count(len(cells))
            rows.append(tuple(self.cell_text(cell, place) for cell in cells))
        return SourceTable(tuple(rows), place)

    def cell_text(self, cell, place: str) -> str:
        if cell is None:  # merged down from the row above
            return ""
        lines = []
        for block in ooxml.written_blocks(cell):
            if ooxml.is_table(block):
                self.left_out.append(f"{place}: a table inside a cell (its text is kept as lines of the cell)")
                lines += [" ".join(row) for row in self.table(block).rows]
                continue
            pictures, boxes = ooxml.pictures_and_boxes(block)
            if pictures or boxes:
                self.note(place, pictures, boxes)
            paragraph = Paragraph(block, self.document.part)
            label = self.label(paragraph)
            text = ooxml.written_text(block)
            if text.strip():
                lines.append(f"{label} {text}" if label and label != BULLET else text)
        return "\n".join(lines)

    def label(self, paragraph: Paragraph) -> str:
        """The number or bullet Word draws before the paragraph, counted as Word counts it."""
        numbering = ooxml.paragraph_numbering(paragraph._p.pPr) or self.styles.paragraph(paragraph._p.style).numbering
        if numbering is None or numbering[0] == "0":
            return ""
        number, level = numbering
        look = self.levels.get((number, level))
        if look is None:
            return ""
        kind, text, start = look
        if kind in ("bullet", "none"):
            return BULLET if kind == "bullet" else ""
        counters = self.counters.setdefault(number, [])
        while len(counters) <= level:
            counters.append(None)
        del counters[level + 1:]  # a deeper list starts again under each item
        counters[level] = start if counters[level] is None else counters[level] + 1
        for deeper, value in enumerate(counters):
            if value is None:
                counters[deeper] = self.levels.get((number, deeper), ("", "", 1))[2]
        label = text
        for deeper, value in enumerate(counters):
            label = label.replace(f"%{deeper + 1}", _numeral(value, self.levels.get((number, deeper), ("decimal",))[0]))
        return label.strip()

    def bold(self, paragraph: Paragraph, style_bold: bool | None) -> bool:
        """Every run that shows text is bold, by itself, its character style or the paragraph's style."""
        runs = [run for run in paragraph.runs if run.text.strip()]
        return bool(runs) and all(
            run.bold if run.bold is not None else self.styles.character_bold(run._r.style, style_bold) for run in runs)


@dataclass(frozen=True)
class _Look:
    """What a paragraph style gives its paragraphs, its base styles' settings included."""
    name: str = ""
    align: object = None
    indent: int | None = None
    bold: bool | None = None
    numbering: tuple[str, int] | None = None
    heading: int = 0


class _Styles:
    """The document's styles, each resolved once (python-docx looks a paragraph's style up anew,
    through every style of the document, each time it is asked)."""

    def __init__(self, document) -> None:
        styles = list(document.styles)
        self.by_id = {style.style_id: style for style in styles}
        self.default = next((s for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH and s.element.default), None)
        self.looks: dict[str | None, _Look] = {}

    def paragraph(self, style_id: str | None) -> _Look:
        if style_id not in self.looks:
            style = self.by_id.get(style_id) if style_id else None
            self.looks[style_id] = self.look(style if style is not None and style.type == WD_STYLE_TYPE.PARAGRAPH
                                             else self.default)
        return self.looks[style_id]

    def look(self, style) -> _Look:
        chain, seen = [], set()
        while style is not None and style.style_id not in seen:
            seen.add(style.style_id)
            chain.append(style)
            base = style.element.basedOn_val
            style = self.by_id.get(base) if base else None

        def first(value_of):
            return next((value for value in map(value_of, chain) if value is not None), None)
        return _Look(name=chain[0].name if chain else "", align=first(lambda s: s.paragraph_format.alignment),
                     indent=first(lambda s: s.paragraph_format.left_indent), bold=first(lambda s: s.font.bold),
                     numbering=first(lambda s: ooxml.paragraph_numbering(s.element.pPr)),
                     heading=next((level for level in map(_outline_level, chain) if level), 0))

    def character_bold(self, style_id: str | None, otherwise: bool | None) -> bool:
        style = self.by_id.get(style_id) if style_id else None
        bold = style.font.bold if style is not None and style.type == WD_STYLE_TYPE.CHARACTER else None
        return bool(otherwise if bold is None else bold)


def _numbering_part(document):
    try:
        return document.part.numbering_part
    except (KeyError, NotImplementedError):
        return None


def _outline_level(style) -> int:
    """1 for "Heading 1" or "Title", 2 for "Heading 2"…; 0 for a style of body text."""
    name = (style.name or "").lower()
    if name in ("title", "subtitle"):
        return 1
    if name.startswith("heading") and name[7:].strip().isdigit():
        return int(name[7:].strip())
    return 0


def _numeral(value: int, kind: str) -> str:
    if kind in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
        return letter.upper() if kind == "upperLetter" else letter
    if kind in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if kind == "lowerRoman" else roman
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                            (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def _headers_and_footers(document) -> list[str]:
    found = []
    for index, section in enumerate(document.sections, 1):
        for where, part in (("page header", section.header), ("page footer", section.footer)):
            if part.is_linked_to_previous:
                continue
            text = " ".join(p.text for p in part.paragraphs if p.text.strip())
            if text:
                found.append(f"section {index}, {where}: «{_quoted(text)}» (a letterhead is given to build "
                             "as --letterhead)")
    return found


NOTES = {"word/footnotes.xml": "footnotes", "word/endnotes.xml": "endnotes", "word/comments.xml": "comments"}


def _notes(name: str, root) -> list[str]:
    """Footnotes, endnotes and comments that hold text (Word's separators are no notes)."""
    if name not in NOTES:
        return []
    texts = [" ".join(ooxml.written_text(p) for p in note.iter(ooxml.qn("w:p"))).strip()
             for note in root if note.get(ooxml.qn("w:type")) in (None, "normal")]
    texts = [text for text in texts if text]
    return [f"{NOTES[name]}: «{_quoted(' / '.join(texts))}»"] if texts else []


def _quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
