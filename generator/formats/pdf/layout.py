"""Draw a localized `Document` as an A4 fillable PDF.

The printed page: text in PT Serif, every blank as an underline (or a box, or a table cell) with
its hint in small type under it, drawn on the canvas of syntax.py. Paragraphs are laid out here,
word by word, because a blank sits inside a sentence; form.py writes the pages with one AcroForm
field per blank where it was drawn, in the same pass.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field as dataclass_field, replace
from functools import lru_cache
from typing import BinaryIO, Callable, Mapping, NamedTuple, Sequence, Union

from ...model.forms import Document, Field, Paragraph, Table
from ...model.kinds import KINDS, pdf_widget
from ...model.page_id import (FINGERPRINT_HEX, MARK_INSET, MARK_QUIET, MARK_SIZE, QR_SIZE, QR_X, QR_Y, SAFE_INSET,
                              PageId, clear_quiet_zones, draw_marks, form_name, qr_mask)
from .fonts import split_to_width, text_width, widths
from .form import PAGE_SIZE, FormFile, Page, Widget, fill_form, write_form
from .scripts import form_scripts
from .syntax import Canvas
from .tags import Tags

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE
SHORT_TABLE = PAGE_HEIGHT / 2  # a list table up to this tall is never split across pages
# GOST R 7.0.97 asks for at least 20 mm left (30 for documents kept long, as applications are), 10 right,
# 20 top and bottom. The page's code sits in the left margin, the page number and footer line in the bottom one.
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 10 * MM, 20 * MM, 20 * MM
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT

SERIF, SERIF_BOLD, SANS = "serif", "serif-bold", "sans"  # the faces of fonts.FACES
SLACK = 0.01  # points a text may pass its place by (rounding) before it is an overflow



BODY_SIZE = 10.0
ASCENT, DESCENT = 0.92, 0.28  # of a line of text, per point of type: 1.2 line spacing
HINT_FONT, HINT_SIZE, HINT_GREY = SANS, 6.5, 0.3
MIN_HINT_SIZE = 5.0
# Height above an underline for handwriting, and of its widget: PT Sans's full ascent and descent
# (1.294 em) at FIELD_FONT_SIZE plus the text padding of a field above and below, so a viewer's
# editor shows the foot of Ң, Ү and commas (tests check it against the font's metrics).
WRITE_ROOM = 17.0
RATING_ROOM = 13.0  # height above the baseline of a line of rating rings
UNDERLINE_DROP = 2.0  # underline below the text baseline
HINT_DEPTH = 7.5  # below the underline: the hint and a little air
HINT_AIR = 1.5  # more below a hint that has text right under it: the hint stays with its blank (tests measure it)
HINT_BELOW = HINT_SIZE - 1.0  # from the underline down to the hint's baseline
PLAIN_DEPTH = 3.5  # below an underline without a hint
FIELD_LINE = 20.0  # one line of a box or a table cell for handwriting
BOX_GAP = 4.0  # between a box and the text above it
FIELD_FONT_SIZE = 10.0
CELL_PAD = 3.0
RULE = 0.5
BULLET_INDENT = 6 * MM
RATING_BUTTON = 10.0  # the printed ring's diameter, and its widget's size: viewers draw their own ring there
RATING_LEAD = 4.0  # before the first ring, beyond the space: it keeps clear of the label's colon
OPTION_GAP = 8.0  # after an option's label, before the next button
OPTION_ROW = 16.0  # between rows of options that do not fit one line
OPTION_SIZE = 11.0  # a rating's digits; a choice's labels are set in the body size
CHECK_BOX = 11.0
STAMP_ROOM = 40 * MM  # a round stamp's diameter, beside the word «Печать» / «Мөөр»
SIGNATURE_ROOM = 18.0
SIGNATURE_BLANK = 28.0  # height of a signature field above its line
SIGNATURE_GAP = 12.0  # between the columns of a signature block


@dataclass(frozen=True)
class Style:
    font: str = SERIF
    size: float = BODY_SIZE
    align: str = "left"  # left | right | center | justify
    first_indent: float = 0.0
    left: float = 0.0  # indent of every line
    space_before: float = 0.0
    space_after: float = 0.0
    keep_with_next: bool = False
    keep_with_previous: bool = False
    bullet: bool = False
    valign: str = "top"  # in table cells: top | middle


# The spacing follows the DOCX renderer's, so both formats read alike.
STYLES = {
    "body": Style(first_indent=12.5 * MM, space_after=2),
    "plain": Style(space_before=4, space_after=4, keep_with_previous=True),  # the date and contacts after the signatures
    "annex": Style(align="right"),
    "addressee": Style(left=FRAME_WIDTH / 2, space_after=3),
    "title": Style(font=SERIF_BOLD, size=13, align="center", space_before=6, space_after=6, keep_with_next=True),
    "heading": Style(font=SERIF_BOLD, align="left", space_before=12, space_after=6, keep_with_next=True),
    "bullet": Style(left=BULLET_INDENT, first_indent=-BULLET_INDENT, space_after=6, keep_with_next=True,
                    bullet=True),
    "answer": Style(left=BULLET_INDENT, space_after=6),
    "stamp": Style(space_before=4, keep_with_previous=True),
    "cell": Style(size=10),  # all tables: smaller type, as in the DOCX
    "header_cell": Style(font=SERIF_BOLD, size=9, align="center", valign="middle"),
    "number_cell": Style(size=10, align="center", valign="middle"),
    "signature": Style(),
}
OTHER_STYLE = Style()
FOOTER_SIZE, FOOTER_GREY = 7.0, 0.35
FOOTER_BASELINE = SAFE_INSET + 1 * MM  # its descenders stay inside what printers print
FOOTER_RIGHT = PAGE_WIDTH - MARK_INSET - MARK_SIZE - MARK_QUIET  # clear of the bottom right mark
PAGE_NUMBER_BASELINE = BOTTOM - 6 * MM


# ---- boxes: what a line is made of -------------------------------------------------------------

@dataclass
class Word:
    text: str
    font: str
    size: float
    width: float
    cut: float = 0.0  # the first piece of a word cut to fit the line: how much wider the whole word is
    piece: bool = False  # a later piece of a cut word: a line may break before it, though no space does

    @property
    def ascent(self) -> float:
        return self.size * ASCENT

    @property
    def descent(self) -> float:
        return self.size * DESCENT


@dataclass
class Blank:
    """An inline field: an underline for handwriting with the hint under it."""

    field: Field
    width: float
    ascent: float = WRITE_ROOM - UNDERLINE_DROP  # the widget rises from the underline, below the baseline
    needed: float = 0.0  # as wide as a drop-down's longest option needs it

    @property
    def stretches(self) -> bool:
        """A text blank takes a line's free width (instead of wide word spaces): names are long."""
        return self.field.kind == "text"

    @property
    def descent(self) -> float:
        return UNDERLINE_DROP + (HINT_DEPTH if self.field.hint else PLAIN_DEPTH)


