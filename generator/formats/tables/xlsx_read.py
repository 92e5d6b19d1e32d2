"""The rows of an XLSX data file, read with openpyxl (the one module that imports it, and only when a
workbook is read).

openpyxl reads the workbook's parts and each cell's value; the sheet's rows are walked here, as
openpyxl's read-only sheet gives no merged cells, cannot tell a formula never computed from an
empty cell, trusts the sheet's stated size (rows past it were lost), and stops at a damaged part
half-way through the rows, when some were already filled. A merged cell's value given to the rows it
covers, hidden rows and sheets not read are said in Notes."""
from __future__ import annotations

import contextlib
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from ...errors import FormgenError
from .cells import BadCell, BadRow, Note, Rows, cell_text, check_header, no_name, rows_text

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # Excel 97–2003, and any workbook saved with a password
MAX_XLSX_UNPACKED = 100_000_000
MAX_XLSX_PARTS = 1000
MAX_XLSX_STRINGS = 20_000_000  # openpyxl holds every shared string in memory
MAX_MERGES = 10_000
MAX_COLUMN = 16_384  # Excel's last column, XFD
MAX_MERGED_CELLS = 100_000  # of the data's rows and the header's columns
SHEET_ROWS = 1_048_576  # as many as Excel holds: a sheet past them is damaged
MAX_ROW_ELEMENTS = 100_000  # a row of Excel's 16 384 cells has 32 768, or a few more with formatted text
MAX_ELEMENTS_BEFORE_ROWS = 20_000  # column widths and views: one for each of Excel's 16 384 columns at most
RESAVE = "open it in Excel or LibreOffice Calc and save it again as .xlsx"
NOT_COMPUTED = ("open and save the file in Excel or LibreOffice Calc, which store the computed values, "
                "or type the values")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, FORMULA, SHEET_DATA = (_MAIN + tag for tag in ("row", "c", "f", "sheetData"))


def xlsx_rows(path: Path) -> Rows:
    _check_xlsx_package(path)
    reader = _open_workbook(path)
    try:
        sheets = _sheets(path, reader)
        notes = _unread_sheets(path, reader.archive, sheets)
        sheet = _DataSheet(path, reader, sheets[0], _Survey(path, sheets[0]).read(reader.archive))
    except BaseException:
        reader.archive.close()
        raise
    return itertools.chain(notes, sheet.rows())


def _check_xlsx_package(path: Path) -> None:
    """Refuse a zip bomb by the sizes its directory declares (zipfile never unpacks more than that)
    before openpyxl, which would hold every shared string in memory, reads a byte of it; and a file
    that is no workbook as what it is."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FormgenError(path, "", *_not_a_zip(path)) from None
    unpacked = sum(entry.file_size for entry in entries)
    strings = sum(entry.file_size for entry in entries if entry.filename.lower().endswith("sharedstrings.xml"))
    if len(entries) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED or strings > MAX_XLSX_STRINGS:
        raise FormgenError(path, "", f"unpacks to {unpacked // 1_000_000} MB in {len(entries)} parts "
                           f"({strings // 1_000_000} MB of text); the limits are {MAX_XLSX_UNPACKED // 1_000_000} MB, "
                           f"{MAX_XLSX_PARTS} parts and {MAX_XLSX_STRINGS // 1_000_000} MB",
                           "keep only the data sheet, or save the data as CSV")
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        what = "an OpenDocument file (.ods), not an .xlsx" if "mimetype" in names else "a zip file with no workbook"
        raise FormgenError(path, "", what, "save it from Excel or LibreOffice Calc as .xlsx")


def _not_a_zip(path: Path) -> tuple[str, str]:
    """What a file named .xlsx that is no zip is, and what to do."""
    with path.open("rb") as stream:
        head = stream.read(512)
    if head.startswith(OLE_SIGNATURE):
        return ("an Excel 97–2003 workbook (.xls) or a workbook with a password, not an .xlsx",
                "save it from Excel or LibreOffice Calc as .xlsx, without a password")
    if head.startswith(b"PK"):
        return "a damaged .xlsx: its zip is cut off or broken", f"copy it again, or {RESAVE}"
    if head and not re.search(rb"[\x00-\x08\x0e-\x1f]", head):
        return "text, not a workbook", "if it is CSV, name it .csv"
    return "not an .xlsx workbook", "save it from Excel or LibreOffice Calc as .xlsx"


@contextlib.contextmanager
def _read_as(path: Path, place: str | Callable[[], str]):
    """An exception of the libraries reading a damaged workbook (openpyxl, zipfile, zlib and the XML
    parser raise many kinds) as the user's error, at the place reading had reached."""
    try:
        yield
    except (FormgenError, _HoldsValue):
        raise
    except Exception as exc:  # noqa: BLE001 (whatever a damaged part makes them raise)
        where = place if isinstance(place, str) else place()
        raise FormgenError(path, where, f"damaged, cannot be read: {_reason(exc)}", RESAVE) from None


