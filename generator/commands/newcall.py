"""`formgen new-call`: a new call's settings file from an old one, every date moved on by the years
between the two calls' ids (2025 → 2027: two years), or one year when the ids are not years."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..disk.files import write_file
from ..errors import FormgenError, say
from ..pipeline import printable_call
from ..sources.call import CallSettings, call_id, call_year, parse_call
from ..sources.project import BUILTIN, Project, find_project


def _years_on(day: dt.date, years: int, key: str, path: Path) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError as exc:  # 29 February (28 February or 1 March is a person's choice), or the year 9999
        reason = f"{day.year + years} has no 29 February" if (day.month, day.day) == (2, 29) else str(exc)
        raise FormgenError(path, key, f"{day.isoformat()} has no date {span(years)} ({reason})",
                           "copy the file and set the new call's id and dates by hand") from None


def span(years: int) -> str:
    """`one year on`, `2 years on`, `one year back`."""
    count = "one year" if abs(years) == 1 else f"{abs(years)} years"
    return f"{count} {'on' if years > 0 else 'back'}"


def years_between(old_id: str, new_id: str) -> int | None:
    """How far the new call lies after the old by their ids (2025 → 2027: 2); None unless both are years."""
    old, new = call_year(old_id), call_year(new_id)
    return new - old if old is not None and new is not None else None


def _replace_value(text: str, key: str, value: str, path: Path) -> str:
    pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)([^\n#]*?)([ \t]*(?:#.*)?)$", re.MULTILINE)
    match = pattern.search(text)
    if not match or not match.group(2).strip():
        raise FormgenError(path, key, "value not on the key's own line",
                           f"write it as `{key}: <value>` on one line at the top level")
    return text[:match.start()] + f"{match.group(1)}{value}{match.group(3)}" + text[match.end():]


def new_call_text(old: CallSettings, source_text: str, new_id: str, path: Path, years: int = 1) -> str:
    """The old file's text with the id and every date `years` on: comments and layout are kept."""
    deadline = dt.datetime.combine(_years_on(old.deadline.date(), years, "deadline", path), old.deadline.time())
    first, last = old.donor_years
    replacements = {
        "id": f'"{new_id}"',
        "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
        "results_date": _years_on(old.results_date, years, "results_date", path).isoformat(),
        "population_date": _years_on(old.population_date, years, "population_date", path).isoformat(),
        "donor_years": f"[{first + years}, {last + years}]",
    }
    for key, value in replacements.items():
        source_text = _replace_value(source_text, key, value, path)
    return source_text


def write_new_call(source: Path, new_id: str, target: Path, project: Project = BUILTIN) -> tuple[Path, str]:
    """The file written, and what was done to its dates, for the person to check."""
    old = printable_call(source, project)
    call_id(new_id, Path("--id"))
    if target.exists():
        raise FormgenError(target, "", "already exists", "choose another --id or --out, or delete the file")
    years = years_between(old.id, new_id)
    text = new_call_text(old, source.read_text(encoding="utf-8"), new_id, source, 1 if years is None else years)
    parse_call(text, target, project.languages.codes)  # valid as it will be written, or nothing is written
    write_file(target, text.encode("utf-8"))
    if years is None:
        return target, f"every date one year on (the ids {old.id} and {new_id} are not both years)"
    if years == 0:
        return target, f"every date as it was (the ids {old.id} and {new_id} are both of {call_year(new_id)})"
    return target, f"every date {span(years)} (call {old.id} → {new_id})"


# ---- the command line's side ----------------------------------------------------------------------

def run(options) -> None:
    chosen, source = find_project(options.project), options.source
    folder = source.parent if source and source.suffix else (chosen.calls_dir if chosen.root else Path.cwd())
    target = chosen.writable(options.out or folder / f"{options.new_id}.yaml", "; or give --out FILE")
    written, dates = write_new_call(chosen.call(source, "--from"), options.new_id, target, chosen)
    say(f"wrote {written} from {chosen}, {dates}: edit the dates, period and contacts, then run "
        f"`formgen check --call {written}` and `formgen build --call {written}`")
