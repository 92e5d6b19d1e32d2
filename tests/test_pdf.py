"""The fillable PDF, checked the way people use it: PDFium (Chrome's engine) types into it, pypdf
reads the values back, pikepdf checks the structure, and rendered pixels show what prints."""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator import DEFAULT_CALL
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.formats.pdf.fonts import face, font_problems
from generator.model.forms import Document, Field, Table
from generator.formats.pdf.form import Widget, fit_text
from generator.formats.pdf.layout import BOTTOM, LEFT, PAGE_NUMBER_BASELINE, PAGE_WIDTH, RIGHT, TOP, render_pdf

FORMS = ("interest_letter", "annex2")
LANGS = ("ru", "ky", "ru+ky")
CASES = [(form, lang) for form in FORMS for lang in LANGS]
PAPER_CASES = CASES + [("announcement", lang) for lang in LANGS]  # not fillable, but printed
MM = 72 / 25.4
SCALE = 2  # render at 144 dpi
KYRGYZ_LETTERS = "ҢңӨөҮү"
TYPED = "Ала-Бука: Ң ң Ө ө Ү ү «Жаңы» № 5 — ok"
TYPED_LINES = ("Биринчи сап: Өзгөн «Үй»", "Экинчи сап № 2 — ң")


@pytest.fixture(scope="module")
def documents() -> dict[tuple[str, str], Document]:
    return {(d.form_id, d.lang): d for d in localized_documents(load_call(DEFAULT_CALL), LANGS)}


def render(document: Document, values: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    render_pdf(document, out, values)
    return out.getvalue()


@pytest.fixture(scope="module")
def blank_pdfs(documents) -> dict[tuple[str, str], bytes]:
    return {case: render(document) for case, document in documents.items()}


# ---- helpers -----------------------------------------------------------------------------------------

def widgets(data: bytes) -> dict[str, list[tuple[int, tuple[float, ...], str]]]:
    """field name → [(page index, rect, export value of a radio button)]."""
    found: dict[str, list] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            for annotation in page.obj.get("/Annots", []):
                field = annotation.get("/Parent", annotation)
                states = [str(k)[1:] for k in annotation.AP.N.keys() if k != "/Off"] if "/Parent" in annotation else []
                found.setdefault(str(field.T), []).append(
                    (number, tuple(float(v) for v in annotation.Rect), states[0] if states else ""))
    return found


def ink(image, rect: tuple[float, ...], page_height: float, inset: float = 2.0) -> int:
    """Dark pixels inside a rectangle given in PDF points."""
    x0, y0, x1, y1 = rect
    box = (round((x0 + inset) * SCALE), round((page_height - y1 + inset) * SCALE),
           round((x1 - inset) * SCALE), round((page_height - y0 - inset) * SCALE))
    return sum(1 for value in image.convert("L").crop(box).tobytes() if value < 128)


def page_image(pdf: pdfium.PdfDocument, number: int, page: pdfium.PdfPage | None = None):
    page = page or pdf[number]
    return page.render(scale=SCALE, may_draw_forms=True).to_pil(), page.get_height()


def click(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, rect: tuple[float, ...]) -> None:
    form = pdf.formenv.raw
    x, y = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
    pdfium_c.FORM_OnMouseMove(form, page.raw, 0, x, y)
    pdfium_c.FORM_OnLButtonDown(form, page.raw, 0, x, y)
    pdfium_c.FORM_OnLButtonUp(form, page.raw, 0, x, y)


def type_text(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, rect: tuple[float, ...], text: str) -> None:
    """Click into the field, select what is there and type `text` as a user would (\\n = Enter)."""
    click(pdf, page, rect)
    form = pdf.formenv.raw
    pdfium_c.FORM_SelectAllText(form, page.raw)
    data = text.replace("\n", "\r").encode("utf-16-le")
    for i in range(0, len(data), 2):
        pdfium_c.FORM_OnChar(form, page.raw, int.from_bytes(data[i:i + 2], "little"), 0)


def pdf_values(data: bytes) -> dict[str, str]:
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    return {name: str(field.get("/V", "")).replace("\r\n", "\n").replace("\r", "\n")
            for name, field in fields.items()}


def embedded(font: pikepdf.Object) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    descendant = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
    descriptor = descendant.get("/FontDescriptor", {})
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def unembedded_fonts(data: bytes) -> list[str]:
    """Every font dictionary in the file that has no embedded font program."""
    bad, seen = [], set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.Root]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Object) and obj.is_indirect:
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
            if isinstance(obj, pikepdf.Array):
                stack.extend(obj)
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                if obj.get("/Type") == "/Font" and not embedded(obj):
                    bad.append(str(obj.get("/BaseFont")))
                stack.extend(value for key, value in obj.items() if key not in ("/Parent", "/P"))
    return bad


