"""`collect` with hostile returned files: each value is read as the file holds it, or reported."""
import io
import json
import os
from copy import deepcopy
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.formats.docx import ooxml
from generator.pipeline import localized_documents, render_bytes
from generator.sources.call import load_call
from generator.cli import app
from generator.commands.collect import Forms, collect, read_returned
from generator.errors import FormgenError
from hostile.bombs import annotations_bomb, kids_bomb

CALL = load_call(DEFAULT_CALL)


@pytest.fixture(scope="module")
def forms():
    return Forms(CALL)


def document(form: str, lang: str = "ky"):
    return next(d for d in localized_documents(CALL, [lang], [form]))


def text_field_ids(form: str) -> list[str]:
    return [f.id for f in document(form).fields() if f.kind in ("text", "multiline")]


def edited_pdf(path: Path, form: str, edit) -> Path:
    """A PDF of `form` as formgen makes it, changed by `edit(pdf, {field name: field})`."""
    with pikepdf.open(io.BytesIO(render_bytes(document(form), "pdf"))) as pdf:
        edit(pdf, {str(f.T): f for f in pdf.Root.AcroForm.Fields if "/T" in f})
        pdf.save(path)
    return path


def test_a_value_that_is_not_text_is_reported(tmp_path, forms):
    first, second, third, fourth = text_field_ids("annex2")[:4]

    def edit(pdf, fields):
        fields[first].V = Array([String("a"), String("b")])
        fields[second].V = pdf.make_stream(b"a stream", Filter=Name.LZWDecode)
        fields[third].V = Dictionary(A=String("b"))
        fields[fourth].V = String("kept")

    (returned,), problems = read_returned(edited_pdf(tmp_path / "a.pdf", "annex2", edit), forms)
    assert returned.values[fourth] == "kept" and returned.values[first] == returned.values[second] == ""
    assert sorted(problems) == sorted([f"{first}: the value is a list, not text; read as empty",
                                       f"{second}: the value is a stream packed with /LZWDecode; read as empty",
                                       f"{third}: the value is a dictionary, not text; read as empty"])


def test_two_fields_of_one_name_and_different_types_are_reported(tmp_path, forms):
    name = text_field_ids("annex2")[0]

    def edit(pdf, fields):
        fields[name].V = String("text")
        pdf.Root.AcroForm.Fields.append(pdf.make_indirect(Dictionary(T=String(name), FT=Name.Btn, V=Name("/1"))))

    (returned,), problems = read_returned(edited_pdf(tmp_path / "a.pdf", "annex2", edit), forms)
    assert returned.values[name] == "text"
    assert problems == [f"{name}: two fields of this name, of types /Tx and /Btn; the first is kept"]


def test_one_docx_holding_controls_of_two_forms_reads_both(tmp_path, forms):
    from docx import Document as Docx

    from generator.formats.docx.write import fill_docx

    letter_field, annex_field = text_field_ids("interest_letter")[0], text_field_ids("annex2")[0]
    letter = Docx(io.BytesIO(fill_docx(render_bytes(document("interest_letter"), "docx"), {letter_field: "Башчы"})))
    annex = Docx(io.BytesIO(fill_docx(render_bytes(document("annex2"), "docx"), {annex_field: "Айыл"})))
    control = next(c for c in ooxml.iter_controls(letter.element.body) if ooxml.control_tag(c) == letter_field)
    annex.element.body.insert(0, deepcopy(control))
    annex.save(tmp_path / "both.docx")
    returned, problems = read_returned(tmp_path / "both.docx", forms)
    assert {r.form: r.values for r in returned}["interest_letter"] == {letter_field: "Башчы"}
    assert {r.form: r.values for r in returned}["annex2"][annex_field] == "Айыл"
    assert problems == ["holds fields of 2 forms (interest_letter, annex2); each is read as its own"]


