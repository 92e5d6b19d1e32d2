"""Prefill in bulk, type into the returned forms as people do, collect them back, compare cell by cell."""
import io
import json
import shutil
import time
import zipfile
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from openpyxl import load_workbook
from cli_runner import CliRunner

from generator import DEFAULT_CALL
from generator.formats.docx import ooxml
from generator.sources.call import load_call
from generator.cli import app
from generator.pipeline import fillable_forms, localized_documents, render_bytes
from generator.sources.definitions import iter_field_defs
from generator.commands.collect import Forms, collect, tables
from generator.formats.tables.write import CELL_LIMIT
from generator.model.kinds import plain_decimal
from generator.errors import FormgenError
from generator.commands.fill import fill, safe_folder_name
from test_docx import open_docx
from test_pdf import click, type_text, widgets

FIXTURES = Path(__file__).parent / "fixtures"
ODD_NAMES = ['Кара-Суу "Жаңы"', "Ала-Бука & Ко", "<Ош> айыл", "Токтогул/Чолпон", "..", "../../etc",
             "Ысык-Ата " + "өтө узун ат " * 12, "Кочкор", "кочкор", "CON", "Нарын.", "  Талас  "]


def municipalities(count: int = 30) -> list[dict[str, str]]:
    rows = []
    for i in range(count):
        name = ODD_NAMES[i] if i < len(ODD_NAMES) else f"Айыл аймагы №{i}"
        rows.append({"aa_name": name, "sender_head": f"Башчы {i} «Ү»", "sender_region": ["Чүй", "Ошской", "naryn"][i % 3],
                     "sender_district": f"Район {i}", "population": str(1000 + i), "interaction_rating": str(i % 5 + 1),
                     "letter_date": "20.02.2025", "contacts": f"тел. {i}\nэл. почта: a{i}@example.kg"})
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_safe_folder_names():
    taken: set[str] = set()
    names = [safe_folder_name(n, i, taken) for i, n in enumerate(ODD_NAMES)]
    assert all("/" not in n and "\\" not in n and ".." not in n and n.strip() == n and n for n in names)
    assert len({n.casefold() for n in names}) == len(names)  # unique, also on case-blind disks
    assert names[4] == "row-4" and names[7:12] == ["Кочкор", "кочкор-2", "_CON", "Нарын", "Талас"]
    assert safe_folder_name("Кочкор", 99, {"кочкор", "кочкор-2"}) == "Кочкор-3"
    assert len(names[6]) <= 80


def test_a_name_given_twice_is_written_twice_and_noted(tmp_path):
    """A row copied twice, or two municipalities of one name (case and spaces aside): both are
    written, each in a folder of its own, and the second is said, naming the first and its folder."""
    rows = municipalities(4)
    rows[2]["aa_name"] = rows[0]["aa_name"].upper().replace(" ", "  ")
    data = write_csv(tmp_path / "data.csv", rows)
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ru"], ["docx"], jobs=1)
    folders = {r["row"]: r["folder"] for r in report.rows}
    assert sorted(folders) == [2, 3, 4, 5] and len({f.casefold() for f in folders.values()}) == 4
    assert report.notes == [f"{data}: row 4: the same name as row 2, '{rows[2]['aa_name']}': its forms are in the "
                            f"folder '{folders[4]}' (delete one of the rows if it is the same municipality)"]


def test_bad_rows_are_reported_and_the_others_produced(tmp_path):
    rows = municipalities(3)
    rows[1].update({"population": "много", "interaction_rating": "7"})
    rows[2]["sender_region"] = "Атлантида"
    data = write_csv(tmp_path / "data.csv", rows)
    result = CliRunner().invoke(app, ["fill", "--data", str(data), "--out", str(tmp_path / "out"), "--format", "docx",
                                      "--lang", "ky"])
    assert result.exit_code == 1
    assert f"{data}: row 3, column population: 'много' is not a number" in result.output
    assert f"{data}: row 3, column interaction_rating: '7' is not a rating from 1 to 5" in result.output
    assert (f"{data}: row 4, column sender_region: 'Атлантида' is not one of the choices (batken, jalal_abad, "
            "issyk_kul, naryn, osh, talas, chui, or their labels)") in result.output
    assert "1 rows written" in result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["row"] for r in manifest["rows"]] == [2] and len(manifest["problems"]) == 3


