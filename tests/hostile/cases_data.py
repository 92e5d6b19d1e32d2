"""Data files for `fill` as spreadsheets make and damage them: merged cells, formulas never computed,
error values, damaged parts, and sheets built to exhaust the reader. Each case says what its outcome
must be, besides what every case must satisfy."""
from __future__ import annotations

import json
from pathlib import Path

from hostile.cases import FILL, case
from hostile.workbooks import (empty, error, formula, header, number, row, text, texts, write_zip, xlsx, xlsx_parts,
                               DATE)

SHEET = "xl/worksheets/sheet1.xml"


def _manifest(folder: Path) -> dict:
    path = folder / "out" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"rows": [], "problems": [], "notes": []}


def _refused(*fragments: str):
    """The whole file refused: exit 1, one error line holding each fragment, no output."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        wrong = [] if exit_code == 1 else [f"exit {exit_code}, not 1"]
        lines = output.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            wrong.append(f"not one error line: {output[:200]!r}")
        wrong += [f"the error does not say {f!r}" for f in fragments if f not in output]
        return wrong + (["an output folder was written"] if (folder / "out").exists() else [])
    return expect


def _outcome(exit_code_expected: int, produced: tuple[int, ...], problems: dict[int, str] = {},
             notes: tuple[str, ...] = (), check=None):
    """The rows produced, each reported row's problem holding its fragment, the notes' fragments."""
    def expect(folder: Path, exit_code, output: str) -> list[str]:
        manifest = _manifest(folder)
        wrong = [] if exit_code == exit_code_expected else [f"exit {exit_code}, not {exit_code_expected}"]
        got = tuple(r["row"] for r in manifest["rows"])
        wrong += [] if got == produced else [f"rows produced {got}, not {produced}"]
        for number, fragment in problems.items():
            if not any(f": row {number}" in p and fragment in p for p in manifest["problems"]):
                wrong.append(f"no problem of row {number} saying {fragment!r}: {manifest['problems']}")
        wrong += [f"no note saying {n!r}: {manifest['notes']}" for n in notes
                  if not any(n in line for line in manifest["notes"])]
        wrong += [f"not printed: {n!r}" for n in notes if n not in output]
        return wrong + (check(folder, manifest) if check else [])
    return expect


def _row_value(folder: Path, manifest: dict, number: int, field: str) -> str:
    from generator.formats.docx.read import read_docx_values

    produced = next((r for r in manifest["rows"] if r["row"] == number), {"files": []})
    for written in produced["files"]:
        value = read_docx_values(folder / "out" / written["path"]).get(field)
        if value:
            return value
    return ""


def _district_reached_row_3(folder: Path, manifest: dict) -> list[str]:
    value = _row_value(folder, manifest, 3, "sender_district")
    return [] if value == "Ат-Башинский" else [f"row 3's district is {value!r}"]


def _data(folder: Path, name: str = "data.xlsx") -> list[str]:
    return [*FILL, "--data", str(folder / name)]


# ---- merged cells ----------------------------------------------------------------------------------

@case("data", "xlsx-merged-district-over-two-rows", rows=(2, 3, 4),
      expect=_outcome(0, (2, 3, 4), notes=("cells B2:B3: merged", "is also given to row 3"),
                      check=_district_reached_row_3))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "sender_district"), texts(2, "Ак-Муз", "Ат-Башинский"),
                                row(3, text("A3", "Ача-Кайыңды"), empty("B3")), texts(4, "Нарын", "Нарынский")],
         merges=["B2:B3"])
    return _data(folder)


@case("data", "xlsx-merged-header", rows=(2,), expect=_refused("the header row's cells A1:B1 are merged", "unmerge them"))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "Талас", "555")], merges=["A1:B1"])
    return _data(folder)


@case("data", "xlsx-merged-over-two-fields", rows=(2, 3, 4),
      expect=_outcome(1, (4,), {2: "the cells B2:C3 are merged over the columns phone_fax, email_site",
                                3: "the cells B2:C3 are merged"}))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "phone_fax", "email_site"), texts(2, "Талас", "555"),
                                texts(3, "Ош"), texts(4, "Нарын", "556", "a@b.kg")], merges=["B2:C3"])
    return _data(folder)


@case("data", "xlsx-value-kept-under-a-merged-cell", rows=(2, 3),
      expect=_outcome(1, (2,), {3: "is under the merged cells B2:B3 but holds a value of its own, 'Нарынский'"}))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "sender_district"), texts(2, "Ак-Муз", "Ат-Башинский"),
                                texts(3, "Ача-Кайыңды", "Нарынский")], merges=["B2:B3"])
    return _data(folder)


@case("data", "xlsx-merge-to-the-sheets-end", rows=(2, 3, 4),
      expect=_outcome(0, (2, 3, 4), notes=("cells B2:B1048576: merged", "rows 3–4")))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "sender_district"), texts(2, "А", "Ат-Башинский"), texts(3, "Б"),
                                texts(4, "В")], merges=["B2:B1048576"])
    return _data(folder)


@case("data", "xlsx-merges-beyond-count", rows=(2,), expect=_refused("more than 10000 merged regions"))
def _(folder: Path) -> list[str]:
    merges = [f"C{n}:D{n}" for n in range(2, 10_004)]
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "Талас")], merges=merges)
    return _data(folder)


@case("data", "xlsx-merges-overlapping", rows=(2, 3, 4), expect=_refused("merged regions A2:B3 and B3:B4 overlap"))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "phone_fax"), texts(2, "Талас", "555"), texts(3, "Ош"), texts(4, "Нарын")],
         merges=["A2:B3", "B3:B4"])
    return _data(folder)


# ---- formulas and values ---------------------------------------------------------------------------

@case("data", "xlsx-formula-openpyxl-wrote", rows=(2, 3, 4),
      expect=_outcome(1, (2, 3), {4: "cell B4 of sheet 'Sheet' is a formula whose value was never computed "
                                     "(open and save the file in Excel or LibreOffice Calc"}))
def _(folder: Path) -> list[str]:
    from openpyxl import Workbook

    book = Workbook()
    for values in (["aa_name", "population"], ["Талас", 1200], ["Ош", 800], ["Итого", "=B2+B3"]):
        book.active.append(values)
    book.save(folder / "data.xlsx")
    return _data(folder)


@case("data", "xlsx-formula-zero-stored-computed-on-load", rows=(2,),
      expect=_outcome(1, (), {2: "cell B2 of sheet 'Лист1' is a formula whose value was never computed"}))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "population"), row(2, text("A2", "Талас"), formula("B2", "1+1", "0"))],
         calculation='<calcPr fullCalcOnLoad="1"/>')
    return _data(folder)


@case("data", "xlsx-error-values", rows=(2, 3, 4, 5),
      expect=_outcome(1, (5,), {2: "holds the error #N/A", 3: "holds the error #DIV/0!", 4: "holds the error #REF!"}))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "population"), row(2, text("A2", "А"), error("B2", "#N/A")),
                                row(3, text("A3", "Б"), error("B3", "#DIV/0!")),
                                row(4, text("A4", "В"), formula("B4", "#REF!+1", "#REF!", "e")),
                                row(5, text("A5", "Г"), formula("B5", "1+1", "2"))])
    return _data(folder)


@case("data", "xlsx-date-serial-past-the-calendar", rows=(2, 3),
      expect=_outcome(1, (3,), {2: "is a date before or past those a spreadsheet holds"}))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name", "letter_date"), row(2, text("A2", "А"), number("B2", "1e300", DATE)),
                                row(3, text("A3", "Б"), number("B3", "45659", DATE))])
    return _data(folder)


@case("data", "xlsx-rows-past-the-stated-size", rows=(2, 3, 4),
      expect=_outcome(0, (2, 3, 4)))
def _(folder: Path) -> list[str]:
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "А"), texts(3, "Б"), texts(4, "В")], dimension="A1:A2")
    return _data(folder)


@case("data", "xlsx-hidden-rows-and-another-sheet", rows=(2, 3),
      expect=_outcome(0, (2, 3), notes=("sheet 'Архив': not read", "sheet 'Лист1', row 3: hidden")))
def _(folder: Path) -> list[str]:
    archive = xlsx_parts([texts(1, "old")])["xl/worksheets/sheet1.xml"]
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "А"), row(3, text("A3", "Б"), hidden=True)],
         sheets={"Архив": archive})
    return _data(folder)


@case("data", "xlsx-hidden-columns-odd-ranges", rows=(2,),
      expect=_outcome(0, (2,), notes=("sheet 'Лист1', column B (sender_head): hidden",)))
def _(folder: Path) -> list[str]:
    """Column settings past a sheet's 16 384 columns, backwards or not numbers: no crash, no vast set."""
    columns = ('<cols><col min="2" max="2" hidden="1"/><col min="0" max="999999999999" hidden="0"/>'
               '<col min="9" max="3" hidden="1"/><col min="x" max="" hidden="true"/>'
               '<col min="20000" max="99999999999999" hidden="1"/><col min="٣" max="٣" hidden="1"/>'
               f'<col min="{"9" * 5000}" max="{"9" * 5000}" hidden="1"/></cols>')
    xlsx(folder / "data.xlsx", [header("aa_name", "sender_head"), texts(2, "А", "Б")],
         change=lambda parts: parts.update({"xl/worksheets/sheet1.xml": parts["xl/worksheets/sheet1.xml"].replace(
             "<sheetData>", columns + "<sheetData>")}))
    return _data(folder)


