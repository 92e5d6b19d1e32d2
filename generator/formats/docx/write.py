"""Render a localized `Document` as a letterhead-ready DOCX whose blanks are content controls.

A DOCX is the template (generator/formats/docx/docxdata/, made by tools/make_docx_templates.py: the
styles, theme, settings and numbering), its styles in the document's main language, with this
document's body, header, footers and properties: the template's other parts go into each package as
the deflated bytes they are in the template, and the body is written as XML text by `ooxml`. No
python-docx at all on the way.
"""
from __future__ import annotations

import datetime as dt
import io
import zlib
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping, NamedTuple

from . import ooxml
from ...model.forms import Document, Field, Paragraph, Table
from ...model.kinds import KINDS
from ...model.page_id import MM, QR_QUIET_MODULES, QR_SIZE, QR_X, QR_Y, PageId, fingerprint, qr_png, qr_side
from ..zips import Packed, deflate_segment, joined_segments, packed, packed_entries, write_zip

FONT = "Times New Roman"
FONT_SIZE_PT = 12
FOOTER_HALF_POINTS, FOOTER_COLOR = 16, "595959"
# the page code also as text after the footer's line, small: a DOCX printed to PDF is told by it (printed.py)
CODE_HALF_POINTS, CODE_GAP = 12, "\u2003"
EMU_PER_MM, EMU_PER_TWIP = 36000, 635
PAGE_WIDTH, PAGE_HEIGHT = 210 * EMU_PER_MM, 297 * EMU_PER_MM  # EMU
# the PDF's margins (formats/pdf/layout.py): GOST R 7.0.97's, 30 mm left as for documents kept long;
# the page code sits in it
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = (mm * EMU_PER_MM for mm in (30, 10, 20, 20))
HEADER_DISTANCE = 10 * EMU_PER_MM
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
MIN_HEADER_LINE = 20  # twips: the letterhead's header line is never less than 1 pt
FIXED_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # core properties: same bytes every build
BODY_PART = "word/document.xml"
GRID_ROW_TWIPS = 454  # 8 mm
BOX_LINE_TWIPS = 400  # 20 pt, about 7 mm: a line of a box for handwriting, as in the PDF
SHORT_TABLE_ROWS = 16  # a list table up to this many rows is kept on one page
EMPTY_CELL_PLACEHOLDER = "\u00a0" * 6  # table cells: an empty-looking, still clickable control
TEMPLATES = Path(__file__).parent / "docxdata"
TEMPLATE_FILE = "template.docx"  # its Normal style in no language (ooxml.NO_LANGUAGE): each DOCX says its own
STYLES_PART = "word/styles.xml"


def template_file(tag: str) -> str:
    """The template made in a language beforehand (for the built-in forms' languages; any other is
    made when first needed): deflating its styles part took 1.7 ms of each process and language."""
    return f"template-{tag}.docx"


class ParagraphLook(NamedTuple):
    """A named Word paragraph style for each style of the model: clerks can restyle a whole form.
    The styles live in the templates (tools/make_docx_templates.py makes them from these)."""

    align: str = "left"  # w:jc: left, center, right, both (justified)
    before: float = 0  # pt
    after: float = 0  # pt
    first_indent: float = 0  # mm
    left_indent: float = 0  # mm
    bold: bool = False
    keep_with_next: bool = False
    base: str = "Normal"
    heading: int = 0  # a heading of this level (w:outlineLvl): Word's navigation pane and screen readers list it


LOOKS = {
    "body": ParagraphLook(after=3, first_indent=12.5),
    "plain": ParagraphLook(before=4),
    "annex": ParagraphLook("right"),
    "addressee": ParagraphLook(after=3, left_indent=TEXT_WIDTH / 2 / EMU_PER_MM),
    "title": ParagraphLook("center", before=6, after=6, bold=True, heading=1),
    "heading": ParagraphLook(before=12, after=6, bold=True, keep_with_next=True, heading=2),
    "bullet": ParagraphLook(after=6, base="List Bullet"),
    "answer": ParagraphLook(after=6, left_indent=6.35),  # under the text of the bullet above
    "stamp": ParagraphLook(before=4),
    "cell": ParagraphLook(),
    "header_cell": ParagraphLook("center", bold=True),
    "number_cell": ParagraphLook("center"),
    "signature": ParagraphLook(keep_with_next=True),
    "signature_line": ParagraphLook(before=16),
}
KEEP = " keep"  # a variant that keeps with the next row: short tables stay on one page