@dataclass
class BoxField:
    """A multi-line field: a box as wide as the line, for several lines of handwriting."""

    field: Field
    width: float

    @property
    def ascent(self) -> float:
        return self.field.lines * FIELD_LINE + BOX_GAP

    @property
    def descent(self) -> float:
        return HINT_DEPTH if self.field.hint else PLAIN_DEPTH


@dataclass
class Rating:
    """Round buttons, each followed by its label (a rating's 1–5, a choice's options), in as many
    rows as the width needs."""

    field: Field
    rows: list[list[tuple[float, int]]]  # per row: (x offset, option index)
    width: float
    ascent: float = RATING_ROOM
    needed: float = 0.0  # as wide as its widest row is

    @property
    def size(self) -> float:
        return OPTION_SIZE if self.field.kind == "rating" else BODY_SIZE

    @property
    def descent(self) -> float:
        return (len(self.rows) - 1) * OPTION_ROW + UNDERLINE_DROP + (HINT_DEPTH if self.field.hint else PLAIN_DEPTH)


def rating_box(field: Field, width: float) -> Rating:
    size = OPTION_SIZE if field.kind == "rating" else BODY_SIZE
    steps = [max(RATING_BUTTON + 17, RATING_BUTTON + 2.5 + text_width(label, SERIF, size) + OPTION_GAP)
             for label in field.choice_labels]
    rows: list[list[tuple[float, int]]] = [[]]
    x = RATING_LEAD
    for index, step in enumerate(steps):
        if rows[-1] and x + step > width:
            rows.append([])
            x = RATING_LEAD
        rows[-1].append((x, index))
        x += step
    used = max(offset + steps[row[-1][1]] for row in rows for offset, _ in row[-1:])
    return Rating(field, rows, min(used, width), needed=used)


@dataclass
class CheckBox:
    """A square to tick: yes when ticked."""

    field: Field
    width: float = CHECK_BOX + 4
    ascent: float = WRITE_ROOM

    @property
    def descent(self) -> float:
        return UNDERLINE_DROP + PLAIN_DEPTH


Box = Union[Word, Blank, BoxField, Rating, CheckBox]
BREAK = None  # a forced line break in the token stream


@dataclass
class Line:
    boxes: list[tuple[float, Box, bool]]  # x offset, box, a space before it
    word_space: float  # extra width of each space (justified lines)
    ascent: float
    descent: float
    stamp: bool = False  # the line that says where the stamp goes: ink beside it is the stamp

    @property
    def height(self) -> float:
        return self.ascent + self.descent


# ---- pages ---------------------------------------------------------------------------------------

class Overflow(NamedTuple):  # not a dataclass: a dataclass costs every build 0.4 ms to make
    """Something that does not fit where the layout put it: on which page (from 1), what, how (wider
    than what), and by how many points. `check --lang` reports them; the page is drawn as ever (a
    hint past its blank, a word cut in two)."""

    page: int
    what: str
    how: str
    by: float


