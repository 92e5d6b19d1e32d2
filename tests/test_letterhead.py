"""The letter inside a municipality's own letterhead: kept, filled in, and never executed."""
import base64
import io
import zipfile

import docx
import pytest
from docx.shared import Mm

from generator import ooxml
from generator.build import render_bytes
from generator.errors import FormgenError
from generator.letterhead import place_in_letterhead
from test_docx import static_text

# A 1×1 red PNG, written out so the test needs no imaging library.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==")


def make_letterhead(tmp_path, body_paragraphs=("АЙЫЛ ОКМОТУ", "{{ letter }}", "Конец бланка"), name="blank.docx"):
    document = docx.Document()
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.text = "Кара-Суу айыл өкмөтү — бланк"
    header.add_run().add_picture(io.BytesIO(PIXEL), width=Mm(10))
    section.footer.paragraphs[0].text = "Дарек: Кара-Суу айылы, тел. 0312 000 000"
    section.left_margin = Mm(30)
    for text in body_paragraphs:
        document.add_paragraph(text)
    path = tmp_path / name
    document.save(path)
    return path


@pytest.fixture(scope="module")
def letter(documents):
    return documents[("interest_letter", "ky")], render_bytes(documents[("interest_letter", "ky")], "docx")


def test_letter_goes_where_the_placeholder_is(tmp_path, letter):
    document, data = letter
    result = docx.Document(io.BytesIO(place_in_letterhead(make_letterhead(tmp_path), data)))
    section = result.sections[0]
    assert section.header.paragraphs[0].text.startswith("Кара-Суу айыл өкмөтү — бланк")
    assert "graphicData" in section.header._element.xml  # the logo stays
    assert section.footer.paragraphs[0].text.startswith("Дарек: Кара-Суу")
    assert round(section.left_margin.mm) == 30
    tags = [ooxml.control_tag(s) for s in ooxml.iter_controls(result.element.body)]
    assert tags == [f.id for f in document.fields()]
    text = static_text(result.element.body)
    assert "{{" not in text
    order = [text.index(s) for s in ("АЙЫЛ ОКМОТУ", "КЫЗЫКДАРЛЫК КАТЫ", "Мөөр", "Конец бланка")]
    assert order == sorted(order)
    assert "PlaceholderText" in result.styles.element.xml


def test_letterhead_without_placeholder_gets_the_letter_at_its_end(tmp_path, letter):
    path = make_letterhead(tmp_path, ("Бланктын тексти",))
    result = docx.Document(io.BytesIO(place_in_letterhead(path, letter[1])))
    text = static_text(result.element.body)
    assert text.index("Бланктын тексти") < text.index("КЫЗЫКДАРЛЫК КАТЫ")
    assert len(list(ooxml.iter_controls(result.element.body))) == len(list(letter[0].fields()))


def test_same_letterhead_same_bytes(tmp_path, letter):
    path = make_letterhead(tmp_path)
    assert place_in_letterhead(path, letter[1]) == place_in_letterhead(path, letter[1])


def test_not_a_docx(tmp_path, letter):
    fake = tmp_path / "blank.docx"
    fake.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(FormgenError, match="not a Word document"):
        place_in_letterhead(fake, letter[1])


def test_malformed_tag(tmp_path, letter):
    path = make_letterhead(tmp_path, ("{{ letter",))
    with pytest.raises(FormgenError, match=r"word/document.xml: template code other than \{\{ letter \}\}: '\{\{ letter'"):
        place_in_letterhead(path, letter[1])


def test_expression_reaching_python_internals_is_refused(tmp_path, letter):
    attack = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    path = make_letterhead(tmp_path, ("{{ letter }}", attack))
    with pytest.raises(FormgenError, match="template code other than"):
        place_in_letterhead(path, letter[1])
    in_header = make_letterhead(tmp_path, ("{{ letter }}",), name="h.docx")
    document = docx.Document(in_header)
    document.sections[0].header.paragraphs[0].text = "{% for x in range(10**9) %}x{% endfor %}"
    document.save(in_header)
    with pytest.raises(FormgenError, match="word/header1.xml: template code"):
        place_in_letterhead(in_header, letter[1])


