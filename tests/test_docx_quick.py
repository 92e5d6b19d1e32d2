"""The quick reading of content controls from the bytes of word/document.xml (ooxml.quick_control_readings)
gives exactly what lxml's tree gives, or None; whatever it returns, read_docx_controls reads as lxml does."""
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from generator.formats.docx import ooxml
from generator.pipeline import localized_documents, render_bytes
from generator.sources.project import BUILTIN
EDITIONS = BUILTIN.languages.edition_ids
from generator.formats.docx.write import fill_docx
from generator.errors import FormgenError
from generator.formats.docx.read import DOCUMENT_PART, _PARSER, read_docx_controls
from test_docx import fill as typed_and_saved_by_python_docx

FIXTURES = Path(__file__).parent / "fixtures"


def by_lxml(xml: bytes) -> list:
    return [ooxml.control_reading(sdt) for sdt in ooxml.iter_controls(etree.fromstring(xml, _PARSER))]


def body_of(docx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return package.read(DOCUMENT_PART)


def with_body(docx: bytes, xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == DOCUMENT_PART else source.read(item))
    return out.getvalue()


def answers(document) -> dict[str, str]:
    """A value for every field: Kyrgyz letters, XML's special characters, line breaks and tabs in
    multi-line fields, ticked and unticked boxes, the last choice of a list."""
    def answer(i: int, field) -> str:
        if field.kind == "yesno":
            return (ooxml.UNCHECKED, ooxml.CHECKED)[i % 2]
        return field.choices[-1] if field.choices else {"date": "03.04.2025", "multiline": MULTILINE}.get(
            field.kind, f"{field.id} Ң Ө Ү & < > « » №{i} —")
    return {field.id: answer(i, field) for i, field in enumerate(document.fields())}


MULTILINE = "ҢңӨөҮү & <b> \"x\" 'x'\nэкинчи сап\tтаб\n\nүчүнчү"


@pytest.fixture(scope="module")
def every_document(call):
    return localized_documents(call, EDITIONS)


def test_every_form_and_edition_blank_and_filled_reads_as_lxml_reads(every_document):
    multiline = 0
    for document in every_document:
        values = answers(document)
        blank = render_bytes(document, "docx")
        for docx in (blank, render_bytes(document, "docx", values), fill_docx(blank, values)):
            xml = body_of(docx)
            quick = ooxml.quick_control_readings(xml)
            assert quick is not None, (document.form_id, document.lang)
            assert quick == by_lxml(xml), (document.form_id, document.lang)
        fields = {field.id: field for field in document.fields() if field.kind != "signature"}
        assert [tag for tag, _, _ in quick] == list(fields)
        assert all(value == values[tag] for tag, _, value in quick if not fields[tag].choices)  # a choice: its label
        multiline += sum("\n" in value for _, _, value in quick)
    assert multiline


def test_files_saved_by_other_programs_read_as_lxml_reads_or_fall_back(documents):
    document = documents[("annex2", "ky")]
    saved = [typed_and_saved_by_python_docx(render_bytes(document, "docx"), answers(document), "ky"),
             *(path.read_bytes() for path in sorted((FIXTURES / "libreoffice74").glob("*.docx")))]
    assert len(saved) >= 3
    for docx in saved:
        xml = body_of(docx)
        assert ooxml.quick_control_readings(xml) in (None, by_lxml(xml))
        assert read_docx_controls(io.BytesIO(docx)) == by_lxml(xml)


# --- what the quick reading does not follow ---------------------------------------------------------

CONTROL = ooxml.Control("aa_name", "text", "Аталышы", "[аталышы]", "ky", "1")
W14 = ooxml.NAMESPACES["w14"]


def part(*controls: str, around: str = "<w:p>{}</w:p>") -> bytes:
    return ooxml.document_part(around.format("".join(controls)))


def control(value: str = "Ош") -> str:
    return ooxml.content_control(CONTROL, value)


def edited(old: str, new: str, xml: bytes | None = None) -> bytes:
    xml = part(control()) if xml is None else xml
    assert old.encode() in xml, old
    return xml.replace(old.encode(), new.encode(), 1)


TEXT = '<w:t xml:space="preserve">Ош</w:t>'
FALLS_BACK = {  # each: what lxml reads differs from what a plain scan of the bytes would take
    "a control inside a comment": part(f"<!-- {control('x')} -->", control()),
    "CDATA holding an end tag": edited(TEXT, "<w:t><![CDATA[a</w:t>b]]></w:t>"),
    "a DOCTYPE and its entity": edited("<w:document ", '<!DOCTYPE w:document [<!ENTITY x "Ош">]><w:document ',
                                      edited(TEXT, "<w:t>&x;</w:t>")),
    "a processing instruction in the text": edited(TEXT, "<w:t>a<?pi b?>c</w:t>"),
    "w declared again on an ancestor": edited("<w:body>", '<w:body xmlns:w="urn:other">'),
    "another prefix for w's namespace": edited(
        "<w:body>", "<w:body>" + control().replace("w:", "x:"),
        edited("<w:document ", f'<w:document xmlns:x="{ooxml.NAMESPACES["w"]}" ')),
    "w's namespace as the default": edited("<w:document ", f'<w:document xmlns="{ooxml.NAMESPACES["w"]}" ',
                                          edited("<w:body>", "<w:body>" + control().replace("w:", ""))),
    "w bound elsewhere": edited(ooxml.NAMESPACES["w"], "urn:other"),
    "w14 not declared": edited(f' xmlns:w14="{W14}"', ""),
    "a control inside a control": edited(TEXT, TEXT + control("inner")),
    "a control with two contents": edited("</w:sdtContent>", "</w:sdtContent><w:sdtContent><w:r><w:t>b</w:t></w:r>"
                                                             "</w:sdtContent>"),
    "a control without content": part(control().split("<w:sdtContent>")[0] + "</w:sdt>", control()),
    "an end tag spaced": edited("</w:sdtContent></w:sdt>", "</w:sdtContent ></w:sdt>"),
    "a start tag spaced": edited("<w:sdt>", "<w:sdt >"),
    "a value in apostrophes": edited('w:val="aa_name"', "w:val='aa_name'"),
    "properties in another order": edited('<w:alias w:val="Аталышы"/><w:tag w:val="aa_name"/>',
                                          '<w:tag w:val="aa_name"/><w:alias w:val="Аталышы"/>'),
    "a '>' inside a quoted value of the text": edited(TEXT, '<w:t xml:space="preserve" w:x="a>b">Ош</w:t>'),
    "paragraphs inside the control": edited(TEXT, f"<w:p><w:r>{TEXT}</w:r></w:p><w:p><w:r>{TEXT}</w:r></w:p>"),
    "an entity XML does not predefine": edited(TEXT, "<w:t>&nbsp;</w:t>"),
    "a reference to a character XML forbids": edited(TEXT, "<w:t>&#1;</w:t>"),
    "a control character": edited(TEXT, "<w:t>a\x01b</w:t>"),
    "not UTF-8": edited(TEXT, "<w:t>a</w:t>").replace(b">a<", b">\xff<"),
    "]]> in text": edited(TEXT, "<w:t>a]]>b</w:t>"),
    "cut short": part(control())[:-len(b"</w:document>")],
    "a control as the root": ooxml.document_part("").replace(b"w:document", b"w:sdt"),
    "another encoding": edited('encoding="UTF-8"', 'encoding="windows-1251"'),
    "a text element after a text element (LibreOffice's lines)": edited(TEXT, "<w:t>a</w:t> <w:t/><w:t>b</w:t>"),
}


@pytest.mark.parametrize("case", FALLS_BACK)
def test_what_the_quick_reading_does_not_follow_falls_back_to_lxml(case, documents):
    xml = FALLS_BACK[case]
    assert ooxml.quick_control_readings(xml) is None
    docx = with_body(render_bytes(documents[("annex2", "ky")], "docx"), xml)
    try:
        expected = by_lxml(xml)
    except etree.XMLSyntaxError:
        with pytest.raises(FormgenError, match="damaged XML"):
            read_docx_controls(io.BytesIO(docx))
    else:
        assert read_docx_controls(io.BytesIO(docx)) == expected


FOLLOWED = {  # what XML changes in the bytes, which the quick reading does as XML does
    "line ends": edited(TEXT, "<w:t>a\r\nb\rc&#13;d&#10;e</w:t>"),
    "references": edited(TEXT, "<w:t>&#1082;&#x4A2;&#x0004a2;&lt;&gt;&amp;&quot;&apos;</w:t>"),
    "a value's tabs and line breaks": edited('w:val="Аталышы"', 'w:val="a\tb\nc\r\nd&#9;e&#10;f"'),
    "spaces in a tag of the text": edited(TEXT, '<w:t\n xml:space = "preserve" >Ош</w:t >'),
    "an empty text element": edited(TEXT, "<w:t/>"),
    "a text element holding an element": edited(TEXT, "<w:t>a<w:br/>b</w:t>"),
    "tabs and breaks": edited(TEXT, '<w:tab/><w:t>a</w:t><w:br w:type="page"/><w:cr/><w:t>b</w:t><w:tab></w:tab>'),
    "a break among a run's properties": edited("<w:r><w:rPr>", "<w:r><w:rPr><w:br/>"),
    "an unfilled control": part(ooxml.content_control(CONTROL)),
    "ticked and unticked boxes": part(*(ooxml.content_control(CONTROL._replace(kind="checkbox"), value)
                                        for value in (ooxml.CHECKED, ooxml.UNCHECKED))),
    "no declaration": part(control()).split(b"\n", 1)[1],
    "a byte order mark": b"\xef\xbb\xbf" + part(control()),
}


@pytest.mark.parametrize("case", FOLLOWED)
def test_what_xml_changes_the_quick_reading_changes_alike(case):
    xml = FOLLOWED[case]
    assert ooxml.quick_control_readings(xml) == by_lxml(xml) != []


def test_markup_broken_between_controls_is_read_not_refused():
    """The decision docs/docx.md states: between controls the markup is not checked (a parse would cost
    what the quick reading saves), so a part broken only there is read; the controls are whole."""
    xml = part(control(), around="<w:p>{}</w:r></w:p>")
    with pytest.raises(etree.XMLSyntaxError):
        by_lxml(xml)
    assert ooxml.quick_control_readings(xml) == [("aa_name", "Аталышы", "Ош")]
    deep = part(control(), around="<w:p>" * 300 + "{}" + "</w:p>" * 300)  # past lxml's depth limit
    assert ooxml.quick_control_readings(deep) == [("aa_name", "Аталышы", "Ош")]


def outcome(path: Path):
    try:
        return read_docx_controls(path)
    except FormgenError as exc:
        return exc.problem


def test_every_docx_of_the_hostile_corpus_has_the_outcome_lxml_gives(tmp_path, monkeypatch):
    from hostile.cases import CASES

    files = []
    for case in CASES:
        if case.name.startswith("returned/docx-"):
            folder = tmp_path / case.name.replace("/", "-")
            folder.mkdir()
            case.make(folder)
            files += sorted(folder.rglob("*.docx"))
    assert len(files) >= 10
    quick = [outcome(path) for path in files]
    monkeypatch.setattr(ooxml, "quick_control_readings", lambda xml: None)
    assert quick == [outcome(path) for path in files]