def _reason(exc: Exception) -> str:
    from xml.parsers.expat import ExpatError

    if isinstance(exc, (SyntaxError, ExpatError)):  # expat's, ElementTree's, or lxml's (openpyxl's parts)
        return f"its XML is cut off or malformed ({getattr(exc, 'msg', None) or exc})"
    if isinstance(exc, KeyError) and exc.args:  # zipfile: "There is no item named '…' in the archive"
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


def _open_workbook(path: Path):
    """openpyxl's reader of the workbook, as far as reading a sheet's cells needs: the parts, shared
    strings, sheets and number formats. Nothing else (links to other files, properties, themes,
    names) is read, so nothing else in the file can stop it."""
    import warnings

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    warnings.filterwarnings("ignore", module="openpyxl")  # what it would say of the parts it leaves out
    with _read_as(path, ""):
        reader = ExcelReader(str(path), read_only=True, data_only=True, keep_links=False)
    steps = {"[Content_Types].xml": reader.read_manifest, "xl/sharedStrings.xml": reader.read_strings,
             "xl/workbook.xml": reader.read_workbook,
             "xl/styles.xml": lambda: apply_stylesheet(reader.archive, reader.wb)}
    try:
        for part, step in steps.items():
            with _read_as(path, part):
                step()
    except FormgenError:
        reader.archive.close()
        raise
    return reader


class _Part(NamedTuple):
    name: str  # as its tab shows it
    path: str  # in the zip


def _sheets(path: Path, reader) -> list[_Part]:
    """The sheets of cells in the order of their tabs (chart sheets left out); the first, which fill
    reads, checked to be there and shown."""
    sheets = []
    for sheet in reader.parser.sheets:
        with _read_as(path, "xl/_rels/workbook.xml.rels"):
            relation = reader.parser.rels.get(sheet.id)
        if relation is not None and "chartsheet" in str(relation.Type):
            continue
        part = _Part(sheet.name, relation.target if relation is not None else "")
        if not sheets and part.path not in reader.valid_files:
            raise FormgenError(path, f"sheet '{part.name}'", "the workbook lists this sheet, but its part is "
                               "missing from the file", RESAVE)
        if not sheets and sheet.state != "visible":
            raise FormgenError(path, f"sheet '{part.name}'", "hidden, and fill reads the first sheet",
                               "show it (right-click a sheet tab, Unhide), or move the sheet to read to the first place")
        sheets.append(part)
    if not sheets:
        raise FormgenError(path, "", "no sheet of cells in the workbook", "put the rows in its first sheet")
    return sheets


def _unread_sheets(path: Path, archive, sheets: list[_Part]) -> list[tuple[int, Note]]:
    """A note naming the sheets after the first that hold a value (or cannot be read to tell)."""
    unread = [f"'{sheet.name}'" for sheet in sheets[1:] if _holds_values(path, archive, sheet)]
    if not unread:
        return []
    names = ", ".join(unread[:10]) + (f" and {len(unread) - 10} more" if len(unread) > 10 else "")
    return [(0, Note(f"{'sheets' if len(unread) > 1 else 'sheet'} {names}: not read, as fill reads only the "
                     f"first sheet, '{sheets[0].name}' (move the sheet to read to the first place, or put every "
                     "row in one sheet)"))]


