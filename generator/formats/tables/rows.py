"""Rows in and tables out: CSV, XLSX (read with openpyxl, the one module that imports it; written by
xlsx_write) and YAML/JSON.

A data file is read so that nothing in it is lost or changed unseen: each row comes out as its
values, as the problem that keeps it from being filled (a BadRow, or a BadCell in its column), or not
at all when it is blank; what a person should know of how it was read (a merged cell's value given to
the rows it covers, hidden rows, sheets not read) comes out as a Note. A file that cannot be read at
all is refused, before any row is given, with the place and the fix."""
from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import itertools
import json
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from ...errors import FormgenError, UsageError
from ...disk.files import cannot_write, check_regular_file
from ..xmltext import replace_not_in_xml
from ...sources.yamlfile import load_yaml

MAX_DATA_BYTES = 50_000_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")  # an .xlsm is a workbook with macros, which are never run
DATA_SUFFIXES = (".csv", *XLSX_SUFFIXES, ".yaml", ".yml")
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".numbers")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # Excel 97–2003, and any workbook saved with a password
MAX_CSV_CELL = 10_000_000  # csv's own limit (131 072) would stop the whole file; fill reports long cells itself
LONE_RETURN = re.compile(rb"\r(?!\n)")


class BadCell(str):
    """A cell that cannot be taken as a value (a list in YAML; an error value, a formula never
    computed, a number in scientific notation in a workbook): its text says why, and its row is
    refused with its column."""


class BadRow(str):
    """A data row that could not be read (an unclosed quote, a value under no column): the problem, by row."""


class Note(str):
    """How a data file was read, where a person should know it (a merged cell's value given to each
    row it covers, hidden rows, sheets not read): printed and listed, not by itself a failure."""


def cell_text(value: object) -> str:
    """A cell as the text a form shows: 12.0 → «12», a date → «28.02.2025», TRUE as Excel writes it;
    a value no form can show as it is, a BadCell."""
    if isinstance(value, (list, dict)):
        return BadCell("a list or mapping, not a single value")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return _moment_text(value)
    return str(value).strip()


def _number_text(value: float) -> str:
    """A number as a spreadsheet shows it, to 15 significant digits (0.1 + 0.2 → «0.3»)."""
    if not math.isfinite(value):
        return BadCell("not a number a spreadsheet can hold (type the value)")
    text = f"{value:.15g}"
    if "e" in text:
        return BadCell(f"the number {value:.15G} is in scientific notation, which keeps 15 digits at most "
                       "(format the column as Text and type the value as it should read)")
    return text


def _moment_text(value: dt.date | dt.time | dt.timedelta) -> str:
    """A date as «28.02.2025», with its time when it has one («28.02.2025 14:30»); a time as «14:30»;
    a duration in hours, as a spreadsheet's [h]:mm shows it («36:30»)."""
    if isinstance(value, dt.timedelta):
        seconds = round(abs(value.total_seconds()))
        text = f"{seconds // 3600}:{seconds // 60 % 60:02}" + (f":{seconds % 60:02}" if seconds % 60 else "")
        return "-" + text if value < dt.timedelta(0) else text
    if isinstance(value, dt.time):
        return f"{value.hour:02}:{value.minute:02}" + (f":{value.second:02}" if value.second else "")
    date = f"{value.day:02}.{value.month:02}.{value.year:04}"
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return f"{date} {_moment_text(value.time())}"
    return date


Rows = Iterator[tuple[int, "dict[str, str] | BadRow | Note"]]


def read_rows(path: Path) -> Rows:
    """(row number as the user sees it, its {column: text} or the BadRow it is) for each data row that
    is not blank, and the Notes, each numbered by the row it concerns (0: the whole file); read lazily.
    A file that cannot be read at all is refused here (a CSV's header when the first row is asked)."""
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        fix = "save it as .xlsx or as CSV UTF-8" if suffix in OTHER_SPREADSHEETS else \
            f"give one of: {', '.join(DATA_SUFFIXES)}"
        raise FormgenError(path, "", f"unknown data format '{suffix}'", fix)
    check_regular_file(path, MAX_DATA_BYTES, "split the data into smaller files")
    if suffix == ".csv":
        _check_text(path)
        return _csv_rows(path)
    if suffix in XLSX_SUFFIXES:
        return _xlsx_rows(path)
    return _yaml_rows(path)


