"""Render a localized `Document` as a letterhead-ready DOCX whose blanks are content controls."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO, Iterator, Mapping

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.opc.pkgwriter import _ContentTypesItem  # the [Content_Types].xml python-docx itself writes
from docx.parts.document import DocumentPart
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from lxml import etree

from . import ooxml
from .kinds import KINDS
from .model import Document, Field, Paragraph, Table
from .page_id import MM, QR_SIZE, QR_X, QR_Y, PageId, fingerprint, qr_png
from .zips import write_zip

FONT = "Times New Roman"
FONT_SIZE = Pt(12)
FOOTER_SIZE = Pt(8)
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = Mm(25), Mm(15), Mm(20), Mm(20)
HEADER_DISTANCE = Mm(10)
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
FIXED_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # core properties: same bytes every build
BODY_PART = "word/document.xml"
GRID_ROW_TWIPS = 454  # 8 mm
BOX_LINE_TWIPS = 400  # 20 pt, about 7 mm: a line of a box for handwriting, as in the PDF
SHORT_TABLE_ROWS = 16  # a list table up to this many rows is kept on one page
EMPTY_CELL_PLACEHOLDER = "\u00a0" * 6  # table cells: an empty-looking, still clickable control



@dataclass(frozen=True)
class ParagraphLook:
    """A named Word paragraph style for each style of the model: clerks can restyle a whole form."""

    align: int = WD_ALIGN_PARAGRAPH.LEFT
    before: float = 0
    after: float = 0
    first_indent: float = 0  # mm
    left_indent: float = 0  # mm
    bold: bool = False
    keep_with_next: bool = False
    base: str = "Normal"


LOOKS = {
    "body": ParagraphLook(WD_ALIGN_PARAGRAPH.JUSTIFY, after=3, first_indent=12.5),
    "plain": ParagraphLook(before=4),
    "annex": ParagraphLook(WD_ALIGN_PARAGRAPH.RIGHT),
    "addressee": ParagraphLook(after=3, left_indent=TEXT_WIDTH / 2 / Mm(1)),
    "title": ParagraphLook(WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6, bold=True),
    "heading": ParagraphLook(before=12, after=6, bold=True, keep_with_next=True),
    "bullet": ParagraphLook(WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, base="List Bullet"),
    "answer": ParagraphLook(after=6, left_indent=6.35),  # under the text of the bullet above
    "stamp": ParagraphLook(before=4),
    "cell": ParagraphLook(),
    "header_cell": ParagraphLook(WD_ALIGN_PARAGRAPH.CENTER, bold=True),
    "number_cell": ParagraphLook(WD_ALIGN_PARAGRAPH.CENTER),
    "signature": ParagraphLook(keep_with_next=True),
    "signature_line": ParagraphLook(before=16),
}
KEEP = " keep"  # a variant that keeps with the next row: short tables stay on one page


def style_id(style: str, keep: bool = False) -> str:
    return "Form" + "".join(part.title() for part in style.split("_")) + ("Keep" if keep else "")


def render_docx(document: Document, out: BinaryIO, values: Mapping[str, str] | None = None) -> None:
    """Write `document` as DOCX to `out`; `values` prefill controls by field id."""
    docx = _fresh_docx(document.language)
    _setup_page(docx, document)
    _set_properties(docx, document)
    body = docx.element.body
    body.remove(body[0]) if body[0].tag == qn("w:p") else None
    writer = _Writer(docx, document.language, values or {})
    for block in document.blocks:
        writer.table(block) if isinstance(block, Table) else writer.paragraph(block)
    out.write(write_zip(_package_entries(docx, _shared_blobs(document.language))))


class _Writer:
    def __init__(self, docx, lang: str, values: Mapping[str, str]) -> None:
        self.docx, self.lang, self.values = docx, lang, values
        self.next_id = 1

    def paragraph(self, paragraph: Paragraph, target=None, keep: bool = False, boxes: bool = True) -> None:
        """`boxes`: a multi-line blank becomes a box of its lines (not in a grid, whose row is sized)."""
        p = target if target is not None else self.docx.add_paragraph()
        look = paragraph.style if paragraph.style in LOOKS else "plain"
        # pStyle comes first in pPr: inserted directly, not through python-docx's search of the schema
        p._p.get_or_add_pPr().insert(0, ooxml.element("w:pStyle", val=style_id(look, keep)))
        if paragraph.style == "signature_line":
            ooxml.borders(p._p.get_or_add_pPr(), ("bottom",))
        inline = len(paragraph.runs) > 1
        lines = _box_lines(_fields(paragraph)) if boxes else 0
        if lines:  # words before the blank share its box, and no more room is taken
            _box(p, lined=not inline)
            lines = 1 if inline else lines
        for run in paragraph.runs:
            if not isinstance(run, Field):
                p._p.append(ooxml.text_run(run, paragraph.lang))
            elif KINDS[run.kind].docx is None:  # a signature: signed on paper
                p._p.extend(ooxml.signature_line(run.hint or run.label, run.lang))
            else:
                p._p.append(self.control(run, inline, lines))

    def control(self, field: Field, inline: bool, lines: int = 1):
        control_id, self.next_id = self.next_id, self.next_id + 1
        placeholder = field.hint or EMPTY_CELL_PLACEHOLDER
        if inline and field.hint:  # a blank inside a sentence: brackets show where it starts and ends
            placeholder = f"[{field.hint}]"
        if KINDS[field.kind].docx == "multiline" and lines:
            placeholder += "\n" * (lines - 1)  # a box's empty lines below its hint
        return ooxml.content_control(field.id, KINDS[field.kind].docx, field.label, placeholder, field.lang,
                                     control_id, value=self.values.get(field.id),
                                     options=tuple(zip(field.choices, field.choice_labels or field.choices)))

    def table(self, table: Table) -> None:
        grid = self.docx.add_table(rows=len(table.rows), cols=len(table.widths))
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        if table.borders:
            grid.style = self.docx.styles["Table Grid"]
        widths = _column_widths(table.widths)
        for col, width in zip(grid.columns, widths):
            col.width = width
        # Word keeps a table on one page when every row but the last keeps with the next
        whole = table.keep_together or (table.header_rows and len(table.rows) <= SHORT_TABLE_ROWS)
        for index, (row, cells) in enumerate(zip(grid.rows, table.rows)):
            _row_properties(row, header=index < table.header_rows, lines=_handwriting_lines(cells) if table.borders else 0)
            for cell, width, paragraphs in zip(row.cells, widths, cells):
                cell.width = width
                keep = bool(whole) and index < len(table.rows) - 1
                for number, paragraph in enumerate(paragraphs):
                    p = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                    self.paragraph(paragraph, target=p, keep=keep, boxes=not table.borders)


def _column_widths(relative: tuple[float, ...]) -> list[int]:
    total = sum(relative)
    widths = [int(TEXT_WIDTH * w / total) for w in relative]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _fields(paragraph: Paragraph) -> list[Field]:
    return [run for run in paragraph.runs if isinstance(run, Field)]


def _box_lines(fields) -> int:
    return max([field.lines for field in fields if KINDS[field.kind].docx == "multiline"] or [0])


def _handwriting_lines(cells) -> int:
    """Lines of handwriting a row of blanks needs: a multi-line blank's lines, else one; 0 without blanks."""
    fields = [field for paragraphs in cells for paragraph in paragraphs for field in _fields(paragraph)]
    return max(_box_lines(fields), 1 if fields else 0)


