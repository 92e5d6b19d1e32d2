import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from generator.formats.docx import ooxml
from generator.pipeline import render_bytes
from generator.sources.definitions import load_forms
from generator.model.forms import Field, Table
from generator.formats.docx.read import read_docx_values
from seed_text import ADDED, missing_from, seed_section, words

DOCX_KIND = {"text": "text", "number": "text", "multiline": "multiline", "date": "date", "rating": "dropdown",
             "choice": "dropdown"}
FORMS = [(form_id, lang) for form_id in load_forms() for lang in ("ru", "ky")]


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def static_text(body) -> str:
    """The document's own text in reading order, leaving out what is inside content controls."""
    parts = []
    for paragraph in body.iter(qn("w:p")):
        runs = [t.text or "" for t in paragraph.iter(qn("w:t"))
                if not any(a.tag == qn("w:sdt") for a in t.iterancestors())]
        parts.append("".join(runs))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def rendered(documents):
    return {key: render_bytes(doc, "docx") for key, doc in documents.items()}


@pytest.mark.parametrize("key", FORMS)
def test_one_control_per_field_with_its_tag_and_kind(key, documents, rendered):
    body = open_docx(rendered[key]).element.body
    controls = [(ooxml.control_tag(s), ooxml.control_kind(s)) for s in ooxml.iter_controls(body)]
    expected = [(f.id, DOCX_KIND[f.kind]) for f in documents[key].fields()]
    assert controls == expected
    assert len({tag for tag, _ in controls}) == len(controls)


@pytest.mark.parametrize("key", FORMS)
def test_text_reproduces_the_seed(key, documents, rendered):
    body = open_docx(rendered[key]).element.body
    actual = words(static_text(body))
    expected = words(seed_section(*key))
    assert missing_from(expected, actual) == []
    extra = set(actual) - set(expected)
    assert extra <= ADDED[key[1]], f"words not in the seed: {sorted(extra - ADDED[key[1]])}"


@pytest.mark.parametrize("key", FORMS)
def test_hints_are_grey_placeholders(key, documents, rendered):
    body = open_docx(rendered[key]).element.body
    placeholders = {ooxml.control_tag(s): ooxml.control_text(s) for s in ooxml.iter_controls(body)
                    if ooxml.showing_placeholder(s)}
    fields = list(documents[key].fields())
    assert set(placeholders) == {f.id for f in fields}
    for field in fields:
        if field.hint:
            assert field.hint in placeholders[field.id]
    styles = {r.get(qn("w:val")) for r in body.iter(qn("w:rStyle"))}
    assert (ooxml.PLACEHOLDER_STYLE_ID in styles) == bool(fields)


def test_letter_hints_of_the_seed(rendered):
    letter = open_docx(rendered[("interest_letter", "ru")]).element.body
    text = " ".join(ooxml.control_text(s) for s in ooxml.iter_controls(letter))
    assert "ФИО главы АО или мэра" in text
    assert "указать наименование и месторасположение" in text


@pytest.mark.parametrize("key", FORMS)
def test_runs_carry_the_language(key, rendered):
    body = open_docx(rendered[key]).element.body
    tags = {lang.get(qn("w:val")) for lang in body.iter(qn("w:lang"))}
    assert tags == {"ru-RU" if key[1] == "ru" else "ky-KG"}


def test_page_setup_and_letterhead_space(rendered, call):
    letter = open_docx(rendered[("interest_letter", "ky")])
    section = letter.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert section.left_margin.mm >= 20 and section.right_margin.mm >= 10
    assert section.top_margin.mm >= 20 and section.bottom_margin.mm >= 20
    assert section.different_first_page_header_footer
    spacer = section.first_page_header.paragraphs[0].paragraph_format.line_spacing
    assert abs(section.header_distance.mm + spacer.mm - call.letterhead_height_mm) < 0.5
    annex = open_docx(rendered[("annex2", "ru")])
    assert "PAGE" in annex.sections[0].footer._element.xml
    assert not annex.sections[0].different_first_page_header_footer


def test_table_widths_on_grid_and_cells(rendered):
    annex = open_docx(rendered[("annex2", "ru")])
    assert len(annex.tables) == 4
    donors = annex.tables[3]
    grid = [int(c.get(qn("w:w"))) for c in donors._tbl.tblGrid.iter(qn("w:gridCol"))]
    cells = [c.width for c in donors.rows[1].cells]
    assert len(grid) == 5 and all(w > 0 for w in grid)
    assert [round(c.twips) for c in cells] == grid
    assert len(donors.rows) == 11  # header + 10 empty rows


def fill(data: bytes, values: dict[str, str], lang: str) -> bytes:
    """Type into the controls the way Word stores it, and save."""
    document = open_docx(data)
    for sdt in ooxml.iter_controls(document.element.body):
        tag = ooxml.control_tag(sdt)
        if tag in values:
            ooxml.set_control_value(sdt, values[tag], lang)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("key", FORMS)
def test_filled_docx_reads_back_exactly(key, documents, rendered):
    values = {}
    for i, field in enumerate(documents[key].fields()):
        if field.kind == "rating":
            values[field.id] = "4"
        elif field.kind == "multiline":
            values[field.id] = f"Ң ө Ү & <b> «{i}»\nэкинчи сап\tтаб"
        else:
            values[field.id] = f"{field.id} ҢңӨөҮү & < > « » №{i} —"
    filled = fill(rendered[key], values, key[1])
    assert read_docx_values(io.BytesIO(filled)) == values