def unembedded_fonts_drawn(data: bytes) -> list[str]:
    """Fonts that text is drawn with (a Tf in page contents or appearance streams) and not embedded."""
    bad = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        def visit(content: pikepdf.Object, resources: pikepdf.Object) -> None:
            fonts, xobjects = resources.get("/Font", {}), resources.get("/XObject", {})
            for operands, operator in pikepdf.parse_content_stream(content):
                if operator == pikepdf.Operator("Tf") and not embedded(fonts[operands[0]]):
                    bad.append(str(fonts[operands[0]].get("/BaseFont")))
                elif operator == pikepdf.Operator("Do") and xobjects[operands[0]].get("/Subtype") == "/Form":
                    form = xobjects[operands[0]]
                    visit(form, form.get("/Resources", resources))

        for page in pdf.pages:
            visit(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()))
            for annotation in page.obj.get("/Annots", []):
                normal = annotation.get("/AP", {}).get("/N")
                streams = [normal] if isinstance(normal, pikepdf.Stream) else list((normal or {}).values())
                for stream in streams:
                    visit(stream, stream.get("/Resources", pikepdf.Dictionary()))
    return bad


def flattened(data: bytes) -> pdfium.PdfDocument:
    """The PDF as a viewer without a form engine shows it: each widget's /AP /N, nothing regenerated.

    PDFium's plain page rendering (FPDF_RenderPageBitmap) never draws widgets; FPDFPage_Flatten puts
    their normal appearance streams into the page content as they are.
    """
    pdf = pdfium.PdfDocument(data)
    for number in range(len(pdf)):
        page = pdf[number]
        assert pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_PRINT) != pdfium_c.FLATTEN_FAIL
        page.close()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return pdfium.PdfDocument(buffer.getvalue())


def grid_tables(document: Document) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table) and block.header_rows]


def pick(document: Document, kind: str, skip: int = 0) -> Field | None:
    grid_ids = {run.id for table in grid_tables(document) for row in table.rows for cell in row
                for paragraph in cell for run in paragraph.runs if isinstance(run, Field)}
    candidates = [f for f in document.fields() if f.kind == kind and f.id not in grid_ids]
    return candidates[skip] if len(candidates) > skip else None


# ---- a user fills the form in PDFium --------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_pdfium_user_types_kyrgyz_and_it_is_kept_and_drawn(case, documents, blank_pdfs):
    document, data = documents[case], blank_pdfs[case]
    places = widgets(data)
    typed = {pick(document, "text").id: TYPED, pick(document, "text", 1).id: KYRGYZ_LETTERS,
             pick(document, "multiline").id: "\n".join(TYPED_LINES)}
    for table in grid_tables(document):  # a table cell, too
        typed[table.rows[1][1][0].runs[0].id] = KYRGYZ_LETTERS
    rating = pick(document, "rating")

    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    pages = [pdf[number] for number in range(len(pdf))]  # open while typing: closing one drops the focus
    for field_id, text in typed.items():
        (page_number, rect, _), = places[field_id]
        type_text(pdf, pages[page_number], rect, text)
    if rating:
        page_number, rect, _ = next(p for p in places[rating.id] if p[2] == "3")
        click(pdf, pages[page_number], rect)
    pdfium_c.FORM_ForceToKillFocus(pdf.formenv.raw)

    for field_id in typed:  # PDFium draws what was typed, Kyrgyz letters included
        (page_number, rect, _), = places[field_id]
        image, height = page_image(pdf, page_number, pages[page_number])
        assert ink(image, rect, height) > 30, f"{field_id}: typed text is not drawn"
    saved = io.BytesIO()
    pdf.save(saved)
    saved = saved.getvalue()

    values = pdf_values(saved)
    for field_id, text in typed.items():
        assert values[field_id] == text
    if rating:
        assert values[rating.id] == "/3"
    # PDFium lists Helvetica, unused, in the resources of each appearance it regenerates (it pairs a
    # "symbol" field font with an ANSI fallback); no text is drawn with it.
    assert unembedded_fonts_drawn(saved) == []
    assert set(unembedded_fonts(saved)) <= {"/Helvetica"}

    only_kyrgyz = next(f for f, text in typed.items() if text == KYRGYZ_LETTERS)
    (page_number, rect, _), = places[only_kyrgyz]
    image, height = page_image(flattened(saved), page_number)  # the appearance PDFium saved
    assert ink(image, rect, height) > 30