# ---- damaged parts ---------------------------------------------------------------------------------

def _damaged(name: str, change, *fragments: str) -> None:
    @case("data", f"xlsx-{name}", rows=tuple(range(2, 60)), expect=_refused(*fragments))
    def _(folder: Path) -> list[str]:
        xlsx(folder / "data.xlsx", [header("aa_name"), *(texts(n, f"Айыл {n}") for n in range(2, 60))], change=change)
        return _data(folder)


def _cut(part: str, keep: float):
    def change(parts: dict) -> None:
        parts[part] = parts[part][:int(len(parts[part]) * keep)]
    return change


_damaged("sheet-cut-off", _cut(SHEET, 0.6), "sheet 'Лист1', row 3", "its XML is cut off or malformed")
def _strings_cut_off(parts: dict) -> None:
    parts.update(xlsx_parts([], strings=["aa_name"]))
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"][:30]


_damaged("shared-strings-cut-off", _strings_cut_off, "xl/sharedStrings.xml", "its XML is cut off")
_damaged("styles-cut-off", _cut("xl/styles.xml", 0.5), "xl/styles.xml", "its XML is cut off")
_damaged("sheet-part-missing", lambda p: p.pop(SHEET), "sheet 'Лист1': the workbook lists this sheet, but its part "
         "is missing")
