"""The grammars of call values inside sentences: the case endings of names, numbers and dates that no
library writes. A language names its grammar in forms/project.yaml (`grammar: kyrgyz`); the table
model.languages.GRAMMARS (which the loader checks names against) says what each writes, and the
module of this package of that name writes it, imported when a message first asks it for a case.

A grammar module has CASES, the cases a placeholder's format spec may ask for (`{deadline_date:dat}`),
and for each kind of value the table gives it, a function (text, case) → text: word_with_case (a
word or phrase), number_with_case (the ending follows the last number read aloud), name_with_case (a
person's name), date_with_case(text, month, case) (a date whose text may end in its month's name,
even in the nominative); and maybe name_doubts(name) → why its rules may write a name wrongly, and
POSTPOSITIONS, {word: case} for the words that govern a case of the word before them (`check` flags
a call value before one, written without that case: «{results_date} чейин»). A
language whose grammar writes no endings of a kind: a message asking for one is an error."""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

from ..model.languages import GRAMMARS, Language


def grammar_of(language: Language) -> ModuleType | None:
    return _module(language.grammar) if language.grammar else None


def writes(language: Language, kind: str) -> bool:
    """Whether the language's grammar writes the case endings of `kind` (word, number, name, date)."""
    return kind in GRAMMARS.get(language.grammar, ())


@lru_cache(maxsize=None)
def _module(name: str) -> ModuleType:
    assert name in GRAMMARS, name  # the loader lets no other name in
    return importlib.import_module(f"{__package__}.{name}")
