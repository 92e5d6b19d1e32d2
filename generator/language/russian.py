"""Russian personal names in other cases («Мирлану Молдобекову», «Айгүл Сыдыковой»).

pytrovich (the petrovich rules) declines each part; what it cannot know about Kyrgyz names is
decided here first: the order of the parts, the gender, and the Kyrgyz patronymic (Бакыт уулу,
Токтогул кызы), which stays as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from types import SimpleNamespace

# the cases a message may ask of a Russian name ({contact_name:dat}) → pytrovich's Case
CASES = {"dat": "DATIVE", "gen": "GENITIVE", "acc": "ACCUSATIVE", "ins": "INSTRUMENTAL", "pre": "PREPOSITIONAL"}
MALE, FEMALE = "MALE", "FEMALE"  # pytrovich's Gender, by name: it is loaded when a name is declined
KYRGYZ_PATRONYMIC = {"уулу": MALE, "кызы": FEMALE}  # «Бакыт уулу», «Бакыт-уулу»
PATRONYMIC = re.compile(r"(?:ович|евич|ьич|ич|овна|евна|ична)$", re.IGNORECASE)
FEMALE_PATRONYMIC = re.compile(r"(?:вна|ична)$", re.IGNORECASE)
STRONG_SURNAME = re.compile(r"(?:[оеё]в|[оеё]ва|[сц]кий|[сц]кая)$", re.IGNORECASE)
WEAK_SURNAME = re.compile(r"(?:[иы]н|[иы]на|ой|ый|ая)$", re.IGNORECASE)
FEMALE_SURNAME = re.compile(r"(?:[оеё]ва|[иы]на|ая)$", re.IGNORECASE)
MALE_SURNAME = re.compile(r"(?:[оеё]в|[иы]н|ий|ой|ый)$", re.IGNORECASE)
FEMALE_NAME_PART = re.compile(r"(?:г[үу]ль?|айым|бүбү)$", re.IGNORECASE)  # Айгүл, Назгүл, Бүбүайым
INITIAL = re.compile(r"^(?:\w\.)+$|^\w$")  # «М.», «М.С.»: stays as written
# pytrovich drops a "fleeting" е for any name in -ек (Эрмек → «Эрмьку»); only the names its rules
# list by name (Павел, Лев, Пётр) really lose it. Others take the plain ending.
PLAIN_MALE_ENDINGS = {"gen": "а", "dat": "у", "acc": "а", "ins": "ом", "pre": "е"}
FLEETING_VOWEL_NAMES = {"павел", "лев", "пётр", "петр"}


@dataclass(frozen=True)
class NameParts:
    """Words of a name by role, as indexes into the written words."""

    first: int | None
    middle: int | None  # a Russian patronymic (declined)
    last: int | None
    kept: tuple[int, ...]  # a Kyrgyz patronymic and initials: stay as written
    gender: str | None  # MALE or FEMALE; None: nothing in the name tells it


@lru_cache(maxsize=None)
def _pytrovich() -> SimpleNamespace:
    """pytrovich, loaded when a name is first declined (a language's grammar is looked up sooner)."""
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.enums import Case, Gender, NamePart
    from pytrovich.maker import PetrovichDeclinationMaker

    return SimpleNamespace(maker=PetrovichDeclinationMaker(), detector=PetrovichGenderDetector(), Case=Case,
                           Gender=Gender, NamePart=NamePart)


def _make(part: str, gender: str, case: str, word: str) -> str:
    tools = _pytrovich()
    return tools.maker.make(tools.NamePart[part], tools.Gender[gender], tools.Case[CASES[case]], word)


def _kyrgyz_patronymic(words: list[str]) -> tuple[tuple[int, ...], str | None]:
    """Indexes of «Бакыт уулу» / «Бакыт-уулу» and the gender it tells."""
    for i, word in enumerate(words):
        lower = word.lower()
        for marker, gender in KYRGYZ_PATRONYMIC.items():
            if lower.endswith("-" + marker):
                return (i,), gender
            if lower == marker and i > 0:
                return (i - 1, i), gender
    return (), None


def _surname_rank(word: str) -> int:
    return 2 if STRONG_SURNAME.search(word) else 1 if WEAK_SURNAME.search(word) else 0


def _order(words: list[str], free: list[int]) -> tuple[int | None, int | None, int | None]:
    """(first, patronymic, surname) among the words not yet placed, or all None if unclear."""
    if len(free) == 1:  # «Мирлан»; «Молдобеков М.»
        return (None, None, free[0]) if _surname_rank(words[free[0]]) == 2 else (free[0], None, None)
    if len(free) == 2:
        a, b = free
        return (b, None, a) if _surname_rank(words[a]) > _surname_rank(words[b]) else (a, None, b)
    if len(free) == 3:
        a, b, c = free
        if PATRONYMIC.search(words[b]):
            return a, b, c
        if PATRONYMIC.search(words[c]):  # «Петрова Анна Сергеевна»
            return b, c, a
    return None, None, None


def _first_name_gender(word: str) -> str | None:
    if FEMALE_NAME_PART.search(word):
        return FEMALE
    detected = _pytrovich().detector.detect(firstname=word).name
    return detected if detected == FEMALE else None  # pytrovich calls any unknown name male


def _gender(words: list[str], parts: tuple[int | None, int | None, int | None], told: str | None) -> str | None:
    first, middle, last = parts
    if told:
        return told
    if middle is not None:
        return FEMALE if FEMALE_PATRONYMIC.search(words[middle]) else MALE
    if last is not None and FEMALE_SURNAME.search(words[last]):
        return FEMALE
    if last is not None and MALE_SURNAME.search(words[last]):
        return MALE
    return _first_name_gender(words[first]) if first is not None else None


def name_parts(full_name: str) -> NameParts:
    words = full_name.split()
    patronymic, told = _kyrgyz_patronymic(words)
    kept = (*patronymic, *(i for i, word in enumerate(words) if INITIAL.match(word)))
    free = [i for i in range(len(words)) if i not in kept]
    parts = _order(words, free)
    return NameParts(*parts, kept=kept, gender=_gender(words, parts, told))


def _first_name(word: str, gender: str, case: str) -> str:
    made = _make("FIRSTNAME", gender, case, word)
    if gender == MALE and not made.startswith(word[:-1]) and word.lower() not in FLEETING_VOWEL_NAMES:
        return word + PLAIN_MALE_ENDINGS[case]
    return made


def decline_name(full_name: str, case: str) -> str:
    """A name in `case`, in the order it is written; a name whose parts are unclear stays as written."""
    if case != "nom" and case not in CASES:
        raise ValueError(f"case '{case}' is not written for Russian names; use one of: nom, {', '.join(CASES)}")
    parts = name_parts(full_name)
    if case == "nom" or (parts.first is None and parts.last is None):
        return full_name
    words = full_name.split()
    gender = parts.gender or MALE
    if parts.first is not None:
        words[parts.first] = _first_name(words[parts.first], gender, case)
    if parts.middle is not None:
        words[parts.middle] = _make("MIDDLENAME", gender, case, words[parts.middle])
    if parts.last is not None:
        words[parts.last] = _make("LASTNAME", gender, case, words[parts.last])
    return " ".join(words)


name_with_case = decline_name  # as grammar.py names it


def name_doubts(full_name: str) -> list[str]:
    """Why the rules may decline this name wrongly: each is a reason to write the dative by hand."""
    parts = name_parts(full_name)
    doubts = []
    if len(full_name.split()) == 1:
        doubts.append("is a single word")
    elif parts.first is None and parts.last is None:
        doubts.append("has no clear order of first name, patronymic and surname")
    if (parts.first is not None or parts.last is not None) and parts.gender is None:
        doubts.append("tells no gender by its surname, patronymic or first name")
    return doubts
