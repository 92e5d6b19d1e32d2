"""Rows in and tables out: CSV, XLSX (read with openpyxl, the one module that imports it; written by
xlsx_write) and YAML/JSON."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Iterator

from .errors import FormgenError, UsageError
from .files import cannot_write, check_regular_file
from .ooxml import replace_not_in_xml
from .yamlfile import load_yaml

MAX_DATA_BYTES = 50_000_000
DATA_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
MAX_CSV_CELL = 10_000_000  # csv's own limit (131 072) would stop the whole file; fill reports long cells itself
MAX_XLSX_UNPACKED = 100_000_000
LONE_RETURN = re.compile(rb"\r(?!\n)")
MAX_XLSX_PARTS = 1000
MAX_XLSX_STRINGS = 20_000_000  # openpyxl holds every shared string in memory


class NotAValue(str):
    """A data cell holding a list or a mapping: the row is refused with its column."""


class BadRow(str):
    """A data row that could not be read (an unclosed quote, too many cells): the problem, by row."""


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a form shows: 12.0 → «12», a date → «28.02.2025»."""
    if isinstance(value, (list, dict)):
        return NotAValue("")
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


Rows = Iterator[tuple[int, "dict[str, str] | BadRow"]]


def read_rows(path: Path) -> Rows:
    """(row number as the user sees it, {column: text} or the BadRow it is) for each data row, read lazily."""
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise FormgenError(path, "", f"unknown data format '{suffix}'", f"give one of: {', '.join(DATA_SUFFIXES)}")
    check_regular_file(path, MAX_DATA_BYTES, "split the data into smaller files")
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        _check_xlsx_package(path)
        return _xlsx_rows(path)
    return _yaml_rows(path)


# ---- CSV ---------------------------------------------------------------------------------------

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
            if len(cells) > len(header):
                yield number, BadRow(f"{len(cells)} cells, more than the {len(header)} columns of the header "
                                     "(quote values that contain the separator)")
            elif any(cell.strip() for cell in cells):
                yield number, {name: cell_text(cell) for name, cell in zip(header, cells) if name}


def _csv_header(path: Path, lines: _Lines, dialect) -> list[str]:
    try:
        header = [name.strip() for name in next(csv.reader(lines, dialect), [])]
    except UnicodeDecodeError:
        raise FormgenError(path, "row 1", "not UTF-8 text", "save the CSV as UTF-8 (Excel: CSV UTF-8)") from None
    except csv.Error as exc:
        raise FormgenError(path, "row 1", f"malformed header: {exc}", "check quotes and separators") from None
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


def _check_header(path: Path, header: list[str]) -> None:
    """Two columns of one name would silently lose one of them."""
    seen = set()
    for name in (str(h).strip() for h in header if h):
        if name in seen:
            raise FormgenError(path, "row 1", f"column '{name}' appears twice", "keep one column per field id")
        seen.add(name)


def _dialect(header: str) -> type[csv.Dialect]:
    """The separator the header uses most: `,` (Excel), `;` (Excel in Russian) or a tab."""
    separator = max(",;\t", key=header.count) if any(s in header for s in ",;\t") else ","
    return type("Data", (csv.excel,), {"delimiter": separator, "strict": True})


# ---- XLSX and YAML -----------------------------------------------------------------------------

def _check_xlsx_package(path: Path) -> None:
    """Refuse a zip bomb by the sizes its directory declares (zipfile never unpacks more than that)
    before openpyxl, which would hold every shared string in memory, reads a byte of it."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormgenError(path, "", f"not a readable .xlsx: {exc}", "save it again from Excel or LibreOffice") from None
    unpacked = sum(entry.file_size for entry in entries)
    strings = sum(entry.file_size for entry in entries if entry.filename.lower().endswith("sharedstrings.xml"))
    if len(entries) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED or strings > MAX_XLSX_STRINGS:
        raise FormgenError(path, "", f"unpacks to {unpacked // 1_000_000} MB in {len(entries)} parts "
                           f"({strings // 1_000_000} MB of text); the limits are {MAX_XLSX_UNPACKED // 1_000_000} MB, "
                           f"{MAX_XLSX_PARTS} parts and {MAX_XLSX_STRINGS // 1_000_000} MB",
                           "keep only the data sheet, or save the data as CSV")


def _xlsx_rows(path: Path) -> Rows:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FormgenError(path, "", f"not a readable .xlsx: {exc}", "save it again from Excel or LibreOffice") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(c) for c in next(rows, ())]
        _check_header(path, header)
        for number, row in enumerate(rows, start=2):
            if any(v not in (None, "") for v in row[len(header):]):
                yield number, BadRow(f"a value right of the last column of the header ({len(header)} columns)")
            elif any(v not in (None, "") for v in row):
                yield number, {h: cell_text(v) for h, v in zip(header, row) if h}
    finally:
        workbook.close()


def _yaml_rows(path: Path) -> Rows:
    data = load_yaml(path, strings=True)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FormgenError(path, "top level", "expected a list of rows", "write `- field_id: value` items")
    for number, row in enumerate(data, start=1):
        yield number, {str(k): cell_text(v) for k, v in row.items()}


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