@dataclass
class Pages:
    document: Document
    widgets: list[Widget] = dataclass_field(default_factory=list)
    overflows: list[Overflow] = dataclass_field(default_factory=list)
    index: int = 0
    ink_areas: list[InkArea] = dataclass_field(default_factory=list)  # signature and stamp areas
    fonts: dict[str, str] = dataclass_field(default_factory=dict)  # face → resource name, for every page
    chars: dict[str, set[str]] = dataclass_field(default_factory=dict)  # face → what every page sets in it
    contents: list[bytes] = dataclass_field(default_factory=list)  # the finished pages
    canvas: Canvas = dataclass_field(init=False)
    tags: Tags = dataclass_field(init=False)  # the structure tree: what each drawn thing is to a reader

    def __post_init__(self) -> None:
        self.tags = Tags(self.document)
        self.canvas = self.new_canvas()

    def new_canvas(self) -> Canvas:
        canvas = Canvas(self.fonts, self.chars, lambda owner: self.tags.begin(owner, self.index))
        clear_quiet_zones(canvas, PAGE_WIDTH, PAGE_HEIGHT)
        canvas.set_line_width(RULE)
        return canvas

    def top(self) -> float:
        top = TOP
        if self.index == 0:
            top = max(TOP, self.document.letterhead_mm * MM)
        return PAGE_HEIGHT - top

    def finish_page(self) -> None:
        canvas = self.canvas
        canvas.owner = None  # page number, footer: artifacts
        if self.document.page_numbers:
            canvas.set_font(SERIF, 10)
            canvas.draw_centred_string(LEFT + FRAME_WIDTH / 2, PAGE_NUMBER_BASELINE, str(self.index + 1))
        if self.document.footer:
            canvas.set_fill_gray(FOOTER_GREY)
            room = FOOTER_RIGHT - LEFT
            width = text_width(self.document.footer, SANS, FOOTER_SIZE)
            canvas.set_font(SANS, FOOTER_SIZE * min(1.0, room / width))  # both languages: smaller
            canvas.draw_centred_string(LEFT + room / 2, FOOTER_BASELINE, self.document.footer)
            canvas.set_fill_gray(0)
        draw_marks(canvas, PAGE_WIDTH, PAGE_HEIGHT)
        canvas.draw_image(form_name(self.index), QR_X, QR_Y, QR_SIZE, QR_SIZE)  # the page's code, written once the page count is known
        self.contents.append(canvas.content())
        self.canvas = self.new_canvas()
        self.index += 1

    def overflow(self, what: str, how: str, by: float) -> None:
        self.overflows.append(Overflow(self.index + 1, what, how, by))

    def add_ink_area(self, name: str, rect: tuple[float, float, float, float]) -> None:
        self.ink_areas.append(InkArea(name, self.index, rect))

    def add_widget(self, field: Field, rect: tuple[float, float, float, float], choice: str = "") -> None:
        self.tags.widget(self.canvas.owner, self.index)
        self.widgets.append(Widget(field.id, field.kind, field.label, self.index, rect, FIELD_FONT_SIZE, choice,
                                   control=pdf_widget(field), options=tuple(zip(field.choices, field.choice_labels)),
                                   max_length=field.max_length, required=field.required,
                                   read_only=bool(field.checks.sums)))


@dataclass(frozen=True)
class InkArea:
    """Where a signature or the stamp goes on paper: a scan reports whether it holds ink."""

    name: str  # <signer's field id>_signature, or stamp
    page: int  # 0-based
    rect: tuple[float, float, float, float]


@dataclass
class Chunk:
    """A piece of the flow that never splits across pages: a line of text or a table row."""

    height: float
    draw: Callable[[Pages, float, float], None]  # pages, x, top
    space_before: float = 0.0
    keep_with_next: bool = False
    header: tuple["Chunk", ...] = ()  # table header rows, repeated when this chunk starts a page


# ---- the entry point -----------------------------------------------------------------------------

def render_pdf(document: Document, out: BinaryIO, values: Mapping[str, str] | None = None) -> None:
    """Write `document` to `out` as one fillable PDF; `values` prefill fields by id."""
    out.write(render_pdf_counted(document, values)[0])


def render_pdf_counted(document: Document, values: Mapping[str, str] | None = None) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    return filled(render_blank(document), document, values or {})


@dataclass(frozen=True)
class BlankPdf:
    """A document's PDF with every field empty and page codes that name no row: `fill` makes it
    once per edition and writes each row into a copy."""

    form: FormFile
    widgets: tuple[Widget, ...]
    pages: tuple[PageId, ...]  # what each page's code says

    @property
    def data(self) -> bytes:
        return self.form.data


def render_blank(document: Document) -> BlankPdf:
    document = replace(document, row="")
    pages = draw_pages(document)
    ids = page_ids(document, pages.widgets, pages.index)
    drawn = [Page(content, qr_mask(page.text()), form_name(index))
             for index, (content, page) in enumerate(zip(pages.contents, ids))]
    form = write_form(drawn, pages.fonts, pages.chars, pages.widgets, pages.tags, form_scripts(document))
    return BlankPdf(form, tuple(pages.widgets), tuple(ids))


def fill_blank(blank: BlankPdf, document: Document, values: Mapping[str, str]) -> bytes:
    """The blank with `values` in its fields and `document.row` in its page codes."""
    if not values and not document.row:
        return blank.data
    codes = [qr_mask(page.text(document.row)) for page in blank.pages] if document.row else []
    return fill_form(blank.form, blank.widgets, values, codes)


def filled(blank: BlankPdf, document: Document, values: Mapping[str, str]) -> tuple[bytes, int]:
    """A row's copy of the blank (`fill_blank`), and its page count."""
    return fill_blank(blank, document, values), len(blank.pages)


def page_widgets(document: Document) -> list[list[Widget]]:
    """Where every field (every ring of a rating) sits, page by page: what a scan is read by."""
    widgets = draw_pages(document).widgets
    pages: list[list[Widget]] = [[] for _ in range(max((w.page for w in widgets), default=0) + 1)]
    for widget in widgets:
        pages[widget.page].append(widget)
    return pages


