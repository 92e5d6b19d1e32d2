"""The data files `fill --data` reads, as people and scripts make them: every row ends up in the
output or in the problems, a merged cell's value reaches each row it covers, a formula never computed
or an error value is reported by its cell, and a damaged file is one line naming the place and the fix."""
import json
import subprocess
from pathlib import Path

import pytest
from cli_runner import CliRunner
from conftest import libreoffice_calc, require
from openpyxl import Workbook

from generator import DEFAULT_CALL
from generator.cli import app
from generator.commands.fill import fill
from generator.formats.docx.read import read_docx_values
from hostile.workbooks import (DATE, DATE_TIME, PERCENT, boolean, empty, error, formula, header, number, row,
                               shared, text, texts, write_zip, xlsx, xlsx_parts)


def run_fill(data: Path, out: Path):
    return fill(data, DEFAULT_CALL, out, ["ru"], ["docx"], jobs=1)


def row_values(out: Path, report, number: int) -> dict[str, str]:
    """What the forms written for data row `number` hold, read back from its DOCX files."""
    produced = next(r for r in report.rows if r["row"] == number)
    values: dict[str, str] = {}
    for written in produced["files"]:
        values.update({k: v for k, v in read_docx_values(out / written["path"]).items() if v})
    return values


def problem_of(report, number: int) -> str:
    found = [p for p in report.problems if f": row {number}:" in p or f": row {number}," in p]
    assert len(found) == 1, report.problems
    return found[0]


# ---- what the issue found --------------------------------------------------------------------------

def test_a_sheet_cut_off_is_one_error_naming_the_sheet_and_row_and_nothing_is_written(tmp_path):
    rows = [header("aa_name", "phone_fax"), *(texts(n, f"Айыл {n}", "555") for n in range(2, 40))]

    def cut(parts):
        sheet = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = sheet[:sheet.index('<row r="30"') + 20]

    data = xlsx(tmp_path / "data.xlsx", rows, change=cut)
    result = CliRunner().invoke(app, ["fill", "--data", data, "--out", tmp_path / "out", "--format", "docx"])
    assert result.exception is None and result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"error: {data}: sheet 'Лист1', row 30: damaged, cannot be read: its XML is cut off or malformed "
        "(unclosed token: line 1, column " + result.output.split("column ")[1].split(")")[0] + ") "
        "(open it in Excel or LibreOffice Calc and save it again as .xlsx)"]
    assert not (tmp_path / "out").exists()  # rows 2–29 were readable, but no half of a file is filled


def test_a_merged_region_gives_its_value_to_every_row_it_covers_and_is_noted(tmp_path):
    """Two municipalities of one district, the district typed once over both rows."""
    rows = [header("aa_name", "sender_district"), texts(2, "Ак-Муз", "Ат-Башинский"),
            row(3, text("A3", "Ача-Кайыңды"), empty("B3")), texts(4, "Нарын", "Нарынский")]
    data = xlsx(tmp_path / "data.xlsx", rows, merges=["B2:B3"])
    result = CliRunner().invoke(app, ["fill", "--data", data, "--out", tmp_path / "out", "--format", "docx",
                                      "--lang", "ru"])
    assert result.exit_code == 0, result.output
    note = (f"{data}: sheet 'Лист1', cells B2:B3: merged, so the value of B2, 'Ат-Башинский', is also given to "
            "row 3 (unmerge them if each row has a value of its own)")
    assert f"note: {note}" in result.output.splitlines()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notes"] == [note] and manifest["problems"] == []
    by_row = {r["row"]: r for r in manifest["rows"]}
    assert sorted(by_row) == [2, 3, 4]
    letter = next(f["path"] for f in by_row[3]["files"] if "sender_district" in
                  read_docx_values(tmp_path / "out" / f["path"]))
    assert read_docx_values(tmp_path / "out" / letter)["sender_district"] == "Ат-Башинский"


