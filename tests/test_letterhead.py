"""The letter inside a municipality's own letterhead: kept, filled in, and never executed."""
import base64
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from generator.formats.docx import ooxml
from generator.pipeline import render_bytes
from generator.errors import FormgenError
from generator.formats.docx.letterhead import place_in_letterhead
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


def footer_codes(section) -> list[str]:
    """What the pictures of a section's footer say, read as a scanner would."""
    import zxingcpp
    from PIL import Image

    footer = section.footer
    pictures = [footer.part.related_parts[rid].blob for rid in footer._element.xpath(".//a:blip/@r:embed")]
    return [code.text for picture in pictures for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))]


def test_the_page_code_goes_with_the_footer_line_and_has_its_room(tmp_path, letter):
    """The code's picture is related from every footer it goes into — one with a picture of its own
    (whose relationship id the letter's may share) or a letterhead without any — at its distance
    from the bottom on a US Letter page, with a left margin wide enough for it."""
    from generator.model.page_id import parse

    document, data = letter
    with_picture = make_letterhead(tmp_path)
    picture_footer = docx.Document(with_picture)
    picture_footer.sections[0].footer.paragraphs[0].add_run().add_picture(io.BytesIO(PIXEL), width=Mm(5))
    narrow = docx.Document()
    narrow.sections[0].left_margin, narrow.sections[0].page_height = Mm(20), Mm(279.4)
    narrow.add_paragraph("{{ letter }}")
    for name, letterhead in (("picture.docx", picture_footer), ("narrow.docx", narrow)):
        letterhead.save(tmp_path / name)
        result = docx.Document(io.BytesIO(place_in_letterhead(tmp_path / name, data)))
        section = result.sections[0]
        codes = [parse(text) for text in footer_codes(section)]
        assert [(code.form, code.edition) for code in codes] == [(document.form_id, document.lang)], name
        assert section.left_margin >= Mm(30)
        top = int(section.footer._element.xpath(".//wp:positionV/wp:posOffset")[0].text)
        assert round((section.page_height - top) / 36000, 1) == round((Mm(297) - own_code_top(data)) / 36000, 1)


def own_code_top(letter_docx: bytes) -> int:
    own = docx.Document(io.BytesIO(letter_docx)).sections[0].footer
    return int(own._element.xpath(".//wp:positionV/wp:posOffset")[0].text)


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
    with pytest.raises(FormgenError, match=r"word/document.xml: line 2: template code other than \{\{ letter \}\} in text: '\{\{ letter'"):
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
    with pytest.raises(FormgenError, match="word/header1.xml: line 2: template code"):
        place_in_letterhead(in_header, letter[1])


def test_zip_bomb_is_refused(tmp_path, letter):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "<a/>")
        package.writestr("word/media/huge.bin", b"\0" * 80_000_000)
    with pytest.raises(FormgenError, match="unpacks to 80 MB in 2 parts"):
        place_in_letterhead(bomb, letter[1])


def letterhead_pdf(path, embedded=True):
    """A one-page letterhead as another program writes it: a TrueType font embedded, as Word and
    LibreOffice embed them (or a standard font, not embedded)."""
    import pikepdf

    from generator.formats.pdf.fonts import face

    with pikepdf.new() as pdf:
        page = pdf.add_blank_page(page_size=(595, 842))
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                  BaseFont=pikepdf.Name("/Helvetica-Bold"))
        if embedded:
            sans = face("sans")
            font = pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType, BaseFont=pikepdf.Name("/PTSans-Regular"),
                Encoding=pikepdf.Name.WinAnsiEncoding, FirstChar=32, LastChar=126,
                Widths=[sans.advances[sans.glyph_ids.get(chr(code), 0)] for code in range(32, 127)],
                FontDescriptor=pikepdf.Dictionary(
                    Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/PTSans-Regular"), Flags=32,
                    FontBBox=list(sans.bbox), ItalicAngle=0, Ascent=sans.ascent, Descent=sans.descent,
                    CapHeight=sans.cap_height, StemV=80, FontFile2=pdf.make_stream(sans.data)))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 16 Tf 72 800 Td (KARA-SUU AIYL OKMOTU LETTERHEAD) Tj ET "
                                            b"60 770 470 50 re S")
        pdf.save(path, deterministic_id=True)
    return path