def page_fingerprint(widgets: Sequence[Widget]) -> str:
    """`fingerprint` of the widgets, formatted at once (its general formatting took a millisecond)."""
    lines = "\n".join(f"{w.field_id} {w.kind} {w.choice} {w.rect[0]:.0f} {w.rect[1]:.0f} {w.rect[2]:.0f} "
                      f"{w.rect[3]:.0f}" for w in widgets)
    return hashlib.sha256(lines.encode()).hexdigest()[:FINGERPRINT_HEX]


def page_ink_areas(document: Document) -> list[list[InkArea]]:
    """The signature and stamp areas, page by page."""
    pages = draw_pages(document)
    by_page: list[list[InkArea]] = [[] for _ in range(pages.index)]
    for area in pages.ink_areas:
        by_page[area.page].append(area)
    return by_page


def draw_pages(document: Document) -> Pages:
    """The document laid out and drawn: each page's content, its widgets and ink areas."""
    pages = Pages(document)
    place(document_chunks(document), pages)
    pages.finish_page()
    return pages


def page_ids(document: Document, widgets: Sequence[Widget], count: int) -> list[PageId]:
    return [PageId(document.call_id, document.form_id, document.lang, index + 1, count,
                   page_fingerprint([w for w in widgets if w.page == index]), document.row)
            for index in range(count)]


def place(chunks: Sequence[Chunk], pages: Pages) -> None:
    y, at_top = pages.top(), True
    for index, chunk in enumerate(chunks):
        space = 0.0 if at_top else chunk.space_before
        if not at_top and y - space - group_height(chunks, index) < BOTTOM:
            pages.finish_page()
            y, space, at_top = pages.top(), 0.0, True
            for header in chunk.header:
                header.draw(pages, LEFT, y)
                y -= header.height
        if at_top and y - chunk.height < BOTTOM - SLACK:  # what a new page cannot hold runs over its foot
            pages.overflow("a line or table row", "taller than a page holds", BOTTOM - (y - chunk.height))
        y -= space
        chunk.draw(pages, LEFT, y)
        y -= chunk.height
        at_top = False


def group_height(chunks: Sequence[Chunk], index: int) -> float:
    """Height of the chunk and of those it keeps on its page."""
    height = chunks[index].height
    while chunks[index].keep_with_next and index + 1 < len(chunks):
        index += 1
        height += chunks[index].space_before + chunks[index].height
    return height


def document_chunks(document: Document) -> list[Chunk]:
    chunks: list[Chunk] = []
    previous: Style | None = None
    blocks = document.blocks
    for number, block in enumerate(blocks):
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        if isinstance(block, Table):
            block_chunks = table_chunks(block)
            # a signature block is not left alone on a page without the letter's text
            style = Style(space_before=6, space_after=0 if block.keep_together else 6,
                          keep_with_previous=block.keep_together)
        else:
            style = STYLES.get(block.style, OTHER_STYLE)
            block_chunks = paragraph_chunks(block, style, keeps_with_next(block, style, following))
        if chunks and style.keep_with_previous:
            chunks[-1].keep_with_next = True
        if block_chunks:
            block_chunks[0].space_before = style.space_before + (previous.space_after if previous else 0)
        chunks.extend(block_chunks)
        previous = style
    return chunks


def keeps_with_next(paragraph: Paragraph, style: Style, following: object) -> bool:
    """Headings and questions stay with what follows; so does a sentence with the blank answering it."""
    answered = isinstance(following, Paragraph) and bool(following.runs) and isinstance(following.runs[0], Field)
    in_answer = paragraph.style == "answer" and isinstance(following, Paragraph) and following.style == "answer"
    return style.keep_with_next or answered or in_answer


# ---- paragraphs ------------------------------------------------------------------------------------

def paragraph_chunks(paragraph: Paragraph, style: Style, keep_with_next: bool) -> list[Chunk]:
    lines = layout(paragraph, style, FRAME_WIDTH)
    lines = aired(lines, [0.0] * len(lines))
    chunks = [Chunk(line.height, line_drawer(line, style, paragraph)) for line in lines]
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        # whole headings stay together; elsewhere no first or last line alone on a page
        chunk.keep_with_next = keep_with_next if last else (
            keep_with_next or number == 0 or number == len(chunks) - 2)
    return chunks


def line_drawer(line: Line, style: Style, paragraph: Paragraph) -> Callable[[Pages, float, float], None]:
    def draw(pages: Pages, x: float, top: float) -> None:
        draw_line(pages, line, x + style.left, top - line.ascent, paragraph)
    return draw


def layout(paragraph: Paragraph, style: Style, width: float) -> list[Line]:
    """Break the paragraph into lines `width` wide (including the style's indents)."""
    width -= style.left
    runs = paragraph.runs
    if len(runs) == 1 and type(runs[0]) is str and paragraph.style != "stamp":
        lines = plain_layout(runs[0], style, width)
        if lines:
            return list(lines)
    units = glue(tokens(paragraph, style, width))
    lines: list[list[tuple[Box, bool]]] = [[]]
    used = style.first_indent
    space_width = text_width(" ", style.font, style.size)
    for unit, space in units:
        if unit is BREAK:
            lines.append([])
            used = 0.0
            continue
        line = lines[-1]
        if type(unit[0][0]) is BoxField:  # a box has the line to itself
            if line:
                lines.append([])
            lines[-1].extend((box, False) for box, _ in unit)
            lines.append([])
            used = 0.0
            continue
        unit_width = unit[0][0].width if len(unit) == 1 else sum(box.width for box, _ in unit)
        gap = space_width if space and line else 0.0
        if line and used + gap + unit_width > width + 0.01:
            line = []
            lines.append(line)
            used, gap = 0.0, 0.0
        if len(unit) == 1:
            line.append((unit[0][0], bool(gap)))
        else:
            line.extend([(unit[0][0], bool(gap))] + unit[1:])
        used += gap + unit_width
    lines = [line for line in lines if line] or [[]]
    last = len(lines) - 1
    placed = [position(boxes, style, width, number == 0, number == last) for number, boxes in enumerate(lines)]
    return [replace(line, stamp=True) for line in placed] if paragraph.style == "stamp" else placed


