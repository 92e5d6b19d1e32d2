"""What the words of a Word document say about a form (`formgen import`): a blank's kind from the
words around it, a field id from a label, and the call's values written into a sentence.

The words are those the programme's Russian and Kyrgyz documents use, in one list: a document's
language does not change what «дата» or «сом» means, so no guess depends on which language a
document is in. Each guess says which word made it, for the import's report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .localize import Localizer

# (kind, pattern over the lower-cased words around a blank), the first that matches wins.
KIND_WORDS = (
    ("yesno", r"\((?:да|ооба)\s*/\s*(?:нет|жок)\)"),
    ("rating", r"\b\d\s*[-‑]?\s*бал+\w*\s+шкал\w*|шкал\w*\s+по\s+\d|\b1\s*[-‑]?ден\s+5\s*[-‑]?ке\b|\bот\s+1\s+до\s+5\b"),
    ("signature", r"\bподпис\w*|\bколу\b|\bкол\s+тамга\w*"),
    ("date", r"\bдата\w*|\bкүнү\b"),
    ("email", r"\be[-‑\s]?mail|\bэл\.?\s*почт\w*|\bэлектрон\w*\s+почт\w*"),
    ("phone", r"\bтелефон\w*|\bтел\b\.?|\bмоб\w*\s+тел"),
    ("amount", r"\bсом\w*\b|\bсумм\w*|\bстоимост\w*|\bцен[аы]\b|\bнаркы\w*|\bбюджет\w*:?\s+сумм"),
    ("number", r"\bга\b|\bкм\b|\bколичеств\w*|\bчисленност\w*|\bчисл[оа]\b|\bсаны\w*|\bкол-во\b|%|\bчеловек\b|\bадам\b"),
    ("multiline", r"\bадрес\w*|\bдарег\w*|\bдарек\w*|\bопиш\w*|\bописан\w*|\bсүрөттө\w*|\bкомментар\w*|\bтүшүндүр\w*"),
)
_KIND_PATTERNS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in KIND_WORDS)
# A label that asks for several things («Номер телефона/факса», «Электронная почта; сайт») is text
# unless each of them is of the kind.
ALTERNATIVES = re.compile(r"\s*[/;]\s*")
# Words that say little in a field id: prepositions, conjunctions, pronouns.
STOP_WORDS = frozenset("""и в во на по от до для с со к ко о об обо за из или а но что как не же ли при под над у
его ее её их это этот эта эти все всех если есть то также свой свою своей своего ваш вашего вашей наш нашего
который которые которая кто где когда чем
жана же менен үчүн боюнча ар бир бул ошол барбы болсо эгер ким кайда качан кайсы анын алар биз сиз
""".split())
ID_WORDS = 3  # a field id is made of at most this many words of its label
ID_LENGTH = 32


VALUE_KINDS = ("date", "email", "phone", "amount", "number")


def kinds_named(text: str) -> list[tuple[str, str]]:
    """(kind, the words that name it) for every kind the text names, in KIND_WORDS' order."""
    found = []
    for kind, pattern in _KIND_PATTERNS:
        match = pattern.search(text)
        if match:
            found.append((kind, match.group(0).strip()))
    return found


def guessed_kind(*texts: str) -> tuple[str, str] | None:
    """(kind, why) of a blank from the words around it (the first text's first): None for plain
    text. Words that name several kinds («телефоны …, почтовый адрес») ask for a box of text; a
    label that asks for several things («Номер телефона/факса», «Электронная почта; сайт») is text
    unless each thing is of the kind."""
    for text in texts:
        named = kinds_named(text)
        if not named:
            continue
        kinds = [kind for kind, _ in named]
        words = ", ".join(f"«{word}»" for _, word in named)
        if kinds[0] in ("yesno", "rating", "signature"):
            return kinds[0], f"the words «{named[0][1]}»"
        values = [kind for kind in kinds if kind in VALUE_KINDS]
        if len(set(values)) > 1 or (values and "multiline" in kinds):
            return ("multiline", f"the words {words} name several things") if "multiline" in kinds \
                else ("text", f"the words {words} name several things")
        kind, word = named[0]
        if kind != "multiline" and _asks_for_more(text, dict(_KIND_PATTERNS)[kind]):
            return "text", f"«{word}» is one of several things asked"
        return kind, f"the word «{word}»"
    return None


def _asks_for_more(text: str, pattern: re.Pattern) -> bool:
    parts = [part for part in ALTERNATIVES.split(text) if part.strip()]
    return len(parts) > 1 and not all(pattern.search(part) for part in parts)


def id_words(text: str) -> list[str]:
    """The label's words as ASCII, lower case, stop words left out: «Территория, га» → territoriya, ga."""
    from anyascii import anyascii  # transliterates every script; only import needs it

    words = re.findall(r"[^\W_]+", text.lower())
    ascii_words = [re.sub(r"[^a-z0-9]", "", anyascii(word).lower()) for word in words if word not in STOP_WORDS]
    return [word for word in ascii_words if word]


