"""Letters of another alphabet that look like the project's own, inside a word of its alphabets:
«Ɵзгөн» typed with a Latin barred O (U+019F) for Ө, «Ысык-Кɵл», a Latin y inside a Cyrillic word.
They print and look right, but a search, a sort or a spell-checker fails on them.

Which letters look alike is Unicode's confusables data (UTS #39), as the confusable_homoglyphs
package ships it; which letters are the project's own, its languages' alphabets (`letters:` in
forms/project.yaml). A word is suspect only when each of its foreign letters looks like one of the
alphabets' letters, so a word that mixes alphabets on purpose («iPhone-ка») is left alone. A
letter that looks like exactly one letter of the alphabets (Ɵ → Ө) may be corrected; one that
looks like several (a Latin y: у or ү) is only reported, with each.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

from ..model.messages import Said, said

WORD = re.compile(r"[^\W\d_]+")


class LookAlike(NamedTuple):
    letter: str  # the foreign letter as written
    suggested: tuple[str, ...]  # the alphabets' letters it looks like


class Found(NamedTuple):
    text: str  # the value with each unambiguous look-alike replaced (the value itself when none is)
    corrected: tuple[LookAlike, ...]  # replaced: one suggestion each
    doubtful: tuple[LookAlike, ...]  # left as written: several suggestions each


class LookAlikes:
    """Finds look-alike letters for the alphabets `letters` (the project's languages' together)."""

    def __init__(self, letters: Iterable[str]) -> None:
        self.alphabet = frozenset("".join(letters))
        own = "".join(sorted(self.alphabet)).replace("\\", "\\\\").replace("]", "\\]").replace("^", "\\^")
        foreign = f"[^\\W\\d_{own}]"  # a letter of no alphabet of the project
        # a word that mixes them has one beside the other somewhere: one search tells a text without any
        self.mixed = re.compile(f"[{own}]{foreign}|{foreign}[{own}]")

    def suspect(self, text: str) -> bool:
        """Whether the text (several values joined by line breaks, say) may hold a look-alike letter."""
        return bool(self.mixed.search(text))

    def __call__(self, text: str) -> Found:
        if not self.suspect(text):  # the usual case: one search, nothing else
            return Found(text, (), ())
        corrected: dict[str, LookAlike] = {}
        doubtful: dict[str, LookAlike] = {}
        replace: dict[str, str] = {}
        for word in WORD.findall(text):
            foreign = [char for char in word if char not in self.alphabet]
            if not foreign or len(foreign) == len(word):
                continue  # a word of one alphabet
            looks = {char: self.suggestions(char) for char in foreign}
            if not all(looks.values()):
                continue  # a letter that looks like none of the alphabet's: a word mixed on purpose
            for char, suggested in looks.items():
                if len(suggested) == 1:
                    corrected.setdefault(char, LookAlike(char, suggested))
                    replace[char] = suggested[0]
                else:
                    doubtful.setdefault(char, LookAlike(char, suggested))
        fixed = "".join(replace.get(char, char) for char in text) if replace else text
        return Found(fixed, tuple(corrected.values()), tuple(doubtful.values()))

    def suggestions(self, char: str) -> tuple[str, ...]:
        return tuple(sorted(letter for letter in self.alphabet if _alike(char, letter)))


def _alike(one: str, other: str) -> bool:
    """Whether Unicode's confusables data says the two letters look alike: either lists the other,
    or both look like the same third (Ɵ and Ө both look like O with a stroke)."""
    data = _confusables()
    ones, others = data.get(one, ()), data.get(other, ())
    return other in ones or one in others or bool(set(ones) & set(others))


@lru_cache(maxsize=1)
def _confusables() -> dict[str, frozenset[str]]:
    """{character: what it looks like}, loaded the first time a suspect word is seen (about 0.1 s)."""
    from confusable_homoglyphs.confusables import confusables_data

    return {char: frozenset(entry["c"] for entry in entries) for char, entries in confusables_data.items()}


def lookalike_lines(found: Found, text: str, field: str) -> list[tuple[str, Said]]:
    """(field, line) for what was corrected and for what only a person can tell."""
    lines = []
    for message, items in (("value.lookalike_fixed", found.corrected), ("value.lookalike", found.doubtful)):
        if items:
            letters = ", ".join(f"{item.letter} (U+{ord(item.letter):04X})" for item in items)
            suggested = ", ".join(" / ".join(item.suggested) for item in items)
            lines.append((field, said(message, letters=letters, value=text[:60], suggested=suggested)))
    return lines