def _check_header(path: Path, header: Iterable[str], place: str = "row 1") -> None:
    """Two columns of one name would silently lose one of them."""
    seen = set()
    for name in (str(h).strip() for h in header if h):
        if name in seen:
            raise FormgenError(path, place, f"column '{name}' appears twice", "keep one column per field id")
        seen.add(name)


def _no_name(place: str) -> BadRow:
    return BadRow(f"a value in {place}, which has no name in the header row (write a field id over the "
                  "column, or delete the value)")


def _rows_text(numbers: list[int], most: int = 20) -> str:
    """Row numbers as a person reads them, «row 3», «rows 3–5, 8»: the first `most` runs, then how many more."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    text = ", ".join(f"{first}–{last}" if last > first else f"{first}" for first, last in runs[:most])
    more = sum(last - first + 1 for first, last in runs[most:])
    return ("rows " if len(numbers) > 1 else "row ") + text + (f" and {more} more" if more else "")


# ---- CSV ---------------------------------------------------------------------------------------

def _check_text(path: Path) -> None:
    """A workbook or UTF-16 text named .csv is refused as what it is, not as a file of bad rows."""
    with path.open("rb") as stream:
        head = stream.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise FormgenError(path, "", "an .xlsx workbook (a zip file), not CSV text",
                           "name it .xlsx, or save it as CSV UTF-8")
    if head.startswith(OLE_SIGNATURE):
        raise FormgenError(path, "", "an Excel 97–2003 workbook (.xls), not CSV text",
                           "save it as .xlsx or as CSV UTF-8")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FormgenError(path, "", "UTF-16 text", "save the CSV as UTF-8 (Excel: CSV UTF-8)")


class _Lines:
    """A CSV file's lines for csv.reader, remembering where the current record's lines end so that
    a broken record (an unclosed quote runs to the end of the file) can be reported and reading
    resumed on the line after its first."""

    def __init__(self, stream) -> None:
        self.stream, self.count, self.ends, self.pending = stream, 0, {0: 0}, b""

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw, self.pending = (self.pending, b"") if self.pending else (self.stream.readline(), b"")
        if not raw:
            raise StopIteration
        lone_return = LONE_RETURN.search(raw)  # an old Mac line end: csv reads it as one, so must we
        if lone_return and lone_return.end() < len(raw):
            raw, self.pending = raw[:lone_return.end()], raw[lone_return.end():]
        if self.count == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        self.count += 1
        self.ends[self.count] = self.stream.tell() - len(self.pending)
        return raw.decode("utf-8")

    def record_starts(self, line: int) -> None:
        """Lines before `line` will not be read again."""
        self.ends = {n: end for n, end in self.ends.items() if n >= line - 1}

    def resume(self, line: int) -> None:
        """Read again from the start of `line`."""
        self.stream.seek(self.ends[line - 1])
        self.count, self.pending = line - 1, b""
        self.record_starts(line)


def _csv_rows(path: Path) -> Rows:
    csv.field_size_limit(MAX_CSV_CELL)
    with path.open("rb") as stream:
        lines = _Lines(stream)
        dialect = _dialect(stream.readline().decode("utf-8", "replace"))
        stream.seek(0)
        header = _csv_header(path, lines, dialect)
        unnamed = [index for index, name in enumerate(header) if not name]
        number, first_line = 1, lines.count + 1
        reader = csv.reader(lines, dialect)
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield number, BadRow(_csv_problem(exc))
                lines.resume(first_line + 1)
                reader, first_line = csv.reader(lines, dialect), first_line + 1
                continue
            first_line = lines.count + 1
            lines.record_starts(first_line)
            if any(cell.strip() for cell in cells):
                yield number, _csv_row(header, unnamed, cells)


def _csv_row(header: list[str], unnamed: list[int], cells: list[str]) -> dict[str, str] | BadRow:
    """The row's {column: text}; `unnamed`: the positions of the header's columns without a name."""
    if len(cells) > len(header):
        return BadRow(f"{len(cells)} cells, more than the {len(header)} columns of the header "
                      "(quote values that contain the separator)")
    lost = next((index for index in unnamed if index < len(cells) and cells[index].strip()), None)
    if lost is not None:
        return _no_name(f"column {lost + 1}")
    return {name: cell_text(cell) for name, cell in zip(header, cells) if name}


def _csv_header(path: Path, lines: _Lines, dialect) -> list[str]:
    try:
        header = [name.strip() for name in next(csv.reader(lines, dialect), [])]
    except UnicodeDecodeError:
        raise FormgenError(path, "row 1", "not UTF-8 text", "save the CSV as UTF-8 (Excel: CSV UTF-8)") from None
    except csv.Error as exc:
        raise FormgenError(path, "row 1", f"malformed header: {exc}", "check quotes and separators") from None
    if any("\0" in name for name in header):
        raise FormgenError(path, "row 1", "NUL characters in the header: UTF-16 text, or not text",
                           "save the CSV as UTF-8 (Excel: CSV UTF-8)")
    _check_header(path, header)
    return header


def _csv_problem(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text (save the CSV as UTF-8; Excel: CSV UTF-8)"
    if "field larger" in text:
        return f"a cell longer than {MAX_CSV_CELL} characters, or a quote never closed (check the quotes)"
    if "end of data" in text:
        return "a quote opened here is never closed, the rest of the file would be one cell (close the quote)"
    return f"malformed CSV: {text} (a quote inside a quoted value is written twice: \"\")"


def _dialect(header: str) -> type[csv.Dialect]:
    """The separator the header uses most: `,` (Excel), `;` (Excel in Russian) or a tab."""
    separator = max(",;\t", key=header.count) if any(s in header for s in ",;\t") else ","
    return type("Data", (csv.excel,), {"delimiter": separator, "strict": True})


# ---- XLSX ----------------------------------------------------------------------------------------
# openpyxl reads the workbook's parts and each cell's value; the sheet's rows are walked here, as
# openpyxl's read-only sheet gives no merged cells, cannot tell a formula never computed from an
# empty cell, trusts the sheet's stated size (rows past it were lost), and stops at a damaged part
# half-way through the rows, when some were already filled.

MAX_XLSX_UNPACKED = 100_000_000
MAX_XLSX_PARTS = 1000
MAX_XLSX_STRINGS = 20_000_000  # openpyxl holds every shared string in memory
MAX_MERGES = 10_000
MAX_MERGED_CELLS = 100_000  # of the data's rows and the header's columns
SHEET_ROWS = 1_048_576  # as many as Excel holds: a sheet past them is damaged
MAX_ROW_ELEMENTS = 100_000  # a row of Excel's 16 384 cells has 32 768, or a few more with formatted text
MAX_ELEMENTS_BEFORE_ROWS = 20_000  # column widths and views: one for each of Excel's 16 384 columns at most
RESAVE = "open it in Excel or LibreOffice Calc and save it again as .xlsx"
NOT_COMPUTED = ("open and save the file in Excel or LibreOffice Calc, which store the computed values, "
                "or type the values")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, FORMULA, SHEET_DATA = (_MAIN + tag for tag in ("row", "c", "f", "sheetData"))


def _xlsx_rows(path: Path) -> Rows:
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

    NAMES = {name: _MAIN[1:-1] + "}" + name for name in ("worksheet", "sheetData", "row", "mergeCell", "v", "is", "f")}

    def __init__(self, path: Path, sheet: _Part, until_value: bool = False) -> None:
        self.path, self.sheet, self.until_value = path, sheet, until_value
        self.row, self.elements, self.rows_started, self.rows_ended = 0, 0, False, False
        self.regions: list[_Region] = []

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
        self.regions, self.last_row = survey.regions, survey.row
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
        _check_header(self.path, cells.values(), place)
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
            return _no_name(self.cell(unnamed, number))
        return {self.header[column]: text for column, text in cells.items()}

    def notes(self) -> Iterator[tuple[int, Note]]:
        for region in self.regions:
            if region.received:
                yield region.first_row, Note(
                    f"sheet '{self.sheet.name}', cells {region.ref}: merged, so the value of "
                    f"{_ref(region.first_column, region.first_row)}, "
                    f"'{region.value[:40]}', is also given to {_rows_text(region.received)} (unmerge them if each "
                    "row has a value of its own)")
        if self.hidden:
            yield self.hidden[0], Note(f"sheet '{self.sheet.name}', {_rows_text(self.hidden)}: hidden in the "
                                       "sheet, and filled like the others (delete the rows that should not be filled)")


def _ref(column: int, row: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return f"{get_column_letter(column)}{row}"


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


# ---- YAML ----------------------------------------------------------------------------------------

def _yaml_rows(path: Path) -> Rows:
    data = load_yaml(path, strings=True)
    if not isinstance(data, list):
        found = "a mapping" if isinstance(data, dict) else "nothing" if data is None else "a single value"
        raise FormgenError(path, "top level", f"expected a list of rows, found {found}",
                           "write `- field_id: value` items")
    return _yaml_items(data)


def _yaml_items(data: list) -> Rows:
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            row = {str(k): cell_text(v) for k, v in item.items()}
            if any(row.values()):
                yield number, row
        elif item not in ("", None):
            found = "a list" if isinstance(item, list) else f"the single value '{str(item)[:40]}'"
            yield number, BadRow(f"{found}, not a row of `field_id: value` lines (write them under the row's `- `)")


OUTPUT_SUFFIXES = (".xlsx", ".csv", ".json")
CELL_LIMIT = 32_767  # characters in one cell of Excel and LibreOffice
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_output(path: Path) -> None:
    """Refuse a wrong --out before any file is read."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError("--out", str(path), f"'{path.suffix}' is not a table format", "end --out with .xlsx, .csv or .json")