@lru_cache(maxsize=4096)
def plain_layout(text: str, style: Style, width: float) -> tuple[Line, ...]:
    """The lines of a paragraph of text alone (empty when `layout` must break it itself), never
    changed once made, so remembered: the editions of a build set the same labels in the same
    widths (a bilingual cell stacks the two labels of the single-language editions), and the
    blanks of `fill`, a scan's reading and a build all lay the same form out."""
    lines = plain_lines(text, style, width)
    last = len(lines or ()) - 1
    return tuple(plain_line(words, natural, style, width, number == 0, number == last)
                 for number, (words, natural) in enumerate(lines or ()))


def plain_lines(text: str, style: Style, width: float) -> list[tuple[list[tuple[str, float, bool]], float]] | None:
    """`layout`'s lines of a paragraph of text alone, as (word, width, space before it), broken as
    `layout` breaks them but without a box per word: most paragraphs are plain text, and their
    words are drawn a line at a time. With each line, the width of its words and spaces summed as
    `position` sums them. None when a word needs splitting (`layout` does that)."""
    measured = widths(style.font, style.size)
    if not style.bullet and " " not in text and "\n" not in text and text:  # one word: most table cells
        word_width = measured[text]
        return [([(text, word_width, False)], word_width)] if word_width <= width else None
    space_width = measured[" "]
    lines: list[list[tuple[str, float, bool]]] = [[]]
    naturals = [0]
    used, glued = style.first_indent, False
    if style.bullet:  # the bullet, and the word right after it if no space parts them, are one unit
        lines[0].append(("•", BULLET_INDENT, False))
        naturals[0] += BULLET_INDENT
        used, glued = used + BULLET_INDENT, True
    for number, text_line in enumerate(text.split("\n")):
        if number:  # a line break
            lines.append([])
            naturals.append(0)
            used, glued = 0.0, False
        for index, word in enumerate(text_line.split(" ")):
            space = index > 0  # a space (or several) before the word
            if space:
                glued = False
            if not word:
                continue
            word_width = measured[word]
            if word_width > width:
                return None
            line = lines[-1]
            gap = space_width if space and line else 0.0
            if line and not glued and used + gap + word_width > width + 0.01:
                line = []
                lines.append(line)
                naturals.append(0)
                used, gap = 0.0, 0.0
            line.append((word, word_width, bool(gap)))
            used += gap + word_width
            naturals[-1] += gap + word_width
            glued = False
    return [(line, natural) for line, natural in zip(lines, naturals) if line]


def plain_line(words: list[tuple[str, float, bool]], natural: float, style: Style, width: float, first: bool,
               last: bool) -> Line:
    """`position` of a line of `plain_lines`: a leading bullet as a word, the rest as one word
    (each word after the first of them has a space before it)."""
    font, size = style.font, style.size
    indent = style.first_indent if first else 0.0
    free = width - indent - natural
    align = style.align
    spaces = [space for _, _, space in words].count(True)
    word_space = justified_space(style, free, spaces) if not last else 0.0
    x = indent + (free if align == "right" else free / 2 if align == "center" else 0.0)
    boxes: list[tuple[float, Box, bool]] = []
    if words[0][0] == "•":  # drawn alone in its indent
        boxes.append((x, Word("•", font, size, words[0][1]), False))
        x += words[0][1]
        words = words[1:]
    if words:
        if words[0][2]:
            x += text_width(" ", font, size) + word_space
        boxes.append((x, Word(" ".join([word for word, _, _ in words]), font, size, natural), words[0][2]))
    return Line(boxes, word_space, size * ASCENT, size * DESCENT)


def justified_space(style: Style, free: float, spaces: int) -> float:
    """What each space of a justified line is widened by: never past one more space, so no gap is
    over twice a space wide (a line that would need more ends short of the margin). The forms'
    own styles are ragged-right: without hyphenation, which no library has for Kyrgyz, half of the
    justified lines went past that (docs/pdf.md)."""
    if style.align != "justify" or not spaces or free <= 0:
        return 0.0
    return min(free / spaces, text_width(" ", style.font, style.size))


def tokens(paragraph: Paragraph, style: Style, width: float) -> list[object]:
    """(box, space before it) pairs and BREAKs, in reading order."""
    out: list[object] = []
    font, size = style.font, style.size
    if style.bullet:
        out.append((Word("•", font, size, BULLET_INDENT), False))
    space = False
    for run in paragraph.runs:
        if type(run) is not str:
            out.append((field_box(run, style, width), space))
            space = False
            continue
        for part in WORD_GAPS.split(run):
            if not part:
                continue
            if part[0] == " " or part[0] == "\n":  # the gaps: spaces, or a line break among them
                if "\n" in part:
                    out.append(BREAK)
                    space = False
                else:
                    space = True
                continue
            part_width = text_width(part, font, size)
            if part_width <= width:
                out.append((Word(part, font, size, part_width), space))
            else:  # a word wider than the line (a long address or URL) in pieces that fit
                cut, piece = part_width - width, False
                room = width - max(style.first_indent, 0.0)  # each piece fits even the first line
                for word in split_to_width(part, room, lambda text: text_width(text, font, size)):
                    out.append((Word(word, font, size, text_width(word, font, size), cut, piece), space))
                    space, cut, piece = False, 0.0, True
            space = False
    return out


