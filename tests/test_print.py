"""The printed page, measured from where PDFium finds its text (character boxes, grouped by the
text object each was drawn in): no word gap over twice a space, no two lines touching, a hint
clear of the line under it, rings clear of the words before them, no text on or under the page's
code, no page ending on a heading. For every form and edition the definitions have, and for a form staff might write; the
DOCX's code and footer as LibreOffice Writer lays them out."""
from __future__ import annotations

import ctypes
import io
import shutil
import subprocess
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from conftest import require
from generator import DEFAULT_CALL
from generator.formats.pdf.layout import BOTTOM, HINT_SIZE
from generator.model.page_id import QR_QUIET
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.sources.definitions import load_forms
from generator.sources.project import BUILTIN
from tiny import tiny_document, tiny_form

EDITIONS = BUILTIN.languages.edition_ids
CASES = [(form, edition) for edition in EDITIONS for form in load_forms(BUILTIN.forms_dir)]
MAX_GAP = 2.0  # a gap between two words, in the spaces of their line
TOUCH = 1.0  # points between the ink of two lines, at least
HINT_CLEAR = 3.5  # points between a hint and the words under it: it reads as its blank's, not theirs
RING_LEAD = 5.0  # points between a ring and the word before it (its label follows it)
RING_LABEL = 1.5  # points between a ring and its label


@dataclass
class Run:
    """The characters one text object draws: (char, ink box, advance box) each, the type's size
    and font."""

    chars: list[tuple[str, tuple[float, ...], tuple[float, ...]]]
    size: float
    font: str

    @property
    def box(self) -> tuple[float, float, float, float]:
        inked = [ink for char, ink, _ in self.chars if char.strip()]
        return (min(b[0] for b in inked), min(b[1] for b in inked), max(b[2] for b in inked),
                max(b[3] for b in inked))

    @property
    def text(self) -> str:
        return "".join(char for char, _, _ in self.chars)


def runs(page: pdfium.PdfPage) -> list[Run]:
    text_page = page.get_textpage()
    found: dict[int, Run] = {}
    for index in range(text_page.count_chars()):
        char = text_page.get_text_range(index, 1)
        if pdfium_c.FPDFText_IsGenerated(text_page, index) or char in "\r\n":
            continue
        loose = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(text_page, index, loose)
        key = ctypes.cast(pdfium_c.FPDFText_GetTextObject(text_page, index), ctypes.c_void_p).value
        if key not in found:
            font = ctypes.create_string_buffer(128)
            pdfium_c.FPDFText_GetFontInfo(text_page, index, font, len(font), None)
            found[key] = Run([], pdfium_c.FPDFText_GetFontSize(text_page, index), font.value.decode())
        run = found[key]
        run.chars.append((char, text_page.get_charbox(index), (loose.left, loose.bottom, loose.right, loose.top)))
    return [run for run in found.values() if run.text.strip()]


def wide_gaps(run: Run) -> list[str]:
    """Gaps between the words of a run wider than MAX_GAP of its spaces."""
    words, word, space = [], [], 0.0
    for char, _, advance in run.chars:
        if char == " ":
            words, word, space = words + [word] if word else words, [], advance[2] - advance[0]
        else:
            word.append((char, advance))
    words += [word] if word else []
    wide = []
    for before, after in zip(words, words[1:]):
        gap = after[0][1][0] - before[-1][1][2]
        if space and gap > MAX_GAP * space:
            wide.append(f"{gap / space:.1f} spaces between «{''.join(c for c, _ in before)}» and "
                        f"«{''.join(c for c, _ in after)}»")
    return wide


def across(a: tuple[float, ...], b: tuple[float, ...], by: float = 0.3) -> bool:
    """The two boxes overlap in x by more than `by` points."""
    return min(a[2], b[2]) - max(a[0], b[0]) > by


def is_hint(run: Run) -> bool:
    return run.size <= HINT_SIZE + 0.01 and run.box[1] > BOTTOM  # not the footer