def test_a_formula_a_script_wrote_without_its_value_is_a_problem_naming_sheet_and_cell(tmp_path):
    book = Workbook()  # as a script writes it: openpyxl stores the formula, no value
    book.active.title = "Данные"
    for values in (["aa_name", "population"], ["Талас", 1200], ["Ош", 800], ["Итого", "=B2+B3"]):
        book.active.append(values)
    book.save(tmp_path / "data.xlsx")
    report = run_fill(tmp_path / "data.xlsx", tmp_path / "out")
    assert report.problems == [
        f"{tmp_path / 'data.xlsx'}: row 4, column population: cell B4 of sheet 'Данные' is a formula whose value "
        "was never computed (open and save the file in Excel or LibreOffice Calc, which store the computed values, "
        "or type the values)"]
    assert [r["row"] for r in report.rows] == [2, 3]


# ---- damaged and mistaken files --------------------------------------------------------------------

GOOD_ROWS = [header("aa_name", "phone_fax"), texts(2, "Талас", "555"), texts(3, "Ош", "556")]


def _parts(change=None, **settings) -> dict:
    parts = xlsx_parts(GOOD_ROWS, **settings)
    if change:
        change(parts)
    return parts


def _without(name: str):
    return lambda parts: parts.pop(name)


def _cut(name: str, keep: float = 0.5):
    def change(parts):
        parts[name] = parts[name][:int(len(parts[name]) * keep)]
    return change


def _replace(name: str, old: str, new: str):
    def change(parts):
        assert old in parts[name]
        parts[name] = parts[name].replace(old, new)
    return change


def _zip_bytes(parts: dict) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def _corrupted_sheet() -> bytes:
    """A byte of the sheet changed inside the zip: its checksum no longer holds."""
    return _zip_bytes(_parts()).replace("Талас".encode(), "Тблас".encode())


