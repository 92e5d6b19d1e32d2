"""Call values as they appear inside sentences: dates, hours, years and names with their grammar.

Catalog messages pick the form with a format spec, e.g. «{population_date:short,dat} карата»
(Kyrgyz, dative) or «по состоянию на {population_date:short}» (Russian). Placeholder names are
the same in both languages; only the spec, which is grammar, differs.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from . import kyrgyz
from ..sources.call import CallSettings
from .ldml import MONTHS, written

DATE_FORMS = ("long", "short")
TIME_PATTERN = "HH:mm"


def _parse_spec(spec: str, forms: tuple[str, ...]) -> tuple[str, str]:
    form, case = (forms[0] if forms else ""), "nom"
    for token in filter(None, (t.strip() for t in spec.split(","))):
        if token in forms:
            form = token
        elif token in kyrgyz.CASES:
            case = token
        else:
            raise ValueError(f"unknown format '{token}', expected one of: {', '.join(forms + kyrgyz.CASES)}")
    return form, case


def _with_case(text: str, lang: str, case: str, inflect) -> str:
    if case == "nom":
        return text
    if lang != "ky":
        raise ValueError(f"case endings are written for Kyrgyz only, not for '{lang}'")
    return inflect(text, case)


@dataclass(frozen=True)
class Phrase:
    """Text that may take a Kyrgyz case ending: on its last word, or on its last number read aloud."""

    text: str
    lang: str
    inflect: Callable[[str, str], str] = kyrgyz.word_with_case

    def __format__(self, spec: str) -> str:
        _, case = _parse_spec(spec, ())
        return _with_case(self.text, self.lang, case, self.inflect)


def Number(value: int, lang: str) -> Phrase:  # noqa: N802 (reads as the value it makes)
    return Phrase(str(value), lang, kyrgyz.number_with_case)


def Time(value: dt.time, lang: str) -> Phrase:  # noqa: N802
    return Phrase(written(value, TIME_PATTERN, lang), lang, kyrgyz.number_with_case)


@dataclass(frozen=True)
class Name:
    """A person's name: Russian cases by pytrovich, Kyrgyz by its last syllable; overrides win."""

    text: str
    lang: str
    overrides: tuple[tuple[str, str], ...] = ()  # (case, written form) from the call settings

    def __format__(self, spec: str) -> str:
        _, case = _parse_spec(spec, ())
        if case in dict(self.overrides):
            return dict(self.overrides)[case]
        if self.lang == "ru":
            from .russian import decline_name
            return decline_name(self.text, case)
        return _with_case(self.text, self.lang, case, kyrgyz.name_with_case)


LATIN = re.compile(r"[A-Za-z]")
INITIAL = re.compile(r"(?:^|\s)\w\.")


def name_doubts(name: str, lang: str) -> list[str]:
    """Why the rules may write this name wrongly in another case (then the call should give it)."""
    doubts = []
    if LATIN.search(name):
        doubts.append("has Latin letters")
    if INITIAL.search(name):
        doubts.append("has an initial")
    if lang == "ru":
        from .russian import name_doubts as russian_doubts
        doubts += russian_doubts(name)
    return doubts


@dataclass(frozen=True)
class Date:
    """A date written from the catalog's LDML pattern, plus Kyrgyz possessive months."""

    value: dt.date
    lang: str
    patterns: tuple[tuple[str, str], ...]  # (form, LDML pattern) from the catalog

    def __format__(self, spec: str) -> str:
        form, case = _parse_spec(spec, DATE_FORMS)
        text = written(self.value, dict(self.patterns)[form], self.lang)
        if self.lang != "ky":
            return _with_case(text, self.lang, case, kyrgyz.number_with_case)
        month = MONTHS["ky"][self.value.month - 1]
        if text.endswith(month):  # «2025-жылдын 28-февраль» → «…28-февралы», «…7-мартына»
            return text[: -len(month)] + kyrgyz.possessive_month(month, case)
        return kyrgyz.number_with_case(text, case) if case != "nom" else text


def call_values(call: CallSettings, lang: str, date_patterns: dict[str, str]) -> dict[str, object]:
    """The placeholders a catalog message may use, for one language."""
    patterns = tuple(sorted(date_patterns.items()))

    def date(value: dt.date) -> Date:
        return Date(value, lang, patterns)

    return {
        "organisation": Phrase(call.organisation[lang], lang),
        "programme": Phrase(call.programme[lang], lang),
        "deadline_date": date(call.deadline.date()),
        "deadline_time": Time(call.deadline.time(), lang),
        "results_date": date(call.results_date),
        "population_date": date(call.population_date),
        "donor_first_year": Number(call.donor_years[0], lang),
        "donor_last_year": Number(call.donor_years[1], lang),
        "call_id": Phrase(call.id, lang),
        "contact_name": Name(call.contact.name[lang], lang,
                             tuple((case, forms[lang]) for case, forms in sorted(call.contact.name_cases.items()))),
        "contact_phone": Phrase(call.contact.phone, lang),
        "contact_extension": Phrase(call.contact.extension, lang),
        "contact_mobile": Phrase(call.contact.mobile, lang),
        "contact_email": Phrase(call.contact.email, lang),
        "office_address": Phrase(call.office.address[lang], lang),
        "office_phones": Phrase(call.office.phones, lang),
        "office_email": Phrase(call.office.email, lang),
    }
