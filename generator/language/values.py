"""Call values as they appear inside sentences: dates, hours, years and names with their grammar.

Catalog messages pick the form with a format spec, e.g. «{population_date:short,dat} карата»
(Kyrgyz, dative) or «по состоянию на {population_date:short}» (Russian). Placeholder names are
the same in every language; only the spec, which is grammar (grammar.py), differs.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..model.languages import Language
from ..sources.call import CallSettings
from .grammar import grammar_of, writes
from .ldml import written

DATE_FORMS = ("long", "short")
TIME_PATTERN = "HH:mm"
NOMINATIVE = "nom"


def _cases(language: Language) -> tuple[str, ...]:
    grammar = grammar_of(language)
    return tuple(dict.fromkeys((NOMINATIVE, *(grammar.CASES if grammar else ()))))


def _parse_spec(spec: str, forms: tuple[str, ...], language: Language) -> tuple[str, str]:
    form, case = (forms[0] if forms else ""), NOMINATIVE
    for token in filter(None, (t.strip() for t in spec.split(","))):
        if token in forms:
            form = token
        elif token == NOMINATIVE or token in _cases(language):  # a grammar is loaded when a case is asked for
            case = token
        else:
            raise ValueError(f"unknown format '{token}', expected one of: {', '.join(forms + _cases(language))}")
    return form, case


def _with_case(text: str, language: Language, case: str, kind: str, *more: str) -> str:
    """`text`, a call value of `kind` (word, number, name, date), in `case` by the language's grammar;
    the nominative as written, except a date where the grammar writes dates (a Kyrgyz one ends in
    the possessive month)."""
    if not writes(language, kind):
        if case == NOMINATIVE:
            return text
        raise ValueError(f"case endings of {kind}s are not written for '{language.code}'")
    if case == NOMINATIVE and not more:
        return text
    return getattr(grammar_of(language), f"{kind}_with_case")(text, *more, case)


@dataclass(frozen=True)
class Phrase:
    """Text that may take a case ending: on its last word (a word), or on its last number read aloud
    (a number)."""

    text: str
    language: Language
    kind: str = "word"

    def __format__(self, spec: str) -> str:
        _, case = _parse_spec(spec, (), self.language)
        return _with_case(self.text, self.language, case, self.kind)


def Number(value: int, language: Language) -> Phrase:  # noqa: N802 (reads as the value it makes)
    return Phrase(str(value), language, "number")


def Time(value: dt.time, language: Language) -> Phrase:  # noqa: N802
    return Phrase(written(value, TIME_PATTERN, language), language, "number")


@dataclass(frozen=True)
class Name:
    """A person's name in a case, by its language's grammar; overrides from the call settings win."""

    text: str
    language: Language
    overrides: tuple[tuple[str, str], ...] = ()  # (case, written form) from the call settings

    def __format__(self, spec: str) -> str:
        _, case = _parse_spec(spec, (), self.language)
        if case in dict(self.overrides):
            return dict(self.overrides)[case]
        return _with_case(self.text, self.language, case, "name")


LATIN = re.compile(r"[A-Za-z]")
INITIAL = re.compile(r"(?:^|\s)\w\.")


def name_doubts(name: str, language: Language) -> list[str]:
    """Why the rules may write this name wrongly in another case (then the call should give it)."""
    doubts = []
    if LATIN.search(name):
        doubts.append("has Latin letters")
    if INITIAL.search(name):
        doubts.append("has an initial")
    own = getattr(grammar_of(language), "name_doubts", None)
    return doubts + (own(name) if own else [])


@dataclass(frozen=True)
class Date:
    """A date written from the catalog's LDML pattern, in a case where its grammar writes one."""

    value: dt.date
    language: Language
    patterns: tuple[tuple[str, str], ...]  # (form, LDML pattern) from the catalog

    def __format__(self, spec: str) -> str:
        form, case = _parse_spec(spec, DATE_FORMS, self.language)
        text = written(self.value, dict(self.patterns)[form], self.language)
        if writes(self.language, "date"):
            return _with_case(text, self.language, case, "date", self.language.months[self.value.month - 1])
        return _with_case(text, self.language, case, "number")


def takes_case(value: object, language: Language) -> bool:
    """Whether the language's grammar writes case endings on this call value (Date, Phrase, Name)."""
    if isinstance(value, Date):
        return writes(language, "date") or writes(language, "number")
    return writes(language, value.kind if isinstance(value, Phrase) else "name")


def governed(text: str, postpositions: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(placeholder, its spec, the postposition after it, the case that governs) for each
    {placeholder} directly followed by a postposition of the language: «{results_date} чейин»."""
    found = []
    for match in GOVERNED.finditer(text):
        name, spec, word = match.group("name", "spec", "word")
        case = postpositions.get(word.lower())
        if case:
            found.append((name, spec or "", word, case))
    return found


GOVERNED = re.compile(r"\{(?P<name>\w+)(?::(?P<spec>[^{}]*))?\}[\s\u00a0]+(?P<word>\w+)")


def with_case(spec: str, case: str, language: Language) -> str:
    """The format spec with `case` in place of the case it asks for (or added): short → short,dat."""
    cases = _cases(language)
    tokens = [t.strip() for t in spec.split(",") if t.strip() and t.strip() not in cases]
    return ",".join((*tokens, case))


def call_values(call: CallSettings, language: Language, date_patterns: dict[str, str]) -> dict[str, object]:
    """The placeholders a catalog message may use, for one language."""
    patterns = tuple(sorted(date_patterns.items()))
    lang = language.texts  # the call's texts in it (a pseudo-language's: its language's)

    def date(value: dt.date) -> Date:
        return Date(value, language, patterns)

    return {
        "organisation": Phrase(call.organisation[lang], language),
        "programme": Phrase(call.programme[lang], language),
        "deadline_date": date(call.deadline.date()),
        "deadline_time": Time(call.deadline.time(), language),
        "results_date": date(call.results_date),
        "population_date": date(call.population_date),
        "donor_first_year": Number(call.donor_years[0], language),
        "donor_last_year": Number(call.donor_years[1], language),
        "call_id": Phrase(call.id, language),
        "contact_name": Name(call.contact.name[lang], language,
                             tuple((case, forms[lang]) for case, forms in sorted(call.contact.name_cases.items()))),
        "contact_phone": Phrase(call.contact.phone, language),
        "contact_extension": Phrase(call.contact.extension, language),
        "contact_mobile": Phrase(call.contact.mobile, language),
        "contact_email": Phrase(call.contact.email, language),
        "office_address": Phrase(call.office.address[lang], language),
        "office_phones": Phrase(call.office.phones, language),
        "office_email": Phrase(call.office.email, language),
    }