def field_id(text: str, fallback: str) -> str:
    """A short, readable field id from a label: its first words, transliterated («territoriya_ga»)."""
    chosen: list[str] = []
    words = id_words(text)
    while len(words) > 1 and words[0].isdigit():  # «2. Перечень …», «3-тиркеме»: the number says little
        words.pop(0)
    for word in words[:ID_WORDS]:
        if chosen and len("_".join([*chosen, word])) > ID_LENGTH:
            break
        chosen.append(word[:ID_LENGTH])
    made = "_".join(chosen)
    if not made or not made[0].isalpha():
        made = f"{fallback}_{made}" if made else fallback
    return made


# ---- the call's values inside a sentence ------------------------------------------------------

SPECS = ("", "short", "long", "dat", "short,dat", "loc", "short,loc", "abl", "short,abl", "gen", "acc", "ins", "pre")
SKIPPED_VALUES = ("call_id",)  # an id is no text of a document
SHORTEST = 5  # characters: a shorter value (an extension «107», a year) is too likely to be something else
_QUOTES, _DASHES = "«»“”„\"'’", "-‐‑‒–—"


@dataclass(frozen=True)
class CallLiteral:
    text: str  # as the call writes it in this language
    placeholder: str  # «{deadline_date:short}»
    pattern: re.Pattern  # the text with any quote for a quote, any dash for a dash, any space for a space


def call_literals(localizer: Localizer) -> list[CallLiteral]:
    """Every call value as a sentence of this language could write it, longest first, each with the
    placeholder that writes it: «28 февраля 2025 года» → {deadline_date}, «01.01.2025ке» →
    {population_date:short,dat}, «Мирлану Молдобекову» → {contact_name:dat}."""
    found: dict[str, str] = {}
    for name, value in localizer.values.items():
        if name in SKIPPED_VALUES:
            continue
        for spec in SPECS:
            try:
                text = format(value, spec).strip()
            except (ValueError, KeyError, TypeError):
                continue
            if len(text) >= SHORTEST and not text.isdigit():
                found.setdefault(text, "{" + name + (f":{spec}" if spec else "") + "}")
    ordered = sorted(found.items(), key=lambda item: -len(item[0]))
    return [CallLiteral(text, placeholder, _loose_pattern(text)) for text, placeholder in ordered]


def _loose_pattern(text: str) -> re.Pattern:
    parts = []
    for character in text:
        if character in _QUOTES:
            parts.append(f"[{re.escape(_QUOTES)}]")
        elif character in _DASHES:
            parts.append(f"\\s*[{re.escape(_DASHES)}]\\s*")
        elif character.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(character))
    return re.compile(r"(?<![\w.])" + "".join(parts) + r"(?!\w)")


def with_call_values(text: str, literals: list[CallLiteral]) -> tuple[str, list[tuple[str, str]]]:
    """`text` (a message, its own braces escaped) with each call value it writes replaced by its
    placeholder; and (what was written, placeholder) for each replacement."""
    replaced: list[tuple[str, str]] = []
    for literal in literals:
        def swap(match: re.Match, literal: CallLiteral = literal) -> str:
            replaced.append((match.group(0), literal.placeholder))
            return literal.placeholder
        text = _outside_placeholders(text, literal.pattern, swap)
    return text, replaced


_PLACEHOLDER = re.compile(r"(?<!\{)\{[a-z_][a-z0-9_]*(?::[a-z,]*)?\}(?!\})")


def _outside_placeholders(text: str, pattern: re.Pattern, swap) -> str:
    """Replace matches of `pattern` only in the text between placeholders already written."""
    pieces, last = [], 0
    for placeholder in _PLACEHOLDER.finditer(text):
        pieces.append(pattern.sub(swap, text[last:placeholder.start()]))
        pieces.append(placeholder.group(0))
        last = placeholder.end()
    pieces.append(pattern.sub(swap, text[last:]))
    return "".join(pieces)


# ---- marks of a paragraph ------------------------------------------------------------------------

STAMP = re.compile(r"^\s*(?:м\.?\s*п\.?|п\.?\s*м\.?|печать|мөөр)\s*[:.]?\s*$", re.IGNORECASE)
LETTERHEAD_MARK = re.compile(r"\bбланк\w*", re.IGNORECASE)  # «НА ФИРМЕННОМ БЛАНКЕ», «ФИРМАЛЫК БЛАНКТА»


def is_stamp(text: str) -> bool:
    """«М.П.», «Печать», «Мөөр»: where the stamp goes."""
    return bool(STAMP.match(text))


def is_letterhead_mark(text: str) -> bool:
    """A short line that says the form is printed on the sender's letterhead."""
    return bool(LETTERHEAD_MARK.search(text)) and len(re.findall(r"[^\W_]+", text)) <= 5