def _row_properties(row, header: bool, lines: int) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(ooxml.element("w:cantSplit"))
    if header:
        properties.append(ooxml.element("w:tblHeader"))
    elif lines:  # room to write by hand on a printed form, 8 mm a line
        properties.append(ooxml.element("w:trHeight", val=str(GRID_ROW_TWIPS * lines), hRule="atLeast"))


def _box(p, lined: bool) -> None:
    """A paragraph with a multi-line blank printed as a box to write in; `lined`: 7 mm a line."""
    if lined:
        p.paragraph_format.line_spacing = Emu(Twips(BOX_LINE_TWIPS))
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    ooxml.borders(p._p.get_or_add_pPr(), ("top", "left", "bottom", "right"))


def _setup_styles(docx, lang: str) -> None:
    normal = docx.styles["Normal"]
    normal.font.name, normal.font.size = FONT, FONT_SIZE
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    normal.element.get_or_add_rPr().append(ooxml.run_properties(lang).find(qn("w:lang")))
    for name, look in LOOKS.items():
        _add_paragraph_style(docx, name, look, keep=False)
        _add_paragraph_style(docx, name, look, keep=True)
    placeholder = docx.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.element.set(qn("w:styleId"), ooxml.PLACEHOLDER_STYLE_ID)
    placeholder.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    placeholder.hidden, placeholder.unhide_when_used = False, True


@lru_cache(maxsize=None)
def _template(lang: str) -> bytes:
    """python-docx's default template with this tool's styles, made once per language and process."""
    docx = new_docx()
    _setup_styles(docx, lang)
    _honest_package(docx)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=None)
def _loaded_template(lang: str):
    """The template opened once per language and process; its parts other than the body and the
    core properties (800 KB of styles, the theme, …) are never changed by a render."""
    return new_docx(io.BytesIO(_template(lang)))


def _fresh_docx(lang: str):
    """A document to render into: a copy of the template that shares its unchanged parts
    (copying only the body: 2 ms, where opening the template costs 20)."""
    template = _loaded_template(lang)
    shared = {id(part): part for part in _shared_blobs(lang)}
    return copy.deepcopy(template, shared)


@lru_cache(maxsize=None)
def _shared_blobs(lang: str) -> dict:
    """The template's parts that a render leaves alone → their serialized bytes, made once."""
    parts = _loaded_template(lang).part.package.iter_parts()
    return {part: part.blob for part in parts if not isinstance(part, (DocumentPart, CorePropertiesPart))}


