"""A project's languages and editions: the `languages:`, `main_language:` and `bilingual:` keys of
`forms/project.yaml`, read into the registry (model/languages.py) with errors that name the line.

A project whose settings list no languages has the built-in forms' own (a project made before
languages were data)."""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from .. import FORMS_DIR
from ..errors import suggestion
from ..model.languages import GRAMMARS, Edition, Language, Languages, edition_id
from .yamlfile import YamlReader, load_yaml_once, placed

SETTINGS_FILE = "project.yaml"
KEYS = ("languages", "main_language", "bilingual")  # of project.yaml: the rest are definitions.load_settings's
LANGUAGE_KEYS = ("name", "tag", "months", "letters", "ocr", "edition")
NUMBER_KEYS = ("group", "decimal")
CODE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?$")  # ISO 639, maybe with a script: uz, uz-Cyrl
TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MODEL = re.compile(r"^[A-Za-z0-9_]+$")
MONTHS = 12


class _Reader(YamlReader):
    """Reads the languages of one project.yaml."""

    def text(self, mapping: dict, key: str, place: str, pattern: re.Pattern | None = None, what: str = "") -> str:
        value = mapping[key]
        where = placed(mapping, key, place)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected text", "write it after the colon", code="FG506")
        if pattern and not pattern.match(value):
            raise self.fail(where, f"'{value}' is not {what}", f"write {what}", code="FG506")
        return value.strip()

    def per_language(self, mapping: dict, key: str, place: str, codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """Text in every language of the project: {ru: …, ky: …}."""
        value, place = mapping[key], f"{place}.{key}"
        if not isinstance(value, dict):
            raise self.fail(placed(mapping, key, place), "expected its text in each language of the project",
                            f"write {{{': …, '.join(codes)}: …}}", code="FG507")
        names = self.mapping(value, place, codes)  # a language missing, or one the project has not
        return tuple((code, self.text(names, code, f"{place}.{code}")) for code in codes)

    def languages(self, data: Any) -> Languages:
        if (not isinstance(data, dict) or "languages" not in data) and self.path != FORMS_DIR / SETTINGS_FILE:
            return builtin_languages()  # (not a mapping: load_settings says so)
        entries = data["languages"]
        if not isinstance(entries, dict) or not entries:
            raise self.fail(placed(data, "languages", "languages"), "expected a mapping of language code to its entry",
                            "write each language's code, its entry under it, as `formgen init` writes "
                            "forms/project.yaml", code="FG506")
        codes = tuple(entries)
        for code in codes:
            if not CODE.match(code):
                raise self.fail(placed(entries, code, f"languages.{code}"), f"'{code}' is not a language code",
                                "write its ISO 639 code in small letters (uz), maybe with a script (uz-Cyrl)",
                                code="FG506")
        languages = tuple(self.language(entries[code], code, f"languages.{code}") for code in codes)
        singles = tuple(Edition(code, (code,), self.per_language(entries[code], "edition", f"languages.{code}", codes))
                        for code in codes)
        pairs = self.pairs(data, codes)
        main = self.text(data, "main_language", "main_language") if "main_language" in data else codes[0]
        if main not in codes:
            raise self.fail(placed(data, "main_language", "main_language"), f"'{main}' is not a language of the project",
                            f"use one of: {', '.join(codes)}", code="FG506")
        return Languages(languages, singles + pairs, main, str(self.path))

    def language(self, entry: Any, code: str, place: str) -> Language:
        entry = self.mapping(entry, place, LANGUAGE_KEYS, ("grammar", "numbers"))
        months = entry["months"]
        if not isinstance(months, list) or len(months) != MONTHS:
            raise self.fail(placed(entry, "months", f"{place}.months"), f"expected the {MONTHS} month names",
                            "write [<January>, …] as a date inside a sentence writes them (CLDR's wide names)",
                            code="FG506")
        return Language(
            code=code, name=self.text(entry, "name", f"{place}.name"),
            tag=self.text(entry, "tag", f"{place}.tag", TAG, "a BCP 47 language tag (language-REGION)"),
            months=tuple(self.month(entry, month, f"{place}.months[{i}]") for i, month in enumerate(months)),
            letters=self.text(entry, "letters", f"{place}.letters"),
            ocr=self.text(entry, "ocr", f"{place}.ocr", MODEL,
                          "a tesseract model's name (`tesseract --list-langs` shows them)"),
            grammar=self.grammar(entry, f"{place}.grammar") if "grammar" in entry else "",
            numbers=self.numbers(entry, f"{place}.numbers") if "numbers" in entry else ())

    def numbers(self, entry: dict, place: str) -> tuple[str, str]:
        """`numbers: {group: "\\u00a0", decimal: ","}`: how the language writes «1 250 000,50», each a
        character or two that is not a digit, taken as written (a grouping space is one)."""
        given = self.mapping(entry["numbers"], place, NUMBER_KEYS)
        for key in NUMBER_KEYS:
            value = given[key]
            if not isinstance(value, str) or not 1 <= len(value) <= 2 or any(c.isdigit() for c in value):
                raise self.fail(placed(given, key, f"{place}.{key}"), f"'{value}' is not a {key} separator",
                                'write CLDR\'s for the language, quoted: group: "\\u00a0" (a no-break space), '
                                'decimal: ","', code="FG506")
        return given["group"], given["decimal"]

    def grammar(self, entry: dict, place: str) -> str:
        name = self.text(entry, "grammar", place)
        if name not in GRAMMARS:
            raise self.fail(placed(entry, "grammar", place), f"no grammar '{name}'",
                            f"{suggestion(name, GRAMMARS)}; or leave grammar out", code="FG509")
        return name

    def month(self, entry: dict, month: Any, place: str) -> str:
        if not isinstance(month, str) or not month.strip():
            raise self.fail(placed(entry, "months", place), f"'{month}' is not a month's name", "write it as text",
                            code="FG506")
        return month.strip()

    def pairs(self, data: dict, codes: tuple[str, ...]) -> tuple[Edition, ...]:
        """The bilingual editions: [{first: ky, second: ru, edition: {…}}] makes ru+ky, Kyrgyz first."""
        listed = data.get("bilingual", [])
        if not isinstance(listed, list):
            raise self.fail(placed(data, "bilingual", "bilingual"), "expected a list of pairs of languages",
                            "write `- {first: <code>, second: <code>, edition: {…}}`", code="FG508")
        pairs: list[Edition] = []
        for index, pair in enumerate(listed):
            place = f"bilingual[{index}]"
            pair = self.mapping(pair, place, ("first", "second", "edition"))
            first, second = (self.code(pair, key, f"{place}.{key}", codes) for key in ("first", "second"))
            made = edition_id(first, second)
            if first == second or made in (p.id for p in pairs) or edition_id(second, first) in (p.id for p in pairs):
                raise self.fail(placed(pair, "second", f"{place}.second"), f"pairs {first} with {second} again",
                                "list each pair of two different languages once", code="FG508")
            pairs.append(Edition(made, (first, second), self.per_language(pair, "edition", place, codes)))
        return tuple(pairs)

    def code(self, mapping: dict, key: str, place: str, codes: tuple[str, ...]) -> str:
        value = mapping[key]
        if value not in codes:
            raise self.fail(placed(mapping, key, place), f"'{value}' is not a language of the project",
                            suggestion(value, codes), code="FG508")
        return value


def load_languages(forms_dir: Path = FORMS_DIR) -> Languages:
    """The registry of the project whose forms are in `forms_dir`, read once per version of its file."""
    path = forms_dir / SETTINGS_FILE
    try:
        stat = path.stat()
    except OSError:  # no settings at all: the built-in forms' languages
        return builtin_languages()
    return _registry(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _registry(path: Path, mtime_ns: int, size: int) -> Languages:
    return _Reader(path).languages(load_yaml_once(path))


def builtin_languages() -> Languages:
    """The built-in forms' languages: those of a project that lists none."""
    path = FORMS_DIR / SETTINGS_FILE
    stat = path.stat()
    return _registry(path, stat.st_mtime_ns, stat.st_size)