def _holds_values(path: Path, archive, sheet: _Part) -> bool:
    """Whether a sheet has a cell with something in it, read to its first such cell; or cannot be read to tell."""
    try:
        _Survey(path, sheet, until_value=True).read(archive)
    except (_HoldsValue, FormgenError):
        return True
    return False


class _HoldsValue(Exception):
    """Raised by the survey of a sheet on its first value: what was to be known."""


class _Survey:
    """What is learnt of the data sheet by reading it through once before any row is given: its merged
    regions and its last row (the regions follow the cells in the file), and that it can be read: a
    damaged part, rows out of order, more than a sheet holds are found before anything is written.
    Expat's events alone, no tree: the sheet is read at the speed of its bytes, in constant memory."""

    NAMES = {name: _MAIN[1:-1] + "}" + name
             for name in ("worksheet", "sheetData", "row", "mergeCell", "v", "is", "f", "col")}

    def __init__(self, path: Path, sheet: _Part, until_value: bool = False) -> None:
        self.path, self.sheet, self.until_value = path, sheet, until_value
        self.row, self.elements, self.rows_started, self.rows_ended = 0, 0, False, False
        self.regions: list[_Region] = []
        self.hidden_columns: set[int] = set()

    def read(self, archive) -> _Survey:
        from xml.parsers import expat

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        with _read_as(self.path, lambda: _at_row(self.sheet, self.row)), archive.open(self.sheet.path) as stream:
            parser.ParseFile(stream)
        return self

    def start(self, name: str, attributes: dict[str, str]) -> None:
        names = self.NAMES
        self.elements += 1  # of the row, or before the rows
        if name == names["row"]:
            self.row, self.elements = _row_number(self.path, self.sheet, attributes.get("r"), self.row), 0
        elif name == names["mergeCell"]:
            self.regions.append(self.region(attributes.get("ref", "")))
        elif name == names["sheetData"]:
            self.rows_started = True
        elif name == names["col"] and attributes.get("hidden") in ("1", "true"):
            self.hidden_columns.update(_columns(attributes.get("min", ""), attributes.get("max", "")))
        elif self.elements == 1 and not self.rows_started and name != names["worksheet"]:
            raise FormgenError(self.path, f"sheet '{self.sheet.name}'", f"not a sheet of cells fill can read "
                               f"({name[:80]})", "save it from Excel or LibreOffice Calc as .xlsx (Excel Workbook, "
                               "not Strict)")
        elif self.until_value and name in (names["v"], names["is"], names["f"]):
            raise _HoldsValue
        if self.elements > (MAX_ROW_ELEMENTS if self.rows_started else MAX_ELEMENTS_BEFORE_ROWS) and not self.rows_ended:
            raise FormgenError(self.path, _at_row(self.sheet, self.row), "more XML elements than a sheet's row or "
                               "its column settings hold: damaged, or not made by a spreadsheet", RESAVE)

    def end(self, name: str) -> None:
        """Counting stops where the rows end: what follows them is never held in memory."""
        self.rows_ended = self.rows_ended or name == self.NAMES["sheetData"]

    def region(self, ref: str) -> _Region:
        from openpyxl.utils.cell import range_boundaries

        if len(self.regions) == MAX_MERGES:
            raise FormgenError(self.path, f"sheet '{self.sheet.name}'", f"more than {MAX_MERGES} merged regions",
                               "unmerge the cells (select all, then Merge off) and fill in each row")
        with _read_as(self.path, f"sheet '{self.sheet.name}', merged cells '{ref[:40]}'"):
            first_column, first_row, last_column, last_row = bounds = range_boundaries(ref)
            if None in bounds or first_column > last_column or first_row > last_row:
                raise ValueError("not a range of cells")
        return _Region(ref, *bounds)


