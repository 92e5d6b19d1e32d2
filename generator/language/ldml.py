"""Dates and hours written from the catalogs' LDML patterns («d MMMM y 'года'», «HH:mm»).

The fields such patterns use (day, month as number or name, year, hour, minute) are written here,
with CLDR's month names; any other field goes to Babel. Loading Babel and its locale data took
about 100 ms of every check and build, for a dozen month names. tests/test_ldml.py checks that
this writes what Babel writes.
"""
from __future__ import annotations

import datetime as dt
import re

# CLDR's wide month names, format context (the genitive in Russian: «28 февраля»).
MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
    "ky": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
           "ноябрь", "декабрь"),
}
_TOKEN = re.compile(r"'((?:[^']|'')*)'|(([A-Za-z])\3*)|([^A-Za-z']+)")
_NUMBERS = {"d": "day", "M": "month", "y": "year", "H": "hour", "m": "minute"}


def _field(value, token: str, lang: str) -> str | None:
    """One pattern field, or None when it is not one written here."""
    letter, width = token[0], len(token)
    if letter == "M" and width == 4:
        return MONTHS[lang][value.month - 1]
    if letter in _NUMBERS and hasattr(value, _NUMBERS[letter]) and (width <= 2 if letter != "y" else width != 2):
        return str(getattr(value, _NUMBERS[letter])).zfill(width)
    return None


def _own(value, pattern: str, lang: str) -> str | None:
    if lang not in MONTHS:
        return None
    parts, end = [], 0
    for match in _TOKEN.finditer(pattern):
        if match.start() != end:  # a lone quote: not a pattern read here
            return None
        quoted, field, _, literal = match.groups()
        if quoted is not None:
            text = quoted.replace("''", "'") or "'"  # '' alone is a quote
        else:
            text = literal if literal is not None else _field(value, field, lang)
        if text is None:
            return None
        parts.append(text)
        end = match.end()
    return "".join(parts) if end == len(pattern) else None


def written(value: dt.date | dt.time, pattern: str, lang: str) -> str:
    """A date or an hour as the LDML pattern writes it in the language."""
    text = _own(value, pattern, lang)
    if text is not None:
        return text
    from babel.dates import format_date, format_time
    return (format_time if isinstance(value, dt.time) else format_date)(value, pattern, locale=lang)
