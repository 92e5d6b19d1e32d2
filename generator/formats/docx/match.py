"""A returned form matched against its blank, word by word: which control of the returned file is
which field, what a clerk typed in place of a control or beside it. A DOCX saved by LibreOffice 7.4
has lost its tags, and a control a clerk typed over is plain text; a DOCX printed to PDF has no
controls at all. Both are read by lining up their text with the blank's (difflib's longest matching
blocks): the form's labels and the order of its paragraphs and cells anchor every answer.

Both sides are tokens: a word, a punctuation mark, where a paragraph or cell starts (its place,
so a table's cells line up), and a control by its label (alias), which Word and Writer's input
fields keep; a control that lost its label too (Writer's drop-downs and dates) is paired with the
blank's by kind and order within the words around it. A blank's label was its hint until its form
gave it one of its own: a control labelled by its field's hint is that field's (a form sent out
before).
"""
from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Iterable, NamedTuple

from ...errors import shown
from ...model.forms import Document, Field
from ...model.messages import Said, said

WORD = re.compile(r"(\w+|[^\w\s])(\s*)")
CONTROL = "\x00"  # a control's token, with its label where it has one: the words around it tell the rest
# what a control's kind is compared as: LibreOffice writes a multi-line field as a plain one
KIND_CLASSES = {"multiline": "text"}
MIN_SHARE = 0.5  # of the blank's words a file must hold to be read as that form without tags
MAX_TOKENS = 30_000  # words of a returned file lined up with a blank: a form and its answers hold a few thousand
# a returned file's controls beyond its form's that are still lined up (difflib's matching of many alike
# tokens takes time that grows with their product: 10 000 controls took 15 s)
SPARE_CONTROLS = 2


class TooLong(Exception):
    """More words or controls than a form with its answers holds: not lined up. `holds` says how many."""

    def __init__(self, holds: Said) -> None:
        super().__init__(holds)
        self.holds = holds


QUOTED = 60  # characters of typed text quoted in a problem
ORIGINAL_FILE = said("problem.fix_original_file")  # what to do about a file not lined up with a form


class Slot(NamedTuple):
    """A control of the blank: its field, its kind, its label (alias) and what it shows while empty."""

    field: Field
    kind: str
    alias: str | None
    placeholder: str


class Control(NamedTuple):
    """A control of the returned file: its tag and label (None when lost), its kind and what it holds."""

    tag: str | None
    alias: str | None
    kind: str
    value: str


class Token(NamedTuple):
    key: str  # what is compared
    text: str  # as written, with the space after it
    unit: int  # the paragraph or cell it lies in
    control: object = None  # a Slot (the blank) or a Control (the returned file)
    place: tuple = ()  # its unit's: (table, row, column) of a cell


def unit_tokens(units: Iterable[tuple[tuple, list]], control_of, limit: int = MAX_TOKENS) -> list[Token]:
    """Tokens of (place, items) units: each item a str or a control, which `control_of` makes a Slot
    or Control (or None to leave it out). More than `limit` raise TooLong."""
    tokens: list[Token] = []
    for number, (place, items) in enumerate(units):
        tokens.append(Token("\x01" + ",".join(map(str, place)), "\n", number, None, place))
        for item in items:
            if isinstance(item, str):
                lead = item[:len(item) - len(item.lstrip())]
                if lead and tokens and tokens[-1].control is None:  # a break or space after the word before
                    tokens[-1] = tokens[-1]._replace(text=tokens[-1].text + lead)
                tokens += [Token(word.casefold(), word + space, number, None, place)
                           for word, space in WORD.findall(item)]
                if len(tokens) > limit:
                    raise TooLong(said("problem.more_words", limit=limit))
                continue
            control = control_of(item)
            if control is not None:
                tokens.append(Token(CONTROL + (control.alias or ""), "", number, control, place))
    return tokens


def words(tokens: list[Token]) -> Counter:
    return Counter(token.key for token in tokens if token.control is None and token.key[0] not in "\x00\x01")


class Found(NamedTuple):
    """What was found for one field of the blank."""

    control: Control | None  # the returned control lined up with it
    beside: str  # text typed beside it, in its paragraph or cell
    instead: str  # text found where its control was, when it has none
    together: tuple[str, ...] = ()  # other fields whose controls were typed over with it, no text between
    placeholder: str = ""  # what its control shows while empty


