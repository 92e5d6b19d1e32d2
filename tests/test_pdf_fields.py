"""The quick PDF field reader: where it answers, it answers as qpdf does; what it does not follow
exactly goes to qpdf."""
import io
import re

import pikepdf
import pymupdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents
from generator.sources.call import load_call
from generator.formats.pdf import fields as pdf_fields
from generator.formats.pdf.fields import quick_fields
from generator.formats.pdf.read import qpdf_fields, read_pdf_fields
from test_fill_collect import type_into_pdf
from test_pdf import LONG, TYPED, TYPED_LINES, pick, prefill, render, type_text, widgets

DOCUMENTS = [d for d in localized_documents(load_call(DEFAULT_CALL), ["ru", "ky", "ru+ky"]) if list(d.fields())]
IDS = [f"{d.form_id}-{d.lang}" for d in DOCUMENTS]


def every_text_filled(document) -> dict[str, str]:
    values = prefill(document)
    texts = [f for f in document.fields() if f.kind in ("text", "multiline")]
    values.update({f.id: f"{TYPED} {i} (а) \\ б" for i, f in enumerate(texts) if f.id not in values})
    return values


def typed(document, tmp_path) -> bytes:
    path = tmp_path / "typed.pdf"
    path.write_bytes(render(document))
    typing = {pick(document, "text").id: TYPED, pick(document, "multiline", 0).id: "\n".join(TYPED_LINES)} \
        if pick(document, "multiline") else {pick(document, "text").id: TYPED}
    type_into_pdf(path, typing, None)
    return path.read_bytes()


def typed_in_mupdf(document, data: bytes, tmp_path, incremental: bool) -> bytes:
    path = tmp_path / "mupdf.pdf"
    path.write_bytes(data)
    pdf = pymupdf.open(path)
    for page in pdf:  # a widget lives as long as its page object
        for widget in page.widgets():
            if widget.field_name == pick(document, "text").id:
                widget.field_value = TYPED
                widget.update()
    if incremental:
        pdf.saveIncr()
        return path.read_bytes()
    return pdf.tobytes()


def resaved(data: bytes, **options) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, **options)
    return out.getvalue()


def both(data: bytes):
    quick, qpdf = quick_fields(data), qpdf_fields(data)
    return quick, qpdf


@pytest.mark.parametrize("document", DOCUMENTS, ids=IDS)
def test_every_form_as_formgen_pdfium_and_qpdf_write_it_reads_as_qpdf_reads_it(document, tmp_path):
    filled = render(document, every_text_filled(document))
    files = {"blank": render(document), "prefilled": filled, "typed in PDFium": typed(document, tmp_path),
             "saved by qpdf": resaved(filled, object_stream_mode=pikepdf.ObjectStreamMode.generate),
             "saved by qpdf unpacked": resaved(filled, object_stream_mode=pikepdf.ObjectStreamMode.disable),
             "typed in MuPDF": typed_in_mupdf(document, filled, tmp_path, incremental=False),
             "typed in MuPDF, saved incrementally": typed_in_mupdf(document, filled, tmp_path, incremental=True)}
    for made, data in files.items():
        quick, qpdf = both(data)
        assert quick is not None, made
        assert quick == qpdf, made
    assert LONG in quick_fields(filled)[0].values() and any("Ң" in v for v in quick_fields(filled)[0].values())
    for made in ("typed in PDFium", "typed in MuPDF", "typed in MuPDF, saved incrementally"):
        assert quick_fields(files[made])[0][pick(document, "text").id] == TYPED, made


FIRST = DOCUMENTS[0]
NAME = next(f.id for f in FIRST.fields() if f.kind in ("text", "multiline"))


