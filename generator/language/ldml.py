"""Dates and hours written from the catalogs' LDML patterns («d MMMM y 'года'», «HH:mm»).

The fields such patterns use (day, month as number or name, year, hour, minute) are written here,
with the month names of the language registry (CLDR's, in forms/project.yaml); any other field goes
to Babel. Loading Babel and its locale data took about 100 ms of every check and build, for a dozen
month names. tests/test_ldml.py checks that this writes what Babel writes.
"""
from __future__ import annotations

import datetime as dt
import re

from ..model.languages import Language

_TOKEN = re.compile(r"'((?:[^']|'')*)'|(([A-Za-z])\3*)|([^A-Za-z']+)")
_NUMBERS = {"d": "day", "M": "month", "y": "year", "H": "hour", "m": "minute"}


def _field(value, token: str, months: tuple[str, ...]) -> str | None:
    """One pattern field, or None when it is not one written here."""
    letter, width = token[0], len(token)
    if letter == "M" and width == 4:
        return months[value.month - 1]
    if letter in _NUMBERS and hasattr(value, _NUMBERS[letter]) and (width <= 2 if letter != "y" else width != 2):
        return str(getattr(value, _NUMBERS[letter])).zfill(width)
    return None


def _own(value, pattern: str, months: tuple[str, ...]) -> str | None:
    parts, end = [], 0
    for match in _TOKEN.finditer(pattern):
        if match.start() != end:  # a lone quote: not a pattern read here
            return None
        quoted, field, _, literal = match.groups()
        if quoted is not None:
            text = quoted.replace("''", "'") or "'"  # '' alone is a quote
        else:
            text = literal if literal is not None else _field(value, field, months)
        if text is None:
            return None
        parts.append(text)
        end = match.end()
    return "".join(parts) if end == len(pattern) else None


def written(value: dt.date | dt.time, pattern: str, language: Language) -> str:
    """A date or an hour as the LDML pattern writes it in the language."""
    text = _own(value, pattern, language.months)
    if text is not None:
        return text
    from babel import Locale
    from babel.dates import format_date, format_time
    locale = Locale.parse(language.tag, sep="-")
    return (format_time if isinstance(value, dt.time) else format_date)(value, pattern, locale=locale)