DAMAGED = {  # name: (file name, its bytes, what the error must say: the place and the problem)
    "zip cut in half": ("data.xlsx", lambda: _zip_bytes(_parts())[:400], "a damaged .xlsx: its zip is cut off"),
    "sheet checksum wrong": ("data.xlsx", _corrupted_sheet, "sheet 'Лист1'"),
    "shared strings missing": (
        "data.xlsx", lambda: _zip_bytes(_parts(_without("xl/sharedStrings.xml"), strings=["x"])),
        "xl/sharedStrings.xml: damaged, cannot be read: There is no item named 'xl/sharedStrings.xml'"),
    "shared strings broken": ("data.xlsx", lambda: _zip_bytes(_parts(_cut("xl/sharedStrings.xml"), strings=["x"])),
                              "xl/sharedStrings.xml: damaged, cannot be read: its XML is cut off or malformed"),
    "shared string not there": (
        "data.xlsx", lambda: _zip_bytes(xlsx_parts([row(1, shared("A1", 7))], strings=["aa_name"])),
        "sheet 'Лист1', row 1: in the header row, cell A1 of sheet 'Лист1' cannot be read: its text is missing "
        "from the workbook's shared strings"),
    "styles broken": ("data.xlsx", lambda: _zip_bytes(_parts(_cut("xl/styles.xml"))),
                      "xl/styles.xml: damaged, cannot be read: its XML is cut off or malformed"),
    "workbook.xml broken": ("data.xlsx", lambda: _zip_bytes(_parts(_cut("xl/workbook.xml"))),
                            "xl/workbook.xml: damaged, cannot be read"),
    "content types broken": ("data.xlsx", lambda: _zip_bytes(_parts(_cut("[Content_Types].xml"))),
                             "[Content_Types].xml: damaged, cannot be read"),
    "workbook names a missing sheet": (
        "data.xlsx", lambda: _zip_bytes(_parts(_without("xl/worksheets/sheet1.xml"))),
        "sheet 'Лист1': the workbook lists this sheet, but its part is missing from the file"),
    "workbook relations missing": ("data.xlsx", lambda: _zip_bytes(_parts(_without("xl/_rels/workbook.xml.rels"))),
                                   "xl/_rels/workbook.xml.rels: damaged, cannot be read"),
    "rows out of order": ("data.xlsx", lambda: _zip_bytes(xlsx_parts([*GOOD_ROWS, texts(2, "Нарын", "1")])),
                          "sheet 'Лист1', row 3: the next row is numbered '2': rows must go down the sheet"),
    "row past a sheet's last": ("data.xlsx", lambda: _zip_bytes(xlsx_parts([*GOOD_ROWS, texts(2_000_000, "x")])),
                                "rows must go down the sheet, from 1 to 1048576"),
    "strict open xml": ("data.xlsx", lambda: _zip_bytes(_parts(_replace(
        "xl/worksheets/sheet1.xml", "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main"))), "sheet 'Лист1': not a sheet of cells fill can read"),
    "first sheet hidden": ("data.xlsx", lambda: _zip_bytes(_parts(sheets={"Лист2": "<worksheet/>"},
                                                                  states={"Лист1": "hidden"})),
                           "sheet 'Лист1': hidden, and fill reads the first sheet"),
    "merged header": ("data.xlsx", lambda: _zip_bytes(_parts(merges=["A1:B1"])),
                      "sheet 'Лист1', row 1: the header row's cells A1:B1 are merged (unmerge them: the header is "
                      "one row with a field id over each column)"),
    "header a formula never computed": (
        "data.xlsx", lambda: _zip_bytes(xlsx_parts([row(1, formula("A1", '"aa_"&"name"'))])),
        "in the header row, cell A1 of sheet 'Лист1' is a formula whose value was never computed"),
    "overlapping merges": ("data.xlsx", lambda: _zip_bytes(_parts(merges=["A2:B3", "B3:B4"])),
                           "merged regions A2:B3 and B3:B4 overlap"),
    "an .xls named .xlsx": ("data.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
                            "an Excel 97–2003 workbook (.xls) or a workbook with a password"),
    "an .ods named .xlsx": ("data.xlsx", lambda: _zip_bytes({"mimetype": "application/vnd.oasis.opendocument."
                                                             "spreadsheet", "content.xml": "<office:document/>"}),
                            "an OpenDocument file (.ods), not an .xlsx"),
    "a CSV named .xlsx": ("data.xlsx", lambda: "aa_name\nТалас\n".encode(), "text, not a workbook (if it is CSV, "
                                                                             "name it .csv)"),
    "an .xlsx named .csv": ("data.csv", lambda: _zip_bytes(_parts()), "an .xlsx workbook (a zip file), not CSV text"),
    "an .xls named .csv": ("data.csv", lambda: b"\xd0\xcf\x11\xe0" + bytes(100), "an Excel 97–2003 workbook"),
    "CSV in UTF-16": ("data.csv", lambda: "aa_name\nТалас\n".encode("utf-16"), "UTF-16 text (save the CSV as UTF-8"),
    "CSV as Excel saves it in Russian Windows": (  # Windows-1251: Өзгөн comes out as ?зг?н, every row refused
        "data.csv", lambda: "aa_name,sender_region\nТалас,Талас\nКара-Суу,Ош\n".encode("cp1251"),
        "not UTF-8 text: Windows-1251 or another one-byte encoding"),
    "an .xls": ("data.xls", lambda: b"\xd0\xcf\x11\xe0", "unknown data format '.xls' (save it as .xlsx or as CSV"),
    "an .ods": ("data.ods", lambda: b"PK", "unknown data format '.ods' (save it as .xlsx or as CSV"),
    "YAML of one row, not a list": ("data.yaml", lambda: "aa_name: Талас\n".encode(),
                                    "top level: expected a list of rows, found a mapping"),
}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_or_mistaken_file_is_one_line_naming_file_place_and_fix(tmp_path, damage):
    name, content, expected = DAMAGED[damage]
    data = tmp_path / name
    data.write_bytes(content())
    result = CliRunner().invoke(app, ["fill", "--data", data, "--out", tmp_path / "out", "--format", "docx"])
    assert result.exception is None and result.exit_code == 1, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    line = result.output.strip()
    assert line.startswith(f"error: {data}: ") and expected in line and line.endswith(")"), line
    assert not (tmp_path / "out").exists()


def test_an_xlsm_is_read_as_a_workbook(tmp_path):
    data = xlsx(tmp_path / "data.xlsm", GOOD_ROWS)
    assert [r["name"] for r in run_fill(data, tmp_path / "out").rows] == ["Талас", "Ош"]