WORD_GAPS = re.compile(r"([ \n]+)")


def field_box(field: Field, style: Style, width: float) -> Box:
    widget = pdf_widget(field)
    if widget == "buttons":
        return rating_box(field, width - max(style.first_indent, 0.0))
    if widget == "check":
        return CheckBox(field)
    if widget == "multiline":
        return BoxField(field, width)
    hint = text_width(field.hint, HINT_FONT, HINT_SIZE) + 8
    options = combo_width(field) if widget == "combo" else 0.0  # as wide as its longest option
    blank = max(KINDS[field.kind].blank_mm * MM, hint, options)
    room = SIGNATURE_BLANK if widget == "signature" else WRITE_ROOM
    return Blank(field, min(blank, width - max(style.first_indent, 0.0)), room - UNDERLINE_DROP, options)


def combo_width(field: Field) -> float:
    """The width a drop-down needs to show its longest option."""
    return max([text_width(label, SANS, FIELD_FONT_SIZE) + 12 for label in field.choice_labels], default=0.0)


def glue(items: list[object]) -> list[tuple[object, bool]]:
    """Units that break only at spaces: ([(box, space before)...], space before the unit), or BREAK."""
    units: list[tuple[object, bool]] = []
    for item in items:
        if item is BREAK:
            units.append((BREAK, False))
            continue
        box, space = item
        previous = units[-1][0] if units else BREAK
        joinable = (previous is not BREAK and not space and not isinstance(box, BoxField)
                    and not isinstance(previous[-1][0], BoxField) and not (type(box) is Word and box.piece))
        if joinable:
            previous.append((box, False))
        else:
            units.append(([(box, space)], space))
    return units


def position(boxes: list[tuple[Box, bool]], style: Style, width: float, first: bool, last: bool) -> Line:
    boxed = bool(boxes) and type(boxes[0][0]) is BoxField
    indent = style.first_indent if first and not boxed else 0.0
    space_width = text_width(" ", style.font, style.size)
    natural, spaces, stretching = 0, 0, -1
    for n, (box, space) in enumerate(boxes):
        if space:
            natural += box.width + space_width
            spaces += 1
        else:
            natural += box.width
        if type(box) is Blank and box.stretches:
            stretching = n
    free = width - indent - natural
    align = style.align
    if stretching >= 0 and free > 0 and (stretching == len(boxes) - 1 and align == "left"
                                         or align == "justify" and (not last or stretching == len(boxes) - 1)):
        # a blank ending a line runs to the margin; in justified lines it takes the free width
        box, space = boxes[stretching]
        boxes[stretching] = (replace(box, width=box.width + free), space)
        free = 0.0
    word_space = justified_space(style, free, spaces) if not last else 0.0
    x = indent + (free if align == "right" else free / 2 if align == "center" else 0.0)
    placed = []
    ascent, descent = style.size * ASCENT, style.size * DESCENT
    for box, space in boxes:
        if space:
            x += space_width + word_space
        placed.append((x, box, space))
        x += box.width
        if type(box) is Word:
            box_ascent, box_descent = box.size * ASCENT, box.size * DESCENT
        else:
            box_ascent, box_descent = box.ascent, box.descent
        if box_ascent > ascent:
            ascent = box_ascent
        if box_descent > descent:
            descent = box_descent
    return Line(placed, word_space, ascent, descent)


def aired(lines: list[Line], lefts: Sequence[float]) -> list[Line]:
    """Lines stacked one under the other (`lefts`: each one's indent), with HINT_AIR more below a
    line whose hint has words of the next line right under it."""
    out = list(lines)
    for number in range(len(lines) - 1):
        hints = _hint_spans(lines[number], lefts[number])
        words = _word_spans(lines[number + 1], lefts[number + 1])
        if any(_overlap(hint, word) for hint in hints for word in words):
            out[number] = replace(lines[number], descent=lines[number].descent + HINT_AIR)
    return out


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _hint_spans(line: Line, left: float) -> list[tuple[float, float]]:
    """Where the line's hints lie across the page."""
    spans = []
    for x, box, _ in line.boxes:
        if type(box) is not Word and box.field.hint:
            start, end = hint_span(box)
            spans.append((left + x + start, left + x + end))
    return spans


def hint_span(box: Box) -> tuple[float, float]:
    """Where a blank's hint goes, from the blank's left: centred under it; a rating's from its first
    ring on (centred, it sat under rings 2 and 3, as if it were about them)."""
    width = min(text_width(box.field.hint, HINT_FONT, HINT_SIZE), box.width)
    if type(box) is Rating:
        return RATING_LEAD, RATING_LEAD + min(width, box.width - RATING_LEAD)
    return (box.width - width) / 2, (box.width + width) / 2


def _word_spans(line: Line, left: float) -> list[tuple[float, float]]:
    """Where the line's words lie, if they are its tallest boxes (a blank's room above them parts them
    from the line above)."""
    words = [(x, box) for x, box, _ in line.boxes if type(box) is Word]
    if not words or line.ascent > max(box.ascent for _, box in words):
        return []
    return [(left + x, left + x + box.width) for x, box in words]