@lru_cache(maxsize=None)
def style_id(style: str, keep: bool = False) -> str:
    return "Form" + "".join(part.title() for part in style.split("_")) + ("Keep" if keep else "")


def twips(emu: float) -> int:
    return round(emu / EMU_PER_TWIP)


def render_docx(document: Document, out: BinaryIO, values: Mapping[str, str] | None = None) -> None:
    """Write `document` as DOCX to `out`; `values` prefill controls by field id."""
    writer = _Writer(values or {}, document)
    body = "".join(writer.table(block) if isinstance(block, Table) else writer.paragraph(block)
                   for block in document.blocks)
    out.write(_package(document, body))


def rendered(document: Document, values: Mapping[str, str] | None = None) -> tuple[bytes, None]:
    """The DOCX's bytes, and no page count: Word lays its pages out when it opens it."""
    buffer = io.BytesIO()
    render_docx(document, buffer, values)
    return buffer.getvalue(), None


def blank(document: Document) -> bytes:
    """The empty DOCX every row of `fill` is a copy of (`filled`)."""
    return rendered(document)[0]


def filled(blank: bytes, document: Document, values: Mapping[str, str]) -> tuple[bytes, None]:
    """A row's copy of the blank (`fill_docx`); the row's `document` changes nothing in a DOCX."""
    return fill_docx(blank, values), None


class _Writer:
    def __init__(self, values: Mapping[str, str], document: Document) -> None:
        self.values, self.tag = values, document.tag_of
        self.next_id = 1

    def paragraph(self, paragraph: Paragraph, keep: bool = False, boxes: bool = True) -> str:
        """`boxes`: a multi-line blank becomes a box of its lines (not in a grid, whose row is sized)."""
        look = paragraph.style if paragraph.style in LOOKS else "plain"
        inline = len(paragraph.runs) > 1
        lines = _box_lines(_fields(paragraph)) if boxes else 0
        borders, line, indents = (("bottom",) if paragraph.style == "signature_line" else ()), None, None
        if lines:  # words before the blank share its box, and no more room is taken
            borders, line = ooxml.BORDER_SIDES, None if inline else BOX_LINE_TWIPS
            lines = 1 if inline else lines
            indents = _box_indents(look)
        runs = "".join(self.run(run, self.tag(paragraph.lang), inline, lines) for run in paragraph.runs)
        return ooxml.paragraph(runs, style_id(look, keep), borders, line=line, indents=indents)

    def run(self, run, tag: str, inline: bool, lines: int) -> str:
        """`tag`: the paragraph's language (a field's is its own)."""
        if not isinstance(run, Field):
            return ooxml.text_run(run, tag)
        if KINDS[run.kind].docx is None:  # a signature: signed on paper
            return ooxml.signature_line(run.hint or run.label, self.tag(run.lang))
        return self.control(run, inline, lines)

    def control(self, field: Field, inline: bool, lines: int = 1) -> str:
        control_id, self.next_id = self.next_id, self.next_id + 1
        placeholder = field.hint or EMPTY_CELL_PLACEHOLDER
        if inline and field.hint:  # a blank inside a sentence: brackets show where it starts and ends
            placeholder = f"[{field.hint}]"
        if KINDS[field.kind].docx == "multiline" and lines:
            placeholder += "\n" * (lines - 1)  # a box's empty lines below its hint
        control = ooxml.Control(field.id, KINDS[field.kind].docx, field.label, placeholder, self.tag(field.lang),
                                str(control_id), tuple(zip(field.choices, field.choice_labels or field.choices)))
        return ooxml.content_control(control, self.values.get(field.id))

    def table(self, table: Table) -> str:
        widths = [twips(width) for width in _column_widths(table.widths)]
        # Word keeps a table on one page when every row but the last keeps with the next
        whole = table.keep_together or (table.header_rows and len(table.rows) <= SHORT_TABLE_ROWS)
        rows = []
        for index, cells in enumerate(table.rows):
            keep = bool(whole) and index < len(table.rows) - 1
            lines = _handwriting_lines(cells) if table.borders else 0
            row = "".join(ooxml.table_cell(width, "".join(self.paragraph(p, keep, boxes=not table.borders)
                                                          for p in paragraphs))
                          for width, paragraphs in zip(widths, cells))
            rows.append(ooxml.table_row(row, header=index < table.header_rows, height=GRID_ROW_TWIPS * lines))
        return ooxml.table(widths, "".join(rows), grid_style=table.borders)


