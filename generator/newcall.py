"""`formgen new-call`: a new call's settings file from an old one, every date moved on a year."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .call import CallSettings, call_id, load_call
from .errors import FormgenError


def _next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _replace_value(text: str, key: str, value: str, path: Path) -> str:
    pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)[^\n#]*?([ \t]*(?:#.*)?)$", re.MULTILINE)
    new, count = pattern.subn(lambda m: f"{m.group(1)}{value}{m.group(2)}", text, count=1)
    if not count:
        raise FormgenError(path, key, "key not found on a line of its own",
                           f"write it as `{key}: <value>` at the top level")
    return new


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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FormgenError(target, "", f"cannot write: {exc.strerror or exc}", "choose another --out") from None
    load_call(target)  # the new file must be valid as written (id pattern, date order)
    return target
