"""Every PDF of a build, checked where viewers other than PDFium found faults: streams MuPDF can
decompress, text fields tall enough for the font Okular edits them in, radio widgets exactly on their
printed rings."""
from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
import pymupdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.project import BUILTIN
EDITIONS = BUILTIN.languages.edition_ids
from generator.sources.call import load_call
from generator.cli import app
from generator.commands.collect import Forms, read_returned
from generator.sources.definitions import load_forms
from generator.formats.pdf.fonts import face

FIELD_PADDING = 2.0  # a viewer's inset above and below a field's text (border and padding)
PREFILLED = {"text": "Ң ү, ө — Жаңы-Жол, № 17", "number": "12", "date": "01.02.2025",
             "multiline": "Биринчи сап, Үч\nЭкинчи сап: ң, ө", "rating": "3"}


@pytest.fixture(scope="module")
def build_pdfs(tmp_path_factory) -> dict[str, bytes]:
    """Every PDF of the default build (all forms, all editions), and each form prefilled in Kyrgyz."""
    out = tmp_path_factory.mktemp("build")
    result = CliRunner().invoke(app, ["build", "--out", str(out), "--no-site", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdfs = {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.glob("*/*/*.pdf"))}
    for document in localized_documents(load_call(DEFAULT_CALL), ("ky",)):
        values = {field.id: PREFILLED[field.kind] for field in document.fields() if field.kind in PREFILLED}
        pdfs[f"prefilled {document.form_id}"] = render_bytes(document, "pdf", values)
    return pdfs


def test_every_stream_decompresses(build_pdfs):
    assert len(build_pdfs) == len(load_forms()) * (len(EDITIONS) + 1)
    for name, data in build_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Stream):
                    continue
                filters = obj.get("/Filter")
                filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
                assert [str(f) for f in filters] in ([], ["/FlateDecode"]), f"{name}: {filters}"
                if filters:
                    inflate = zlib.decompressobj()
                    inflate.decompress(obj.read_raw_bytes())
                    assert inflate.eof, f"{name}: object {obj.objgen} is not complete Flate data"


def font_box_per_point() -> float:
    """PT Sans's full height, ascent plus descent, per point of type: the largest of its metrics."""
    font = TTFont(io.BytesIO(face("sans").data))
    hhea, os2 = font["hhea"], font["OS/2"]
    ascent = max(hhea.ascent, os2.sTypoAscender, os2.usWinAscent)
    descent = max(-hhea.descent, -os2.sTypoDescender, os2.usWinDescent)
    return (ascent + descent) / font["head"].unitsPerEm


def text_widgets(pdf: pikepdf.Pdf):
    default = str(pdf.Root.AcroForm.get("/DA", ""))
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            field = annotation.get("/Parent", annotation)
            if field.get("/FT") == "/Tx":
                yield str(field.T), str(annotation.get("/DA", field.get("/DA", default))), annotation.Rect


def test_text_fields_have_room_for_the_fonts_ascent_and_descent(build_pdfs):
    per_point = font_box_per_point()
    assert per_point > 1.2  # PT Sans: 1.294 em
    for name, data in build_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for field_id, da, rect in text_widgets(pdf):
                operands = da.split()
                size = float(operands[operands.index("Tf") - 1])
                assert size >= 8, f"{name}: {field_id} types in {size} pt"
                height = float(rect[3]) - float(rect[1])
                needed = size * per_point + 2 * FIELD_PADDING
                assert height >= needed - 0.01, f"{name}: {field_id} is {height:.2f} pt high, needs {needed:.2f}"


SCALE = 5  # pixels per point