def _package_entries(docx, shared: dict) -> Iterator[tuple[str, bytes]]:
    """The package's zip entries in the order python-docx saves them; shared parts as made once."""
    package = docx.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    yield CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob
    yield PACKAGE_URI.rels_uri.membername, package.rels.xml
    for part in parts:
        yield part.partname.membername, shared.get(part) or part.blob
        if len(part.rels):
            yield part.partname.rels_uri.membername, part.rels.xml


STALE_PARTS = ("/stylesWithEffects", "/thumbnail")  # python-docx's template: old styles, its own picture


def _honest_package(docx) -> None:
    """The template without parts that describe another document, and app.xml naming formgen."""
    for rels in (docx.part.rels, docx.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(STALE_PARTS):
                del rels[rid]
    app = next(part for part in docx.part.package.iter_parts() if part.partname == "/docProps/app.xml")
    app._blob = ooxml.app_properties()
    ooxml.zoom_whole_page(docx.settings.element)


def _add_paragraph_style(docx, name: str, look: ParagraphLook, keep: bool) -> None:
    style = docx.styles.add_style(f"Form {name.replace('_', ' ')}{KEEP if keep else ''}", WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id(name, keep))
    style.base_style = docx.styles[look.base]
    style.hidden, style.unhide_when_used, style.quick_style = False, False, not keep
    fmt = style.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = look.align, Pt(look.before), Pt(look.after)
    fmt.first_line_indent, fmt.left_indent = Mm(look.first_indent), Mm(look.left_indent)
    fmt.keep_with_next = look.keep_with_next or keep
    style.font.bold = look.bold or None


def _setup_page(docx, document: Document) -> None:
    section = docx.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.header_distance = section.footer_distance = HEADER_DISTANCE
    if document.letterhead_mm:
        _reserve_letterhead(section, Mm(document.letterhead_mm))
        _write_footer(section.first_page_footer, document)
        _add_page_code(section.first_page_footer, document, 2)
    _write_footer(section.footer, document)
    _add_page_code(section.footer, document, 1)


def _add_page_code(footer, document: Document, shape_id: int) -> None:
    """The PDF's QR code where the PDF has it, naming the document but no page (Word lays out its own)."""
    fields = ((f.id, f.kind, ",".join(f.choices)) for f in document.fields())
    text = PageId(document.call_id, document.form_id, document.lang, 0, 0, fingerprint(fields)).text()
    run = footer.paragraphs[-1].add_run()
    run.add_picture(io.BytesIO(qr_png(text, quiet=0)), width=Mm(QR_SIZE / MM))
    ooxml.float_on_page(run._r.find(".//" + qn("wp:inline")), Mm(QR_X / MM),
                        PAGE_HEIGHT - Mm((QR_Y + QR_SIZE) / MM), shape_id)


def _write_footer(footer, document: Document) -> None:
    """Page number (when the form has them) over a small line naming the call."""
    if document.page_numbers:
        number = footer.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in ooxml.page_number_field(document.language):
            number._p.append(run)
    line = footer.add_paragraph() if document.page_numbers else footer.paragraphs[0]
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = line.add_run(document.footer)
    run.font.size, run.font.color.rgb = FOOTER_SIZE, RGBColor(0x59, 0x59, 0x59)
    run._r.get_or_add_rPr().append(ooxml.run_properties(document.language).find(qn("w:lang")))


def _reserve_letterhead(section, height: int) -> None:
    """A first-page header as tall as the letterhead: Word and LibreOffice push the body below it."""
    section.different_first_page_header_footer = True
    spacer = section.first_page_header.paragraphs[0].paragraph_format
    spacer.line_spacing = Emu(max(height - HEADER_DISTANCE, Pt(1)))
    spacer.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.space_after = Pt(0)


def _set_properties(docx, document: Document) -> None:
    props = docx.core_properties
    props.title, props.language = document.title, ooxml.LANG_TAGS[document.language]
    props.author = props.last_modified_by = "formgen"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.identifier = f"{document.call_id}/{document.form_id}/{document.lang}"


def fill_docx(blank: bytes, values: Mapping[str, str]) -> bytes:
    """A DOCX made by `render_docx` with its controls filled: for many rows, far faster than
    rendering each again (the package is copied, only the body's XML changes)."""
    with zipfile.ZipFile(io.BytesIO(blank)) as source:
        root = etree.fromstring(source.read(BODY_PART))
        for sdt in ooxml.iter_controls(root):
            value = values.get(ooxml.control_tag(sdt) or "")
            if value:
                ooxml.set_control_value(sdt, value, ooxml.control_lang(sdt))
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return write_zip((name, body if name == BODY_PART else source.read(name)) for name in source.namelist())


def normalized_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates and order, so equal inputs give equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_zip((name, source.read(name)) for name in source.namelist())
