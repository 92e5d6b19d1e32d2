"""What a scan is read by lies where every printer prints: the page code with its quiet zone of 4
modules, and each registration mark with the white around it, at least 10 mm from every edge of
the sheet, and no other ink there (no footer line under or over the code); nothing at all is
printed in the outer 10 mm. Measured on renderings, as a printer gets the page, for every form and
edition of the definitions: the PDF as formgen writes it, the DOCX as LibreOffice lays it out, and
the letter on a letterhead of either kind (which may print anywhere else)."""
from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import docx
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from docx.shared import Mm

from cli_runner import CliRunner
from conftest import require
from generator.pipeline import localized_documents, render_bytes
from generator.cli import app
from generator.sources.definitions import load_forms
from generator.model.page_id import MARK_QUIET, MARK_SIZE, MM, SAFE_INSET, parse, qr_side
from test_letterhead import PIXEL

EDITIONS = ("ru", "ky", "ru+ky")
DPI = 150
PX = DPI / 25.4  # pixels a millimetre
INK = 160  # darker than this is ink
SAFE = SAFE_INSET / MM * PX - 1  # the outer band, less a pixel of rendering
LONG_ROW = "Кара-Суу шаарынын мэриясы жана Өзгөн районунун Жаңы-Жол айыл аймагы" * 2


def pages_of(pdf: bytes) -> list[np.ndarray]:
    """Every page as the printer gets it, greyscale (scan/pages.py draws a scan's pages the same way)."""
    from generator.scan.pages import render_page

    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    try:
        return [render_page(document[i], DPI) for i in range(len(document))]
    finally:
        document.close()


@dataclass
class Found:
    text: str
    box: tuple[int, int, int, int]  # pixels, x0 y0 x1 y1
    quiet: float  # pixels of white it needs around it