def _columns(first: str, last: str) -> range:
    """The columns a <col> element sets, numbered from 1 (a sheet has 16 384); none where it is malformed.
    A number of more digits than a column's is past the last column (int() would refuse thousands)."""
    if not (first.isascii() and first.isdigit() and last.isascii() and last.isdigit()):
        return range(0)
    first_column, last_column = (int(n) if len(n) <= 6 else MAX_COLUMN + 1 for n in (first, last))
    return range(max(first_column, 1), min(last_column, MAX_COLUMN) + 1)


def _at_row(sheet: _Part, row: int) -> str:
    return f"sheet '{sheet.name}', row {row}" if row else f"sheet '{sheet.name}'"


def _row_number(path: Path, sheet: _Part, given: str | None, previous: int) -> int:
    """A row's number: as the file gives it, or the one after the row before where it gives none."""
    number = int(given) if given and given.isdecimal() else previous + 1 if given is None else 0
    if not previous < number <= SHEET_ROWS:
        raise FormgenError(path, _at_row(sheet, previous), f"the next row is numbered '{given}': rows must go "
                           f"down the sheet, from 1 to {SHEET_ROWS}", RESAVE)
    return number


@dataclass
class _Region:
    """A merged region of the data sheet, and once its first row is read, the value it shows."""
    ref: str
    first_column: int
    first_row: int
    last_column: int
    last_row: int
    value: str = ""
    columns: list[str] = field(default_factory=list)  # the header's names over it
    received: list[int] = field(default_factory=list)  # the rows its value was given to


