"""collect's workbook as staff read it: in openpyxl, and in LibreOffice Calc, which adds up its numbers,
counts in its dates and keeps its frozen headers, filter and links."""
import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from urllib.parse import unquote
from pathlib import Path

import pytest
from cli_runner import CliRunner
from conftest import libreoffice_calc, require
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from generator import DEFAULT_CALL
from generator.cli import app
from generator.commands.collect import Forms
from generator.commands.fill import fill
from generator.model.forms import GridDef

ROWS = [  # the municipalities' data: numbers, an amount of the call's forms, a date, a choice, a grid row
    {"aa_name": "Ак-Суу", "population": "12500", "territory_ha": "3500,5", "letter_date": "01.02.2025",
     "sender_region": "chui", "interaction_rating": "4", "activities_1_name": "Той", "activities_1_people": "25"},
    {"aa_name": "Көл", "population": "8 000", "territory_ha": "1200", "letter_date": "2025-02-03",
     "sender_region": "osh", "interaction_rating": "5", "activities_1_name": "Жыйын", "activities_1_people": "100"},
    {"aa_name": "Талас", "population": "4321", "letter_date": "31.12.2024", "sender_region": "talas"},
]


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """The rows filled as PDFs in both languages: one folder of returned forms per municipality."""
    root = tmp_path_factory.mktemp("workbook")
    data = root / "rows.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(dict.fromkeys(key for row in ROWS for key in row)))
        writer.writeheader()
        writer.writerows(ROWS)
    report = fill(data, DEFAULT_CALL, root / "returned", ["ky", "ru"], ["pdf"], jobs=1)
    assert report.problems == []
    return root / "returned"