def test_zip_bomb_is_refused(tmp_path, letter):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<a/>")
        package.writestr("word/media/huge.bin", b"\0" * 80_000_000)
    with pytest.raises(FormgenError, match="unpacks to 80 MB in 2 parts"):
        place_in_letterhead(bomb, letter[1])


def letterhead_pdf(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 800, "KARA-SUU AIYL OKMOTU LETTERHEAD")
    canvas.rect(60, 770, 470, 50)
    canvas.showPage()
    canvas.save()
    return path


def test_pdf_letterhead_is_the_background_of_the_first_page_only(tmp_path):
    import pypdf
    import pypdfium2 as pdfium
    from typer.testing import CliRunner
    from generator.cli import app

    background = letterhead_pdf(tmp_path / "blank.pdf")
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "out"), "--form", "interest_letter",
                                      "--lang", "ru+ky", "--format", "pdf", "--letterhead-pdf", str(background),
                                      "--no-site"])
    assert result.exit_code == 0, result.output
    data = (tmp_path / "out" / "2025" / "ru+ky" / "interest_letter.pdf").read_bytes()
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) == 2
    assert "LETTERHEAD" in pdf[0].get_textpage().get_text_range()
    assert "LETTERHEAD" not in pdf[1].get_textpage().get_text_range()
    assert "КЫЗЫКДАРЛЫК КАТЫ" in pdf[0].get_textpage().get_text_range()
    assert "sender_head" in (pypdf.PdfReader(io.BytesIO(data)).get_fields() or {})


@pytest.mark.parametrize("content, message", [(b"not a pdf at all", "not a readable PDF"), (b"", "not a readable PDF")])
def test_pdf_letterhead_that_is_not_a_pdf(tmp_path, content, message):
    from generator.pdf_form import with_letterhead

    bad = tmp_path / "blank.pdf"
    bad.write_bytes(content)
    with pytest.raises(FormgenError, match=message):
        with_letterhead(b"", bad)


def test_encrypted_pdf_letterhead(tmp_path):
    import pikepdf
    from generator.pdf_form import with_letterhead

    locked = tmp_path / "locked.pdf"
    with pikepdf.open(letterhead_pdf(tmp_path / "blank.pdf")) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(FormgenError, match="encrypted"):
        with_letterhead(b"", locked)


def rewritten(path, old: bytes, new: bytes, rename: dict[str, str] | None = None):
    """The same package with bytes replaced in every part and parts renamed."""
    source = zipfile.ZipFile(path)
    target_path = path.with_name("edited-" + path.name)
    with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename).replace(old, new)
            for before, after in (rename or {}).items():
                data = data.replace(before.encode(), after.encode())
            target.writestr((rename or {}).get(info.filename, info.filename), data)
    return target_path


def test_template_code_hidden_by_character_references_is_refused(tmp_path, letter):
    path = rewritten(make_letterhead(tmp_path), "Конец бланка".encode(), b"&#123;&#123; 7*7 &#125;&#125;")
    with pytest.raises(FormgenError, match=r"template code other than .*'\{\{ 7\*7"):
        place_in_letterhead(path, letter[1])


def test_template_code_in_a_renamed_part_is_refused(tmp_path, letter):
    original = make_letterhead(tmp_path)
    document = docx.Document(original)
    document.sections[0].header.paragraphs[0].text = "{{ 6*7 }}"
    document.save(original)
    path = rewritten(original, b'Target="header1.xml"', b'Target="hdr.xml"', rename={"word/header1.xml": "word/hdr.xml"})
    with pytest.raises(FormgenError, match=r"word/hdr.xml: template code other than"):
        place_in_letterhead(path, letter[1])


def test_placeholder_in_a_table_cell_and_a_macro_file(tmp_path, letter):
    document = docx.Document()
    document.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].text = "{{ letter }}"
    path = tmp_path / "table.docx"
    document.save(path)
    result = docx.Document(io.BytesIO(place_in_letterhead(path, letter[1])))
    assert len(list(ooxml.iter_controls(result.element.body))) == len(list(letter[0].fields()))
    macro = rewritten(path, b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    with pytest.raises(FormgenError, match="not a Word document"):
        place_in_letterhead(macro, letter[1])