def ring_box(image, rect, page_height: float, around: float = 1.5) -> tuple[float, ...] | None:
    """The bounding box, in points, of what is printed around a widget's rectangle."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    left, top = x0 - around, page_height - y1 - around
    crop = image.convert("L").crop((round(left * SCALE), round(top * SCALE),
                                    round((x1 + around) * SCALE), round((page_height - y0 + around) * SCALE)))
    box = crop.point(lambda v: 255 if v < 160 else 0).getbbox()
    if box is None:
        return None
    return (left + box[0] / SCALE, page_height - top - box[3] / SCALE,
            left + box[2] / SCALE, page_height - top - box[1] / SCALE)


def test_radio_widgets_coincide_with_their_printed_rings(build_pdfs):
    checked = 0
    for name, data in build_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            radios = [(number, annotation.Rect) for number, page in enumerate(pdf.pages)
                      for annotation in page.obj.get("/Annots", [])
                      if int(annotation.get("/Parent", annotation).get("/Ff", 0)) & (1 << 15)]  # radio
        document, images = pdfium.PdfDocument(data), {}
        for number, rect in radios:
            page = document[number]
            if number not in images:  # the page as printed without its form: only the page's own content
                images[number] = page.render(scale=SCALE, may_draw_forms=False, draw_annots=False).to_pil()
            ring = ring_box(images[number], rect, page.get_height())
            assert ring, f"{name}: no ring printed under the radio button at {list(rect)}"
            x0, y0, x1, y1 = (float(v) for v in rect)
            # the ring's outer edge is the widget's edge (plus a pixel of anti-aliasing)
            assert abs((ring[0] + ring[2]) / 2 - (x0 + x1) / 2) < 0.3, f"{name}: ring off centre"
            assert abs((ring[1] + ring[3]) / 2 - (y0 + y1) / 2) < 0.3, f"{name}: ring off centre"
            assert abs((ring[2] - ring[0]) - (x1 - x0)) < 1.0, f"{name}: ring {ring} ≠ widget {list(rect)}"
            assert abs((ring[3] - ring[1]) - (y1 - y0)) < 1.0, f"{name}: ring {ring} ≠ widget {list(rect)}"
            checked += 1
    assert checked


# ---- MuPDF (PyMuPDF, mutool, Sumatra, zathura-mupdf) ------------------------------------------------

def test_mupdf_opens_every_pdf_without_a_warning(build_pdfs):
    pymupdf.TOOLS.mupdf_warnings()  # forget earlier ones
    for name, data in build_pdfs.items():
        with pymupdf.open(stream=data, filetype="pdf") as pdf:
            for page in pdf:
                for widget in page.widgets():
                    assert widget.field_name
                page.get_pixmap(dpi=30)
        assert pymupdf.TOOLS.mupdf_warnings() == "", name


def mupdf_fill(data: bytes, values: dict[str, str]) -> bytes:
    """Fill and save through MuPDF's widget API, as its viewers do."""
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        for page in pdf:
            for widget in page.widgets():
                value = values.get(widget.field_name)
                if value is None:
                    continue
                if widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON:
                    if widget.on_state() != value:
                        continue
                    widget.field_value = True
                else:
                    widget.field_value = value
                widget.update()
        return pdf.tobytes()


@pytest.mark.parametrize("lang", ["ky", "ru+ky"])
def test_collect_reads_a_form_filled_and_saved_by_mupdf_exactly(lang, call, tmp_path):
    forms = Forms(call)
    document = next(d for d in forms.documents if d.form_id == "annex2" and d.lang == lang)
    values = {}
    for number, field in enumerate(document.fields()):
        if field.kind == "rating":
            values[field.id] = field.choices[number % len(field.choices)]
        elif field.kind == "multiline":
            values[field.id] = f"Ң ң Ө ө Ү ү «{number}»\nэкинчи сап — № {number}"
        else:
            values[field.id] = f"Жаңы-Жол {number}, Ү ө ң"
    saved = tmp_path / "mupdf.pdf"
    saved.write_bytes(mupdf_fill(render_bytes(document, "pdf"), values))
    (returned,), problems = read_returned(saved, forms)
    assert returned.form == "annex2" and problems == []
    assert returned.values == values
