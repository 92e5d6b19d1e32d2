"""pdf.js (Firefox's engine) fills and saves a formgen PDF; the values and their Kyrgyz letters survive."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import require
from generator.pipeline import render_bytes
from generator.commands.collect import read_returned, Forms
from generator.formats.pdf.read import read_pdf_values
from test_pdf import KYRGYZ_LETTERS, flattened, ink, widgets

PDFJS = Path(__file__).parent / "pdfjs"
READY = shutil.which("node") and (PDFJS / "node_modules" / "pdfjs-dist").is_dir()


@pytest.fixture(scope="module")
def node():
    require(READY, "pdf.js", "npm install --prefix tests/pdfjs")
    return shutil.which("node")


def fill_with_pdfjs(node: str, source: Path, target: Path, values: dict[str, str]) -> None:
    subprocess.run([node, str(PDFJS / "fill.mjs"), str(source), str(target), json.dumps(values, ensure_ascii=False)],
                   check=True, capture_output=True, timeout=60)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_pdfjs_fills_and_saves(node, documents, call, lang, tmp_path):
    document = documents[("annex2", lang)]
    source = tmp_path / "annex2.pdf"
    source.write_bytes(render_bytes(document, "pdf"))
    values = {"aa_name": KYRGYZ_LETTERS, "postal_address": "Көчө «Жаңы», № 1 — ок\nүй 2 & <б>",
              "activity_rating": "4", "donors_3_donor": "GIZ Ү"}
    saved = tmp_path / "saved.pdf"
    fill_with_pdfjs(node, source, saved, values)
    assert {k: v for k, v in read_pdf_values(saved).items() if v} == values
    data = saved.read_bytes()
    (page, rect, _), = widgets(data)["aa_name"]
    image = flattened(data)[page].render(scale=2).to_pil()
    assert ink(image, rect, 842) > 30  # pdf.js drew Ң ң Ө ө Ү ү with the form's embedded font
    (returned,), problems = read_returned(saved, Forms(call))
    assert problems == [] and returned.form == "annex2" and returned.values["aa_name"] == KYRGYZ_LETTERS
