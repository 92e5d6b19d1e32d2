"""Rows in and tables out: CSV, XLSX (openpyxl) and YAML/JSON. The one module that imports openpyxl."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Iterator

from .errors import FormgenError
from .yamlfile import load_yaml

MAX_DATA_BYTES = 50_000_000
DATA_SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")


class NotAValue(str):
    """A data cell holding a list or a mapping: the row is refused with its column."""


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


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as the user sees it, {column: text}) for each data row, read lazily."""
    suffix = path.suffix.lower()
    if suffix not in DATA_SUFFIXES:
        raise FormgenError(path, "", f"unknown data format '{suffix}'", f"give one of: {', '.join(DATA_SUFFIXES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FormgenError(path, "", f"cannot read: {exc.strerror or exc}", "check the --data path") from None
    if size > MAX_DATA_BYTES:
        raise FormgenError(path, "", f"larger than {MAX_DATA_BYTES // 1_000_000} MB", "split the data into smaller files")
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    return _yaml_rows(path)


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            dialect = _dialect(stream.readline())
            stream.seek(0)
            reader = csv.DictReader(stream, dialect=dialect)
            _check_header(path, reader.fieldnames or [])
            for number, row in enumerate(reader, start=2):
                if None in row:
                    raise FormgenError(path, f"row {number}", "more cells than the header has columns",
                                       "quote values that contain the separator")
                yield number, {str(k).strip(): cell_text(v) for k, v in row.items() if k is not None}
    except UnicodeDecodeError:
        raise FormgenError(path, "", "not UTF-8 text", "save the CSV as UTF-8 (Excel: CSV UTF-8)") from None
    except csv.Error as exc:
        raise FormgenError(path, "", f"malformed CSV: {exc}", "check quotes and separators") from None


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
    return type("Data", (csv.excel,), {"delimiter": separator})


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
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
            if any(v not in (None, "") for v in row):
                yield number, {h: cell_text(v) for h, v in zip(header, row) if h}
    finally:
        workbook.close()


def _yaml_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    data = load_yaml(path, aliases=False)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FormgenError(path, "top level", "expected a list of rows", "write `- field_id: value` items")
    for number, row in enumerate(data, start=1):
        yield number, {str(k): cell_text(v) for k, v in row.items()}


OUTPUT_SUFFIXES = (".xlsx", ".csv", ".json")
ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_output(path: Path) -> None:
    """Refuse a wrong --out before any file is read."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise FormgenError(path, "", f"unknown output format '{path.suffix}'", "end --out with .xlsx, .csv or .json")


def safe_cell(value: str) -> str:
    """Text from a returned form as a spreadsheet shows it, never as a formula: a leading = + - @
    gets an apostrophe (as Excel does when a user types text), invisible control characters a �."""
    value = ILLEGAL_IN_XML.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def write_tables(path: Path, tables: dict[str, tuple[list[str], list[str], list[list[str]]]]) -> list[Path]:
    """Write {sheet: (labels, ids, rows)} as one workbook (.xlsx), one CSV per sheet, or one JSON."""
    check_output(path)
    try:
        return _write_tables(path, path.suffix.lower(), tables)
    except OSError as exc:
        raise FormgenError(path, "", f"cannot write: {exc.strerror or exc}", "choose another --out") from None


def _write_tables(path: Path, suffix: str, tables) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        return [_write_xlsx(path, tables)]
    if suffix == ".json":
        data = {sheet: [dict(zip(ids, row)) for row in rows] for sheet, (_, ids, rows) in tables.items()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [path]
    if suffix == ".csv":
        written = []
        for sheet, (labels, ids, rows) in tables.items():
            target = path.with_name(f"{path.stem}-{sheet}.csv")
            with target.open("w", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(ids)
                writer.writerows([safe_cell(cell) for cell in row] for row in rows)
            written.append(target)
        return written
    return []


def _write_xlsx(path: Path, tables) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet, (labels, ids, rows) in tables.items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.freeze_panes = "A3"
        worksheet.append(labels)
        worksheet.append(ids)
        for row in rows:
            worksheet.append([safe_cell(cell) for cell in row])
    workbook.save(path)
    return path
