"""Scanned returns: each page identified by its QR code, aligned by its registration marks, and every
field on it read — ratings by the ink in their rings, typed text by OCR with a confidence — or sent
to a person for review. Nothing is guessed: a page that cannot be identified, a rating with two
marks, a field read with low confidence are reported.

The heavy libraries live each in its own module: pages (PDFium, Pillow), codes (zxing-cpp), align
(OpenCV) and ocr (tesseract).
"""
from __future__ import annotations

import difflib

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ..errors import FormgenError, problem_text, unforeseen
from ..formats.pdf.form import Widget
from ..formats.pdf.layout import (PAGE_HEIGHT, PAGE_WIDTH, InkArea, page_fingerprint, page_ink_areas, page_widgets,
                                  render_pdf)
from ..model.forms import Document, Field
from ..model.kinds import YES
from ..model.messages import said
from ..model.page_id import PageId, mark_rects, parse, qr_rect

WORK_DPI, OCR_DPI = 150, 300
WORK, OCR = WORK_DPI / 72, OCR_DPI / 72  # pixels per point
PRINT_REACH = 2  # pixels (at WORK_DPI) that the blank form's own lines are widened by before ink is counted
REVIEW_BELOW = 65  # OCR confidence (0–100) under which a person checks the field
OPTION_MATCH = 0.75  # how close (difflib ratio) a combo box's text read by OCR must be to one of its labels
TEXT_INK = 25  # pixels of new ink in a field that make it filled in
MARK_INK = 20  # pixels of new ink beside a ring that make a mark
MARK_SHARE = 0.1  # a mark beside a much stronger one (a circle's edge spilling over) is not a second mark
BLANK_PAGE_INK = 0.002  # share of dark pixels below which a page without a code is blank
SIGNATURE_INK = 60  # pixels of new ink that make a signature
SIGNED_ON_PAPER = said("signature.on_paper")
BORDER_BAND = 2.5  # points along a field's top and bottom edges where ink is a border's, not text

Rect = tuple[float, float, float, float]


@dataclass
class Reading:
    field_id: str
    value: str
    confidence: float  # 0–100
    review: bool = False  # a person must look at it
    image: bytes = b""  # the field as scanned (PNG), for the review page
    problem: str = ""


@dataclass
class ScannedPage:
    source: str  # "file, page N"
    page_id: PageId
    readings: list[Reading] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ink: dict[str, bool] = field(default_factory=dict)  # signature and stamp areas: signed, stamped?


@dataclass
class ScanResult:
    pages: list[ScannedPage] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, problem)
    damaged: list[tuple[str, FormgenError]] = field(default_factory=list)  # pages no reader could draw or read


def top_down(rect: Rect) -> Rect:
    """A PDF rectangle (y up) as points from the page's top left corner (y down)."""
    x0, y0, x1, y1 = rect
    return x0, PAGE_HEIGHT - y1, x1, PAGE_HEIGHT - y0


# ---- what the printed pages look like --------------------------------------------------------------

@dataclass
class LayoutPage:
    document: Document
    number: int  # 1-based
    widgets: list[Widget]
    blank_pdf: bytes
    ink_areas: list[InkArea] = field(default_factory=list)

    @cached_property
    def fingerprint(self) -> str:
        return page_fingerprint(self.widgets)

    @cached_property
    def printed(self) -> np.ndarray:
        """Where the blank page has ink, at WORK_DPI, widened for what alignment leaves."""
        from .align import printed_mask
        from .pages import render_pdf_page

        return printed_mask(render_pdf_page(self.blank_pdf, self.number - 1, WORK_DPI), PRINT_REACH)

    def fields(self) -> Iterator[tuple[Field, list[Widget]]]:
        by_id = {f.id: f for f in self.document.fields()}
        groups: dict[str, list[Widget]] = {}
        for widget in self.widgets:
            groups.setdefault(widget.field_id, []).append(widget)
        for field_id, widgets in groups.items():
            yield by_id[field_id], widgets