def touching(page_runs: list[Run]) -> list[str]:
    """Ink of two text objects closer than TOUCH above each other; a hint closer than HINT_CLEAR
    to the words under it."""
    found = []
    for number, run in enumerate(page_runs):
        for other in page_runs[number + 1:]:
            for _, ink, _ in run.chars:
                close = [o for _, o, _ in other.chars if across(ink, o) and max(o[1] - ink[3], ink[1] - o[3]) < TOUCH]
                if close:
                    found.append(f"«{run.text.strip()}» touches «{other.text.strip()}»")
                    break
        if is_hint(run):
            hint = run.box
            under = [ink[3] for other in page_runs if other is not run for char, ink, _ in other.chars
                     if char.strip() and across(hint, ink) and ink[3] <= hint[1] + 0.5]
            if under and hint[1] - max(under) < HINT_CLEAR:
                found.append(f"the hint «{run.text}» is {hint[1] - max(under):.1f} pt over the words under it")
    return found


def buttons(data: bytes) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Per page: each round or square button (field name, rect) a person ticks on paper."""
    pages = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            found = []
            for annotation in page.obj.get("/Annots", []):
                field = annotation.get("/Parent", annotation)
                if field.get("/FT") == "/Btn":
                    found.append((str(field.T), tuple(float(v) for v in annotation.Rect)))
            pages.append(found)
    return pages


def crowded_rings(page_runs: list[Run], rings: list[tuple[str, tuple[float, ...]]]) -> list[str]:
    """Words nearer a ring than RING_LEAD before it or RING_LABEL after it; a hint under a row of
    rings that does not start under the first."""
    found = []
    for name, ring in rings:
        for run in page_runs:
            for char, ink, _ in run.chars:
                level = min(ink[3], ring[3]) - max(ink[1], ring[1]) > 0
                if char.strip() and level and (0 <= ring[0] - ink[2] < RING_LEAD or 0 <= ink[0] - ring[2] < RING_LABEL):
                    found.append(f"«{char}» of «{run.text.strip()}» is beside a ring of {name}")
    for name in {name for name, _ in rings}:
        first = min((rect for n, rect in rings if n == name), key=lambda rect: (-rect[1], rect[0]))
        row = [rect for n, rect in rings if n == name and abs(rect[1] - first[1]) < 1]
        hints = [run.box for run in page_runs if is_hint(run) and run.box[3] < first[1]
                 and first[1] - run.box[3] < 12 and across(run.box, (first[0], 0, max(r[2] for r in row), 0))]
        for hint in hints:
            if abs(hint[0] - first[0]) > 2:
                found.append(f"the hint under the rings of {name} starts {hint[0] - first[0]:+.1f} pt from the first")
    return found


def under_code(page: pdfium.PdfPage, page_runs: list[Run], quiet: float) -> list[str]:
    """Text on the page's code (an image) with `quiet` points around it, or under it."""
    found = []
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        for run in page_runs:
            for char, ink, _ in run.chars:
                if char.strip() and ink[2] > left - quiet and ink[0] < right + quiet and ink[1] < top + quiet:
                    found.append(f"«{run.text.strip()}» on or under the page's code")
                    break
    return found


def ends_on_a_heading(page_runs: list[Run]) -> list[str]:
    """A page (not the last) whose lowest words are bold: a heading or title parted from its text."""
    text = [run for run in page_runs if run.box[1] > BOTTOM - 1]  # not the footer or the page number
    lowest = min(text, key=lambda run: run.box[1], default=None)
    return [f"it ends on «{lowest.text.strip()}»"] if lowest and "Bold" in lowest.font else []


