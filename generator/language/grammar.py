"""The grammars of call values inside sentences: the case endings of names, numbers and dates that no
library writes. A language names its grammar in forms/project.yaml (`grammar: kyrgyz`, one of
model.languages.GRAMMARS, which the loader checks): the module of this package of that name, imported
when a message first asks it for a case.

A grammar module has CASES, the cases a placeholder's format spec may ask for (`{deadline_date:dat}`),
and any of these, each (text, case) → text: word_with_case (a word or phrase), number_with_case (the
ending follows the last number read aloud), name_with_case (a person's name); date_with_case(text,
month, case), for a date whose text may end in its month's name, even in the nominative; and
name_doubts(name) → why its rules may write the name wrongly. A language whose grammar lacks one
writes no case endings of that kind: a message asking for one is an error."""
from __future__ import annotations

import importlib
from types import ModuleType

from ..model.languages import GRAMMARS, Language


def grammar_of(language: Language) -> ModuleType | None:
    if not language.grammar:
        return None
    assert language.grammar in GRAMMARS, language.grammar  # the loader lets no other name in
    return importlib.import_module(f"{__package__}.{language.grammar}")