@pytest.mark.parametrize("dimension", ["A1:B2", "B3:B3", "ZZZZ0:?"])
def test_a_sheet_whose_stated_size_is_wrong_loses_no_row(tmp_path, dimension):
    """openpyxl's read-only sheet reads the rows and columns the sheet states: past them, rows and
    cells were lost, and a size it cannot read stopped it."""
    data = xlsx(tmp_path / "data.xlsx", [*GOOD_ROWS, texts(4, "Нарын", "557")], dimension=dimension)
    report = run_fill(data, tmp_path / "out")
    assert [r["name"] for r in report.rows] == ["Талас", "Ош", "Нарын"] and report.problems == []


def test_a_cell_that_cannot_be_read_is_its_rows_problem_and_the_others_are_filled(tmp_path):
    rows = [*GOOD_ROWS, row(4, text("A4", "Нарын"), number("B4", "twelve")), texts(5, "Баткен", "558")]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows), tmp_path / "out")
    assert "cell B4 of sheet 'Лист1' cannot be read: could not convert string to float: 'twelve'" \
        in problem_of(report, 4)
    assert [r["row"] for r in report.rows] == [2, 3, 5]


def test_a_yaml_item_that_is_no_row_is_its_problem_and_blank_items_are_skipped(tmp_path):
    data = tmp_path / "data.yaml"
    data.write_text("- aa_name: Талас\n- Ош\n-\n- {}\n- [a, b]\n- aa_name: Нарын\n", encoding="utf-8")
    report = run_fill(data, tmp_path / "out")
    assert [r["row"] for r in report.rows] == [1, 6]
    assert problem_of(report, 2).endswith("row 2: the single value 'Ош', not a row of `field_id: value` lines "
                                          "(write them under the row's `- `)")
    assert "row 5: a list, not a row" in problem_of(report, 5)


def test_a_value_under_no_column_name_is_its_rows_problem(tmp_path):
    csv_data = tmp_path / "data.csv"
    csv_data.write_text("aa_name,,phone_fax\nТалас,,555\nОш,note,556\n", encoding="utf-8")
    report = run_fill(csv_data, tmp_path / "csv")
    assert [r["row"] for r in report.rows] == [2]
    assert problem_of(report, 3).endswith("row 3: a value in column 2, which has no name in the header row "
                                          "(write a field id over the column, or delete the value)")
    rows = [header("aa_name"), texts(2, "Талас"), texts(3, "Ош", "extra")]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows), tmp_path / "xlsx")
    assert "row 3: a value in cell B3 of sheet 'Лист1', which has no name in the header row" in problem_of(report, 3)


# ---- merged cells ----------------------------------------------------------------------------------

def test_a_region_merged_over_two_fields_is_a_problem_of_its_rows(tmp_path):
    rows = [header("aa_name", "phone_fax", "email_site"), row(2, text("A2", "Талас"), text("B2", "555"), empty("C2")),
            row(3, text("A3", "Ош"), empty("B3"), empty("C3")), texts(4, "Нарын", "557", "a@b.kg")]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows, merges=["B2:C3"]), tmp_path / "out")
    for number in (2, 3):
        assert problem_of(report, number).endswith(
            "the cells B2:C3 are merged over the columns phone_fax, email_site: a value belongs to one column "
            "(unmerge them and write each value in its column)")
    assert [r["row"] for r in report.rows] == [4] and report.notes == []


def test_a_merged_regions_rows_with_nothing_else_are_blank_and_a_wide_one_column_merge_changes_nothing(tmp_path):
    rows = [header("aa_name", "phone_fax"), row(2, text("A2", "Талас"), text("B2", "555"), empty("C2")),
            row(3, empty("A3"), empty("B3")), texts(4, "Ош", "556")]
    data = xlsx(tmp_path / "data.xlsx", rows, merges=["A2:A3", "B2:C2"])  # C has no name: a wider cell
    report = run_fill(data, tmp_path / "out")
    assert [r["row"] for r in report.rows] == [2, 4] and report.problems == [] and report.notes == []


def test_a_value_hidden_under_a_merged_cell_is_a_problem(tmp_path):
    """LibreOffice can keep what the cells held before they were merged, where no one sees it."""
    rows = [header("aa_name", "sender_district"), texts(2, "Ак-Муз", "Ат-Башинский"), texts(3, "Ача-Кайыңды", "Нарынский")]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows, merges=["B2:B3"]), tmp_path / "out")
    assert "cell B3 of sheet 'Лист1' is under the merged cells B2:B3 but holds a value of its own, 'Нарынский', " \
           "which the sheet does not show" in problem_of(report, 3)
    assert [r["row"] for r in report.rows] == [2]