def test_unknown_column_and_over_long_value(tmp_path):
    """An unknown column is told where field ids are (its own project's forms, not a list in formgen's
    docs, which knows only the built-in ones) and, when it is one slip from a field id, which."""
    near = next(f.id for form in fillable_forms() for f in iter_field_defs(form) if len(f.id) > 6)
    slip = near[:3] + near[4:]  # a letter left out
    data = tmp_path / "data.yaml"
    data.write_text(f"- {{aa_name: Кочкор, nickname: x}}\n- {{aa_name: Нарын, sender_head: '" + "я" * 301 + "'}\n"
                    f"- {{aa_name: Талас}}\n- {{aa_name: Ош, {slip}: x}}\n", encoding="utf-8")
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ru"], ["docx"], jobs=1)
    where = "name each column by a field id of the forms: the `id:` of a field in forms/*.yaml"
    assert report.problems == [f"{data}: row 1, column nickname: unknown column ({where})",
                               f"{data}: row 2, column sender_head: 301 characters, more than the 300 this field holds",
                               f"{data}: row 4, column {slip}: unknown column (did you mean '{near}'? {where})"]
    assert [r["folder"] for r in report.rows] == ["Талас"]


def type_into_pdf(path: Path, typed: dict[str, str], rating: tuple[str, str] | None) -> None:
    data = path.read_bytes()
    places = widgets(data)
    pdf = pdfium.PdfDocument(data)
    pdf.init_forms()
    pages = [pdf[i] for i in range(len(pdf))]
    for field_id, text in typed.items():
        (page_number, rect, _), = places[field_id]
        type_text(pdf, pages[page_number], rect, text)
    if rating:
        page_number, rect, _ = next(p for p in places[rating[0]] if p[2] == rating[1])
        click(pdf, pages[page_number], rect)
    pdfium_c.FORM_ForceToKillFocus(pdf.formenv.raw)
    saved = io.BytesIO()
    pdf.save(saved)
    pdf.close()
    path.write_bytes(saved.getvalue())