class Layouts:
    """Every form edition's pages, made once per run from the same definitions as the forms."""

    def __init__(self, documents: Iterable[Document], call_id: str) -> None:
        self.documents = {(d.form_id, d.lang): d for d in documents}
        self.call_id = call_id
        self._pages: dict[tuple[str, str], list[LayoutPage]] = {}

    def pages(self, form: str, edition: str) -> list[LayoutPage]:
        key = (form, edition)
        if key not in self._pages:
            document = self.documents[key]
            import io

            out = io.BytesIO()
            render_pdf(document, out)
            areas = page_ink_areas(document)
            self._pages[key] = [LayoutPage(document, n, widgets, out.getvalue(), areas[n - 1] if n <= len(areas) else [])
                                for n, widgets in enumerate(page_widgets(document), 1)]
        return self._pages[key]


# ---- reading a file --------------------------------------------------------------------------------

def read_scan(path: Path, drawn_as: str, layouts: Layouts) -> ScanResult:
    """Every page of a scan file read, or reported: a page that no reader can draw or read is one
    problem (in `damaged`), and the pages after it are still read. `drawn_as`: "pdf" (its pages drawn
    by PDFium) or "image" (PNG, JPEG, TIFF… by Pillow), as the file's kind says (formats/registry.py)."""
    from .pages import DRAWN

    result = ScanResult()
    pages = DRAWN[drawn_as](path)
    for number, draw in enumerate(pages, 1):
        where = f"{path}, page {number}"
        try:
            image = draw()
        except Exception as exc:  # noqa: BLE001 (PDFium or Pillow cannot draw it; or a bug, named as one)
            result.damaged.append((where, exc if isinstance(exc, FormgenError) else unforeseen(path, exc)))
            continue
        try:
            result.pages.append(read_page(image, where, layouts))
        except FormgenError as exc:  # not a page of the forms
            result.problems.append((where, said("problem.not_a_page", detail=problem_text(exc))))
        except Exception as exc:  # noqa: BLE001 (OpenCV, zxing or tesseract on a page they cannot take, or a bug)
            result.damaged.append((where, unforeseen(path, exc)))
    return result


def read_page(image: np.ndarray, where: str, layouts: Layouts) -> ScannedPage:
    from .codes import find_codes

    codes = [(code, parse(code.text)) for code in find_codes(image)]
    ours = [(code, page_id) for code, page_id in codes if page_id]
    if not ours:
        if codes:
            raise FormgenError(where, "", "its QR code was not printed by formgen", "is it a page of the forms?")
        if _ink_share(image) < BLANK_PAGE_INK:
            raise FormgenError(where, "", "a blank page")
        raise FormgenError(where, "", "no formgen page code found: a page of another document, or a damaged code",
                           "scan the page again, whole, or key it in")
    code, page_id = ours[0]
    layout = _layout_page(page_id, where, layouts)
    page = ScannedPage(where, page_id)
    from .align import align, ink_mask, ink_threshold, warp

    code_rect = top_down(qr_rect())
    marks = [top_down(rect) for rect in mark_rects(PAGE_WIDTH, PAGE_HEIGHT)]
    alignment = align(image, code.corners, code_rect, marks)
    if alignment.marks_found < 3:
        page.problems.append(said("problem.scan_marks", found=alignment.marks_found))
    printed = layout.printed
    sheet = warp(image, alignment.matrix, (0, 0, PAGE_WIDTH, PAGE_HEIGHT), WORK, printed.shape[::-1])
    threshold = ink_threshold(sheet)
    new_ink = ink_mask(sheet, threshold) & ~printed
    reader = FieldReader(image, alignment.matrix, new_ink, threshold, layout.document)
    for form_field, widgets in layout.fields():
        reading = reader.read(form_field, widgets)
        if alignment.marks_found < 3 and reading.value and not reading.review:  # placed by the code alone:
            reading.review, reading.image = True, reader.picture(top_down(widgets[0].rect))  # a person checks it
        page.readings.append(reading)
        if reading.problem:
            page.problems.append(reading.problem)
    fields = [top_down(w.rect) for w in layout.widgets]
    for area in layout.ink_areas:  # typed answers and the other areas' ink are not this one's
        others = [top_down(a.rect) for a in layout.ink_areas if a.name != area.name]
        inked = reader.ink(top_down(area.rect), leave_out=fields + others) >= SIGNATURE_INK
        page.ink[area.name] = page.ink.get(area.name, False) or inked
    return page