def test_merged_values_reach_every_row_in_a_long_region(tmp_path):
    rows = [header("aa_name", "sender_district"), texts(2, "Айыл 2", "Ат-Башинский"),
            *(row(n, text(f"A{n}", f"Айыл {n}"), empty(f"B{n}")) for n in range(3, 8)), row(8, empty("B8"))]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows, merges=["B2:B9"]), tmp_path / "out")
    assert [r["row"] for r in report.rows] == [2, 3, 4, 5, 6, 7]
    assert all(row_values(tmp_path / "out", report, n)["sender_district"] == "Ат-Башинский" for n in range(3, 8))
    assert report.notes == [f"{tmp_path / 'data.xlsx'}: sheet 'Лист1', cells B2:B9: merged, so the value of B2, "
                            "'Ат-Башинский', is also given to rows 3–7 (unmerge them if each row has a value of its own)"]


# ---- values: read exactly, or reported -------------------------------------------------------------

FILLED, REFUSED = "filled", "refused"
VALUES = {  # a cell's XML in column B (phone_fax, a text field): the text filled, or its row's problem
    "shared string": (shared("B2", 0), FILLED, "555 12 34"),
    "rich text": ('<c r="B2" t="inlineStr"><is><r><t>555 </t></r><r><rPr><b/></rPr><t>12 34</t></r></is></c>',
                  FILLED, "555 12 34"),
    "whole number": (number("B2", "5551234"), FILLED, "5551234"),
    "number stored with float noise": (number("B2", "0.30000000000000004"), FILLED, "0.3"),
    "long whole number": (number("B2", "996555123456"), FILLED, "996555123456"),
    "date": (number("B2", "45659", DATE), FILLED, "02.01.2025"),
    "date and time": (number("B2", "45659.5625", DATE_TIME), FILLED, "02.01.2025 13:30"),
    "percentage": (number("B2", "0.15", PERCENT), FILLED, "15%"),
    "boolean": (boolean("B2", True), FILLED, "TRUE"),
    "formula with its stored value": (formula("B2", '"555 "&"12 34"', "555 12 34", "str"), FILLED, "555 12 34"),
    "formula that computed nothing": (formula("B2", 'IF(1,"",1)', "", "str"), FILLED, ""),
    "scientific notation": (number("B2", "1.2345678901234567E+19"), REFUSED,
                            "the number 1.23456789012346E+19 is in scientific notation, which keeps 15 digits at most "
                            "(format the column as Text and type the value as it should read)"),
    "tiny number": (number("B2", "1E-7"), REFUSED, "the number 1E-07 is in scientific notation"),
    "#N/A": (error("B2", "#N/A"), REFUSED, "cell B2 of sheet 'Лист1' holds the error #N/A (correct the formula, "
                                           "or type the value)"),
    "#DIV/0!": (error("B2", "#DIV/0!"), REFUSED, "cell B2 of sheet 'Лист1' holds the error #DIV/0!"),
    "formula whose value was never stored": (formula("B2", "B1"), REFUSED,
                                             "cell B2 of sheet 'Лист1' is a formula whose value was never computed"),
    "date past a spreadsheet's": (number("B2", "99999999", DATE), REFUSED,
                                  "cell B2 of sheet 'Лист1' is a date before or past those a spreadsheet holds"),
}


@pytest.mark.parametrize("kind", VALUES)
def test_each_kind_of_cell_is_read_exactly_or_reported_by_its_cell(tmp_path, kind):
    cell, outcome, expected = VALUES[kind]
    rows = [header("aa_name", "phone_fax"), row(2, text("A2", "Талас"), cell)]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows, strings=["555 12 34"]), tmp_path / "out")
    if outcome == FILLED:
        assert report.problems == [] and row_values(tmp_path / "out", report, 2).get("phone_fax", "") == expected
    else:
        assert report.rows == [] and f": row 2, column phone_fax: {expected}" in problem_of(report, 2)


