"""Russian personal names in other cases («Мирлану Молдобекову»), by pytrovich (petrovich rules)."""
from __future__ import annotations

from functools import lru_cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

CASES = {"dat": Case.DATIVE, "gen": Case.GENITIVE, "acc": Case.ACCUSATIVE, "ins": Case.INSTRUMENTAL,
         "pre": Case.PREPOSITIONAL}


@lru_cache(maxsize=None)
def _tools() -> tuple[PetrovichDeclinationMaker, PetrovichGenderDetector]:
    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


def decline_name(full_name: str, case: str) -> str:
    """«Имя Фамилия» or «Имя Отчество Фамилия» in `case`; other word counts are left as written."""
    if case != "nom" and case not in CASES:
        raise ValueError(f"case '{case}' is not written for Russian names; use one of: nom, {', '.join(CASES)}")
    words = full_name.split()
    if case == "nom" or len(words) not in (2, 3):
        return full_name
    maker, detector = _tools()
    first, last = words[0], words[-1]
    middle = words[1] if len(words) == 3 else None
    try:
        gender = detector.detect(firstname=first, lastname=last, middlename=middle)
    except Exception:  # pytrovich raises on names it has no rule for; masculine is its own default
        gender = Gender.MALE
    parts = [maker.make(NamePart.FIRSTNAME, gender, CASES[case], first)]
    if middle:
        parts.append(maker.make(NamePart.MIDDLENAME, gender, CASES[case], middle))
    parts.append(maker.make(NamePart.LASTNAME, gender, CASES[case], last))
    return " ".join(parts)
