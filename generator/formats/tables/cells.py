"""What a data file's rows and cells are, whatever the file (CSV, XLSX, YAML): each row comes out as its
values, as the problem that keeps it from being filled (a BadRow, or a BadCell in its column), or
not at all when it is blank; what a person should know of how it was read comes out as a Note."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Iterable, Iterator

from ...errors import FormgenError


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


def check_header(path: Path, header: Iterable[str], place: str = "row 1") -> None:
    """Two columns of one name would silently lose one of them."""
    seen = set()
    for name in (str(h).strip() for h in header if h):
        if name in seen:
            raise FormgenError(path, place, f"column '{name}' appears twice", "keep one column per field id")
        seen.add(name)


def no_name(place: str) -> BadRow:
    return BadRow(f"a value in {place}, which has no name in the header row (write a field id over the "
                  "column, or delete the value)")


def rows_text(numbers: list[int], most: int = 20) -> str:
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
