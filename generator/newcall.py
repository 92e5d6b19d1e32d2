"""`formgen new-call`: a new call's settings file from an old one, every date moved on a year."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .files import write_file
from .call import CallSettings, call_id, load_call, parse_call
from .errors import FormgenError


def _next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _replace_value(text: str, key: str, value: str, path: Path) -> str:
    pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)([^\n#]*?)([ \t]*(?:#.*)?)$", re.MULTILINE)
    match = pattern.search(text)
    if not match or not match.group(2).strip():
        raise FormgenError(path, key, "value not on the key's own line",
                           f"write it as `{key}: <value>` on one line at the top level")
    return text[:match.start()] + f"{match.group(1)}{value}{match.group(3)}" + text[match.end():]


def new_call_text(old: CallSettings, source_text: str, new_id: str, path: Path) -> str:
    """The old file's text with the id and every date one year on: comments and layout are kept."""
    deadline = dt.datetime.combine(_next_year(old.deadline.date()), old.deadline.time())
    first, last = old.donor_years
    replacements = {
        "id": f'"{new_id}"',
        "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
        "results_date": _next_year(old.results_date).isoformat(),
        "population_date": _next_year(old.population_date).isoformat(),
        "donor_years": f"[{first + 1}, {last + 1}]",
    }
    for key, value in replacements.items():
        source_text = _replace_value(source_text, key, value, path)
    return source_text


def write_new_call(source: Path, new_id: str, target: Path) -> Path:
    old = load_call(source)
    call_id(new_id, Path("--id"))
    if target.exists():
        raise FormgenError(target, "", "already exists", "choose another --id or --out, or delete the file")
    text = new_call_text(old, source.read_text(encoding="utf-8"), new_id, source)
    parse_call(text, target)  # valid as it will be written, or nothing is written
    write_file(target, text.encode("utf-8"))
    return target