def collect_into(folder: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(app, ["collect", str(folder), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def books(returned):
    """{lang: the workbook in it}, written beside the returned folder."""
    return {lang: collect_into(returned, returned.parent / f"{lang}.xlsx", "--lang", lang) for lang in ("ky", "ru")}


@pytest.fixture(scope="module")
def workbooks(books):
    return {lang: load_workbook(path) for lang, path in books.items()}


def by_id(sheet) -> list[dict]:
    ids = [cell.value for cell in sheet[2]]
    return [dict(zip(ids, row)) for row in sheet.iter_rows(min_row=3)]


def test_headings_are_the_questions_in_one_order_and_never_a_hint(workbooks, call):
    forms = Forms(call)
    for lang, book in workbooks.items():
        sheet = book["general"]
        labels, ids = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
        fields = [f.id for form in forms.forms.values() for f in form.field_defs() if f.id in ids]
        assert [i for i in ids if i in fields] == fields  # the definitions' order
        assert len(set(labels)) == len(labels)  # unique within the sheet
        fields_of = {f.id: f for d in forms.documents if d.lang == lang for f in d.fields()}
        for label, field_id in zip(labels, ids):  # a blank labelled by its hint alone is headed by its question
            hint = fields_of[field_id].hint if field_id in fields_of else ""
            assert not hint or label != hint or fields_of[field_id].label not in ("", hint), field_id
    assert [c.value for c in workbooks["ky"]["general"][2]] == [c.value for c in workbooks["ru"]["general"][2]]


def test_numbers_dates_and_choices_are_what_a_spreadsheet_counts_with(workbooks):
    rows = {row["application"].value.rsplit("/", 1)[-1]: row for row in by_id(workbooks["ky"]["general"])}
    assert rows["Көл"]["population"].value == 8000 and rows["Көл"]["population"].number_format == "#,##0"
    assert rows["Ак-Суу"]["territory_ha"].value == 3500.5 and "0.0" in rows["Ак-Суу"]["territory_ha"].number_format
    assert rows["Ак-Суу"]["interaction_rating"].value == 4
    assert rows["Көл"]["letter_date"].value == dt.datetime(2025, 2, 3)
    assert rows["Көл"]["letter_date"].number_format == "dd.mm.yyyy"
    assert rows["Ак-Суу"]["sender_region"].value == "Чүй"  # the label, in the workbook's language
    ru = {row["application"].value.rsplit("/", 1)[-1]: row for row in by_id(workbooks["ru"]["general"])}
    assert ru["Ак-Суу"]["sender_region"].value != "Чүй" and ru["Ак-Суу"]["sender_region"].value.startswith("Чуй")


def test_codes_in_json_and_labels_when_asked(returned, tmp_path):
    out = tmp_path / "a.json"
    for values, region in ((None, "chui"), ("labels", "Чүй")):
        options = ["--values", values] if values else []
        assert CliRunner().invoke(app, ["collect", str(returned), "--out", str(out), *options]).exit_code == 0
        general = json.loads(out.read_text(encoding="utf-8"))["general"]
        assert {row["sender_region"] for row in general} >= {region}
        assert {row["population"] for row in general} == {"12500", "8 000", "4321"}  # JSON keeps the text
    book = load_workbook(collect_into(returned, tmp_path / "codes.xlsx", "--values", "codes"))
    assert {row["sender_region"].value for row in by_id(book["general"])} == {"chui", "osh", "talas"}


def test_frozen_headers_filter_and_widths(workbooks):
    for sheet in workbooks["ky"]:
        assert sheet.freeze_panes == "B3"
        assert sheet.auto_filter.ref == f"A2:{get_column_letter(sheet.max_column)}{sheet.max_row}"
        widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, sheet.max_column + 1)]
        assert all(8 <= width <= 50 for width in widths), (sheet.title, widths)
    general = workbooks["ky"]["general"]
    assert general.column_dimensions["B"].width == 50  # the files: as wide as the sheet allows
    assert general["C1"].font.b and general["C1"].alignment.wrap_text


def test_every_grid_row_and_problem_names_its_application_and_files_link_to_the_returns(workbooks, books, returned,
                                                                                        call):
    book = workbooks["ky"]
    applications = {row["application"].value for row in by_id(book["general"])}
    grids = [g.id for form in Forms(call).forms.values() for g in form.blocks if isinstance(g, GridDef)]
    grid_rows = [row for grid in grids for row in by_id(book[grid])]
    assert grid_rows and {row["application"].value for row in grid_rows} <= applications
    problems = by_id(book["problems"])
    assert problems and {row["application"].value for row in problems} <= applications
    files = by_id(book["files"])
    assert {Path(row["file"].value) for row in files} == set(returned.rglob("*.pdf"))
    for row in files:  # relative to the workbook, which moves with the returns
        target = unquote(row["file"].hyperlink.target)
        assert not Path(target).is_absolute() and (books["ky"].parent / target).resolve() == Path(row["file"].value)


def test_problems_are_in_the_workbooks_language_and_english_in_json(returned, tmp_path, workbooks):
    ky = [row["problem"].value for row in by_id(workbooks["ky"]["problems"])]
    ru = [row["problem"].value for row in by_id(workbooks["ru"]["problems"])]
    assert ky and all(line.isascii() is False for line in ky) and ky != ru
    assert any("толтурулган эмес" in line for line in ky) and any("не заполнено" in line for line in ru)
    out = tmp_path / "a.json"
    assert CliRunner().invoke(app, ["collect", str(returned), "--out", str(out)]).exit_code == 0
    english = [row["problem"] for row in json.loads(out.read_text(encoding="utf-8"))["problems"]]
    assert len(english) == len(ky) and any("required field" in line for line in english)


# ---- LibreOffice Calc ------------------------------------------------------------------------------

def with_formulas(workbook: bytes, formulas: dict[str, str]) -> bytes:
    """The workbook's own bytes with formulas in a row below the general sheet's table."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                cells = "".join(f'<c r="{cell}"><f>{formula}</f></c>' for cell, formula in formulas.items())
                data = data.replace(b"</sheetData>", f'<row r="100">{cells}</row></sheetData>'.encode())
            target.writestr(name, data)
    return out.getvalue()


CALC_SCRIPT = Path(__file__).with_name("calc_uno.py")


def in_calc(workbook: Path, cells: list[str], profile: Path) -> dict:
    """The workbook as Calc opens it (calc_uno.py, run by Debian's Python, which has UNO)."""
    python = "/usr/bin/python3"
    has_uno = Path(python).exists() and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0
    require(libreoffice_calc() and has_uno, "LibreOffice Calc and python3-uno",
            "apt-get install libreoffice-calc python3-uno")
    done = subprocess.run([python, str(CALC_SCRIPT), str(workbook), str(profile), json.dumps(cells)],
                          capture_output=True, text=True, timeout=180, check=True)
    return json.loads(done.stdout)


def test_calc_adds_up_the_numbers_counts_in_the_dates_and_keeps_headers_filter_and_links(workbooks, books, tmp_path):
    book = workbooks["ky"]
    ids = [c.value for c in book["general"][2]]
    column = {name: get_column_letter(ids.index(name) + 1) for name in ("population", "letter_date", "sender_region")}
    last = book["general"].max_row
    source = books["ky"].with_name("with-formulas.xlsx")  # beside the original: its links still lead to the returns
    source.write_bytes(with_formulas(books["ky"].read_bytes(), {
        "A100": f"SUM({column['population']}3:{column['population']}{last})",
        "B100": f"MAX({column['letter_date']}3:{column['letter_date']}{last})-MIN({column['letter_date']}3:"
                f"{column['letter_date']}{last})",
        "C100": f"COUNTIF({column['sender_region']}3:{column['sender_region']}{last},\"Чүй\")"}))
    calc = in_calc(source, ["general!A100", "general!B100", "general!C100", "files!B3"], tmp_path / "profile")
    assert calc["cells"]["general!A100"]["value"] == 12500 + 8000 + 4321  # numbers add up
    assert calc["cells"]["general!B100"]["value"] == (dt.date(2025, 2, 3) - dt.date(2024, 12, 31)).days  # dates count
    assert calc["cells"]["general!C100"]["value"] == 1  # a choice is its label
    for sheet in book.sheetnames:
        assert calc["sheets"][sheet]["frozen"] == [1, 2] and calc["sheets"][sheet]["filter"], sheet
        assert calc["sheets"][sheet]["filter_rows"] == [1, book[sheet].max_row - 1], sheet
    file = calc["cells"]["files!B3"]
    assert file["links"] == [Path(file["text"]).as_uri()]  # Calc follows the link to the returned file


def test_a_blank_without_a_label_is_headed_by_its_question_never_by_its_hint(tmp_path):
    from tiny import tiny_document, tiny_form

    form = tiny_form(tmp_path, """
        id: tiny
        title: t.title
        blocks:
          - p: t.sender
            fields:
              district: {kind: text, hint: t.name}
              region: {kind: text, hint: t.name}
          - {p: t.comment}
          - field: {id: comment, kind: multiline, hint: t.hint}
        """)
    messages = {"t.title": ("Т", "Т"), "t.name": ("название", "аталышы"), "t.hint": ("текст", "текст"),
                "t.sender": ("от {district} района {region} области", "{region} облусунун {district} районунан"),
                "t.comment": ("Комментарий:", "Түшүндүрмө:")}
    questions = tiny_document(form, messages, "ru").questions()
    assert questions == {"district": "от … района области", "region": "от района … области",
                         "comment": "Комментарий"}  # the blanks' paragraph; the paragraph before a blank alone
    assert "аталышы" not in tiny_document(form, messages, "ky").questions().values()