_damaged("rows-out-of-order", lambda p: p.__setitem__(SHEET, p[SHEET].replace('<row r="40">', '<row r="4">')),
         "the next row is numbered '4'")
_damaged("first-sheet-hidden", lambda p: p.__setitem__("xl/workbook.xml", p["xl/workbook.xml"].replace(
    'r:id="rId1"', 'r:id="rId1" state="hidden"')), "sheet 'Лист1': hidden")


@case("data", "xlsx-crc-broken", rows=tuple(range(2, 20)), expect=_refused("sheet 'Лист1'", "Bad CRC-32"))
def _(folder: Path) -> list[str]:
    rows = [header("aa_name"), *(texts(n, f"Айыл {n}") for n in range(2, 20))]
    write_zip(folder / "data.xlsx", xlsx_parts(rows), stored=True)
    data = (folder / "data.xlsx").read_bytes().replace("Айыл 7".encode(), "Айыл 8".encode())
    (folder / "data.xlsx").write_bytes(data)
    return _data(folder)


@case("data", "xlsx-an-ods-renamed", expect=_refused("an OpenDocument file (.ods), not an .xlsx"))
def _(folder: Path) -> list[str]:
    write_zip(folder / "data.xlsx", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                                     "content.xml": "<office:document-content/>"}, stored=True)
    return _data(folder)


# ---- sheets built to exhaust the reader ------------------------------------------------------------

@case("data", "xlsx-row-of-a-million-text-runs", rows=(2,), expect=_refused("more XML elements than a sheet's row"))
def _(folder: Path) -> list[str]:
    runs = "<r><t>a</t></r>" * 1_000_000
    xlsx(folder / "data.xlsx", [header("aa_name"), row(2, f'<c r="A2" t="inlineStr"><is>{runs}</is></c>')])
    return _data(folder)


@case("data", "xlsx-million-column-settings", rows=(2,), expect=_refused("more XML elements than a sheet's row or its "
                                                              "column settings hold"))
def _(folder: Path) -> list[str]:
    columns = "<cols>" + '<col min="1" max="1" width="9"/>' * 1_000_000 + "</cols>"

    def widths(parts: dict) -> None:
        parts[SHEET] = parts[SHEET].replace("<sheetData>", columns + "<sheetData>")
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "А")], change=widths)
    return _data(folder)


@case("data", "xlsx-million-links-after-the-rows", rows=(2, 3), expect=_outcome(0, (2, 3)))
def _(folder: Path) -> list[str]:
    links = "<hyperlinks>" + '<hyperlink ref="A1" display="x"/>' * 1_000_000 + "</hyperlinks>"

    def linked(parts: dict) -> None:
        parts[SHEET] = parts[SHEET].replace("</worksheet>", links + "</worksheet>")
    xlsx(folder / "data.xlsx", [header("aa_name"), texts(2, "А"), texts(3, "Б")], change=linked)
    return _data(folder)


@case("data", "yaml-items-that-are-not-rows", rows=(1, 2, 3, 4),
      expect=_outcome(1, (1, 4), {2: "the single value 'Ош', not a row", 3: "a list, not a row"}))
def _(folder: Path) -> list[str]:
    (folder / "data.yaml").write_text("- aa_name: Талас\n- Ош\n- [a, b]\n- aa_name: Нарын\n", encoding="utf-8")
    return _data(folder, "data.yaml")