def type_into_docx(path: Path, typed: dict[str, str]) -> None:
    document = open_docx(path.read_bytes())
    for sdt in ooxml.iter_controls(document.element.body):
        if ooxml.control_tag(sdt) in typed:
            ooxml.set_control_value(sdt, typed[ooxml.control_tag(sdt)], ooxml.control_lang(sdt))
    document.save(path)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    root = tmp_path_factory.mktemp("round")
    rows = municipalities()
    data = write_csv(root / "municipalities.csv", rows)
    report = fill(data, DEFAULT_CALL, root / "prefilled", ["ru", "ky"], ["docx", "pdf"], jobs=2)
    assert report.problems == [] and len(report.rows) == 30
    returned, expected = root / "returned", []
    for i, (row, produced) in enumerate(zip(rows, report.rows)):
        lang, fmt = ("ky", "ru")[i % 2], ("pdf", "docx")[i // 2 % 2]
        target = returned / produced["folder"]
        target.mkdir(parents=True)
        typed = {"sender_municipality": f"Аймак {i} Ң", "postal_address": f"Көчө {i}\nүй {i}",
                 "activities_1_name": f"Иш-чара {i} «Ө»", "activities_1_people": str(10 * i)}
        for form in ("interest_letter", "annex2"):
            source = root / "prefilled" / produced["folder"] / lang / f"{form}.{fmt}"
            copy = target / source.name
            shutil.copy(source, copy)
            own = {k: v for k, v in typed.items() if (k.startswith("sender") == (form == "interest_letter"))}
            if fmt == "pdf":
                type_into_pdf(copy, own, ("activity_rating", "2") if form == "annex2" else None)
            else:
                type_into_docx(copy, {**own, **({"activity_rating": "2"} if form == "annex2" else {})})
        region = {"Чүй": "chui", "Ошской": "osh", "naryn": "naryn"}[row["sender_region"]]  # a choice returns its value
        row = {k: v.strip() for k, v in row.items()}  # cells are read without surrounding spaces
        expected.append({**row, **typed, "sender_region": region, "activity_rating": "2", "folder": str(target)})
    call = load_call(DEFAULT_CALL)
    applications, problems = collect([returned], call)
    return expected, applications, problems, tables(applications, problems, Forms(call), "ky"), returned


def as_text(cell) -> str:
    """A workbook cell as the table's text: a number plain, a date DD.MM.YYYY."""
    if isinstance(cell, dt.datetime):
        return f"{cell:%d.%m.%Y}"
    if isinstance(cell, (int, float)):
        return plain_decimal(Decimal(str(cell)))
    return cell or ""


def test_round_trip_equals_the_data(round_trip, tmp_path):
    expected, applications, problems, result, returned = round_trip
    labels, ids, rows, _ = result["general"]
    assert len(rows) == len(expected) == 30
    by_folder = {row[0]: dict(zip(ids, row)) for row in rows}
    for want in expected:
        got = by_folder[want["folder"]]
        for key, value in want.items():
            if key != "folder" and not key.startswith("activities_"):  # list tables: their own sheet
                assert got[key] == value, (want["folder"], key)
        untouched = set(ids) - set(want) - {"application", "files"}
        assert {key: got[key] for key in untouched if got[key]} == {}  # and nothing else was filled
    activities = {(r[0], r[1]): r for r in result["activities"][2]}
    assert len(activities) == 30
    for want in expected:
        row = activities[(want["folder"], "1")]
        assert row[2] == want["activities_1_name"] and row[4] == want["activities_1_people"]
    assert not [p for p in problems if "not a" in p[1] or "damaged" in p[1]]

    out = tmp_path / "applications.xlsx"
    result = CliRunner().invoke(app, ["collect", str(returned), "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    sheet = workbook["general"]
    assert [c.value for c in sheet[2]][:4] == ["application", "files", "outgoing_number", "outgoing_date"]
    assert sheet.max_row == 2 + 30 and sheet.freeze_panes == "B3"  # labels, ids and applications stay in view
    assert workbook.sheetnames == list(round_trip[3])  # every table, in order
    again = tmp_path / "again.xlsx"
    assert CliRunner().invoke(app, ["collect", str(returned), "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # the same returns, the same workbook
    written = {row[0]: [as_text(cell) for cell in row] for row in sheet.iter_rows(min_row=3, values_only=True)}
    shown = tables(applications, problems, Forms(load_call(DEFAULT_CALL)), "ky", CELL_LIMIT)["general"].rows
    assert written == {row[0]: row for row in shown}  # the workbook holds the table cell for cell
    assert {row[0]: row[ids.index("sender_region")] for row in shown} == {
        want["folder"]: {"chui": "Чүй", "osh": "Ош", "naryn": "Нарын"}[want["sender_region"]] for want in expected}
    files_read = {f for row in rows for f in row[1].split("; ")}
    assert files_read == {str(p) for p in returned.rglob("*.*")}  # every returned file is in the data


def test_libreoffice_74_save_without_tags_reads_by_position():
    call = load_call(DEFAULT_CALL)
    applications, problems = collect([FIXTURES / "libreoffice74"], call)
    expected = json.loads((FIXTURES / "libreoffice74" / "expected.json").read_text(encoding="utf-8"))
    values = applications[0].values()
    forms = Forms(call)
    for form, fields in expected.items():
        for field_id, value in fields.items():
            # LibreOffice 7.4 itself drops the line breaks of multi-line controls when it saves; a
            # choice's label comes back as its value
            assert values[field_id] == forms.canonical(field_id, value.replace("\n", "")), field_id
    assert values.get("sender_district", "") == ""  # an unfilled placeholder is not a value
    for form, fields in expected.items():  # nor one as the catalogs worded it when the fixture was saved
        assert {f.id: values[f.id] for f in forms.fields[form] if f.id not in fields and values.get(f.id)} == {}, form


def hostile_files(folder: Path) -> dict[str, str]:
    """file name → the problem it must be reported with."""
    folder.mkdir()
    (folder / "notes.txt").write_text("not a form")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nbroken")
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(folder / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b"<w:document>" + b" " * 300_000_000 + b"</w:document>")
    with zipfile.ZipFile(folder / "huge-parts.docx", "w", zipfile.ZIP_DEFLATED) as huge:
        huge.writestr("word/document.xml", "<w:document xmlns:w='x'/>")
        huge.writestr("word/media/scan.tiff", b"\0" * 150_000_000)
    with (folder / "huge.pdf").open("wb") as big:  # 200 MB, sparse: the test itself stays light
        big.write(b"%PDF-1.7\n")
        big.truncate(200_000_000)
    return {"notes.txt": "not a PDF or DOCX", "broken.pdf": "damaged PDF", "locked.pdf": "encrypted",
            "bomb.docx": "unpacks to 300 MB", "huge-parts.docx": "unpacks to 150 MB", "huge.pdf": "200 MB"}


def test_untrusted_files_are_reported_and_the_batch_goes_on(tmp_path):
    expected = hostile_files(tmp_path / "in")
    shutil.copytree(FIXTURES / "libreoffice74", tmp_path / "in" / "good")
    started = time.perf_counter()
    applications, problems = collect([tmp_path / "in"], load_call(DEFAULT_CALL))
    assert time.perf_counter() - started < 20  # bounded, though the files are hostile
    assert len(applications) == 1  # the good folder still made it
    reported = {Path(file).name: problem for file, problem in problems}
    for name, fragment in expected.items():
        assert fragment in reported[name], (name, reported.get(name))


def test_hostile_pdf_field_trees(tmp_path):
    from pikepdf import Array, Dictionary, String

    folder = tmp_path / "in"
    folder.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.Root.AcroForm = Dictionary(Fields=Array([1, 2]))  # not field dictionaries at all
        pdf.save(folder / "numbers.pdf")
    with pikepdf.new() as pdf:  # 60 kids of 60 kids …, nine levels: 60^9 paths through few objects
        pdf.add_blank_page()
        node = pdf.make_indirect(Dictionary(T=String("x")))
        for _ in range(9):
            node = pdf.make_indirect(Dictionary(T=String("x"), Kids=Array([node] * 60)))
        pdf.Root.AcroForm = Dictionary(Fields=Array([node]))
        pdf.save(folder / "tree.pdf")
    started = time.perf_counter()
    applications, problems = collect([folder], load_call(DEFAULT_CALL))
    assert time.perf_counter() - started < 10
    assert applications == [] and {Path(f).name for f, _ in problems} == {"numbers.pdf", "tree.pdf"}


def test_one_application_from_the_same_forms_in_several_files(tmp_path):
    """fill's own output: ru and ky, DOCX and PDF of both forms in one municipality's folder."""
    data = write_csv(tmp_path / "data.csv", municipalities(2))
    fill(data, DEFAULT_CALL, tmp_path / "out", ["ru", "ky"], ["docx", "pdf"], jobs=1)
    folder = sorted(p for p in (tmp_path / "out").iterdir() if p.is_dir())[0]
    typed = folder / "ru" / "annex2.docx"  # read after ky/annex2.docx, which keeps the prefilled figure
    type_into_docx(typed, {"villages": "7", "population": "not a number"})
    applications, problems = collect([tmp_path / "out"], load_call(DEFAULT_CALL))
    assert len(applications) == 2 and all(len(a.files) == 8 for a in applications)
    mine = next(a for a in applications if a.key == str(folder))
    assert mine.values()["villages"] == "7" and mine.values()["sender_head"].startswith("Башчы")
    prefilled = mine.values()["population"]
    assert prefilled.isdigit()
    assert (str(typed), f"population: 'not a number' differs from '{prefilled}' in annex2.docx; the first is kept") \
        in problems
    assert (str(folder), "population: 'not a number' is not a number") not in problems  # the first answer is kept


def full_disk_for_kochkor_pdf(monkeypatch) -> None:
    """Writing the PDFs of the row named Кочкор fails as on a full disk; a worker forked from this process inherits it."""
    import generator.pipeline as pipeline

    real_write_file = pipeline.write_file

    def full_disk_for_one_row(path, data):
        if "Кочкор" in str(path) and path.suffix == ".pdf":
            raise FormgenError(path, "", "cannot write: No space left on device", "free some space")
        real_write_file(path, data)

    monkeypatch.setattr(pipeline, "write_file", full_disk_for_one_row)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_row_that_cannot_be_written_does_not_stop_the_others(tmp_path, jobs, monkeypatch):
    full_disk_for_kochkor_pdf(monkeypatch)
    data = write_csv(tmp_path / "data.csv", municipalities(10))
    out = tmp_path / "out"
    report = fill(data, DEFAULT_CALL, out, ["ky"], ["docx", "pdf"], jobs=jobs)
    assert len(report.rows) == 9
    assert len(report.problems) == 1 and "row 9: " in report.problems[0] and "No space left" in report.problems[0]
    assert manifest_agrees_with_disk(out)  # the row's DOCX, written before its PDF failed, is gone too


def test_a_pool_writes_the_bytes_one_process_writes(tmp_path, monkeypatch):
    """Rows finish in any order in a pool of processes; the files and the manifest do not show it."""
    full_disk_for_kochkor_pdf(monkeypatch)
    rows = municipalities(12)
    rows[10]["population"] = "много"
    data = write_csv(tmp_path / "data.csv", rows)
    written, out = {}, tmp_path / "out"
    for jobs in (1, 2):  # the second run replaces the first's output
        fill(data, DEFAULT_CALL, out, ["ky"], ["docx", "pdf"], jobs=jobs)
        written[jobs] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written[2] == written[1]
    problems = json.loads(written[2]["manifest.json"])["problems"]
    assert len(problems) == 2 and "row 12, column population" in problems[1]
    assert problems[0].startswith(f"{data}: row 9: {out / 'Кочкор'}")  # where it was to be, not the staging folder


def test_the_streamed_manifest_is_the_json_of_the_report(tmp_path):
    from generator.disk.files import json_bytes

    rows = municipalities(3)
    rows[1]["population"] = "много"
    data = write_csv(tmp_path / "data.csv", rows)
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ky"], ["docx"], jobs=1)
    expected = {"call": load_call(DEFAULT_CALL).id, "rows": report.rows, "problems": report.problems,
                "notes": report.notes}
    assert report.rows and report.problems
    assert (tmp_path / "out" / "manifest.json").read_bytes() == json_bytes(expected)


def manifest_agrees_with_disk(out: Path) -> bool:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for row in manifest["rows"] for f in row["files"]} | {"manifest.json"}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    return listed == on_disk


def test_control_characters_are_refused(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("aa_name,population\nАйыл\x01А,100\nТалас,5\n", encoding="utf-8")
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ru"], ["docx"], jobs=1)
    assert report.problems == [f"{data}: row 2, column aa_name: holds a control character (invisible; retype the value)"]
    assert [r["folder"] for r in report.rows] == ["Талас"]


def test_data_files_of_every_shape(tmp_path):
    one_column = tmp_path / "one.csv"
    one_column.write_text("aa_name\nКочкор\n", encoding="utf-8")
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text("aa_name;population\nНарын;1 200\n", encoding="utf-8-sig")
    for data in (one_column, semicolons):
        report = fill(data, DEFAULT_CALL, tmp_path / data.stem, ["ru"], ["docx"], jobs=1)
        assert report.problems == [] and len(report.rows) == 1
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("- &a {aa_name: x}\n- *a\n", encoding="utf-8")
    with pytest.raises(FormgenError, match="aliases .* are not allowed"):
        fill(bomb, DEFAULT_CALL, tmp_path / "b", ["ru"], ["docx"], jobs=1)
    nested = tmp_path / "nested.yaml"
    nested.write_text("- {aa_name: [a, b]}\n- {aa_name: Талас}\n", encoding="utf-8")
    report = fill(nested, DEFAULT_CALL, tmp_path / "n", ["ru"], ["docx"], jobs=1)
    assert report.problems == [f"{nested}: row 1, column aa_name: a list or mapping, not a single value"]


def test_returned_text_never_becomes_a_formula(tmp_path):
    document = localized_documents(load_call(DEFAULT_CALL), ["ky"], ["annex2"])[0]
    folder = tmp_path / "in" / "Кочкор"
    folder.mkdir(parents=True)
    values = {"aa_name": '=HYPERLINK("http://example.invalid","click")', "postal_address": "ok\x01bell",
              "phone_fax": "+996 555 000", "email_site": "@home"}
    (folder / "annex2.pdf").write_bytes(render_bytes(document, "pdf", values))
    out = tmp_path / "applications.xlsx"
    result = CliRunner().invoke(app, ["collect", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["general"]
    ids = [c.value for c in sheet[2]]
    row = {i: c for i, c in zip(ids, sheet[3])}
    assert all(row[i].data_type == "s" for i in values)
    assert row["aa_name"].value == "'" + values["aa_name"] and row["postal_address"].value == "ok\ufffdbell"
    assert row["phone_fax"].value == "'+996 555 000"
    bad = CliRunner().invoke(app, ["collect", str(tmp_path / "in"), "--out", str(tmp_path / "x.ods")])
    assert bad.exit_code == 2 and "'.ods' is not a table format" in bad.output


def test_a_column_given_twice_is_refused(tmp_path):
    data = tmp_path / "twice.csv"
    data.write_text("aa_name,population,aa_name\nКочкор,1,Нарын\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fill", "--data", str(data), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and f"error: {data}: row 1: column 'aa_name' appears twice" in result.output


def test_one_form_is_filled_from_a_sheet_that_serves_every_form(tmp_path):
    """--form picks what is written, not which columns the data may have: the municipalities' sheet
    holds every form's columns, and the folder is still named by its name column."""
    from generator.pipeline import fillable_forms

    rows = municipalities(3)
    rows[2]["population"] = "many"  # a bad value of the form left out is still reported
    data = write_csv(tmp_path / "m.csv", rows)
    letter = next(f for f in fillable_forms() if "sender_head" in {d.id for d in f.field_defs()})
    report = fill(data, DEFAULT_CALL, tmp_path / "out", ["ru"], ["pdf"], jobs=1, form_ids=[letter.id])
    assert [r["name"] for r in report.rows] == [rows[0]["aa_name"], rows[1]["aa_name"]]
    assert len(report.problems) == 1 and "row 4, column population" in report.problems[0]
    assert {f["form"] for r in report.rows for f in r["files"]} == {letter.id}


def test_a_grid_named_like_a_table_or_too_long_for_excel_keeps_its_sheet(tmp_path):
    """Grid ids are the project's: one called `problems` must not replace the problems table, and
    one longer than Excel's 31 characters must not make a workbook Excel calls damaged."""
    project = tmp_path / "project"
    runner = CliRunner()
    assert runner.invoke(app, ["init", project]).exit_code == 0
    grid_form = next(path for path in (project / "forms").glob("*.yaml") if "\n  - grid: " in path.read_text("utf-8"))
    text = grid_form.read_text(encoding="utf-8")
    grids = [line.split("grid: ")[1] for line in text.splitlines() if line.startswith("  - grid: ")]
    renamed = {grids[0]: "problems", grids[1]: "a_grid_whose_id_is_longer_than_excel_allows"}
    for old, new in renamed.items():
        text = text.replace(f"  - grid: {old}\n", f"  - grid: {new}\n")
    grid_form.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", "--project", project, "--out", out, "--format", "docx", "--lang", "ru",
                                "--no-site"])
    assert built.exit_code == 0, built.output
    table = tmp_path / "table.xlsx"
    result = runner.invoke(app, ["collect", "--project", project, "--out", table, *sorted(out.rglob("*.docx"))])
    assert result.exit_code in (0, 1), result.output
    names = load_workbook(table).sheetnames
    assert all(len(name) <= 31 for name in names) and len({n.casefold() for n in names}) == len(names)
    assert "problems" in names and any(name.startswith("problems-") for name in names)
    assert any(name.startswith("a_grid_whose_id_is_longer") for name in names)
