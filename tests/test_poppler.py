"""poppler (Evince, Okular, pdftoppm) draws prefilled and PDFium-typed Kyrgyz from the form's own font."""
import io
import shutil
import subprocess

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from conftest import require
from generator.pipeline import render_bytes
from test_pdf import KYRGYZ_LETTERS, SCALE, ink, type_text, widgets

PDFTOPPM = shutil.which("pdftoppm")


def poppler_page(data: bytes, page: int, tmp_path) -> Image.Image:
    source = tmp_path / "form.pdf"
    source.write_bytes(data)
    subprocess.run([PDFTOPPM, "-r", str(72 * SCALE), "-f", str(page + 1), "-l", str(page + 1), "-png",
                    str(source), str(tmp_path / "page")], check=True, timeout=60)
    return Image.open(next(tmp_path.glob("page*.png")))


@pytest.fixture(scope="module", autouse=True)
def poppler():
    require(PDFTOPPM, "poppler", "apt-get install poppler-utils")


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_poppler_draws_a_prefilled_kyrgyz_value(documents, lang, tmp_path):
    data = render_bytes(documents[("interest_letter", lang)], "pdf", {"sender_head": KYRGYZ_LETTERS})
    places = widgets(data)
    image = poppler_page(data, 0, tmp_path)
    assert ink(image, places["sender_head"][0][1], 842) > 30
    assert ink(image, places["municipality"][0][1], 842) == 0  # an empty field stays empty


def test_poppler_draws_what_a_user_typed_in_pdfium(documents, tmp_path):
    data = render_bytes(documents[("annex2", "ky")], "pdf")
    (page, rect, _), = widgets(data)["aa_name"]
    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    type_text(pdf, pdf[page], rect, KYRGYZ_LETTERS)
    pdfium_c.FORM_ForceToKillFocus(pdf.formenv.raw)
    saved = io.BytesIO()
    pdf.save(saved)
    assert ink(poppler_page(saved.getvalue(), page, tmp_path), rect, 842) > 30
