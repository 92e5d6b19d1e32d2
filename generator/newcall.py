"""`formgen new-call`: a new call's settings file from an old one, every date moved on a year."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .files import write_file
from .build import printable_call
from .call import CallSettings, call_id, parse_call
from .errors import FormgenError


def _next_year(day: dt.date, key: str, path: Path) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError as exc:  # 29 February (28 February or 1 March is a person's choice), or the year 9999
        reason = f"{day.year + 1} has no 29 February" if (day.month, day.day) == (2, 29) else str(exc)
        raise FormgenError(path, key, f"{day.isoformat()} has no date one year on ({reason})",
                           "copy the file and set the new call's id and dates by hand") from None


def _replace_value(text: str, key: str, value: str, path: Path) -> str:
    pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)([^\n#]*?)([ \t]*(?:#.*)?)$", re.MULTILINE)
    match = pattern.search(text)
    if not match or not match.group(2).strip():
        raise FormgenError(path, key, "value not on the key's own line",
                           f"write it as `{key}: <value>` on one line at the top level")
    return text[:match.start()] + f"{match.group(1)}{value}{match.group(3)}" + text[match.end():]


def new_call_text(old: CallSettings, source_text: str, new_id: str, path: Path) -> str:
    """The old file's text with the id and every date one year on: comments and layout are kept."""
    deadline = dt.datetime.combine(_next_year(old.deadline.date(), "deadline", path), old.deadline.time())
    first, last = old.donor_years
    replacements = {
        "id": f'"{new_id}"',
        "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
        "results_date": _next_year(old.results_date, "results_date", path).isoformat(),
        "population_date": _next_year(old.population_date, "population_date", path).isoformat(),
        "donor_years": f"[{first + 1}, {last + 1}]",
    }
    for key, value in replacements.items():
        source_text = _replace_value(source_text, key, value, path)
    return source_text


def write_new_call(source: Path, new_id: str, target: Path) -> Path:
    old = printable_call(source)
    call_id(new_id, Path("--id"))
    if target.exists():
        raise FormgenError(target, "", "already exists", "choose another --id or --out, or delete the file")
    text = new_call_text(old, source.read_text(encoding="utf-8"), new_id, source)
    parse_call(text, target)  # valid as it will be written, or nothing is written
    write_file(target, text.encode("utf-8"))
    return target