class _DataSheet:
    """The rows of the sheet fill reads, the first row with a value being its header of field ids."""

    def __init__(self, path: Path, reader, sheet: _Part, survey: _Survey) -> None:
        from openpyxl.worksheet._reader import WorkSheetParser

        book = reader.wb
        self.path, self.archive, self.sheet = path, reader.archive, sheet
        self.regions, self.last_row, self.hidden_columns = survey.regions, survey.row, survey.hidden_columns
        self.parser = WorkSheetParser(None, reader.shared_strings, data_only=True, epoch=book.epoch,
                                      date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        with _read_as(path, "xl/styles.xml"):
            self.percent = _percent_styles(book)
        with _read_as(path, "xl/workbook.xml"):
            self.all_computed_on_load = _computed_on_load(reader)
        self.header: dict[int, str] = {}
        self.covered: dict[int, dict[int, _Region]] = {}  # {row: {column: the merged region over it}}
        self.hidden: list[int] = []

    def rows(self) -> Rows:
        try:
            for number, element in self.row_elements():
                hidden = element.get("hidden") in ("1", "true")
                cells = self.cells(number, element)
                if not self.header:
                    if cells:
                        self.read_header(number, cells)
                    continue
                row = self.data_row(number, cells)
                if row and hidden:
                    self.hidden.append(number)
                if row:
                    yield number, row
            yield from self.notes()
        finally:
            self.archive.close()

    def row_elements(self) -> Iterator[tuple[int, object]]:
        """(number, element) of each row, its cells cleared once read (the survey found the sheet whole)."""
        from xml.etree.ElementTree import iterparse

        number = 0
        with _read_as(self.path, lambda: _at_row(self.sheet, number)), self.archive.open(self.sheet.path) as stream:
            for _, element in iterparse(stream):
                if element.tag == ROW:
                    number = _row_number(self.path, self.sheet, element.get("r"), number)
                    yield number, element
                    element.clear()
                elif element.tag == SHEET_DATA:
                    return

    def cell(self, column: int, row: int) -> str:
        return f"cell {_ref(column, row)} of sheet '{self.sheet.name}'"

    def cells(self, number: int, element) -> dict[int, str] | BadRow:
        """{column: text} of the row's cells that hold something, or what keeps the row from being read."""
        texts: dict[int, str] = {}
        self.parser.row_counter, self.parser.col_counter = number, 0
        for child in element:
            if child.tag != CELL:
                continue
            try:
                cell = self.parser.parse_cell(child)
            except Exception as exc:  # noqa: BLE001 (openpyxl, on a value unlike its type: a text past the shared strings)
                reason = "its text is missing from the workbook's shared strings" if isinstance(exc, IndexError) \
                    else _reason(exc)
                return BadRow(f"cell {str(child.get('r'))[:20]} of sheet '{self.sheet.name}' cannot be read: "
                              f"{reason} ({RESAVE})")
            if cell["row"] != number or cell["column"] in texts:
                return BadRow(f"{self.cell(cell['column'], cell['row'])} is given twice, or inside row {number}: "
                              f"the sheet is damaged ({RESAVE})")
            text = self.text(cell, child)
            if text:
                texts[cell["column"]] = text
        return texts

    def text(self, cell: dict, element) -> str:
        """The cell's value as text; a formula never computed, an error value, a date past those a
        spreadsheet holds, as the BadCell they are."""
        value, kind = cell["value"], cell["data_type"]
        if element.find(FORMULA) is not None and (self.all_computed_on_load or value is None and element.get("t") != "str"):
            return BadCell(f"{self.cell(cell['column'], cell['row'])} is a formula whose value was never computed "
                           f"({NOT_COMPUTED})")
        if kind == "e" and element.get("t", "n") == "n":  # openpyxl's mark for a date serial it cannot convert
            return BadCell(f"{self.cell(cell['column'], cell['row'])} is a date before or past those a spreadsheet "
                           "holds (type the date)")
        if kind == "e":
            return BadCell(f"{self.cell(cell['column'], cell['row'])} holds the error {value} (correct the formula, "
                           "or type the value)")
        if cell["style_id"] in self.percent and isinstance(value, (int, float)) and not isinstance(value, bool):
            text = cell_text(float(value) * 100)
            return text if isinstance(text, BadCell) else f"{text}%"
        return cell_text(value)

    def read_header(self, number: int, cells: dict[int, str] | BadRow) -> None:
        place = f"sheet '{self.sheet.name}', row {number}"
        bad = cells if isinstance(cells, BadRow) else next((t for t in cells.values() if isinstance(t, BadCell)), None)
        if bad:
            raise FormgenError(self.path, place, f"in the header row, {bad}")
        merged = next((r for r in self.regions if r.first_row <= number <= r.last_row
                       and (r.first_column, r.first_row) != (r.last_column, r.last_row)), None)
        if merged:
            raise FormgenError(self.path, place, f"the header row's cells {merged.ref} are merged",
                               "unmerge them: the header is one row with a field id over each column")
        check_header(self.path, cells.values(), place)
        self.header = cells
        self.covered = self.merged_cells(number)

    def merged_cells(self, header_row: int) -> dict[int, dict[int, _Region]]:
        """{row: {column: region}} for each cell of the data a merged region covers, a region cut to the
        sheet's rows and the header's columns."""
        width, covered, count = max(self.header), {}, 0
        for region in self.regions:
            if region.first_row <= header_row or region.first_column > width or region.first_row > self.last_row:
                continue  # above the header (blank), or right of it (its value is under no column name)
            last_column, last_row = min(region.last_column, width), min(region.last_row, self.last_row)
            count += (last_column - region.first_column + 1) * (last_row - region.first_row + 1)
            if count > MAX_MERGED_CELLS:
                raise FormgenError(self.path, f"sheet '{self.sheet.name}'", f"merged regions cover more than "
                                   f"{MAX_MERGED_CELLS} cells of the data", "unmerge the cells and fill in each row")
            region.columns = [self.header[c] for c in range(region.first_column, last_column + 1) if c in self.header]
            for row in range(region.first_row, last_row + 1):
                columns = covered.setdefault(row, {})
                for column in range(region.first_column, last_column + 1):
                    if column in columns:
                        raise FormgenError(self.path, f"sheet '{self.sheet.name}'", f"merged regions "
                                           f"{columns[column].ref} and {region.ref} overlap", RESAVE)
                    columns[column] = region
        return covered

    def data_row(self, number: int, cells: dict[int, str] | BadRow) -> dict[str, str] | BadRow | None:
        """The row's {field id: text}, a merged region's value given to each row below its first in its
        first column; what keeps the row from being filled; or None for a blank row."""
        covered = self.covered.pop(number, {})
        if isinstance(cells, BadRow):
            return cells
        for column, region in covered.items():
            if (column, number) == (region.first_column, region.first_row):
                region.value = cells.get(column, "")
                continue
            own = cells.pop(column, "")  # kept in the file under a merged cell, and not shown
            if own and own != region.value:
                return BadRow(f"{self.cell(column, number)} is under the merged cells {region.ref} but holds a "
                              f"value of its own, '{own[:40]}', which the sheet does not show (unmerge the cells "
                              "and check the values)")
        if not cells:
            return None  # blank, but for the merged cells over it
        across = next((r for r in covered.values() if r.value and len(r.columns) > 1), None)
        if across:
            return BadRow(f"the cells {across.ref} are merged over the columns {', '.join(across.columns)}: a value "
                          "belongs to one column (unmerge them and write each value in its column)")
        for column, region in covered.items():
            if column == region.first_column and number > region.first_row and region.value:
                cells[column] = region.value
                region.received.append(number)
        unnamed = next((column for column in cells if column not in self.header), None)
        if unnamed is not None:
            return no_name(self.cell(unnamed, number))
        return {self.header[column]: text for column, text in cells.items()}

    def notes(self) -> Iterator[tuple[int, Note]]:
        for region in self.regions:
            if region.received:
                yield region.first_row, Note(
                    f"sheet '{self.sheet.name}', cells {region.ref}: merged, so the value of "
                    f"{_ref(region.first_column, region.first_row)}, "
                    f"'{region.value[:40]}', is also given to {rows_text(region.received)} (unmerge them if each "
                    "row has a value of its own)")
        if self.hidden:
            yield self.hidden[0], Note(f"sheet '{self.sheet.name}', {rows_text(self.hidden)}: hidden in the "
                                       "sheet, and filled like the others (delete the rows that should not be filled)")
        hidden = [column for column in sorted(self.header) if column in self.hidden_columns]
        if hidden:
            named = ", ".join(f"{_column_letter(c)} ({self.header[c]})" for c in hidden)
            yield 0, Note(f"sheet '{self.sheet.name}', {'columns' if len(hidden) > 1 else 'column'} {named}: hidden "
                          "in the sheet, and filled like the others (delete the columns that should not be filled)")


def _column_letter(column: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(column)


def _ref(column: int, row: int) -> str:
    return f"{_column_letter(column)}{row}"


def _percent_styles(book) -> set[int]:
    """The styles whose number format shows a number as a percentage: 0.15 as «15%»."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    percent = set()
    for index, style in enumerate(book._cell_styles):
        number = style.numFmtId
        code = BUILTIN_FORMATS.get(number, "") if number < BUILTIN_FORMATS_MAX_SIZE else \
            book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE]
        if "%" in re.sub(r'"[^"]*"|\\.', "", code):  # a % in quotes or after \ is shown as it is
            percent.add(index)
    return percent


def _computed_on_load(reader) -> bool:
    """Whether the workbook asks for every formula to be computed when it is opened (fullCalcOnLoad,
    which openpyxl and XlsxWriter write, storing no value or a 0 for each formula): then its stored
    values are not computed ones. openpyxl reads a workbook that says nothing of it as asking."""
    from xml.etree.ElementTree import fromstring

    calculation = fromstring(reader.archive.read(reader.parser.workbook_part_name)).find(_MAIN + "calcPr")
    return calculation is not None and calculation.get("fullCalcOnLoad") in ("1", "true")