def test_pdf_letterhead_whose_fonts_are_not_embedded_is_refused(tmp_path):
    """A tagged letter (PDF/UA) has every font embedded: a letterhead without them is refused, and says how to export it."""
    from generator.formats.pdf.letterhead import with_letterhead

    with pytest.raises(FormgenError, match=r"not embedded \(Helvetica-Bold\).*export the letterhead again"):
        with_letterhead(b"", letterhead_pdf(tmp_path / "blank.pdf", embedded=False))


def test_pdf_letterhead_is_the_background_of_the_first_page_only(tmp_path):
    import pypdf
    import pypdfium2 as pdfium
    from cli_runner import CliRunner
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
    from generator.formats.pdf.letterhead import with_letterhead

    bad = tmp_path / "blank.pdf"
    bad.write_bytes(content)
    with pytest.raises(FormgenError, match=message):
        with_letterhead(b"", bad)


def test_encrypted_pdf_letterhead(tmp_path):
    import pikepdf
    from generator.formats.pdf.letterhead import with_letterhead

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
    with pytest.raises(FormgenError, match=r"word/hdr.xml: line 2: template code other than"):
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


def with_entry(path, name: str, data: bytes, content_type: str | None = None):
    """The same package with one more part (or a part replaced), declared in [Content_Types].xml."""
    source = zipfile.ZipFile(path)
    target_path = path.with_name("plus-" + path.name)
    with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                continue
            entry = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and content_type:
                entry = entry.replace(b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/>'
                                      "</Types>".encode())
            target.writestr(info, entry)
        target.writestr(name, data)
    return target_path


def part_with(path, name: str, old: bytes, new: bytes):
    """The package with `old` replaced by `new` inside one part."""
    with zipfile.ZipFile(path) as source:
        data = source.read(name)
    assert old in data, (name, old)
    return with_entry(path, name, data.replace(old, new, 1))


ATTACK = b"<!-- {{ letter.subdocx.save('%s') }} -->"


@pytest.mark.parametrize("part, old, new, place", [
    ("word/document.xml", b"<w:body>", b"<w:body>" + ATTACK, r"word/document.xml: line \d+: template code .* in a comment"),
    ("word/document.xml", b"?>", b"?>" + ATTACK, r"word/document.xml: line \d+: template code .* in a comment"),
    ("word/document.xml", b"<w:body>", b"<w:body><?jinja {{ letter.subdocx.save('%s') }}?>",
     "in a processing instruction"),
    ("word/header1.xml", b"<w:p>", b"<w:p><!-- {%% include '%s' %%} -->", r"word/header1.xml: line \d+: .* comment"),
    ("word/styles.xml", b'w:styleId="Normal"', b'w:styleId="Normal" w:x="{{ \'%s\' }}"', r"word/styles.xml: .* in attribute x"),
    ("docProps/core.xml", b"</cp:coreProperties>", b"<dc:title>{# %s #}</dc:title></cp:coreProperties>",
     r"docProps/core.xml: line \d+: .* in text"),
])
def test_template_code_anywhere_writes_nothing_and_is_refused(tmp_path, letter, part, old, new, place):
    target = tmp_path / "pwned.txt"
    if b"%s" in new:
        new = new % str(target).encode()
    path = part_with(make_letterhead(tmp_path), part, old, new)
    with pytest.raises(FormgenError, match=place + r".*\(delete it: nothing in a letterhead is run"):
        place_in_letterhead(path, letter[1])
    assert not target.exists()


def test_template_code_in_a_text_box_and_footnotes_is_refused(tmp_path, letter):
    box = ('<w:r><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
           '<w:txbxContent><w:p><w:r><w:t>{{ letter }}</w:t></w:r></w:p></w:txbxContent></wp:anchor></w:drawing></w:r>')
    path = part_with(make_letterhead(tmp_path, ("Бланк",)), "word/document.xml", b"<w:t>\xd0\x91", box.encode() + b"<w:t>\xd0\x91")
    with pytest.raises(FormgenError, match=r"word/document.xml: line \d+: \{\{ letter \}\} where the letter cannot go"):
        place_in_letterhead(path, letter[1])
    notes = (b'<?xml version="1.0"?><w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b'<w:footnote w:id="1"><w:p><w:r><w:t>{</w:t></w:r><w:r><w:t>{ 7*7 }}</w:t></w:r></w:p></w:footnote>'
             b'</w:footnotes>')
    split = with_entry(make_letterhead(tmp_path), "word/footnotes.xml", notes)
    with pytest.raises(FormgenError, match=r"word/footnotes.xml: line 1: .* in a paragraph: '\{\{ 7\*7 \}\}'"):
        place_in_letterhead(split, letter[1])