def lined_up(blank: list[Token], returned: list[Token]) -> dict[str, Found]:
    """{field id: Found} for every control of the blank. A returned file with more than SPARE_CONTROLS
    times the blank's controls raises TooLong."""
    controls = sum(token.control is not None for token in blank)
    if sum(token.control is not None for token in returned) > SPARE_CONTROLS * controls + 20:
        raise TooLong(said("problem.more_controls", times=SPARE_CONTROLS, controls=controls))
    matcher = SequenceMatcher(None, [token.key for token in blank], [token.key for token in returned],
                              autojunk=False)
    partner: dict[int, int] = {}  # blank token → returned token, of controls
    unit_of: dict[int, int] = {}  # blank unit → the returned unit it lines up with
    changes: list[tuple[int, int, int, int]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal" or all(token.control is not None for token in blank[i1:i2]):
            # controls alike with no word or place between are not lined up by position: by label and kind
            if changes and changes[-1][1] == i1 and changes[-1][3] == j1:
                i1, j1 = changes.pop()[0::2]
            changes.append((i1, i2, j1, j2))
            continue
        for i, j in zip(range(i1, i2), range(j1, j2)):
            unit_of.setdefault(blank[i].unit, returned[j].unit)
            if blank[i].control is not None:
                partner[i] = j
    beside: dict[int, list[Token]] = {}  # returned control → the text typed beside it
    instead: dict[int, tuple[list[Token], tuple[str, ...]]] = {}  # blank control → the text found in its place
    for i1, i2, j1, j2 in changes:
        pairs = _paired(blank, returned, range(i1, i2), range(j1, j2))
        partner.update(pairs)
        ends = [(i1 - 1, j1 - 1), *pairs, (i2, j2)]
        for (a, b), (c, d) in zip(ends, ends[1:]):  # between two controls lined up (or the block's ends)
            lost = [i for i in range(a + 1, c) if blank[i].control is not None]
            typed = [t for t in returned[b + 1:d] if t.control is None and t.key[0] != "\x01"]
            if lost:
                unit = unit_of.get(blank[lost[0]].unit)
                mine = [t for t in typed if t.unit == unit] if unit is not None else typed
                instead[lost[0]] = (mine, tuple(blank[i].control.field.id for i in lost[1:]))
            elif typed and not any(t.control is None and t.key[0] != "\x01" for t in blank[a + 1:c]):
                _beside(blank, returned, partner, (a, c), typed, beside)  # added, not a label reworded
    found = {}
    for i, token in enumerate(blank):
        if token.control is not None:
            j = partner.get(i)
            text, together = instead.get(i, ([], ()))
            found[token.control.field.id] = Found(None if j is None else returned[j].control,
                                                  _joined(beside.get(j, [])), _joined(text), together,
                                                  token.control.placeholder)
    return found


def _paired(blank: list[Token], returned: list[Token], blank_span: range, returned_span: range) -> list[tuple[int, int]]:
    """The controls of a changed stretch lined up, in order: the pairing of most weight (a label
    alike counts most, then a kind alike, a placeholder shown; labels that differ never pair)."""
    lost = [i for i in blank_span if blank[i].control is not None]
    spare = [j for j in returned_span if returned[j].control is not None]
    if not lost or not spare:
        return []
    best = [[0] * (len(spare) + 1) for _ in range(len(lost) + 1)]
    for a in range(len(lost) - 1, -1, -1):
        for b in range(len(spare) - 1, -1, -1):
            weight = _affinity(blank[lost[a]].control, returned[spare[b]].control)
            best[a][b] = max(best[a + 1][b], best[a][b + 1], weight + best[a + 1][b + 1] if weight else 0)
    pairs, a, b = [], 0, 0
    while a < len(lost) and b < len(spare):
        weight = _affinity(blank[lost[a]].control, returned[spare[b]].control)
        if weight and best[a][b] == weight + best[a + 1][b + 1]:
            pairs.append((lost[a], spare[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def _affinity(slot: Slot, control: Control) -> int:
    labelled = bool(slot.alias and control.alias in (slot.alias, slot.field.hint))
    if slot.alias and control.alias and not labelled:
        return 0
    kind = KIND_CLASSES.get(slot.kind, slot.kind) == KIND_CLASSES.get(control.kind, control.kind)
    shows_placeholder = bool(slot.placeholder.strip()) and control.value.strip() == slot.placeholder.strip()
    return 1 + kind + 2 * labelled + shows_placeholder


def _beside(blank: list[Token], returned: list[Token], partner: dict[int, int], around: tuple[int, int],
            typed: list[Token], beside: dict[int, list[Token]]) -> None:
    """Text added next to a control, in its paragraph or cell, was typed beside it: after the
    control before it, else before the control after it."""
    for i in around:
        j = partner.get(i) if 0 <= i < len(blank) and blank[i].control is not None else None
        near = [token for token in typed if j is not None and token.unit == returned[j].unit]
        if near:
            beside.setdefault(j, []).extend(near)
            return


def _joined(tokens: list[Token]) -> str:
    return "".join(token.text for token in tokens).strip()


def excerpt(text: str) -> str:
    """Typed text as a problem line quotes it: its first QUOTED characters."""
    text = shown(text)
    return f"{text[:QUOTED]}{'…' if len(text) > QUOTED else ''}"
