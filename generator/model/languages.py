"""The language registry: a project's languages and editions, as `forms/project.yaml` lists them
(sources/languages.py reads it). Nothing here names a language: what differs between languages is data.

An edition is what `--lang` takes and an output folder is named by: one language, or a pair of them
printed together, whose id names the second language first and the first (main) one last, as
editions always have been named. Each language also has a pseudo-language, its code with `-XA`
(as Android's en-XA): its own messages wrapped in ‹ › and made longer, so that a build shows where a
form will overflow before a translation comes back. It is no edition of the project: `build` and
`check` take it when asked, nothing else does, and the download page never lists it.
"""
from __future__ import annotations

from typing import NamedTuple

PAIR = "+"  # between the two languages of a bilingual edition's id
PSEUDO = "-XA"  # a pseudo-language's code: its language's, and this (XA: a region code for private use)
PSEUDO_OPEN, PSEUDO_CLOSE = "‹", "›"  # around each message: in the PDF fonts (⟦ ⟧ are not)
PSEUDO_PADDING = "ҢӨҮ"  # what lengthens each word: wide letters, which the PDF fonts have
PSEUDO_LONGER = 0.4  # how much longer each word gets, as translations into Kyrgyz often are
# What a language's `grammar:` may name: modules of generator/language/ (grammar.py), each with the
# call values whose case endings it writes (a module is imported only when one of them is asked for)
GRAMMARS = {"kyrgyz": ("word", "number", "name", "date"), "russian": ("name",)}


def edition_id(first: str, second: str) -> str:
    """A bilingual edition's id: the second language's code, then the first's (whose text comes first)."""
    return f"{second}{PAIR}{first}"


def edition_languages(edition: str) -> tuple[str, ...]:
    """The languages of an edition id in print order, the main (first) language first."""
    return tuple(reversed(edition.split(PAIR)))


class Language(NamedTuple):  # NamedTuples, not dataclasses: every command imports this, and a dataclass costs 0.4 ms
    code: str  # what --lang takes, the folder of its files and of its catalog (locales/<code>/)
    name: str  # in itself: the download page links to its page by this name
    tag: str  # BCP 47: the language of the DOCX and PDF text
    months: tuple[str, ...]  # CLDR's twelve wide month names, as a date in a sentence writes them
    letters: str  # what the PDF fonts must have for it (`check` looks)
    ocr: str  # the tesseract model a scan of it is read with
    grammar: str = ""  # the module of generator/language/ that writes its case endings, or none
    base: str = ""  # a pseudo-language's language, whose catalog and call settings it takes
    numbers: tuple[str, ...] = ()  # CLDR's (grouping, decimal separator) of «1 250 000,50»; none given: Babel's

    @property
    def texts(self) -> str:
        """The language whose catalog and call settings texts this one shows."""
        return self.base or self.code

    @property
    def pseudo(self) -> bool:
        return bool(self.base)


class Edition(NamedTuple):
    id: str
    languages: tuple[str, ...]  # in print order: the main language first
    names: tuple[tuple[str, str], ...]  # (language, how the download page in it names this edition)

    def name_in(self, lang: str) -> str:
        return dict(self.names)[lang]


class Languages:
    """The registry of one project."""

    __slots__ = ("languages", "editions", "main", "source")

    def __init__(self, languages: tuple[Language, ...], editions: tuple[Edition, ...], main: str,
                 source: str = "") -> None:
        self.languages = languages  # in the project's order: the order of building
        self.editions = editions  # each language alone, then the pairs listed
        self.main = main  # the download page opens in it; `collect` labels its columns in it
        self.source = source  # the file it was read from, for messages

    def __repr__(self) -> str:
        return f"Languages({self.edition_ids}, main={self.main!r}, source={self.source!r})"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def edition_ids(self) -> tuple[str, ...]:
        return tuple(edition.id for edition in self.editions)

    @property
    def pseudo_ids(self) -> tuple[str, ...]:
        return tuple(code + PSEUDO for code in self.codes)

    @property
    def every_edition_id(self) -> tuple[str, ...]:
        """The editions and the pseudo-languages: whatever a build may have written, in building order."""
        return self.edition_ids + self.pseudo_ids

    def __getitem__(self, code: str) -> Language:
        """A language or a pseudo-language by its code (KeyError for neither)."""
        for language in self.languages:
            if language.code == code:
                return language
        base = self[code.removesuffix(PSEUDO)] if code.endswith(PSEUDO) else None
        if base is None:
            raise KeyError(code)
        return pseudo_language(base)

    def __contains__(self, code: object) -> bool:
        return code in self.codes or code in self.pseudo_ids

    def edition(self, edition_id: str) -> Edition:
        return next(edition for edition in self.editions if edition.id == edition_id)

    def languages_of(self, editions) -> list[str]:
        """The languages (and pseudo-languages) the editions are made of, in the project's order."""
        needed = {part for edition in editions for part in edition_languages(edition)}
        return [code for code in (*self.codes, *self.pseudo_ids) if code in needed]

    def described(self, ids) -> str:
        """Editions or languages for a message, each language with its name: `ky (Кыргызча), ru+ky`."""
        names = {language.code: language.name for language in self.languages}
        return ", ".join(f"{i} ({names[i]})" if i in names else i for i in ids)


def pseudo_language(base: Language) -> Language:
    """`base` as its pseudo-language: the same dates, grammar and scans, its name marked as its messages are."""
    return Language(code=base.code + PSEUDO, name=f"{PSEUDO_OPEN}{base.name}{PSEUDO_CLOSE}", tag=base.tag,
                    months=base.months, letters=base.letters + PSEUDO_OPEN + PSEUDO_CLOSE + PSEUDO_PADDING,
                    ocr=base.ocr, grammar=base.grammar, base=base.code, numbers=base.numbers)
