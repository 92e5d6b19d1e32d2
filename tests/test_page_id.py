"""Every printed page names itself in a QR code and carries four registration marks; the Word
document carries the same code without a page. Checked on renderings, as a scanner would see them."""
from __future__ import annotations

import dataclasses
import io
import zipfile

import pypdfium2 as pdfium
import pytest

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.sources.definitions import load_forms
from generator.model.page_id import MM, PageId, QR_MAX_BYTES, mark_rects, parse
from generator.formats.pdf.layout import LEFT, PAGE_HEIGHT, PAGE_WIDTH, page_fingerprint, page_widgets

zxingcpp = pytest.importorskip("zxingcpp")

EDITIONS = ("ru", "ky", "ru+ky")
DPI = 150
LONG_NAME = "Кара-Суу шаарынын мэриясы жана Өзгөн районунун Жаңы-Жол айыл аймагы ү" * 2


@pytest.fixture(scope="module")
def documents():
    call = load_call(DEFAULT_CALL)
    return {(d.form_id, d.lang): d for d in localized_documents(call, EDITIONS, list(load_forms()))}


def codes(data: bytes, dpi: int = DPI) -> list[list]:
    """Per page: the QR codes zxing-cpp finds in a rendering at `dpi`, and the page image."""
    found = []
    for page in pdfium.PdfDocument(data):
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        found.append((zxingcpp.read_barcodes(image), image))
    return found


def test_every_page_of_every_form_and_edition_names_itself_at_150_dpi(documents):
    for (form, edition), document in documents.items():
        layout = page_widgets(document)
        pages = codes(render_bytes(document, "pdf"))
        assert len(pages) >= len(layout)
        for number, (found, image) in enumerate(pages, 1):
            assert [c.format for c in found] == [zxingcpp.BarcodeFormat.QRCode], (form, edition, number)
            code = found[0]
            assert code.ec_level in ("M", "Q", "H")
            expected = PageId(document.call_id, form, edition, number, len(pages),
                              page_fingerprint(layout[number - 1] if number <= len(layout) else []))
            assert parse(code.text) == expected and code.text == expected.text()
            side = code.position.bottom_right.x - code.position.top_left.x
            assert side >= 12 * MM * DPI / 72, "the code is at least 12 mm wide"
            assert code.position.top_right.x < LEFT * DPI / 72, "in the left margin"
            assert code.position.top_left.y > image.height * 0.85, "near the bottom (tests/test_marks.py measures it)"
            for x0, y0, x1, y1 in mark_rects(PAGE_WIDTH, PAGE_HEIGHT):
                centre = image.getpixel((round((x0 + x1) / 2 * DPI / 72), round((PAGE_HEIGHT - (y0 + y1) / 2) * DPI / 72)))
                assert centre < 60, "a solid registration mark"


def test_the_fingerprint_changes_with_the_layout_and_only_with_it(documents):
    letter = documents[("interest_letter", "ru")]
    layout = page_widgets(letter)[0]
    assert page_fingerprint(layout) == page_fingerprint(list(layout))
    moved = [layout[0]._replace(rect=tuple(v + 5 for v in layout[0].rect))] + layout[1:]
    assert page_fingerprint(moved) != page_fingerprint(layout)
    assert page_fingerprint(layout) != page_fingerprint(page_widgets(documents[("interest_letter", "ky")])[0])


def test_a_prefilled_page_adds_its_row_and_a_long_row_is_cut_but_stays_unique(documents):
    document = documents[("annex2", "ky")]
    layout = page_widgets(document)
    for row in ("Ак-Суу айыл аймагы", LONG_NAME, LONG_NAME + "2"):
        data = render_bytes(dataclasses.replace(document, row=row), "pdf", {"aa_name": row[:200]})
        texts = [found[0].text for found, _ in codes(data)]
        assert texts == [PageId(document.call_id, "annex2", "ky", n, len(layout), page_fingerprint(widgets), row).text()
                         for n, widgets in enumerate(layout, 1)]
        rows = {parse(text).row for text in texts}
        assert len(rows) == 1 and rows.pop()[:20] == row[:20]
        assert all(len(text.encode()) <= QR_MAX_BYTES for text in texts)
    assert parse(texts[0]).row.endswith("~" + parse(texts[0]).row[-4:])
    cut = [PageId("2025", "annex2", "ky", 1, 4, "abcdef", name).text() for name in (LONG_NAME, LONG_NAME + "2")]
    assert cut[0] != cut[1] and all(len(t.encode()) <= QR_MAX_BYTES for t in cut)


def test_the_same_inputs_give_the_same_pages(documents):
    document = dataclasses.replace(documents[("interest_letter", "ru+ky")], row="Ноокат")
    assert render_bytes(document, "pdf") == render_bytes(document, "pdf")


def test_text_that_formgen_did_not_write_is_not_a_page_id():
    for text in ("", "hello", "formgen 2025 annex2", "formgen 2025 annex2 ky x/4 abc", "http://x.y/ 1 2 3 4"):
        assert parse(text) is None
    assert parse("formgen 2025 annex2 ky 2/4 3fa9c1 Ак Суу") == PageId("2025", "annex2", "ky", 2, 4, "3fa9c1", "Ак Суу")


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_word_document_carries_the_code_without_a_page(documents, edition):
    from PIL import Image

    for form in ("interest_letter", "annex2"):
        data = render_bytes(documents[(form, edition)], "docx")
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            footers = [n for n in docx.namelist() if n.startswith("word/footer")]
            assert footers and all(b"<wp:anchor" in docx.read(n) for n in footers)
            images = [n for n in docx.namelist() if n.startswith("word/media/")]
            assert len(images) == 1
            picture = Image.open(io.BytesIO(docx.read(images[0]))).convert("L")
        padded = Image.new("L", (picture.width + 80, picture.height + 80), 255)
        padded.paste(picture, (40, 40))
        found = zxingcpp.read_barcodes(padded)
        assert len(found) == 1
        page_id = parse(found[0].text)
        assert (page_id.call, page_id.form, page_id.edition, page_id.page) == (documents[(form, edition)].call_id, form, edition, 0)


def test_fill_prints_the_row_folder_in_the_page_codes(tmp_path):
    from generator.commands.fill import fill

    data = tmp_path / "rows.csv"
    data.write_text("aa_name,population\nЖаңы-Жол,1200\n", encoding="utf-8")
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ky"], ["pdf"], jobs=1)
    assert not report.problems
    folder = report.rows[0]["folder"]
    pdf = tmp_path / "out" / folder / "ky" / "annex2.pdf"
    found, _ = codes(pdf.read_bytes())[0]
    assert parse(found[0].text).row == folder == "Жаңы-Жол"
