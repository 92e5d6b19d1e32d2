"""Tables out, as `collect` writes them: one XLSX workbook (its SpreadsheetML written by xlsx_write),
one CSV per table, or one JSON; each written beside its target and moved in whole. Text from
returned forms is never taken as a formula."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote

from ...disk.files import cannot_write
from ...errors import UsageError
from ...model.kinds import decimal_of
from ..xmltext import replace_not_in_xml


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


class Table(NamedTuple):
    labels: list[str]  # the first header row of the workbook
    ids: list[str]  # the second; the CSV's header and the JSON's keys
    rows: list[list[str]]
    kinds: tuple[str, ...] = ()  # of each column: number, amount or date (the workbook's cells), or ""


class ToReview(str):
    """A cell a person must check (a scanned field read with too little confidence): marked in the workbook."""


class FilePath(str):
    """A cell that names a returned file: in the workbook, a link to it."""


def write_tables(path: Path, tables: dict[str, Table]) -> list[Path]:
    """Write {sheet: Table} as one workbook (.xlsx), one CSV per sheet, or one JSON."""
    check_output(path)
    try:
        return _write_tables(path, path.suffix.lower(), tables)
    except OSError as exc:  # the target's name, when the file that failed was one of several CSVs
        raise cannot_write(Path(exc.filename2) if exc.filename2 else path, exc) from None


def _write_tables(path: Path, suffix: str, tables) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        return [_replace(path, lambda temporary: _write_xlsx(temporary, tables, path.parent))]
    if suffix == ".json":
        data = {sheet: [dict(zip(table.ids, row)) for row in table.rows] for sheet, table in tables.items()}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return [_replace(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))]
    if suffix == ".csv":
        return [_replace(path.with_name(f"{path.stem}-{sheet}.csv"),
                         lambda temporary: _write_csv(temporary, table.ids, table.rows))
                for sheet, table in tables.items()]
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


def _write_xlsx(path: Path, tables: dict[str, Table], folder: Path) -> None:
    from .xlsx_write import workbook_bytes

    sheets = [(sheet, table.labels, table.ids, _typed_rows(table, folder), table.kinds)
              for sheet, table in tables.items()]
    path.write_bytes(workbook_bytes(sheets, ToReview))


def _typed_rows(table: Table, folder: Path) -> list[list]:
    """The rows as workbook cells: numbers and dates of their columns as such, a returned file's
    name a link to it, every text safe."""
    from .xlsx_write import Link

    makers = [TYPED.get(kind) for kind in table.kinds]
    makers += [None] * (max((len(row) for row in table.rows), default=0) - len(makers))
    link_target = _linker(folder)
    rows = []
    for row in table.rows:
        cells = []
        for cell, maker in zip(row, makers):
            typed = maker(cell) if maker and cell else None
            if typed is not None:
                cells.append(typed)
            elif isinstance(cell, FilePath) and cell:
                cells.append(Link(safe_cell(cell), link_target(cell)))
            else:
                cells.append(ToReview(safe_cell(cell)) if isinstance(cell, ToReview) else safe_cell(cell))
        rows.append(cells)
    return rows


def _date(text: str) -> dt.date | None:
    """A canonical date (DD.MM.YYYY) as a date; anything else stays text."""
    try:
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        return None


def _number(text: str) -> Decimal | None:
    """A number as a number, unless it has more digits than a workbook keeps (15): then it stays text."""
    number = decimal_of(text)
    return number if number is not None and len(number.as_tuple().digits) <= NUMBER_DIGITS else None


NUMBER_DIGITS = 15  # what Excel and Calc keep of a number; the rest would be lost silently
TYPED = {"number": _number, "amount": _number, "date": _date}  # text → a workbook's number or date, or None


def _linker(folder: Path):
    """name → a returned file's address relative to the workbook's folder (the workbook and the
    returns move together), as a URI."""
    back, home = os.path.relpath(os.curdir, folder), os.path.abspath(folder)

    def target(name: str) -> str:
        path = os.path.relpath(name, home) if os.path.isabs(name) else os.path.normpath(os.path.join(back, name))
        return quote(Path(path).as_posix(), safe="/")
    return target
