"""Kyrgyz case endings that CLDR does not provide.

Kyrgyz writes case suffixes on numbers, dates and names («01.01.2025ке», «18:00гө»,
«2025-жылдын 7-мартына», «Молдобековго»). The suffix follows vowel harmony with the last vowel of
the word as it is read aloud, and its first consonant follows the last sound (voiceless → к/т).
No maintained library does this for Kyrgyz, so the few rules live here.
"""
from __future__ import annotations

import re

UNITS = ("нөл", "бир", "эки", "үч", "төрт", "беш", "алты", "жети", "сегиз", "тогуз")
TENS = ("", "он", "жыйырма", "отуз", "кырк", "элүү", "алтымыш", "жетимиш", "сексен", "токсон")
GROUP_WORDS = ("миң", "миллион", "миллиард")

# Month names as CLDR writes them (nominative) → the possessive form the documents use.
MONTH_POSSESSIVE = {
    "январь": "январы", "февраль": "февралы", "март": "марты", "апрель": "апрели", "май": "майы",
    "июнь": "июну", "июль": "июлу", "август": "августу", "сентябрь": "сентябры",
    "октябрь": "октябры", "ноябрь": "ноябры", "декабрь": "декабры",
}

VOWELS = "аеёиоөуүыэюя"
VOICELESS = set("кпстфхцчшщ")
# The low vowel a suffix takes after a word's last vowel: а/е/о/ө. High back у does not round it
# (кушка, тогузга), front ү does (үчкө, жүзгө).
LOW_VOWEL = {"а": "а", "ы": "а", "я": "а", "у": "а", "ю": "а", "о": "о", "ё": "о",
             "е": "е", "и": "е", "э": "е", "ө": "ө", "ү": "ө"}
CASES = ("nom", "dat", "loc", "abl")
PATRONYMIC_WORDS = ("уулу", "кызы")  # «Бакыт уулу» son of Бакыт, «Токтогул кызы» daughter of Токтогул
# Postpositions and the case they govern in the word before them: «7-мартына чейин» (until 7 March),
# «01.01.2025ке карата» (as of), «2024-жылдан баштап» (starting from). `check` flags a call value
# written before one of them without that case («{results_date} чейин»: write {results_date:dat}).
POSTPOSITIONS = {
    "чейин": "dat", "чейинки": "dat", "дейре": "dat", "карата": "dat", "карай": "dat", "жараша": "dat",
    "каршы": "dat", "баштап": "abl", "тартып": "abl", "бери": "abl", "кийин": "abl", "кийинки": "abl",
    "мурун": "abl", "мурунку": "abl", "соң": "abl",
}


def spoken_last_word(number: int) -> str:
    """The last word of a whole number read aloud: 2025 → беш, 2020 → жыйырма, 2000 → миң."""
    number = abs(number)
    if number == 0:
        return UNITS[0]
    if number % 10:
        return UNITS[number % 10]
    if number % 100:
        return TENS[number // 10 % 10]
    if number % 1000:
        return "жүз"
    for word in GROUP_WORDS:  # the lowest non-zero group of three digits is read last
        number //= 1000
        if number % 1000:
            return word
    return GROUP_WORDS[-1]


def _last_vowel(word: str) -> str:
    for char in reversed(word.lower()):
        if char in VOWELS:
            return char
    return "ы"


def case_suffix(word: str, case: str) -> str:
    """The suffix of `case` for a plain word: dat -га/-ке/-го/-гө…, loc -да/-те…, abl -дан/-тен…"""
    if case == "nom":
        return ""
    vowel = LOW_VOWEL[_last_vowel(word)]
    last = word[-1].lower()
    voiceless = last in VOICELESS
    if case == "dat":
        return ("к" if voiceless else "г") + vowel
    if case in ("loc", "abl"):
        consonant = "т" if voiceless else "д"
        return consonant + vowel + ("н" if case == "abl" else "")
    raise ValueError(f"unknown case '{case}', expected one of {', '.join(CASES)}")


def possessive_case_suffix(word: str, case: str) -> str:
    """After a 3rd-person possessive (мартЫ, уулУ) the dative is -на/-не, the locative -нда/-нде,
    the ablative -нан/-нен (январынан)."""
    if case == "nom":
        return ""
    vowel = LOW_VOWEL[_last_vowel(word)]
    endings = {"dat": "н" + vowel, "loc": "нд" + vowel, "abl": "н" + vowel + "н"}
    if case not in endings:
        raise ValueError(f"unknown case '{case}', expected one of {', '.join(CASES)}")
    return endings[case]


def number_with_case(text: str, case: str) -> str:
    """«2025» + dat → «2025ке»; «18:00» + dat → «18:00гө»: the ending follows the last number read aloud."""
    digits = re.search(r"(\d+)\D*$", text)
    if not digits:
        return word_with_case(text, case)
    return text + case_suffix(spoken_last_word(int(digits.group(1))), case)


def word_with_case(text: str, case: str) -> str:
    """«Молдобеков» + dat → «Молдобековго»: the ending follows the last word's last syllable."""
    return text + case_suffix(text.rstrip("ь"), case)


def name_with_case(text: str, case: str) -> str:
    """«Мирлан Молдобеков» → «…Молдобековго»; a patronymic «уулу»/«кызы» (son/daughter OF) is
    possessive: «Нурлан Бакыт уулуна», «Айпери Токтогул кызына»."""
    last = text.split()[-1].lower() if text.split() else ""
    if last.rsplit("-", 1)[-1] in PATRONYMIC_WORDS:
        return text + possessive_case_suffix(last, case)
    return word_with_case(text, case)


def possessive_month(nominative: str, case: str = "nom") -> str:
    """«март» → «марты»; with dat → «мартына»."""
    possessive = MONTH_POSSESSIVE[nominative.lower()]
    return possessive + possessive_case_suffix(possessive, case)


def date_with_case(text: str, month: str, case: str) -> str:
    """A date whose text ends in its month's name takes the possessive month, in any case
    («2025-жылдын 28-февраль» → «…28-февралы», «…7-мартына»); any other, the ending of its last number."""
    if text.endswith(month):
        return text[: -len(month)] + possessive_month(month, case)
    return number_with_case(text, case) if case != "nom" else text