def _layout_page(page_id: PageId, where: str, layouts: Layouts) -> LayoutPage:
    if page_id.call != layouts.call_id:
        raise FormgenError(where, "", f"a page of call {page_id.call}, not of call {layouts.call_id}",
                           f"collect it with --call for {page_id.call}")
    if not page_id.page:
        raise FormgenError(where, "", f"a printed Word document ({page_id.form}): its fields cannot be "
                           "located on paper", "key it in, or ask for the PDF form")
    if (page_id.form, page_id.edition) not in layouts.documents:
        raise FormgenError(where, "", f"form '{page_id.form}' in edition '{page_id.edition}' is not one of "
                           "this call's forms", "collect it with the forms it was made from")
    pages = layouts.pages(page_id.form, page_id.edition)
    if page_id.pages != len(pages) or page_id.fingerprint != pages[page_id.page - 1].fingerprint:
        raise FormgenError(where, "", f"page {page_id.page}/{page_id.pages} of {page_id.form} was laid out "
                           "differently from this version's form", "collect it with the formgen version that made it")
    return pages[page_id.page - 1]


def _ink_share(image: np.ndarray) -> float:
    from .align import ink_threshold

    return float((image < ink_threshold(image)).mean())


# ---- reading fields ------------------------------------------------------------------------------------