def draw_line(pages: Pages, line: Line, x: float, baseline: float, paragraph: Paragraph) -> None:
    canvas = pages.canvas
    canvas.owner = pages.tags.owner(paragraph)
    for _, box, _ in line.boxes:
        if type(box) is Word and box.cut:
            pages.overflow(f"the word «{box.text}…»", "wider than its line, so it is cut there", box.cut)
    if line.stamp:
        pages.add_ink_area("stamp", (x, baseline - STAMP_ROOM / 2, x + STAMP_ROOM, baseline + STAMP_ROOM / 2))
    run: list[tuple[float, Word, bool]] = []  # words in one font, drawn as one string
    for offset, box, space in line.boxes:
        if type(box) is Word:
            if run and box.font != run[0][1].font:
                draw_words(canvas, run, x, baseline, line.word_space)
                run = []
            run.append((offset, box, space))
            continue
        if run:
            draw_words(canvas, run, x, baseline, line.word_space)
            run = []
        DRAW_BOX[type(box)](pages, box, x + offset, baseline)
    if run:
        draw_words(canvas, run, x, baseline, line.word_space)


def draw_words(canvas: Canvas, run: list[tuple[float, Word, bool]], x: float, baseline: float,
               word_space: float) -> None:
    first = run[0][1]
    if first.text == "•":  # the bullet sits alone in its indent, a list item's label
        owner = canvas.owner
        canvas.owner = owner and owner.label
        canvas.set_font(first.font, first.size)
        canvas.draw_string(x + run[0][0], baseline, "•")
        canvas.owner = owner
        run = run[1:]
        if not run:
            return
        run = [(run[0][0], run[0][1], False)] + run[1:]
    canvas.set_font(run[0][1].font, run[0][1].size)
    canvas.draw_string(x + run[0][0], baseline,
                       "".join((" " if space and n else "") + word.text for n, (_, word, space) in enumerate(run)),
                       word_space)


# ---- blanks ------------------------------------------------------------------------------------

def draw_hint(pages: Pages, field: Field, x: float, width: float, y: float) -> None:
    """The field's hint centred under it, in smaller type where it must be (read after the field)."""
    canvas, hint = pages.canvas, field.hint
    size = HINT_SIZE
    while size > MIN_HINT_SIZE and text_width(hint, HINT_FONT, size) > width:
        size -= 0.25
    if text_width(hint, HINT_FONT, size) > width + SLACK:
        pages.overflow(f"field '{field.id}': its hint «{hint}» (in {size:g} pt)", "wider than its blank",
                       text_width(hint, HINT_FONT, size) - width)
    canvas.set_fill_gray(HINT_GREY)
    canvas.set_font(HINT_FONT, size)
    canvas.draw_centred_string(x + width / 2, y, hint)
    canvas.set_fill_gray(0)


def draw_blank(pages: Pages, blank: Blank, x: float, baseline: float) -> None:
    underline = baseline - UNDERLINE_DROP
    pages.canvas.line(x, underline, x + blank.width, underline)
    pages.add_widget(blank.field, (x, underline, x + blank.width, underline + blank.ascent + UNDERLINE_DROP))
    if blank.field.hint:
        draw_hint(pages, blank.field, x, blank.width, underline - HINT_BELOW)
    if blank.needed > blank.width + SLACK:
        pages.overflow(f"field '{blank.field.id}': its longest option", "wider than the field",
                       blank.needed - blank.width)


def draw_box_field(pages: Pages, box: BoxField, x: float, baseline: float) -> None:
    height = box.ascent - BOX_GAP
    pages.canvas.rect(x, baseline, box.width, height)
    pages.add_widget(box.field, (x, baseline, x + box.width, baseline + height))
    if box.field.hint:
        draw_hint(pages, box.field, x, box.width, baseline - HINT_BELOW)


def draw_rating(pages: Pages, rating: Rating, x: float, baseline: float) -> None:
    canvas = pages.canvas
    half = RATING_BUTTON / 2
    field = rating.field
    canvas.set_font(SERIF, rating.size)
    for number, row in enumerate(rating.rows):
        row_baseline = baseline - number * OPTION_ROW
        centre_y = row_baseline + 4.0
        for offset, index in row:
            centre_x = x + offset + half
            canvas.circle(centre_x, centre_y, half - RULE / 2)  # the ring's outer edge is the widget's
            canvas.draw_string(centre_x + half + 2.5, row_baseline, field.choice_labels[index])
            pages.add_widget(field, (centre_x - half, centre_y - half, centre_x + half, centre_y + half),
                             field.choices[index])
    if rating.needed > rating.width + SLACK:
        pages.overflow(f"field '{field.id}': its options", "wider than the line", rating.needed - rating.width)
    if field.hint:
        last = baseline - (len(rating.rows) - 1) * OPTION_ROW
        start, end = hint_span(rating)
        draw_hint(pages, field, x + start, end - start, last - UNDERLINE_DROP - HINT_BELOW)


def draw_check_box(pages: Pages, box: CheckBox, x: float, baseline: float) -> None:
    bottom = baseline - 1.0
    pages.canvas.rect(x + 1, bottom, CHECK_BOX, CHECK_BOX)
    pages.add_widget(box.field, (x + 1, bottom, x + 1 + CHECK_BOX, bottom + CHECK_BOX))