def test_a_script_that_asks_for_computing_on_load_stored_no_computed_values(tmp_path):
    """XlsxWriter stores 0 for each formula and asks the spreadsheet to compute them all when opened."""
    rows = [header("aa_name", "population"), row(2, text("A2", "Талас"), formula("B2", "1000+200", "0"))]
    asks = xlsx(tmp_path / "asks.xlsx", rows, calculation='<calcPr calcId="124519" fullCalcOnLoad="1"/>')
    assert "cell B2 of sheet 'Лист1' is a formula whose value was never computed" in \
        problem_of(run_fill(asks, tmp_path / "a"), 2)
    computed = xlsx(tmp_path / "computed.xlsx", rows, calculation='<calcPr calcId="191029"/>')
    report = run_fill(computed, tmp_path / "c")
    assert report.problems == [] and row_values(tmp_path / "c", report, 2)["population"] == "0"


def test_a_number_kept_as_a_serial_in_a_date_field_is_refused_not_filled(tmp_path):
    rows = [header("aa_name", "letter_date"), row(2, text("A2", "Талас"), number("B2", "45659"))]
    report = run_fill(xlsx(tmp_path / "data.xlsx", rows), tmp_path / "out")
    assert report.rows == [] and "row 2, column letter_date: " in problem_of(report, 2)


def test_hidden_rows_are_filled_and_noted_and_other_sheets_are_noted_as_not_read(tmp_path):
    other = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' \
            '<row r="1"><c r="A1" t="inlineStr"><is><t>old</t></is></c></row></sheetData></worksheet>'
    blank = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    rows = [header("aa_name"), texts(2, "Талас"), row(3, text("A3", "Ош"), hidden=True), texts(4, "Нарын"),
            row(5, text("A5", "Баткен"), hidden=True), row(6, text("A6", "Чүй"), hidden=True)]
    data = xlsx(tmp_path / "data.xlsx", rows, sheets={"Архив": other, "Пусто": blank})
    report = run_fill(data, tmp_path / "out")
    assert [r["row"] for r in report.rows] == [2, 3, 4, 5, 6] and report.problems == []
    assert report.notes == [
        f"{data}: sheet 'Архив': not read, as fill reads only the first sheet, 'Лист1' (move the sheet to read to "
        "the first place, or put every row in one sheet)",
        f"{data}: sheet 'Лист1', rows 3, 5–6: hidden in the sheet, and filled like the others (delete the rows "
        "that should not be filled)"]


def test_hidden_columns_of_field_ids_are_filled_and_noted(tmp_path):
    """A column hidden in the sheet (old values kept out of sight) is still a column of field ids: filled,
    and said, once for the file; a hidden column with no name in the header holds nothing to say."""
    book = Workbook()
    sheet = book.active
    for values in (["aa_name", "sender_head", "population"], ["Талас", "Асанов", "1000"], ["Ош", "Усенов", "2000"]):
        sheet.append(values)
    for letter in "BCE":  # E: past the header
        sheet.column_dimensions[letter].hidden = True
    book.save(tmp_path / "data.xlsx")
    report = run_fill(tmp_path / "data.xlsx", tmp_path / "out")
    assert [r["row"] for r in report.rows] == [2, 3] and report.problems == []
    assert row_values(tmp_path / "out", report, 3)["sender_head"] == "Усенов"
    assert report.notes == [f"{tmp_path / 'data.xlsx'}: sheet 'Sheet', columns B (sender_head), C (population): "
                            "hidden in the sheet, and filled like the others (delete the columns that should not be "
                            "filled)"]