class FieldReader:
    def __init__(self, image: np.ndarray, matrix: np.ndarray, new_ink: np.ndarray, threshold: float,
                 document: Document) -> None:
        self.image, self.matrix, self.new_ink, self.threshold = image, matrix, new_ink, threshold
        self.document = document  # the page's: its languages say which OCR model reads each field

    def ink(self, rect: Rect, leave_out: list[Rect] = ()) -> int:
        """New ink in `rect`, without what lies in the `leave_out` rectangles (typed answers)."""
        x0, y0, x1, y1 = (max(0, round(v * WORK)) for v in rect)
        window = self.new_ink[y0:y1, x0:x1].copy()
        for other in leave_out:
            a0, b0, a1, b1 = (max(0, round(v * WORK)) for v in other)
            window[max(0, b0 - y0):max(0, b1 - y0), max(0, a0 - x0):max(0, a1 - x0)] = False
        return int(window.sum())

    def crop(self, rect: Rect, scale: float = OCR) -> np.ndarray:
        from .align import warp

        return warp(self.image, self.matrix, rect, scale)

    def read(self, form_field: Field, widgets: list[Widget]) -> Reading:
        control = widgets[0].control
        if control == "buttons":
            return self.read_marks(form_field, widgets)
        if control in ("check", "signature"):
            return self.read_ink(form_field, top_down(widgets[0].rect), control)
        reading = self.read_text(form_field, top_down(widgets[0].rect))
        if control == "combo" and reading.value:
            return self.matched_option(reading, widgets[0])
        return reading

    def matched_option(self, reading: Reading, widget: Widget) -> Reading:
        """A list's label as read: the option it clearly is, else a person matches it."""
        labels = {label.casefold(): value for value, label in widget.options}
        close = difflib.get_close_matches(reading.value.casefold(), list(labels), n=1, cutoff=OPTION_MATCH)
        if close and not reading.review:
            return Reading(reading.field_id, labels[close[0]], reading.confidence)
        reading.review, reading.image = True, reading.image or self.picture(top_down(widget.rect))
        return reading

    def read_ink(self, form_field: Field, rect: Rect, control: str) -> Reading:
        """A check box is ticked when it holds ink; a signature field, signed on paper, reads as its ink."""
        inner = (rect[0] + 1.5, rect[1] + 1.5, rect[2] - 1.5, rect[3] - 1.5)
        inked = self.ink(inner) >= (MARK_INK if control == "check" else SIGNATURE_INK)
        return Reading(form_field.id, (YES if control == "check" else SIGNED_ON_PAPER) if inked else "", 100.0)

    def read_marks(self, form_field: Field, widgets: list[Widget]) -> Reading:
        """Ink beside each ring: in the ring, on its number or around either."""
        regions = [(w.choice, self.ring_region(top_down(w.rect))) for w in widgets]
        inks = {choice: self.ink(region) for choice, region in regions}
        strongest = max(inks.values(), default=0)
        marked = [c for c, ink in inks.items() if ink >= MARK_INK and ink >= MARK_SHARE * strongest]
        whole = (regions[0][1][0], regions[0][1][1], regions[-1][1][2], regions[-1][1][3])
        if len(marked) == 1:
            return Reading(form_field.id, marked[0], 100.0)
        if not marked:
            return Reading(form_field.id, "", 100.0)
        return Reading(form_field.id, "", 0.0, True, self.picture(whole),
                       said("problem.several_marks", field=form_field.id, count=len(marked), marks=", ".join(marked)))

    @staticmethod
    def ring_region(ring: Rect) -> Rect:
        x0, y0, x1, y1 = ring
        return x0 - 4, y0 - 5, x1 + 12, y1 + 5

    def read_text(self, form_field: Field, rect: Rect) -> Reading:
        from .align import for_ocr
        from .ocr import read_text

        inner = (rect[0] + 2, rect[1] + 1, rect[2] - 2, rect[3] - 1)
        if self.ink(inner) < TEXT_INK:
            return Reading(form_field.id, "", 100.0)
        area = (rect[0], rect[1] - 2, rect[2], rect[3] + 1)
        image = for_ocr(self.crop(area), self.threshold, round(BORDER_BAND * OCR))

        model = next(language.ocr for language in self.document.languages if language.code == form_field.lang)
        text, confidence = read_text(image, model, form_field.kind, form_field.lines)
        text = clean(text)
        review = confidence < REVIEW_BELOW or not text or not plausible(text, form_field.kind)
        return Reading(form_field.id, "" if review and not text else text, confidence, review,
                       self.picture(area) if review else b"")

    def picture(self, rect: Rect) -> bytes:
        from .align import to_png

        return to_png(self.crop(rect, WORK * 1.5))


def clean(text: str) -> str:
    """One line: a box's lines are where its text wrapped, and come back joined by spaces."""
    return " ".join(text.split())


def plausible(text: str, kind: str) -> bool:
    if kind == "date":
        return re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text) is not None
    if kind == "number":
        return re.fullmatch(r"-?[\d ]+(?:[.,]\d+)?", text) is not None
    return True


def page_problems(pages: list[tuple[str, PageId]]) -> list[tuple[str, str]]:
    """Among one application's scanned pages: a form's missing pages, and pages seen twice."""
    seen: dict[tuple[str, str, int], dict[int, list[str]]] = {}
    for source, page_id in pages:
        form = (page_id.form, page_id.edition, page_id.pages)
        seen.setdefault(form, {}).setdefault(page_id.page, []).append(source)
    problems = []
    for (form, edition, count), numbers in seen.items():
        for number, sources in sorted(numbers.items()):
            problems += [(again, said("problem.page_twice", form=form, edition=edition, page=number, file=sources[0]))
                         for again in sources[1:]]
        missing = [str(n) for n in range(1, count + 1) if n not in numbers]
        if missing:
            first = next(iter(numbers.values()))[0]
            problems.append((first, said("problem.pages_missing", form=form, edition=edition, pages=", ".join(missing),
                                         count=count)))
    return problems