def test_a_part_that_does_not_parse_refuses_the_file(tmp_path, letter):
    notes = (b'<?xml version="1.0"?>\n<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b'<w:footnote><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:footnote></w:footnotes>')
    path = with_entry(make_letterhead(tmp_path), "word/footnotes.xml", notes)
    with pytest.raises(FormgenError, match=r"word/footnotes.xml: line 2: does not parse: Entity 'xxe' not defined"
                                           r".* \(save the letterhead again in Word or LibreOffice\)"):
        place_in_letterhead(path, letter[1])
    declared = notes.replace(b"?>\n", b'?>\n<!DOCTYPE w:footnotes [<!ENTITY xxe "{{ 7*7 }}">]>\n')
    path = with_entry(make_letterhead(tmp_path), "word/footnotes.xml", declared)
    with pytest.raises(FormgenError, match="word/footnotes.xml: has a DOCTYPE"):
        place_in_letterhead(path, letter[1])
    renamed = with_entry(make_letterhead(tmp_path), "word/notes.bin", notes,
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml")
    with pytest.raises(FormgenError, match="word/notes.bin: line 2: does not parse"):
        place_in_letterhead(renamed, letter[1])


def test_placeholder_twice_or_outside_the_body(tmp_path, letter):
    with pytest.raises(FormgenError, match=r"document.xml: line \d+: \{\{ letter \}\} appears 2 times"):
        place_in_letterhead(make_letterhead(tmp_path, ("{{ letter }}", "{{letter}}")), letter[1])
    path = make_letterhead(tmp_path, ("Бланк",))
    document = docx.Document(path)
    document.sections[0].header.paragraphs[0].text = "{{ letter }}"
    document.save(path)
    with pytest.raises(FormgenError, match=r"header1.xml: line \d+: \{\{ letter \}\} where the letter cannot go \(a header"):
        place_in_letterhead(path, letter[1])


def test_build_with_a_hostile_letterhead_writes_nothing(tmp_path):
    from cli_runner import CliRunner
    from generator.cli import app

    target = tmp_path / "pwned.txt"
    path = part_with(make_letterhead(tmp_path), "word/document.xml", b"<w:body>",
                     b"<w:body>" + ATTACK % str(target).encode())
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "out"), "--letterhead", str(path), "--no-site"])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}: word/document.xml: line ")
    assert "template code other than {{ letter }} in a comment" in result.output
    assert not target.exists() and not (tmp_path / "out").exists()


def effective(style, attribute: str):
    """A style's font name or size as Word resolves it: the first in its chain of bases that sets it."""
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def letterhead_in_arial(tmp_path, **section):
    path = make_letterhead(tmp_path)
    document = docx.Document(path)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", docx.shared.Pt(16)
    normal.element.rPr.rFonts.set(qn("w:cs"), "Arial")
    for key, value in section.items():
        setattr(document.sections[0], key, value)
    document.save(path)
    return path


def test_the_letter_keeps_its_font_and_footer_in_any_letterhead(tmp_path, letter):
    document, data = letter
    result = docx.Document(io.BytesIO(place_in_letterhead(letterhead_in_arial(tmp_path), data)))
    letter_paragraphs = [p for p in result.paragraphs if p.style.style_id.startswith("Form")]
    assert len(letter_paragraphs) > 10
    for paragraph in letter_paragraphs:
        assert effective(paragraph.style, "name") == "Times New Roman", paragraph.style.name
        assert effective(paragraph.style, "size") == docx.shared.Pt(12), paragraph.style.name
    assert effective(result.styles["Normal"], "name") == "Arial"  # the letterhead's own text keeps its look
    footer = "\n".join(p.text for p in result.sections[0].footer.paragraphs)
    assert "Дарек: Кара-Суу" in footer and document.footer in footer
    assert document.call_id in document.footer
    line = next(p for p in result.sections[0].footer.paragraphs if p.text == footer_line(document))
    assert all(run.font.name == "Times New Roman" for run in line.runs)


def test_footer_goes_on_a_first_page_footer_and_into_a_letterhead_without_footers(tmp_path, letter):
    document, data = letter
    path = letterhead_in_arial(tmp_path, different_first_page_header_footer=True)
    result = docx.Document(io.BytesIO(place_in_letterhead(path, data)))
    assert document.footer in "\n".join(p.text for p in result.sections[0].first_page_footer.paragraphs)
    bare = tmp_path / "bare.docx"
    plain = docx.Document()
    plain.add_paragraph("{{ letter }}")
    plain.save(bare)
    result = docx.Document(io.BytesIO(place_in_letterhead(bare, data)))
    assert [p.text for p in result.sections[0].footer.paragraphs if p.text] == [footer_line(document)]