# ---- prefilled values ---------------------------------------------------------------------------------

LONG = ("Ала-Бука айыл аймагы, Ала-Бука району, Жалал-Абад облусу — «Жаңы-Жол» көчөсү, № 17, "
        "телефон +996 555 123 456, (скобки) \\ backslash")


def prefill(document: Document) -> dict[str, str]:
    if not pick(document, "text"):
        return {}
    values = {pick(document, "text").id: "Өзгөн Ү ң — Ырысбек (мэр)",
              pick(document, "text", 1).id: LONG,
              pick(document, "multiline").id: "Биринчи сап\n" + LONG * 3}
    if pick(document, "rating"):
        values[pick(document, "rating").id] = "4"
    return values


@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_prefilled_values_print_without_a_form_engine(case, documents):
    document = documents[case]
    values = prefill(document)
    data = render(document, values)
    places = widgets(data)
    assert {k: v for k, v in pdf_values(data).items() if k in values} == {
        k: ("/" + v if k == getattr(pick(document, "rating"), "id", None) else v) for k, v in values.items()}

    pdf = flattened(data)
    for field_id, value in values.items():
        for page_number, rect, choice in places[field_id]:
            image, height = page_image(pdf, page_number)
            if choice and choice != value:
                assert ink(image, rect, height, inset=3) == 0, f"{field_id}={choice} is not selected"
                continue
            assert ink(image, rect, height, inset=1 if choice else 2) > 20, f"{field_id}: value not drawn"
            if not choice:
                assert_text_inside(pdf[page_number], rect, value)
    empty = next(f.id for f in document.fields() if f.id not in values and f.kind != "rating")
    (page_number, rect, _), = places[empty]
    image, height = page_image(pdf, page_number)
    assert ink(image, rect, height) == 0


def assert_text_inside(page, rect: tuple[float, ...], value: str) -> None:
    """Every character of the value is drawn, and inside the widget (shrunk or wrapped, never cut)."""
    text_page = page.get_textpage()
    left, bottom, right, top = rect
    drawn = text_page.get_text_bounded(left + 1, bottom + 1, right - 1, top - 1)
    assert "".join(drawn.split()) == "".join(value.split())
    for index in range(text_page.count_chars()):
        x0, y0, x1, y1 = text_page.get_charbox(index)
        centre_x, centre_y = (x0 + x1) / 2, (y0 + y1) / 2
        if left < centre_x < right and bottom < centre_y < top:
            assert x1 <= right - 1 and x0 >= left + 1 and y0 >= bottom and y1 <= top, "text is clipped"


@pytest.mark.parametrize("kind, width, height", [("text", 150, 15), ("multiline", 300, 40), ("text", 60, 30)])
def test_long_values_shrink_or_wrap_to_fit(kind, width, height):
    widget = Widget("f", kind, "", 0, (0, 0, width, height))
    size, lines = fit_text(face("sans"), LONG * 2, widget)
    assert " ".join(lines).split() == (LONG * 2).split()
    assert all(face("sans").width(line, size) <= width - 4 for line in lines)
    assert len(lines) * size * 1.15 <= height


# ---- structure ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_every_field_once_with_its_name_label_and_embedded_font(case, documents, blank_pdfs):
    document, data = documents[case], blank_pdfs[case]
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    expected = [f.id for f in document.fields()]
    assert sorted(fields) == sorted(expected) and len(set(expected)) == len(expected)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        form = pdf.Root.AcroForm
        assert "/NeedAppearances" not in form
        assert [str(f.T) for f in form.Fields] == expected
        by_id = {str(f.T): f for f in form.Fields}
        for field in document.fields():
            pdf_field = by_id[field.id]
            assert str(pdf_field.TU) == field.label
            if field.kind == "rating":
                assert pdf_field.FT == "/Btn" and int(pdf_field.Ff) & (1 << 15)
                states = [[str(k) for k in kid.AP.N.keys() if k != "/Off"] for kid in pdf_field.Kids]
                assert states == [["/" + c] for c in field.choices] and len(states) == 5
                continue
            if field.kind == "choice":  # a long list: a combo box whose options carry the values
                assert pdf_field.FT == "/Ch" and [str(o[0]) for o in pdf_field.Opt] == ["", *field.choices]
                continue
            assert pdf_field.FT == "/Tx" and "/MaxLen" not in pdf_field
            assert bool(int(pdf_field.Ff) & (1 << 12)) == (field.kind == "multiline")
            assert "/BG" not in pdf_field.MK and "/BC" not in pdf_field.MK  # no coloured boxes on paper
            resource = str(pdf_field.DA).split()[0]
            font = form.DR.Font[resource]
            assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H" and "/ToUnicode" in font
            descendant = font.DescendantFonts[0]
            assert descendant.Subtype == "/CIDFontType2" and "/W" in descendant
            assert "/FontFile2" in descendant.FontDescriptor
        assert str(pdf.Root.Lang) == {"ru": "ru-RU", "ky": "ky-KG"}[document.language]
        assert str(pdf.docinfo.Title) == document.title
    assert unembedded_fonts(data) == []