def safe_cell(value: str) -> str:
    """Text from a returned form as a spreadsheet shows it, never as a formula: a leading = + - @
    gets an apostrophe (as Excel does when a user types text), invisible control characters a �."""
    value = replace_not_in_xml(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def cell_length(value: str) -> int:
    """A cell's length as a spreadsheet counts it, and as safe_cell writes it: in UTF-16 units (a
    character beyond U+FFFF, such as an emoji, is two), with its apostrophe."""
    shown = safe_cell(value)
    return len(shown) + sum(1 for char in shown if char > "\uffff") if len(shown) * 2 > CELL_LIMIT else len(shown)


def cut_cell(value: str, limit: int = CELL_LIMIT) -> str:
    """The value cut so that safe_cell writes it within `limit` units, with … where it was cut."""
    room = limit - 1 - (1 if value.startswith(FORMULA_START) else 0)
    for end, char in enumerate(value):
        room -= 2 if char > "\uffff" else 1
        if room < 0:
            return value[:end] + "…"
    return value


def write_tables(path: Path, tables: dict[str, tuple[list[str], list[str], list[list[str]]]]) -> list[Path]:
    """Write {sheet: (labels, ids, rows)} as one workbook (.xlsx), one CSV per sheet, or one JSON."""
    check_output(path)
    try:
        return _write_tables(path, path.suffix.lower(), tables)
    except OSError as exc:  # the target's name, when the file that failed was one of several CSVs
        raise cannot_write(Path(exc.filename2) if exc.filename2 else path, exc) from None


def _write_tables(path: Path, suffix: str, tables) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        return [_replace(path, lambda temporary: _write_xlsx(temporary, tables))]
    if suffix == ".json":
        data = {sheet: [dict(zip(ids, row)) for row in rows] for sheet, (_, ids, rows) in tables.items()}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return [_replace(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))]
    if suffix == ".csv":
        return [_replace(path.with_name(f"{path.stem}-{sheet}.csv"), lambda temporary: _write_csv(temporary, ids, rows))
                for sheet, (_, ids, rows) in tables.items()]
    return []


def _replace(target: Path, write) -> Path:
    """Write through a temporary file beside the target: a full disk never leaves half a workbook."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        write(temporary)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


def _write_csv(path: Path, ids: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(ids)
        writer.writerows([safe_cell(cell) for cell in row] for row in rows)


def _write_xlsx(path: Path, tables) -> None:
    from .xlsx_write import workbook_bytes

    sheets = [(sheet, [labels, ids, *([ToReview(safe_cell(cell)) if isinstance(cell, ToReview) else safe_cell(cell)
                                       for cell in row] for row in rows)])
              for sheet, (labels, ids, rows) in tables.items()]
    path.write_bytes(workbook_bytes(sheets, ToReview))


class ToReview(str):
    """A cell a person must check (a scanned field read with too little confidence): marked in the workbook."""