def updated(data: bytes, addition: bytes, offset_error: int = 0) -> bytes:
    """`data` with an incremental update, as a viewer saving changes appends one, that gives the
    field NAME `addition` after its entries."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T", "")) == NAME)
        number, entries = field.objgen[0], field.unparse(resolved=True).strip()[:-2]
    update = b"%d 0 obj\n%s%s>>\nendobj\n" % (number, entries, addition)
    previous = int(data[data.rfind(b"startxref") + 9:].split()[0])
    xref = len(data) + len(update)
    return data + update + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root 1 0 R"
                            b"/Prev %d>>\nstartxref\n%d\n%%%%EOF\n"
                            % (number, len(data) + offset_error, number + 1000, previous, xref))


def test_a_pdfium_incremental_save_reads_as_qpdf_reads_it():
    """PDFium's incremental cross-reference stream has neither /Type /XRef nor endobj: qpdf calls
    the file damaged and rebuilds its cross-reference by scanning it, so the quick reader leaves it to qpdf."""
    data = render(FIRST, every_text_filled(FIRST))
    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    (page, rect, _), = widgets(data)[NAME]
    type_text(pdf, pdf[page], rect, TYPED)
    pdfium_c.FORM_ForceToKillFocus(pdf.formenv.raw)
    saved = io.BytesIO()
    pdf.save(saved, flags=pdfium_c.FPDF_INCREMENTAL)
    pdf.close()
    assert saved.getvalue().startswith(data)  # an update appended to the file
    assert quick_fields(saved.getvalue()) is None
    assert read_pdf_fields(saved.getvalue())[0][NAME] == TYPED


def test_an_incremental_update_is_followed_to_the_newest_object():
    data = updated(render(FIRST), b"/V (\xfe\xff\x04\xa2)")  # Ң
    quick, qpdf = both(data)
    assert quick == qpdf and quick[0][NAME] == "Ң"


@pytest.mark.parametrize("value, qpdf_reads", [
    (b"(a (balanced) b)", "a (balanced) b"),  # unescaped parentheses
    (b"(line\rend)", "line\nend"),  # a raw CR, which PDF reads as a line end
    (b"(caf\xe9)", "café"),  # PDFDocEncoding beyond ASCII
    (b"12", "12"),  # a number
    (b"(x) % a comment\n", "x"),
    (b"/A#20B", "A B"),  # a name with an escape
    (b"(endobj)", "endobj"),  # the end of an object's bytes, inside a string
    (b"(\\q)", "q"),  # an escape PDF does not define
    (b"(\xfe\xff\xd8\x00)", None),  # a lone surrogate: qpdf's reading is reported as a problem
])
def test_what_the_quick_reader_does_not_follow_is_read_by_qpdf(value, qpdf_reads):
    data = updated(render(FIRST), b"/V " + value)
    assert quick_fields(data) is None
    assert read_pdf_fields(data) == qpdf_fields(data)
    if qpdf_reads is not None:
        assert qpdf_fields(data)[0][NAME] == qpdf_reads


@pytest.mark.parametrize("addition", [
    b"/V (a)/V (b)",  # a key twice
    b"/V <</Nested <</Deeper <</Deepest <</Five <</Levels 1>>>>>>>>>>",  # deeper than a form nests
    b"/T (renamed)/Kids 1 0 R",  # kids given by a reference to something not an array
])
def test_dictionaries_the_quick_reader_does_not_follow_are_read_by_qpdf(addition):
    data = updated(render(FIRST), addition)
    assert quick_fields(data) is None
    assert read_pdf_fields(data) == qpdf_fields(data)


@pytest.mark.parametrize("damage", [
    lambda data: updated(data, b"/V (x)", offset_error=3),  # a cross-reference entry pointing elsewhere
    lambda data: data[:data.rfind(b"startxref")] + b"startxref\n10\n%%EOF\n",
    lambda data: data.replace(b"/Root 1 0 R", b"/Root 1 0 R/Encrypt 9 0 R"),
    lambda data: data.replace(b"/W [1 4 2]", b"/W [0 0 0]"),  # rows of no bytes: a loop without end
    lambda data: data.replace(b"/XRef/Size", b"/XRef/Index [0 99999999]/Size"),
], ids=["entry", "startxref", "encrypted", "empty rows", "endless index"])
def test_a_damaged_or_encrypted_structure_is_left_to_qpdf(damage):
    data = render(FIRST)
    assert damage(data) != data
    assert quick_fields(damage(data)) is None


def test_objects_are_remembered_within_a_bound(monkeypatch):
    monkeypatch.setattr(pdf_fields, "MAX_CACHED", 10)
    for cache in (pdf_fields._parsed, pdf_fields._nodes, pdf_fields._arrays):
        cache.clear()
    for document in DOCUMENTS[:3]:
        data = render(document, every_text_filled(document))
        assert quick_fields(data) == qpdf_fields(data)
        assert len(pdf_fields._parsed) + len(pdf_fields._nodes) + len(pdf_fields._arrays) <= 10