def footer_line(document) -> str:
    """The letter's footer line: the call, then its page code as text (a DOCX printed to PDF is told by it)."""
    from generator.formats.docx.write import CODE_GAP, page_code

    return f"{document.footer}{CODE_GAP}{page_code(document)}"


def test_controls_read_back_by_tag_and_styles_exist(tmp_path, letter):
    from generator.formats.docx.read import read_docx_values

    document, _ = letter
    values = {field.id: f"значение {number} Ң Ө Ү" for number, field in enumerate(document.fields())
              if field.kind in ("text", "multiline")}
    filled = render_bytes(document, "docx", values)
    result_bytes = place_in_letterhead(letterhead_in_arial(tmp_path), filled)
    read = read_docx_values(io.BytesIO(result_bytes))
    assert set(read) == {field.id for field in document.fields()}
    assert {key: read[key] for key in values} == values
    result = docx.Document(io.BytesIO(result_bytes))
    ids = {style.style_id for style in result.styles}
    used = {e.get(qn("w:val")) for e in result.element.body.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"))}
    assert used <= ids
    assert {s.element.basedOn_val for s in result.styles} - {None} <= ids
    source = docx.Document(io.BytesIO(filled))
    letter_styles = {p.style.name for p in source.paragraphs} | {p.style.name for t in source.tables
                                                                 for c in t._cells for p in c.paragraphs}
    assert "Form body" in letter_styles and letter_styles <= {p.style.name for p in result.paragraphs} | {
        p.style.name for t in result.tables for c in t._cells for p in c.paragraphs}
    control_ids = [e.get(qn("w:id")) for e in result.element.body.iter(qn("w:sdtPr"))
                   for e in e.iterchildren(qn("w:id"))]
    assert len(control_ids) == len(set(control_ids))


def test_the_logo_in_the_header_is_kept(tmp_path, letter):
    result = docx.Document(io.BytesIO(place_in_letterhead(make_letterhead(tmp_path), letter[1])))
    header = result.sections[0].header
    blips = header._element.xpath(".//a:blip/@r:embed")
    assert len(blips) == 1
    assert header.part.related_parts[blips[0]].blob == PIXEL


def test_placeholder_split_over_runs_as_word_writes_it(tmp_path, letter):
    document = docx.Document()
    document.add_paragraph("Бланк")
    paragraph = document.add_paragraph()
    for piece in ("{{", " let", "ter }", "}"):
        paragraph.add_run(piece).bold = piece == " let"
    document.add_paragraph("Конец")
    path = tmp_path / "split.docx"
    document.save(path)
    result = docx.Document(io.BytesIO(place_in_letterhead(path, letter[1])))
    text = static_text(result.element.body)
    assert "{" not in text and text.index("Бланк") < text.index("КЫЗЫКДАРЛЫК КАТЫ") < text.index("Конец")


def test_a_letterhead_whose_styles_have_localized_ids(tmp_path, letter):
    """Russian Word names the Normal style's id `a`: the letter's styles are based on it, none dangles."""
    path = letterhead_in_arial(tmp_path)
    with zipfile.ZipFile(path) as package:
        styles = package.read("word/styles.xml")
    styles = styles.replace(b'w:styleId="Normal"', b'w:styleId="a"').replace(b'<w:basedOn w:val="Normal"', b'<w:basedOn w:val="a"')
    result = docx.Document(io.BytesIO(place_in_letterhead(with_entry(path, "word/styles.xml", styles), letter[1])))
    ids = {style.style_id for style in result.styles}
    assert "a" in ids and "Normal" not in ids
    assert {style.element.basedOn_val for style in result.styles} - {None} <= ids
    body = next(p for p in result.paragraphs if p.style.style_id == "FormBody")
    assert body.style.base_style.style_id == "a" and effective(body.style, "name") == "Times New Roman"


@pytest.mark.parametrize("option, fmt", [("--letterhead", "docx"), ("--letterhead-pdf", "pdf")])
def test_a_letterhead_that_is_a_pipe_is_refused_before_it_is_read(tmp_path, option, fmt):
    import os
    from cli_runner import CliRunner
    from generator.cli import app

    pipe = tmp_path / "letterhead"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "out"), "--form", "interest_letter",
                                      "--lang", "ru", "--format", fmt, option, str(pipe), "--no-site"])
    assert result.exit_code == 1 and f"{pipe}: not a regular file" in result.output
    assert not (tmp_path / "out").exists()
