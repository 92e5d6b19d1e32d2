"""`formgen explain FG103`: what a problem code means, its fix and an example, from the data shipped
in the package (codes.yaml); docs/errors.md is made from the same data (`errors_page`)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import UsageError, say, suggestion
from ..sources.yamlfile import load_yaml

CODES_FILE = Path(__file__).with_name("codes.yaml")
CODE = re.compile(r"^(?:FG)?(\d{3})$", re.IGNORECASE)
PARTS = ("meaning", "fix", "example")


@lru_cache(maxsize=1)
def codes() -> dict:
    """{"intro": text, "ranges": {"FG1xx": what they are about}, "codes": {"FG103": {meaning, fix, example}}}."""
    return load_yaml(CODES_FILE, strings=True)


def group_of(code: str) -> str:
    return f"{code[:3]}xx"


def explanation(code: str) -> list[str]:
    """The lines `formgen explain CODE` prints."""
    entry, ranges = codes()["codes"][code], codes()["ranges"]
    return [f"{code}: {entry['meaning']}", f"Fix: {entry['fix']}", f"Example: {entry['example']}",
            f"({group_of(code)}: {ranges[group_of(code)]}; all codes: formgen explain)"]


def listing() -> list[str]:
    """Every code with its meaning, by group: what `formgen explain` alone prints."""
    lines = []
    for group, about in codes()["ranges"].items():
        lines.append(f"{group}: {about}")
        lines += [f"  {code}  {entry['meaning']}" for code, entry in codes()["codes"].items()
                  if group_of(code) == group]
    return lines


def errors_page() -> str:
    """docs/errors.md: the intro, then a table per group (tools/make_errors_page.py writes it)."""
    data = codes()
    parts = ["# formgen's problem codes\n", data["intro"].rstrip("\n") + "\n"]
    for group, about in data["ranges"].items():
        rows = [f"| {code} | {entry['meaning']} | {entry['fix']} | {entry['example']} |"
                for code, entry in data["codes"].items() if group_of(code) == group]
        parts.append(f"## {group}: {about}\n\n| Code | Meaning | Fix | Example |\n|---|---|---|---|\n"
                     + "\n".join(rows) + "\n")
    return "\n".join(parts)


def known(given: str) -> str:
    """The code as codes.yaml writes it (fg103, 103 and FG103 alike), or a usage error with the closest."""
    match = CODE.match(given.strip())
    code = f"FG{match.group(1)}" if match else given
    if code not in codes()["codes"]:
        raise UsageError("explain", given, "no such problem code", suggestion(
            code, codes()["codes"], "`formgen explain` lists every code"))
    return code


def run(options) -> None:
    lines = explanation(known(options.code)) if options.code else listing()
    for line in lines:
        say(line)
