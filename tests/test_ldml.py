"""Dates and hours from the catalogs' LDML patterns are written by generator/language/ldml.py for the fields
it knows, and by Babel otherwise: both must write what Babel writes."""
import datetime as dt

import pytest
from babel.dates import format_date, format_time, get_month_names

from generator.sources.catalogs import load_translations
from generator.sources.project import BUILTIN
from generator.language.ldml import written
from generator.language.localize import DATE_PATTERN_MESSAGES
from generator.language.values import TIME_PATTERN

LANGUAGES = BUILTIN.languages.codes
PATTERNS = ["d MMMM y 'года'", "y-'жылдын' d-MMMM", "dd.MM.y", "dd.MM.yyyy", "d.M.yy", "d MMM y", "EEEE, d MMMM",
            "'o''clock' d", "d '' MMMM", "y 'г.'", "LLLL y"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_month_names_are_cldrs(lang):
    """The registry's month names (forms/project.yaml) are CLDR's, as a date inside a sentence writes them."""
    assert list(BUILTIN.languages[lang].months) == list(get_month_names("wide", "format", locale=lang).values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pattern_writes_what_babel_writes(lang):
    catalog = [load_translations(lang).gettext(message) for message in DATE_PATTERN_MESSAGES.values()]
    for pattern in [*catalog, *PATTERNS]:
        for month in range(1, 13):
            day = dt.date(2025, month, 7 if month % 2 else 28)
            assert written(day, pattern, BUILTIN.languages[lang]) == format_date(day, pattern, locale=lang), (pattern, day)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("pattern", [TIME_PATTERN, "H:mm", "HH 'ч' m 'мин'", "h:mm a"])
def test_hours_are_written_as_babel_writes_them(lang, pattern):
    for hour in (dt.time(0, 5), dt.time(9, 0), dt.time(18, 30)):
        assert written(hour, pattern, BUILTIN.languages[lang]) == format_time(hour, pattern, locale=lang), (pattern, hour)