DRAW_BOX = {Blank: draw_blank, BoxField: draw_box_field, Rating: draw_rating, CheckBox: draw_check_box}


# ---- tables ----------------------------------------------------------------------------------------

@dataclass
class Cell:
    height: float
    draw: Callable[[Pages, float, float, float, float], None]  # pages, x, top, width, row height


def table_chunks(table: Table) -> list[Chunk]:
    total = sum(table.widths)
    widths = [FRAME_WIDTH * w / total for w in table.widths]
    rows = []
    signers = [next((run.id for p in cell for run in p.runs if isinstance(run, Field)), "") for cell in table.rows[0]]
    for row in table.rows:
        cells = [table_cell(paragraphs, width, table.borders, table.keep_together, signer)
                 for paragraphs, width, signer in zip(row, widths, signers)]
        rows.append(row_chunk(cells, widths, table.borders))
        rows[-1].keep_with_next = any(map(is_heading, row))  # a heading of the bilingual columns stays with its text
    header = tuple(rows[:table.header_rows])
    for chunk in header:
        chunk.keep_with_next = True
    for chunk in rows[table.header_rows:]:
        chunk.header = header
    # a signature block stays together; so does a list table short enough to print on one page
    short = table.header_rows and sum(chunk.height for chunk in rows) < SHORT_TABLE
    if table.keep_together or short:
        for chunk in rows[:-1]:
            chunk.keep_with_next = True
    return rows


def is_heading(cell: tuple[Paragraph, ...]) -> bool:
    style = STYLES.get(cell[0].style, OTHER_STYLE)
    return style.keep_with_next and not style.bullet


def row_chunk(cells: list[Cell], widths: list[float], borders: bool) -> Chunk:
    height = max(cell.height for cell in cells)

    def draw(pages: Pages, x: float, top: float) -> None:
        for cell, width in zip(cells, widths):
            cell.draw(pages, x, top, width, height)
            if borders:
                pages.canvas.rect(x, top - height, width, height)
            x += width
    return Chunk(height, draw)


def table_cell(paragraphs: tuple[Paragraph, ...], width: float, borders: bool, compact: bool = True,
               signer: str = "") -> Cell:
    first = paragraphs[0]
    style = STYLES.get(first.style, STYLES["cell"])
    if first.style == "signature_line" and not first.runs:  # signed by the one named above it
        return Cell(SIGNATURE_ROOM, lambda pages, x, top, width, height:
                    draw_signature_line(pages, x, top, width, height, f"{signer or 'signer'}_signature"))
    if (len(paragraphs) == 1 and len(first.runs) == 1 and isinstance(first.runs[0], Field) and borders
            and pdf_widget(first.runs[0]) in CELL_WIDGETS):
        return field_cell(first.runs[0], first)
    pad = CELL_PAD if borders else 0.0
    inner = width - 2 * pad - (0 if borders else SIGNATURE_GAP)
    # several paragraphs (a label in both languages) stack, each in its own style; text set in
    # borderless columns (the bilingual letter) keeps its paragraph spacing
    lines = []
    for p in paragraphs:
        p_style = STYLES.get(p.style, STYLES["cell"])
        p_lines = layout(p, p_style, inner)
        lines += [(line, p_style.left, p) for line in p_lines]
        if not borders and not compact and p_lines:
            lines[-1] = (replace(p_lines[-1], descent=p_lines[-1].descent + p_style.space_after + 3),
                         p_style.left, p)
    lefts = [left for _, left, _ in lines]
    lines = list(zip(aired([line for line, _, _ in lines], lefts), lefts, [p for _, _, p in lines]))
    content = sum(line.height for line, _, _ in lines)

    def draw(pages: Pages, x: float, top: float, cell_width: float, row_height: float) -> None:
        y = top - pad
        if style.valign == "middle":
            y -= (row_height - 2 * pad - content) / 2
        for line, left, paragraph in lines:
            draw_line(pages, line, x + pad + left, y - line.ascent, paragraph)
            y -= line.height
    return Cell(content + 2 * pad, draw)


CELL_WIDGETS = ("text", "multiline", "combo")  # fill a table cell; buttons and boxes are laid out as text


def field_cell(field: Field, paragraph: Paragraph) -> Cell:
    """A cell that is one field (the run of `paragraph`): the widget fills it, the hint sits in a
    strip at its foot."""
    strip = HINT_SIZE + 3 if field.hint else 0.0
    lines = field.lines if field.kind == "multiline" else 1

    def draw(pages: Pages, x: float, top: float, width: float, row_height: float) -> None:
        bottom = top - row_height
        pages.canvas.owner = pages.tags.owner(paragraph)
        pages.add_widget(field, (x + 1, bottom + strip, x + width - 1, top - 1))
        if field.hint:
            draw_hint(pages, field, x + CELL_PAD, width - 2 * CELL_PAD, bottom + 2.5)
        if pdf_widget(field) == "combo" and combo_width(field) > width - 2 + SLACK:
            pages.overflow(f"field '{field.id}': its longest option", "wider than its cell",
                           combo_width(field) - (width - 2))
    return Cell(lines * FIELD_LINE + strip + 2, draw)


def draw_signature_line(pages: Pages, x: float, top: float, width: float, row_height: float, name: str) -> None:
    y = top - row_height + 4
    pages.canvas.line(x, y, x + width * 0.7, y)
    pages.add_ink_area(name, (x, y - 4, x + width * 0.7, top))