def _column_widths(relative: tuple[float, ...]) -> list[int]:
    total = sum(relative)
    widths = [int(TEXT_WIDTH * w / total) for w in relative]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _fields(paragraph: Paragraph) -> list[Field]:
    return [run for run in paragraph.runs if isinstance(run, Field)]


def _box_indents(look: str) -> tuple[int, int]:
    """A box's lines inside the margins, as the PDF's: its text moves in by the border's reach (the
    page code's white in the left margin stays white)."""
    reach = ooxml.BORDER_REACH
    return twips(LOOKS[look].left_indent * EMU_PER_MM) + reach, reach


def _box_lines(fields) -> int:
    return max([field.lines for field in fields if KINDS[field.kind].docx == "multiline"] or [0])


def _handwriting_lines(cells) -> int:
    """Lines of handwriting a row of blanks needs: a multi-line blank's lines, else one; 0 without blanks."""
    fields = [field for paragraphs in cells for paragraph in paragraphs for field in _fields(paragraph)]
    return max(_box_lines(fields), 1 if fields else 0)


# --- the package ------------------------------------------------------------------------------

PAGE = ooxml.Page(twips(PAGE_WIDTH), twips(PAGE_HEIGHT), twips(MARGIN_TOP), twips(MARGIN_RIGHT),
                  twips(MARGIN_BOTTOM), twips(MARGIN_LEFT), twips(HEADER_DISTANCE), twips(HEADER_DISTANCE))
QR_PART = "word/media/image1.png"


class _Template(NamedTuple):
    entries: list[tuple[str, Packed]]
    content_types: bytes
    document_rels: bytes


@lru_cache(maxsize=None)
def _template(tag: str) -> _Template:
    """The template with its styles in the language of `tag`, read or made once per process; its
    parts stay deflated as they are."""
    made = TEMPLATES / template_file(tag)
    entries = packed_entries(made.read_bytes()) if made.is_file() else template_entries(tag)
    parts = dict(entries)
    return _Template(entries, _inflate(parts["[Content_Types].xml"]), _inflate(parts["word/_rels/document.xml.rels"]))


def template_entries(tag: str) -> list[tuple[str, Packed]]:
    """The template's entries, its styles in the language of `tag`."""
    entries = packed_entries((TEMPLATES / TEMPLATE_FILE).read_bytes())
    styles = packed(ooxml.styles_in_language(_inflate(dict(entries)[STYLES_PART]), tag))
    return [(name, styles if name == STYLES_PART else entry) for name, entry in entries]


def _inflate(packed: Packed) -> bytes:
    return zlib.decompress(packed.compressed, -15)


def _package(document: Document, body: str) -> bytes:
    """The template's entries with this document's parts in place of (or after) its own."""
    tag = document.tag_of(document.language)
    template = _template(tag)
    taken = ooxml.relationship_ids(template.document_rels)
    new_ids = (f"rId{n}" for n in range(1, 1000) if f"rId{n}" not in taken)
    # (relationship id, part, header or footer, which pages): the letter's first page has its own
    pages = [("footer", 1, "default")] + ([("footer", 2, "first"), ("header", 1, "first")]
                                          if document.letterhead_mm else [])
    added = [(next(new_ids), f"word/{kind}{number}.xml", kind, which) for kind, number, which in pages]
    section = ooxml.section(PAGE, [(kind, which, rid) for rid, _, kind, which in added],
                            title_page=bool(document.letterhead_mm))
    parts = {
        "[Content_Types].xml": ooxml.with_content_types(template.content_types, {"png": "image/png"},
                                                        {name: kind for _, name, kind, _ in added}),
        "docProps/core.xml": ooxml.core_properties(document.title, tag,
                                                   f"{document.call_id}/{document.form_id}/{document.lang}",
                                                   "formgen", FIXED_TIME),
        BODY_PART: ooxml.document_part(body + section),
        "word/_rels/document.xml.rels": ooxml.with_relationships(
            template.document_rels, [(rid, kind, name.removeprefix("word/")) for rid, name, kind, _ in added]),
    }
    code = page_code(document)
    for shape_id, (_, name, kind, _) in enumerate(added, start=1):
        if kind == "header":
            parts[name] = ooxml.header_part(_letterhead_space(document.letterhead_mm))
        else:
            parts[name] = ooxml.footer_part(_footer(document, code, shape_id))
            parts[name.replace("word/", "word/_rels/") + ".rels"] = ooxml.relationships(
                [("rId1", "image", QR_PART.removeprefix("word/"))])
    parts[QR_PART] = qr_png(code)
    return write_zip(_entries(template.entries, parts))