def problems(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    found = []
    for number, rings in enumerate(buttons(data)):
        page = pdf[number]
        page_runs = runs(page)
        found += [f"page {number + 1}: {problem}" for problem in
                  [gap for run in page_runs for gap in wide_gaps(run)] + touching(page_runs)
                  + crowded_rings(page_runs, rings) + under_code(page, page_runs, QR_QUIET)
                  + (ends_on_a_heading(page_runs) if number + 1 < len(pdf) else [])]
    return found


@pytest.fixture(scope="module")
def documents():
    return {(d.form_id, d.lang): d for d in localized_documents(load_call(DEFAULT_CALL), EDITIONS)}


@pytest.mark.parametrize("case", CASES, ids=["-".join(case) for case in CASES])
def test_printed_page_keeps_its_gaps(case, documents):
    assert problems(render_bytes(documents[case], "pdf")) == []


STAFF_FORM = """\
    id: tiny
    title: t.title
    bilingual: columns
    blocks:
      - {p: t.intro}
      - p: t.sentence
        fields:
          village: {kind: text, hint: t.village.hint}
      - p: t.rating
        style: answer
        fields:
          score: {kind: rating, hint: t.rating.hint}
      - signatures:
          - {p: t.sign}
      - p: t.date
        style: plain
        fields:
          signed_on: {kind: date, hint: t.date.hint}
"""
LONG_KY = ("Муниципалитеттердин жергиликтүү өз алдынча башкаруу органдарынын ачык-айкындуулугун "
           "жогорулатуу жана жергиликтүү бюджеттин каражаттарын башкаруунун натыйжалуулугун ") * 2
LONG_RU = ("Органы местного самоуправления муниципалитетов повышают прозрачность и эффективность "
           "управления средствами местного бюджета посредством обеспечения участия ") * 2
STAFF_MESSAGES = {
    "t.title": ("Заявка", "Арыз"), "t.intro": (LONG_RU, LONG_KY),
    "t.sentence": ("Руководство {village} " + LONG_RU, "{village} " + LONG_KY),
    "t.village.hint": ("название айылного аймака или города и его местоположение",
                       "айыл аймагынын же шаардын аталышы жана жайгашкан жери"),
    "t.rating": ("Оценка: {score}", "Баа: {score}"), "t.rating.hint": ("выберите от 1 до 5", "1ден 5ке чейин тандаңыз"),
    "t.sign": ("Глава", "Башчы"), "t.date": ("Дата {signed_on}", "Күнү {signed_on}"),
    "t.date.hint": ("ДД.ММ.ГГГГ", "КК.АА.ЖЖЖЖ"),
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_form_staff_write_is_held_to_the_same_gaps(edition, tmp_path):
    """Long words in narrow columns, a hint inside a sentence, a rating: what a programme officer's
    new form may hold, whatever its words."""
    form = tiny_form(tmp_path, STAFF_FORM)
    assert problems(render_bytes(tiny_document(form, STAFF_MESSAGES, edition), "pdf")) == []


SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def writer_pdfs(documents, tmp_path_factory):
    """Every DOCX as LibreOffice Writer lays it out and prints it."""
    require(SOFFICE, "LibreOffice", "apt-get install libreoffice-writer")
    folder = tmp_path_factory.mktemp("writer")
    for (form, edition), document in documents.items():
        (folder / f"{edition}-{form}.docx").write_bytes(render_bytes(document, "docx"))
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *sorted(str(p) for p in folder.glob("*.docx"))],
                   check=True, capture_output=True, timeout=300)
    return {case: (folder / f"{case[1]}-{case[0]}.pdf").read_bytes() for case in documents}


@pytest.mark.parametrize("case", CASES, ids=["-".join(case) for case in CASES])
def test_no_footer_under_the_code_of_a_docx_as_writer_prints_it(case, writer_pdfs):
    pdf = pdfium.PdfDocument(writer_pdfs[case])
    assert len(pdf) >= 1
    found = []
    for number in range(len(pdf)):
        page = pdf[number]
        assert len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))) == 1, "the page's code is on it"
        found += [f"page {number + 1}: {p}" for p in under_code(page, runs(page), 0.0)]  # the picture holds its quiet zone
    assert found == []