def the_code(image: np.ndarray) -> Found:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"{len(found)} page codes found"
    corners = found[0].position
    xs = [p.x for p in (corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left)]
    ys = [p.y for p in (corners.top_left, corners.top_right, corners.bottom_right, corners.bottom_left)]
    box = (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
    return Found(found[0].text, box, 4 * (box[2] - box[0]) / qr_side(found[0].text))


def the_marks(image: np.ndarray) -> list[Found]:
    """Solid squares of a mark's size."""
    count, _, stats, _ = cv2.connectedComponentsWithStats((image < INK).astype(np.uint8), connectivity=8)
    side = MARK_SIZE / MM * PX
    marks = []
    for x, y, w, h, area in stats[1:]:
        if 0.85 * side < w < 1.15 * side and 0.85 * side < h < 1.15 * side and area >= 0.9 * w * h:
            marks.append(Found("mark", (x, y, x + w, y + h), MARK_QUIET / MM * PX))
    return marks


def to_edges(image: np.ndarray, found: Found) -> float:
    """Millimetres from the white around `found` to the nearest edge of the sheet."""
    x0, y0, x1, y1 = found.box
    height, width = image.shape
    return (min(x0, y0, width - x1, height - y1) - found.quiet) / PX


def ink_around(image: np.ndarray, found: Found) -> int:
    """Ink in the white `found` needs around it (its own edge pixel, drawn half grey, left out)."""
    x0, y0, x1, y1 = found.box
    q = int(found.quiet)
    window = image[max(0, y0 - q):y1 + q, max(0, x0 - q):x1 + q] < INK
    inner = window.copy()
    inner[q - 1:q + (y1 - y0) + 1, q - 1:q + (x1 - x0) + 1] = False
    return int(inner.sum())


def outer_band_ink(image: np.ndarray) -> int:
    band = int(SAFE)
    dark = image < INK
    return int(dark[:band].sum() + dark[-band:].sum() + dark[:, :band].sum() + dark[:, -band:].sum())


def faults(image: np.ndarray, marks: bool = True, own_page: bool = True) -> list[str]:
    """What is wrong with a page: a code or mark within 10 mm of an edge, ink around one, ink in
    the outer band (`own_page`: not on a letterhead, which prints where it likes)."""
    found = [the_code(image)] + (the_marks(image) if marks else [])
    wrong = [f"{f.text}: {to_edges(image, f):.1f} mm from the edge with its white" for f in found
             if to_edges(image, f) < SAFE_INSET / MM - 1 / PX]
    wrong += [f"{f.text}: {ink_around(image, f)} pixels of ink in its white" for f in found if ink_around(image, f)]
    if marks and len(found) != 5:
        wrong.append(f"{len(found) - 1} registration marks, not 4")
    if own_page and outer_band_ink(image):
        wrong.append(f"{outer_band_ink(image)} pixels of ink in the outer 10 mm")
    return wrong


@pytest.fixture(scope="module")
def all_documents(call):
    """Every form of the definitions in every edition, and the shortest and longest code a page may carry."""
    documents = localized_documents(call, EDITIONS, list(load_forms()))
    letter = documents[0]
    return documents + [dataclasses.replace(letter, call_id="1", form_id="a"), dataclasses.replace(letter, row=LONG_ROW)]


def test_every_pdf_page_keeps_its_code_and_marks_where_printers_print(all_documents):
    wrong = []
    for document in all_documents:
        for number, image in enumerate(pages_of(render_bytes(document, "pdf", {})), 1):
            code = parse(the_code(image).text)
            assert (code.form, code.edition, code.page, code.row[:10]) == (
                document.form_id, document.lang, number, document.row[:10])
            wrong += [f"{document.form_id} {document.lang} page {number}: {fault}" for fault in faults(image)]
    assert not wrong, "\n".join(wrong)


def libreoffice_pdfs(files: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Each DOCX as LibreOffice lays it out and exports it (`soffice --convert-to pdf`), by name."""
    require(shutil.which("soffice"), "LibreOffice", "apt-get install libreoffice-writer")
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.docx").write_bytes(data)
    profile = (folder / "profile").as_uri()  # its own: another LibreOffice running does not get in the way
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *sorted(str(folder / f"{name}.docx") for name in files)],
                   check=True, capture_output=True, timeout=300)
    return {name: (folder / f"{name}.pdf").read_bytes() for name in files}


@pytest.fixture(scope="module")
def word_pages(all_documents, tmp_path_factory):
    documents = {f"{d.form_id}.{d.lang}.{n}": d for n, d in enumerate(all_documents)}
    exported = libreoffice_pdfs({name: render_bytes(d, "docx") for name, d in documents.items()},
                                tmp_path_factory.mktemp("word"))
    return [(documents[name], pages_of(pdf)) for name, pdf in exported.items()]


def test_every_docx_page_as_libreoffice_lays_it_out_keeps_its_code_where_printers_print(word_pages):
    wrong = []
    for document, pages in word_pages:
        for number, image in enumerate(pages, 1):
            code = parse(the_code(image).text)
            assert (code.form, code.edition, code.page) == (document.form_id, document.lang, 0)
            wrong += [f"{document.form_id} {document.lang} page {number}: {fault}"
                      for fault in faults(image, marks=False)]
    assert not wrong, "\n".join(wrong)


def test_every_docx_as_libreoffice_lays_it_out_keeps_its_page_budget(word_pages):
    budgets = {form.id: dict(form.pages) for form in load_forms().values()}
    for document, pages in word_pages:
        if document.form_id in budgets:
            assert len(pages) <= budgets[document.form_id][document.lang], (document.form_id, document.lang)


def letterheaded_forms() -> list[str]:
    return [form.id for form in load_forms().values() if form.letterhead]


def build_on(letterhead: Path, option: str, fmt: str, out: Path) -> dict[str, bytes]:
    """Every letterhead form in every edition built on `letterhead`, by name."""
    arguments = ["build", "--out", str(out), "--format", fmt, option, str(letterhead), "--no-site"]
    for form in letterheaded_forms():
        arguments += ["--form", form]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return {f"{path.parent.name}.{path.stem}": path.read_bytes() for path in sorted(out.glob(f"*/*/*.{fmt}"))}


def crowded_letterhead_docx(path: Path) -> Path:
    """A letterhead with a left margin too narrow for the code, a low footer of two long lines and a
    picture in it: what the code must not share its place with."""
    document = docx.Document()
    section = document.sections[0]
    section.left_margin, section.bottom_margin, section.footer_distance = Mm(20), Mm(12), Mm(6)
    section.header.paragraphs[0].text = "Кара-Суу айыл өкмөтү"
    section.footer.paragraphs[0].text = ("Дарек: Кара-Суу айылы, Ленин көчөсү 1, тел. 0312 000 000, факс 0312 000 001, "
                                         "e-mail: karasuu@example.kg, сайт karasuu.gov.kg")
    section.footer.add_paragraph().add_run().add_picture(io.BytesIO(PIXEL), width=Mm(5))
    document.add_paragraph("{{ letter }}")
    document.save(path)
    return path


def test_the_letter_in_a_letterhead_docx_keeps_its_code_clear_of_the_letterheads_footer(tmp_path):
    assert letterheaded_forms(), "the definitions have a form for letterheads"
    built = build_on(crowded_letterhead_docx(tmp_path / "letterhead.docx"), "--letterhead", "docx", tmp_path / "out")
    wrong = []
    for name, pdf in libreoffice_pdfs(built, tmp_path / "word").items():
        for number, image in enumerate(pages_of(pdf), 1):
            assert parse(the_code(image).text).form in letterheaded_forms()
            wrong += [f"{name} page {number}: {fault}" for fault in faults(image, marks=False, own_page=False)]
    assert not wrong, "\n".join(wrong)


def inked_letterhead_pdf(path: Path) -> Path:
    """A letterhead PDF with ink in every corner and along the bottom, where the marks and the code go."""
    stripes = b"".join(b"0 g 0 %d 595 6 re f " % y for y in range(0, 130, 10))
    corners = b"0 g 0 0 80 80 re f 515 0 80 80 re f 0 762 80 80 re f 515 762 80 80 re f "
    with pikepdf.new() as pdf:
        page = pdf.add_blank_page(page_size=(595.28, 841.89))
        page.obj.Contents = pdf.make_stream(stripes + corners)
        pdf.save(path, deterministic_id=True)
    return path


def test_the_letter_on_a_letterhead_pdf_keeps_its_code_and_marks_clear_of_the_letterheads_ink(tmp_path):
    built = build_on(inked_letterhead_pdf(tmp_path / "letterhead.pdf"), "--letterhead-pdf", "pdf", tmp_path / "out")
    wrong = []
    for name, pdf in built.items():
        first = pages_of(pdf)[0]
        assert outer_band_ink(first), "the letterhead's ink is there"
        assert parse(the_code(first).text).page == 1
        wrong += [f"{name} page 1: {fault}" for fault in faults(first, own_page=False)]
    assert not wrong, "\n".join(wrong)