def test_links_pipes_and_devices_in_a_folder_are_reported_not_followed(tmp_path):
    folder, outside = tmp_path / "in", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.7 not for collect")
    (folder / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    (folder / "elsewhere").symlink_to(outside)
    (folder / "loop").symlink_to(folder)
    (folder / "zero.pdf").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.pdf")
    applications, problems = collect([folder], CALL)
    reported = {Path(file).name: problem for file, problem in problems}
    assert applications == [] and "secret.pdf" not in reported
    assert reported == {"gone.pdf": "a broken link; not read",
                        "elsewhere": "a link to a folder (copy the folder itself into the input); not read",
                        "loop": "a link to a folder (copy the folder itself into the input); not read",
                        "zero.pdf": "not a regular file (a pipe, device or socket); not read",
                        "pipe.pdf": "not a regular file (a pipe, device or socket); not read"}


@pytest.mark.parametrize("junk, count, read", [(Dictionary(Junk=Name.Yes), 5_000, True),
                                               (Dictionary(Junk=Name.Yes), 30_000, True),
                                               (Dictionary(T=String("junk")), 5_000, True),
                                               (Dictionary(T=String("junk")), 30_000, False)])
def test_real_fields_behind_junk_nodes(tmp_path, forms, junk, count, read):
    """A dictionary that is no field (no name, kids, type or value) is passed over; fields count
    towards the limit of a tree, and what is cut there is reported."""
    name = text_field_ids("annex2")[0]

    def edit(pdf, fields):
        fields[name].V = String("behind the junk")
        real = list(pdf.Root.AcroForm.Fields)
        pdf.Root.AcroForm.Fields = Array([junk] * count + real)

    path = edited_pdf(tmp_path / "a.pdf", "annex2", edit)
    if read:
        (returned,), problems = read_returned(path, forms)
        assert returned.values[name] == "behind the junk"
        assert problems == ([] if "/T" not in junk else ["1 field(s) no form has, not read: junk"])
    else:
        with pytest.raises(FormgenError, match="the field tree has more than 20000 nodes; the fields after them "
                           "were not read"):
            read_returned(path, forms)


def test_a_lone_surrogate_is_reported_and_shown_as_a_replacement(tmp_path, forms):
    name = text_field_ids("annex2")[0]

    def edit(pdf, fields):
        fields[name].V = String(b"\xfe\xff\x04\x1a\xd8\x00\x04\x30")  # К, a lone high surrogate, а

    (returned,), problems = read_returned(edited_pdf(tmp_path / "a.pdf", "annex2", edit), forms)
    assert returned.values[name] == "К\ufffdа"
    assert problems == [f"{name}: a lone UTF-16 surrogate (not a character), read as \ufffd"]


def test_an_answer_longer_than_a_cell_is_whole_in_json_and_reported_in_the_workbook(tmp_path):
    from openpyxl import load_workbook

    name = next(f.id for f in document("annex2").fields() if f.kind == "multiline")
    answer = "Ү" * 40_000

    def edit(pdf, fields):
        fields[name].V = String(answer)

    folder = tmp_path / "in"
    folder.mkdir()
    edited_pdf(folder / "annex2.pdf", "annex2", edit)
    runner = CliRunner()
    assert runner.invoke(app, ["collect", str(folder), "--out", str(tmp_path / "a.json")]).exit_code == 0
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["general"][0][name] == answer
    assert runner.invoke(app, ["collect", str(folder), "--out", str(tmp_path / "a.xlsx")]).exit_code == 0
    book = load_workbook(tmp_path / "a.xlsx", read_only=True)
    cells = [c for row in book["general"].iter_rows(values_only=True) for c in row if c]
    assert max(len(str(c)) for c in cells) == 32_767
    problems = [row[2] for row in book["problems"].iter_rows(values_only=True)]
    assert [p for p in problems if p.startswith(f"general, {name}: 40000 ") and "(32767)" in p], problems


@pytest.mark.parametrize("make, count", [(kids_bomb, "3000005 references"), (annotations_bomb, "100005 objects")])
def test_small_pdfs_that_unfold_into_millions_of_objects_are_refused_by_counting(tmp_path, make, count, monkeypatch):
    path = make(tmp_path / "bomb.pdf")

    def materialise(*args, **kwargs):  # walking it would take a minute and 700 MB
        raise AssertionError("the bomb was opened before its objects were counted")

    monkeypatch.setattr(pikepdf, "open", materialise)
    applications, problems = collect([path], CALL)
    assert applications == [] and len(problems) == 1 and count in problems[0][1]


def test_an_encrypted_pdf_is_a_problem_even_with_an_empty_password(tmp_path, forms):
    with pikepdf.open(io.BytesIO(render_bytes(document("annex2"), "pdf"))) as pdf:
        pdf.save(tmp_path / "packed.pdf", encryption=pikepdf.Encryption(user="", owner="secret"))
        pdf.save(tmp_path / "plain.pdf", encryption=pikepdf.Encryption(user="", owner="secret"),
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    for name in ("packed.pdf", "plain.pdf"):  # found by the count, and by pikepdf
        with pytest.raises(FormgenError, match="the PDF is encrypted"):
            read_returned(tmp_path / name, forms)


def test_a_prefilled_pdf_is_bounded_by_its_loose_counts_alone(monkeypatch):
    """A row's file has one object stream (its structure tree): its loose counts (letters, bytes)
    are within the limits, so nothing is counted exactly, which cost every file collect reads a
    fifth of a millisecond; an object stream after white space of any length is still found."""
    from dataclasses import replace

    from generator import DEFAULT_CALL
    from generator.formats.pdf import bounds
    from generator.formats.pdf.layout import fill_blank, render_blank
    from generator.pipeline import localized_documents
    from generator.sources.call import load_call

    document = localized_documents(load_call(DEFAULT_CALL), ["ky"], ["annex2"])[0]
    blank = render_blank(document)
    data = fill_blank(blank, replace(document, row="Кара-Суу"), {blank.widgets[0].field_id: "Кара-Суу"})
    assert b"/ObjStm" in data

    def exact(*_):
        raise AssertionError("counted exactly")
    monkeypatch.setattr(bounds, "_values_outside_streams", exact)
    bounds.check_pdf_size(data, "row.pdf")
    monkeypatch.undo()
    spaced = data.replace(b"/Type /ObjStm", b"/Type" + b" " * 500 + b"/ObjStm")
    assert bounds._with_packed(spaced, spaced.find(b"/ObjStm"), (0, 0, 0), "x", exactly=False)[0] > 0