def test_openpyxl_says_nothing_on_the_terminal(tmp_path):
    """openpyxl warns of what it makes up for (here a workbook without a default style, and a date it
    cannot convert, which is reported as a problem): no such line reaches the user. In a process of its
    own, as pytest catches warnings."""
    import sys

    rows = [*GOOD_ROWS, row(4, text("A4", "Нарын"), number("B4", "99999999", DATE))]
    data = xlsx(tmp_path / "data.xlsx", rows, change=_replace("xl/styles.xml", "<cellStyles count=\"1\">"
                "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>", ""))
    result = subprocess.run([str(Path(sys.executable).with_name("formgen")), "fill", "--data", str(data), "--out",
                             str(tmp_path / "out"), "--format", "docx", "--lang", "ru"], capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr.splitlines() == [
        f"{data}: row 4, column phone_fax: cell B4 of sheet 'Лист1' is a date before or past those a spreadsheet "
        "holds (type the date)"], result.stderr
    assert result.stdout.startswith("2 rows written into ")


# ---- every row of every format ---------------------------------------------------------------------

def test_every_row_of_every_format_is_filled_or_reported(tmp_path):
    """Good rows and bad ones of each format: each row is in the manifest's rows or in its problems, once."""
    (tmp_path / "data.csv").write_text("\n".join([
        "aa_name,population,letter_date,unknown_column", "Талас,,,", "Ош,много,,", "Нарын,1200,,",
        "Баткен,,31.02.2025,", "Чүй,,,x", '"Кара,Суу,,,', "Токмок,1,2,3,4", "Кочкор,,,"]) + "\n", encoding="utf-8")
    (tmp_path / "data.yaml").write_text(
        "- aa_name: Талас\n- aa_name: Ош\n- aa_name: Нарын\n- {aa_name: Баткен, population: много}\n"
        "- {aa_name: Чүй, letter_date: 31.02.2025}\n- {aa_name: Токмок, unknown_column: x}\n- Ысык-Көл\n"
        "- aa_name: [a]\n", encoding="utf-8")
    xlsx(tmp_path / "data.xlsx", [
        header("aa_name", "population", "letter_date", "unknown_column", "sender_district"),
        texts(2, "Талас"), texts(3, "Ош", "много"), row(4, text("A4", "Нарын"), text("E4", "Нарынский")),
        row(5, text("A5", "Баткен"), empty("E5")), texts(6, "Чүй", None, "31.02.2025"), texts(7, "Токмок", None, None, "x"),
        row(8, text("A8", "Кара-Суу"), error("B8", "#REF!")), row(9, text("A9", "Кочкор"), formula("B9", "B2*2")),
        texts(10, "Ысык-Ата", None, None, None, None, "F")], merges=["E4:E5"])
    expected = {"data.csv": (range(2, 10), 3), "data.yaml": (range(1, 9), 3), "data.xlsx": (range(2, 11), 3)}
    for name, (numbers, good) in expected.items():
        out = tmp_path / f"out-{name}"
        run_fill(tmp_path / name, out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        produced = [r["row"] for r in manifest["rows"]]
        reported = [int(p.split(": row ")[1].split(":")[0].split(",")[0]) for p in manifest["problems"]]
        assert sorted(produced + reported) == list(numbers), name  # each row once: produced or reported
        assert len(produced) == good, name


# ---- the fix the messages give works ----------------------------------------------------------------

def test_saving_a_scripts_workbook_in_libreoffice_calc_stores_what_fill_needs(tmp_path):
    """The fix printed for a formula never computed, followed in LibreOffice Calc: its values are then
    read; its merged cells and error values as LibreOffice writes them behave as above."""
    require(libreoffice_calc(), "LibreOffice Calc", "apt-get install libreoffice-calc")
    book = Workbook()
    for values in (["aa_name", "population", "sender_district", "phone_fax"], ["Ак-Муз", 1000, "Ат-Башинский", "1"],
                   ["Ача-Кайыңды", "=B2*2", None, "=1/0"], ["Нарын", "=B3+1", "Нарынский", "556"]):
        book.active.append(values)
    book.active.merge_cells("C2:C3")
    book.save(tmp_path / "script.xlsx")
    before = run_fill(tmp_path / "script.xlsx", tmp_path / "before")
    assert len([p for p in before.problems if "never computed" in p]) == 3
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"),
                    str(tmp_path / "script.xlsx")], check=True, capture_output=True, timeout=180)
    report = run_fill(tmp_path / "saved" / "script.xlsx", tmp_path / "after")
    assert [r["row"] for r in report.rows] == [2, 4]
    assert row_values(tmp_path / "after", report, 4)["population"] == "2001"
    assert "cell D3 of sheet 'Sheet' holds the error #DIV/0!" in problem_of(report, 3)
    assert len(report.notes) == 1 and "cells C2:C3: merged" in report.notes[0] and "row 3" in report.notes[0]
