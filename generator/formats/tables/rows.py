"""Rows in: the data file `fill` reads, CSV, XLSX (xlsx_read.py) or YAML, row by row.

A data file is read so that nothing in it is lost or changed unseen (cells.py says what a row and a
cell come out as). A file that cannot be read at all is refused, before any row is given, with the
place and the fix."""
from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from ...disk.files import check_regular_file
from ...errors import FormgenError
from ...sources.yamlfile import load_yaml
from .cells import BadRow, Rows, cell_text, check_header, no_name
from .xlsx_read import OLE_SIGNATURE, xlsx_rows

MAX_DATA_BYTES = 50_000_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")  # an .xlsm is a workbook with macros, which are never run
DATA_SUFFIXES = (".csv", *XLSX_SUFFIXES, ".yaml", ".yml")
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".ods", ".numbers")
MAX_CSV_CELL = 10_000_000  # csv's own limit (131 072) would stop the whole file; fill reports long cells itself
LONE_RETURN = re.compile(rb"\r(?!\n)")
NOT_UTF8 = re.compile("[\udc80-\udcff]")  # a byte that is no UTF-8, as surrogateescape decodes it
NON_ASCII = re.compile("[^\x00-\x7f]")


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
        return xlsx_rows(path)
    return _yaml_rows(path)


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
    if _in_another_encoding(path):
        raise FormgenError(path, "", "not UTF-8 text: Windows-1251 or another one-byte encoding, as Excel saves "
                           "«CSV (comma delimited)», «CSV (разделители - запятые)», which has no Ң Ө Ү (Excel "
                           "writes ? for them)", "save it from the workbook as «CSV UTF-8» or as .xlsx")


def _in_another_encoding(path: Path) -> bool:
    """Whether the text is in a one-byte encoding as a whole (every row of Russian or Kyrgyz words would
    be refused, each on its own line), not UTF-8 with a row or two pasted from elsewhere (those rows
    are reported and the rest read): nine in ten of its letters beyond ASCII are not UTF-8. Read a
    megabyte at a time; a file that is UTF-8 throughout is only decoded."""
    with path.open("rb") as stream:
        try:
            strict = codecs.getincrementaldecoder("utf-8")()
            while chunk := stream.read(1 << 20):
                strict.decode(chunk)
            strict.decode(b"", final=True)
            return False
        except UnicodeDecodeError:
            stream.seek(0)
        loose, foreign, beyond_ascii = codecs.getincrementaldecoder("utf-8")("surrogateescape"), 0, 0
        while chunk := stream.read(1 << 20):
            text = loose.decode(chunk)
            foreign += len(NOT_UTF8.findall(text))
            beyond_ascii += len(NON_ASCII.findall(text))
    return foreign >= 0.9 * beyond_ascii


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
        return no_name(f"column {lost + 1}")
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
    check_header(path, header)
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