def _entries(template: Iterable[tuple[str, Packed]], parts: dict[str, bytes]):
    for name, packed in template:
        yield name, parts.pop(name, packed)
    yield from parts.items()


def _letterhead_space(height_mm: float) -> str:
    """A first-page header as tall as the letterhead: Word and LibreOffice push the body below it."""
    line = max(twips(_emu_mm(height_mm) - HEADER_DISTANCE), MIN_HEADER_LINE)
    return ooxml.paragraph("", "Header", line=line, line_rule="exact", after=0)


def _footer(document: Document, code: str, shape_id: int) -> str:
    """Page number (when the form has them) over a small line naming the call and giving the page
    code as text, and the code in the left margin where the PDF has it: the picture holds the code's
    own white border (4 modules), so it covers whatever may lie under it."""
    border = QR_SIZE * QR_QUIET_MODULES / qr_side(code)
    line = (ooxml.text_run(document.footer, document.tag_of(document.language), color=FOOTER_COLOR,
                           half_points=FOOTER_HALF_POINTS)
            + ooxml.text_run(f"{CODE_GAP}{code}", document.tag_of(document.language), color=FOOTER_COLOR,
                             half_points=CODE_HALF_POINTS)
            + ooxml.floating_picture("rId1", _emu_mm((QR_SIZE + 2 * border) / MM), _emu_mm((QR_X - border) / MM),
                                     PAGE_HEIGHT - _emu_mm((QR_Y + QR_SIZE + border) / MM), shape_id))
    if not document.page_numbers:
        return ooxml.paragraph(line, "Footer", align="center")
    return (ooxml.paragraph(ooxml.page_number_field(), "Footer", align="center")
            + ooxml.paragraph(line, align="center"))


def _emu_mm(mm: float) -> int:
    return int(mm * EMU_PER_MM)


def page_code(document: Document) -> str:
    """What the code says: the document, but no page (Word lays out its own)."""
    fields = ((f.id, f.kind, ",".join(f.choices)) for f in document.fields())
    return PageId(document.call_id, document.form_id, document.lang, 0, 0, fingerprint(fields)).text()


# --- fill -------------------------------------------------------------------------------------

def fill_docx(blank: bytes, values: Mapping[str, str]) -> bytes:
    """A DOCX made by `render_docx` with its controls filled: for many rows, far faster than
    rendering each again. Every part but the body is copied deflated; the body is cut once at its
    controls, and a row writes and deflates only the controls it fills (when they are few)."""
    entries, pieces = _cut_blank(blank)
    filled = frozenset(piece[0].tag for piece in pieces if not isinstance(piece, str) and values.get(piece[0].tag))
    if len(filled) > MAX_SEGMENTS:
        body = ooxml.filled(pieces, values).encode()
    else:
        body = joined_segments(_deflated_control(chunk, values[chunk.tag]) if isinstance(chunk, ooxml.Control)
                               else chunk for chunk in _chunks(blank, filled))
    return write_zip((name, body if name == BODY_PART else packed) for name, packed in entries)


MAX_SEGMENTS = 16  # past this many filled controls the body is deflated whole: segments would cost size


@lru_cache(maxsize=16)
def _cut_blank(blank: bytes) -> tuple[list[tuple[str, Packed]], ooxml.Pieces]:
    entries = packed_entries(blank)
    return entries, ooxml.control_pieces(_inflate(dict(entries)[BODY_PART]).decode())


@lru_cache(maxsize=64)
def _chunks(blank: bytes, filled: frozenset[str]) -> list:
    """The blank's body as (data, deflated segment) of what rows filling the `filled` controls
    share, and the Control of each filled one between them."""
    chunks, same = [], []
    for piece in _cut_blank(blank)[1]:
        if isinstance(piece, str) or piece[0].tag not in filled:
            same.append(piece if isinstance(piece, str) else piece[1])
        else:
            chunks += [_segment("".join(same).encode()), piece[0]]
            same = []
    return chunks + [_segment("".join(same).encode())]


def _segment(data: bytes) -> tuple[bytes, bytes]:
    return data, deflate_segment(data)


def _deflated_control(control: ooxml.Control, value: str) -> tuple[bytes, bytes]:
    return _segment(ooxml.content_control(control, value).encode())
