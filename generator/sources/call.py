"""Call settings: one YAML file per call with everything that changes from one year to the next."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import reprlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..model.kinds import calendar_fault
from .languages import builtin_languages
from .yamlfile import YamlReader, load_yaml, parse_yaml

CALL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
CALL_YEAR = re.compile(r"(19|20|21)\d\d(?=$|[-_.])")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^[0-9+()/ \-–,]{5,}$")
DEADLINE_FORMAT = "YYYY-MM-DD HH:MM"
# What datetime.strptime(value, "%Y-%m-%d %H:%M") accepts, without the 7 ms of loading _strptime.
DEADLINE = re.compile(r"(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])\s+(2[0-3]|[0-1]\d|\d):([0-5]\d|\d)")
# A date, and maybe an hour, in the shape asked for, whether or not the calendar has it.
DAY_AND_HOUR = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{1,2}))?")
# Control characters, lone surrogates and noncharacters: nothing a form can print.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_SHOWN = reprlib.Repr()
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 60, 60, 60


def parse_deadline(text: str) -> dt.datetime | None:
    match = DEADLINE.fullmatch(text)
    try:
        return dt.datetime(*map(int, match.groups())) if match else None
    except ValueError:  # no such day: 2025-02-30
        return None


def shown(value: Any) -> str:
    """A value as an error message quotes it: never longer than a line, whatever the file holds."""
    return _SHOWN.repr(value)


@dataclass(frozen=True)
class Contact:
    name: dict[str, str]
    name_cases: dict[str, dict[str, str]]  # case → {lang: written form}: overrides the rules
    phone: str
    extension: str
    mobile: str
    email: str


@dataclass(frozen=True)
class Office:
    address: dict[str, str]
    phones: str
    email: str


@dataclass(frozen=True)
class CallSettings:
    id: str
    programme: dict[str, str]
    organisation: dict[str, str]
    deadline: dt.datetime
    results_date: dt.date
    population_date: dt.date
    donor_years: tuple[int, int]
    contact: Contact
    office: Office
    letterhead_height_mm: float
    source: str = ""


class _Reader(YamlReader):
    """Reads one call settings file, whose texts are in each of `languages` (codes; none given: the
    built-in forms' languages)."""

    def __init__(self, path: Path, languages: tuple[str, ...] | None = None) -> None:
        super().__init__(path)
        self.languages = builtin_languages().codes if languages is None else tuple(languages)

    def text(self, value: Any, place: str, pattern: re.Pattern | None = None, what: str = "",
             fix: str = "") -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(place, "expected non-empty text", "write the value after the colon", code="FG301")
        bad = UNPRINTABLE.search(value.strip())
        if bad:
            name = unicodedata.name(bad.group(), "a control character, surrogate or noncharacter")
            raise self.fail(place, f"U+{ord(bad.group()):04X} ({name}) at character {bad.start() + 1}",
                            "delete it: write the value as plain text on one line", code="FG302")
        if pattern and not pattern.match(value.strip()):
            raise self.fail(place, f"{shown(value)} is not a valid {what}", fix or f"write a {what}", code="FG303")
        return value.strip()

    def per_language(self, value: Any, place: str) -> dict[str, str]:
        data = self.mapping(value, place, self.languages)
        return {lang: self.text(data[lang], f"{place}.{lang}") for lang in self.languages}

    def date(self, value: Any, place: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.in_calendar(str(value), place)
            raise self.fail(place, f"{shown(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2025-03-07",
                            code="FG304") from None

    def deadline(self, value: Any, place: str) -> dt.datetime:
        deadline = parse_deadline(str(value))  # the loader leaves dates as text
        if deadline is None:
            self.in_calendar(str(value), place)
            raise self.fail(place, f"{shown(value)} is not a date and hour",
                            f"write it as {DEADLINE_FORMAT}, e.g. 2025-02-28 18:00", code="FG305")
        return deadline

    def in_calendar(self, text: str, place: str) -> None:
        """A date (and hour) in the format asked for that names no day (30 February) or hour (24:00)
        is told so: repeating the format it already has would not help."""
        written = DAY_AND_HOUR.fullmatch(text.strip())
        if not written:
            return
        year, month, day = map(int, written.group("year", "month", "day"))
        hour, minute = (int(n) if n else 0 for n in written.group("hour", "minute"))
        fault = calendar_fault(year, month, day) or (
            f"there is no hour {hour}, only 0 to 23" if hour > 23 else
            f"there is no minute {minute}, only 0 to 59" if minute > 59 else None)
        if fault:
            exist = "a day and hour that exist" if written.group("hour") else "a day that exists"
            raise self.fail(place, f"{shown(text)}: {fault}", f"write {exist}", code="FG311")

    def years(self, value: Any, place: str) -> tuple[int, int]:
        ok = (isinstance(value, list) and len(value) == 2
              and all(isinstance(y, int) and not isinstance(y, bool) and 1990 <= y <= 2100 for y in value)
              and value[0] <= value[1])
        if not ok:
            raise self.fail(place, f"{shown(value)} is not a period", "write [first year, last year], e.g. [2022, 2024]",
                            code="FG306")
        return value[0], value[1]

    def number(self, value: Any, place: str, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(place, f"{shown(value)} is out of range", f"give a number from {low:g} to {high:g}",
                            code="FG307")
        return float(value)

    def contact(self, value: Any, place: str) -> Contact:
        data = self.mapping(value, place, ("name", "phone", "mobile", "email"), ("extension", "name_dative"))
        cases = {"dat": self.per_language(data["name_dative"], f"{place}.name_dative")} if "name_dative" in data else {}
        return Contact(
            name=self.per_language(data["name"], f"{place}.name"), name_cases=cases,
            phone=self.text(data["phone"], f"{place}.phone", PHONE, "phone number"),
            extension=self.text(data.get("extension", "-"), f"{place}.extension"),
            mobile=self.text(data["mobile"], f"{place}.mobile", PHONE, "phone number"),
            email=self.text(data["email"], f"{place}.email", EMAIL, "e-mail address"))

    def office(self, value: Any, place: str) -> Office:
        data = self.mapping(value, place, ("address", "phones", "email"))
        return Office(
            address=self.per_language(data["address"], f"{place}.address"),
            phones=self.text(data["phones"], f"{place}.phones", PHONE, "list of phone numbers"),
            email=self.text(data["email"], f"{place}.email", EMAIL, "e-mail address"))

    def call(self, data: Any) -> CallSettings:
        keys = ("id", "programme", "organisation", "deadline", "results_date", "population_date",
                "donor_years", "contact", "office")
        data = self.mapping(data, "", keys, ("letterhead_height_mm",))
        call = CallSettings(
            id=call_id(data["id"], self.path),
            programme=self.per_language(data["programme"], "programme"),
            organisation=self.per_language(data["organisation"], "organisation"),
            deadline=self.deadline(data["deadline"], "deadline"),
            results_date=self.date(data["results_date"], "results_date"),
            population_date=self.date(data["population_date"], "population_date"),
            donor_years=self.years(data["donor_years"], "donor_years"),
            contact=self.contact(data["contact"], "contact"),
            office=self.office(data["office"], "office"),
            letterhead_height_mm=self.number(data.get("letterhead_height_mm", 45), "letterhead_height_mm", 0, 120),
            source=str(self.path))
        self.consistent(call)
        return call

    def consistent(self, call: CallSettings) -> None:
        if call.results_date <= call.deadline.date():
            raise self.fail("results_date", f"{call.results_date} is not after the deadline {call.deadline:%Y-%m-%d}",
                            "results are announced after applications close", code="FG308")
        if call.donor_years[1] > call.population_date.year:
            raise self.fail("donor_years", f"the period ends in {call.donor_years[1]}, "
                            f"after the population date's year {call.population_date.year}",
                            "the donor period lies before the call", code="FG309")


def call_id(value: Any, path: Path) -> str:
    """A call id is a folder name in the output: no separators, no '..'."""
    return _Reader(path).text(value, "id", CALL_ID, "call id",
                              "use letters, digits, '.', '_' and '-', starting with a letter or digit")


def call_year(call_id: str) -> int | None:
    """The year a call's id names, when it is one (2026) or starts with one (2026-spring)."""
    found = CALL_YEAR.match(call_id)
    return int(found.group()) if found else None


def load_call(path: Path, languages: tuple[str, ...] | None = None) -> CallSettings:
    """The call settings at `path`, with texts in each of `languages` (default: the built-in forms')."""
    return _Reader(path, languages).call(load_yaml(path))


def parse_call(text: str, path: Path, languages: tuple[str, ...] | None = None) -> CallSettings:
    """Settings from text not yet written to `path`."""
    return _Reader(path, languages).call(parse_yaml(text, path))


def call_texts(call: CallSettings) -> Iterator[tuple[str, str]]:
    """Every text of the call settings, with the file and key it sits under."""
    def walk(value, place):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{place}.{key}" if place else str(key))
        elif isinstance(value, str):
            yield f"{call.source}: {place}", value
    settings = dataclasses.asdict(call)
    settings.pop("source")  # the file's own path is not printed on any form
    yield from walk(settings, "")