@pytest.mark.parametrize("case", PAPER_CASES, ids=["-".join(c) for c in PAPER_CASES])
def test_qpdf_finds_no_syntax_problem(case, documents, blank_pdfs):
    for data in (blank_pdfs[case], render(documents[case], prefill(documents[case]))):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert pdf.check_pdf_syntax() == []


def test_same_inputs_give_the_same_bytes(documents):
    document = documents[("annex2", "ky")]
    first = render(document, prefill(document))
    assert render(document, prefill(document)) == first
    script = ("import hashlib, io, sys\n"
              "from generator import DEFAULT_CALL\nfrom generator.sources.call import load_call\n"
              "from generator.sources.catalogs import load_translations\nfrom generator.sources.definitions import load_forms\n"
              "from generator.language.localize import Localizer\nfrom generator.formats.pdf.layout import render_pdf\n"
              "document = Localizer('ky', load_translations('ky'), load_call(DEFAULT_CALL)).document("
              "load_forms()['annex2'])\nout = io.BytesIO()\nrender_pdf(document, out)\n"
              "print(hashlib.sha256(out.getvalue()).hexdigest())\n")
    other_process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert other_process.stdout.strip() == hashlib.sha256(render(document)).hexdigest()


# ---- paper -------------------------------------------------------------------------------------------

def page_words(pdf: pdfium.PdfDocument) -> list[str]:
    return [word for number in range(len(pdf)) for word in pdf[number].get_textpage().get_text_range().split()]


def in_order(needles: list[str], haystack: list[str]) -> bool:
    position = 0
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            return False
    return True


@pytest.mark.parametrize("case", PAPER_CASES, ids=["-".join(c) for c in PAPER_CASES])
def test_paper_has_all_text_in_order_on_a4_within_margins(case, documents, blank_pdfs):
    document, data = documents[case], blank_pdfs[case]
    pdf = pdfium.PdfDocument(data)
    words = [word for paragraph in document.paragraphs() for run in paragraph.runs if isinstance(run, str)
             for word in run.split()]
    assert in_order(words, page_words(pdf))
    for number in range(len(pdf)):
        page = pdf[number]
        assert (round(page.get_width()), round(page.get_height())) == (595, 842)
        image = without_page_id(page.render(scale=SCALE).to_pil())
        rgb = image.convert("RGB")
        small = rgb.resize((200, 280)).tobytes()
        pixels = (small[i:i + 3] for i in range(0, len(small), 3))
        assert all(max(px) - min(px) < 8 for px in pixels), "colour on the page"
        left, top, right, bottom = image.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox()
        top_margin = max(TOP, document.letterhead_mm * MM) if number == 0 else TOP
        assert left / SCALE >= LEFT - 1 and right / SCALE <= PAGE_WIDTH - RIGHT + 1
        assert top / SCALE >= top_margin - 1
        number_top = PAGE_NUMBER_BASELINE + 3 * MM  # the page number's digits and a little air
        footer_band = image.convert("L").crop((0, round((297 * MM - BOTTOM) * SCALE), image.width,
                                               round((297 * MM - number_top) * SCALE)))
        assert footer_band.getextrema()[0] > 200, "text in the bottom margin above the page number"
        number_text = page.get_textpage().get_text_bounded(0, 0, page.get_width(), 20 * MM).split()
        assert (str(number + 1) in number_text) == document.page_numbers


@pytest.mark.parametrize("case", PAPER_CASES, ids=["-".join(c) for c in PAPER_CASES])
def test_fields_overlap_neither_text_nor_each_other(case, blank_pdfs):
    data = blank_pdfs[case]
    places = [(page, rect) for found in widgets(data).values() for page, rect, _ in found]
    pdf = pdfium.PdfDocument(data)
    for number in range(len(pdf)):
        rects = [rect for page, rect in places if page == number]
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not overlap(a, b, 0.5), f"widgets overlap on page {number + 1}: {a} {b}"
        text_page = pdf[number].get_textpage()
        for index in range(text_page.count_chars()):
            x0, y0, x1, y1 = text_page.get_charbox(index)
            if x1 > x0:
                for rect in rects:
                    assert not overlap((x0, y0, x1, y1), rect, 0.5), \
                        f"text {text_page.get_text_range(index, 1)!r} under a field on page {number + 1}"