def test_unfilled_controls_read_as_empty(documents, rendered):
    values = read_docx_values(io.BytesIO(rendered[("annex2", "ky")]))
    assert set(values) == {f.id for f in documents[("annex2", "ky")].fields()}
    assert set(values.values()) == {""}


def test_prefilled_values_are_written_into_controls(documents):
    document = documents[("interest_letter", "ru")]
    data = render_bytes(document, "docx", {"sender_head": "Асанов А. & Ко", "contacts": "тел. 1\nэл. почта"})
    values = read_docx_values(io.BytesIO(data))
    assert values["sender_head"] == "Асанов А. & Ко" and values["contacts"] == "тел. 1\nэл. почта"
    assert values["municipality"] == ""


@pytest.mark.parametrize("key", FORMS)
@pytest.mark.parametrize("share", [1, 2, 9])  # a few filled controls (deflated apart) and many (deflated whole)
def test_fill_writes_the_parts_a_render_with_the_values_writes(key, share, documents, rendered):
    """`fill` re-writes only the filled controls of a blank: every part it writes is exactly the part
    a render with those values makes (zipfile checks each CRC), and the values read back."""
    from generator.formats.docx.write import fill_docx

    fields = list(documents[key].fields())
    values = {f.id: {"date": "03.04.2025", "rating": "5"}.get(f.kind, f.choices[-1] if f.choices else f"{f.id} Ү & <>")
              for f in fields[::share]}
    filled = fill_docx(rendered[key], values)
    with zipfile.ZipFile(io.BytesIO(filled)) as written, \
            zipfile.ZipFile(io.BytesIO(render_bytes(documents[key], "docx", values))) as expected:
        assert written.namelist() == expected.namelist()
        assert all(written.read(name) == expected.read(name) for name in expected.namelist())
    read = read_docx_values(io.BytesIO(filled))
    assert all(read[f.id] == values.get(f.id, "") for f in fields if f.kind != "choice")  # a choice shows its label


def test_rendering_is_deterministic(documents):
    document = documents[("annex2", "ky")]
    assert render_bytes(document, "docx") == render_bytes(document, "docx")


def test_a_prefilled_date_is_the_date_pickers_date(documents):
    data = render_bytes(documents[("interest_letter", "ky")], "docx", {"letter_date": "20.02.2025"})
    body = open_docx(data).element.body
    sdt = next(s for s in ooxml.iter_controls(body) if ooxml.control_tag(s) == "letter_date")
    assert sdt.find(f"{qn('w:sdtPr')}/{qn('w:date')}").get(qn("w:fullDate")) == "2025-02-20T00:00:00Z"
    assert not ooxml.showing_placeholder(sdt) and ooxml.control_text(sdt) == "20.02.2025"


# ---- room to write on paper ---------------------------------------------------------------------

ROW_8MM = 454  # twips


def row_lines(row, fields: dict) -> int:
    """Lines of handwriting a table row holds: the most of its fields (a multi-line one has several)."""
    tags = [ooxml.control_tag(s) for s in ooxml.iter_controls(row)]
    return max([fields[tag].lines if fields[tag].kind == "multiline" else 1 for tag in tags] or [0])


@pytest.mark.parametrize("key", FORMS)
def test_every_bordered_table_row_with_a_blank_has_room_for_handwriting(key, documents, rendered):
    fields = {f.id: f for f in documents[key].fields()}
    checked = 0
    for table in open_docx(rendered[key]).element.body.iter(qn("w:tbl")):
        if table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}") is None:
            continue  # borderless: text set in columns, signatures
        for row in table.iter(qn("w:tr")):
            header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            lines = row_lines(row, fields)
            if header or not lines:
                continue
            height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
            assert height is not None, f"{key}: a row without a height for handwriting"
            assert height.get(qn("w:hRule")) == "atLeast"
            assert int(height.get(qn("w:val"))) >= ROW_8MM * lines
            checked += 1
    expected = sum(1 for block in documents[key].blocks if isinstance(block, Table) and block.borders
                   for row in block.rows[block.header_rows:]
                   if any(isinstance(run, Field) for cell in row for p in cell for run in p.runs))
    assert checked == expected


@pytest.mark.parametrize("key", FORMS)
def test_multiline_blanks_outside_grids_are_boxes_of_their_lines(key, documents, rendered):
    body = open_docx(rendered[key]).element.body
    fields = {f.id: f for f in documents[key].fields()}
    for sdt in ooxml.iter_controls(body):
        field = fields[ooxml.control_tag(sdt)]
        in_grid = any(t.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}") is not None
                      for t in sdt.iterancestors(qn("w:tbl")))
        if field.kind != "multiline" or in_grid:
            continue
        paragraph = next(sdt.iterancestors(qn("w:p")))
        borders = paragraph.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
        assert borders is not None and {etree_name(b) for b in borders} >= {"top", "left", "bottom", "right"}
        words = "".join(t.text for t in paragraph.iter(qn("w:t")) if sdt not in t.iterancestors())
        if words.strip():  # words before the blank share its box (the letter's contacts): no more room
            continue
        spacing = paragraph.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        assert spacing.get(qn("w:lineRule")) == "atLeast" and int(spacing.get(qn("w:line"))) >= 400  # 7 mm
        assert len(ooxml.control_text(sdt).split("\n")) == field.lines  # the placeholder's empty lines
    assert read_docx_values(io.BytesIO(rendered[key])) == {f: "" for f in fields}


def etree_name(element) -> str:
    return element.tag.split("}")[1]