def without_page_id(image):
    """The page with its QR code and registration marks painted over (tests/test_page_id.py checks them)."""
    from PIL import ImageDraw

    from generator.model.page_id import QR_SIZE, QR_X, QR_Y, mark_rects
    from generator.formats.pdf.layout import PAGE_HEIGHT as height, PAGE_WIDTH as width

    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in mark_rects(width, height) + [(QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE)]:
        draw.rectangle(((x0 - 1) * SCALE, (height - y1 - 1) * SCALE, (x1 + 1) * SCALE, (height - y0 + 1) * SCALE),
                       fill="white")
    return image


def overlap(a, b, tolerance: float) -> bool:
    return (min(a[2], b[2]) - max(a[0], b[0]) > tolerance) and (min(a[3], b[3]) - max(a[1], b[1]) > tolerance)


def test_table_rows_stay_whole_and_headers_repeat(documents, blank_pdfs):
    for lang in LANGS:
        document, data = documents[("annex2", lang)], blank_pdfs[("annex2", lang)]
        places = widgets(data)
        pdf = pdfium.PdfDocument(data)
        for table in grid_tables(document):
            header_words = table.rows[0][1][0].text.split()
            pages = set()
            for row in table.rows[1:]:
                row_pages = {places[cell[0].runs[0].id][0][0] for cell in row[1:]}
                assert len(row_pages) == 1, "a table row is split across pages"
                pages |= row_pages
            for number in pages:
                assert in_order(header_words, pdf[number].get_textpage().get_text_range().split())


def test_font_problems_name_the_place_and_the_character():
    assert font_problems([("forms.po: msgid \"x\"", "Ңң Өө Үү «№» — –")]) == []
    problems = font_problems([("ky/forms.po: msgid \"a\"", "Евро €"), ("call.yaml: phones", "ok ☎")])
    assert len(problems) == 2
    assert problems[0].startswith("FG401 ky/forms.po: msgid \"a\": character '€' (U+20AC EURO SIGN)")
    assert "U+260E" in problems[1] and problems[1].startswith("FG401 call.yaml: phones")


def test_a_long_word_is_cut_into_pieces_that_fit_measuring_each_character_once():
    from generator.formats.pdf.fonts import split_to_width

    calls = []

    def measure(text: str) -> float:
        calls.append(text)
        return 5.0 * len(text)

    word = "x" * 5000
    pieces = split_to_width(word, 400, measure)
    assert "".join(pieces) == word and all(measure(p) <= 400 for p in pieces)
    assert [len(p) for p in pieces[:-1]] == [80] * 62 and len(pieces[-1]) == 40
    assert calls.count("x") == 1 and len(calls) == 1 + 63  # one measurement, then the check above


def test_a_word_wider_than_its_column_is_cut_onto_lines_within_it(tmp_path):
    """A word wider than its line (a long address, a URL, a translation's long word in a narrow
    column) is cut into pieces that each go on a line of their own where it does not fit whole:
    none of its letters is printed past the column, nor the page's margin."""
    from tiny import tiny_document, tiny_form

    long_word = "Жергиликтүүөзалдынчабашкаруунунөнүктүрүүсүнүнкаржылоосунунмаселелери" * 3
    form = tiny_form(tmp_path, """\
        id: tiny
        title: t.title
        blocks:
          - {p: t.long}
          - table: t
            widths: [30, 70]
            rows:
              - {label: t.label, field: {id: name, kind: text}}
        """)
    messages = {"t.title": ("Заявка", "Арыз"), "t.long": (long_word, long_word), "t.label": (long_word[:60],) * 2}
    document = tiny_document(form, messages, "ky")
    page = pdfium.PdfDocument(render_bytes(document, "pdf"))[0]
    text = page.get_textpage()
    right_margin = PAGE_WIDTH - RIGHT
    column = LEFT + (PAGE_WIDTH - LEFT - RIGHT) * 30 / 100
    boxes = [text.get_charbox(index) for index in range(text.count_chars())]
    letters = [(box, text.get_text_range(index, 1)) for index, box in enumerate(boxes)]
    assert all(box[2] <= right_margin + 1 for box, char in letters if char.strip()), "a letter past the margin"
    label_letters = [box for box, char in letters if char.strip() and box[0] < column - 5 and box[0] >= LEFT]
    assert label_letters and all(box[2] <= column + 1 for box in label_letters), "a letter past its column"
    assert long_word in text.get_text_range().replace("\r", "").replace("\n", "")
