"""`formgen import FIRST.docx [SECOND.docx] --id ID`: a new form from the Word documents staff already
have, one per language of the project, in the project's order. It writes `forms/ID.yaml` and adds the
form's messages to every catalog (a language without its document gets them empty, to translate),
and reports every guess it made for a person to confirm.

The documents are read as a person sees them (formats/docx/source.py) and cut into units: paragraphs
with their blanks, blank lines, numbered blank lines, signature lines, label/answer tables and list
tables. The two documents' units are then aligned one to one, as bilingual texts are aligned by the
length of their sentences (Gale and Church, 1993), with what cannot be — a paragraph one of them
lacks or splits in two — named at both places, or with --loose kept as the first document has it.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from ..disk.files import write_file
from ..errors import FormgenError, UsageError, say
from ..formats.docx.source import BULLET, SourceDocument, SourceParagraph, SourceTable, read_source
from ..language.guesses import (call_literals, field_id, guessed_kind, id_words, is_letterhead_mark, is_stamp,
                                with_call_values)
from ..language.localize import Localizer, placeholders
from ..model.kinds import KINDS
from ..pipeline import localizer, used_message_ids
from ..sources.call import load_call
from ..sources.catalogs import Catalog, Translations, merged_po, new_catalog, parse_po, po_path, read_catalog
from ..sources.definitions import FIELD_ID, form_of_text, form_text, load_forms, shared_choices
from ..sources.project import find_project

# ---- what a document is made of, as the import sees it --------------------------------------------

BLANK = re.compile(r"_{3,}|\.{6,}|…{3,}")
# «__» ________ 20__ г.: one date, however its parts are drawn; a short word with a dot after it is its unit
DATE_BLANK = re.compile(r"«?\s*_+\s*»?\s*_{3,}\s*(?:20|19)\s*(?:_+|\d\d(?!\d))(?:\s*[-‑]?\s*[^\W\d_]{1,3}\.)?")
BRACKETS = re.compile(r"\(([^()]{2,300})\)")
HINT_GAP = 4  # words between a blank and its hint: «___ айылного аймака (города) (указать …)»
HINTS_ONLY = re.compile(r"\s*(?:\([^()]{1,300}\)\s*)+")
NUMBERED_BLANK = re.compile(r"\s*(\d{1,2})\s*[.)]\s*(?:_{3,}\s*)+")
TYPED_BULLET = re.compile(r"^\s*[·•▪●◦‣∙]\s*")
SIGNATURE_GAP = re.compile(r"\t+| {4,}")
SCALE = re.compile(r"\b[1-9]\s*[-‑]?\s*бал+\w*\s+шкал\w*|\bшкал\w*\s+по\s+\d|\b1\s*[-‑]?ден\s+5\s*[-‑]?ке\b"
                   r"|\bот\s+1\s+до\s+5\b", re.IGNORECASE)
NUMBER_COLUMN = re.compile(r"^\s*(?:№|#|n|no\.?)\s*(?:п\s*/\s*п\.?)?\s*$", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+")
CLAUSE_END = re.compile(r"[;!?]|\.(?=\s+[A-ZА-ЯЁҢӨҮ])")
SENTENCE_END = re.compile(r"[;:!?]|\.(?=\s+[A-ZА-ЯЁҢӨҮ])")  # «Исх. № …» goes on
ANSWER_LINES = 3  # an answer box the import adds under a question
MAX_BLANKS = 2000  # of one document: Annex 2 has 150
MAX_DOCUMENTS = 2  # aligned with one another; a project's further languages get their messages to translate
SHORT_LINE = 12  # words: a paragraph with blanks this short is a line of its own (plain), not body text


@dataclass
class Blank:
    before: str = ""  # the words before it, in its sentence
    after: str = ""  # the words after it
    hint: str = ""  # the instruction in brackets beside it
    kind: str = ""  # what its own shape says («__» ____ 20__ г.: a date)


@dataclass
class Text:
    pieces: list  # str and Blank, in order
    style: str
    place: str

    @property
    def blanks(self) -> list[Blank]:
        return [piece for piece in self.pieces if isinstance(piece, Blank)]

    @property
    def literal(self) -> str:
        return _spaced(" ".join(piece for piece in self.pieces if isinstance(piece, str)))


@dataclass
class Box:
    """A blank on lines of its own: the answer to what stands before it."""
    lines: int
    place: str


@dataclass
class Numbered:
    count: int
    place: str


@dataclass
class Signatures:
    parts: list[Text]
    place: str


@dataclass
class Row:
    label: Text
    value: Text | None  # None: the answer cell is empty


@dataclass
class LabelTable:
    rows: list[Row]
    place: str


@dataclass
class Grid:
    headers: list[str]
    rows: int
    total: str  # the label of a last row of totals, or ""
    numbered: bool  # its first column was «№»
    place: str


Unit = Union[Text, Box, Numbered, Signatures, LabelTable, Grid]


@dataclass
class Reading:
    """One document, cut into units."""
    path: str
    lang: str
    units: list[Unit]
    letterhead: str = ""  # the paragraph that marks the letterhead's place
    left_out: list[str] = field(default_factory=list)


# ---- a paragraph ---------------------------------------------------------------------------------

def _spaced(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def pieces_of(text: str) -> list:
    """The text with each blank (and the hint in brackets beside it) as a Blank."""
    spans = [(m.start(), m.end(), "date") for m in DATE_BLANK.finditer(text)]
    spans += [(m.start(), m.end(), "") for m in BLANK.finditer(text)
              if not any(start <= m.start() < end for start, end, _ in spans)]
    pieces: list = []
    at = 0
    for start, end, kind in sorted(spans):
        if start < at:
            continue
        blank = Blank(kind=kind)
        pieces += [text[at:start], blank]
        at = end
        hint = _hint_after(text, at)
        if hint:
            blank.hint = _spaced(hint.group(1))
            gap = text[at:hint.start()]
            pieces.append(gap.rstrip() if text[hint.end():hint.end() + 1] in tuple(",.;:") else gap)
            at = hint.end()
    pieces.append(text[at:])
    _set_context(pieces)
    return [piece for piece in pieces if not (isinstance(piece, str) and not piece)]


def _hint_after(text: str, at: int) -> re.Match | None:
    """The instruction in brackets beside a blank: right after it, or a few words on, in the same
    clause, where it is more than one word («(города)» is part of the name, not an instruction)."""
    for found in BRACKETS.finditer(text, at):
        gap = text[at:found.start()]
        if BLANK.search(gap) or re.search(r"[.;:,!?]", gap) or len(WORD.findall(BRACKETS.sub("", gap))) > HINT_GAP:
            return None
        if not gap.strip() or len(WORD.findall(found.group(1))) >= 2:
            return found
    return None


def _set_context(pieces: list) -> None:
    for index, piece in enumerate(pieces):
        if isinstance(piece, Blank):
            before = pieces[index - 1] if index and isinstance(pieces[index - 1], str) else ""
            after = pieces[index + 1] if index + 1 < len(pieces) and isinstance(pieces[index + 1], str) else ""
            piece.before = " ".join(WORD.findall(CLAUSE_END.split(before)[-1])[-3:])  # «Телефон: ___» keeps its label
            piece.after = " ".join(WORD.findall(SENTENCE_END.split(after)[0].split("(")[0].split(",")[0])[:3])


class _Paragraphs:
    """Turns a document's paragraphs and tables into units."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.units = reading.units

    def paragraph(self, source: SourceParagraph, next_is_table: bool) -> None:
        text, bullet = source.text, source.label == BULLET or bool(TYPED_BULLET.match(source.text))
        text = TYPED_BULLET.sub("", text) if bullet else (f"{source.label} {text}" if source.label else text)
        flat = text.replace("\n", " ")
        if not BLANK.sub("", flat).strip(" \t.…"):
            return self.blank_line(source)
        if NUMBERED_BLANK.fullmatch(flat):
            return self.numbered_line(source)
        if HINTS_ONLY.fullmatch(flat) and self.hints_below(flat):
            return
        parts = [part for part in SIGNATURE_GAP.split(flat.strip()) if part.strip()]
        if len(parts) > 1 and all(BLANK.search(part) for part in parts):
            self.units.append(Signatures([Text(pieces_of(part), "signature", source.place) for part in parts],
                                         source.place))
            return
        pieces = pieces_of(_spaced(flat))
        kind = guessed_kind(_spaced(flat))
        if not any(isinstance(p, Blank) for p in pieces) and kind and kind[0] in ("date", "signature") \
                and len(WORD.findall(flat)) <= 2:  # «Дата», «Подпись:»: the blank is beside it
            pieces.append(" ")
            pieces.append(Blank(before=_spaced(flat), kind=kind[0]))
        if is_letterhead_mark(flat) and not self.reading.letterhead:
            self.reading.letterhead = f"{source.place} «{_spaced(flat)}»"
        self.units.append(Text(pieces, _style(source, pieces, bullet, next_is_table), source.place))

    def blank_line(self, source: SourceParagraph) -> None:
        last = self.units[-1] if self.units else None
        if isinstance(last, Box):
            last.lines += 1
        elif isinstance(last, Text) and last.pieces and isinstance(last.pieces[-1], Blank) \
                and last.style not in ("title", "annex"):  # the answer goes on under the question
            last.pieces.pop()
            self.units.append(Box(2, source.place))
        else:
            self.units.append(Box(1, source.place))

    def numbered_line(self, source: SourceParagraph) -> None:
        last = self.units[-1] if self.units else None
        if isinstance(last, Numbered):
            last.count += 1
        else:
            self.units.append(Numbered(1, source.place))

    def hints_below(self, text: str) -> bool:
        """A line of hints in brackets under a line of blanks: «(подпись)   (ФИО)»."""
        hints = [_spaced(h) for h in re.findall(r"\(([^()]+)\)", text)]
        last = self.units[-1] if self.units else None
        blanks = [b for part in last.parts for b in part.blanks] if isinstance(last, Signatures) \
            else last.blanks if isinstance(last, Text) else []
        open_blanks = [blank for blank in blanks if not blank.hint]
        if not hints or len(hints) != len(open_blanks):
            return False
        for blank, hint in zip(open_blanks, hints):
            blank.hint = hint
        return True


def _style(source: SourceParagraph, pieces: list, bullet: bool, next_is_table: bool) -> str:
    text = " ".join(p for p in pieces if isinstance(p, str))
    words = len(WORD.findall(text))
    if is_stamp(text):
        return "stamp"
    if source.align == "right" or is_letterhead_mark(text):
        return "annex"
    if source.align == "center":
        return "title"
    if bullet:
        return "bullet"
    numbered_line = bool(source.label) and source.label != BULLET and words <= 10
    if source.heading or next_is_table or (source.bold and words <= 40) or numbered_line:
        return "heading"
    if source.indent >= 0.3:
        return "addressee"
    if any(isinstance(p, Blank) for p in pieces) and words <= SHORT_LINE:
        return "plain"
    return "body"


# ---- a table -------------------------------------------------------------------------------------

def table_unit(table: SourceTable) -> Unit | list[Text]:
    rows = [row for row in table.rows if any(cell.strip() for cell in row)] or list(table.rows)
    grid = _grid(table)
    if grid is not None:
        return grid
    if rows and all(len(row) == 2 and row[0].strip() for row in rows):
        return LabelTable([_row(row, table.place) for row in rows], table.place)
    return [Text(pieces_of(_spaced(" – ".join(cell for cell in row if cell.strip()))), "body", table.place)
            for row in rows]


def _row(cells: tuple[str, ...], place: str) -> Row:
    label = Text(pieces_of(_spaced(cells[0].replace("\n", " "))), "cell", place)
    value = cells[1].replace("\n", " ").strip()
    return Row(label, Text(pieces_of(_spaced(value)), "cell", place) if value and BLANK.sub("", value).strip()
               or BLANK.search(value) else None)


def _grid(table: SourceTable) -> Grid | None:
    """A header row over empty rows (a «№» column may count them), maybe a last row of totals."""
    if len(table.rows) < 2 or len(table.rows[0]) < 2 or not all(cell.strip() for cell in table.rows[0][1:]):
        return None
    width = len(table.rows[0])
    numbered = bool(NUMBER_COLUMN.match(table.rows[0][0]))
    body = list(table.rows[1:])
    total = ""
    filled = [cell for cell in body[-1] if cell.strip()] if body else []
    if len(body) > 1 and len(filled) == 1 and not filled[0].strip().isdigit() and not BLANK.search(filled[0]):
        total = _spaced(filled[0])
        body = body[:-1]
    for row in body:
        if len(row) != width:
            return None
        cells = row[1:] if numbered else row
        if any(BLANK.sub("", cell).strip() for cell in cells) or (numbered and row[0].strip() and not
                                                                  row[0].strip().rstrip(".").isdigit()):
            return None
    headers = [_spaced(cell.replace("\n", " ")) for cell in (table.rows[0][1:] if numbered else table.rows[0])]
    if not all(headers):
        return None
    return Grid(headers, len(body), total, numbered, table.place)


def read_units(document: SourceDocument, lang: str) -> Reading:
    reading = Reading(document.path, lang, [], left_out=list(document.left_out))
    blanks = sum(len(BLANK.findall(b.text)) for b in document.blocks if isinstance(b, SourceParagraph)) + sum(
        len(BLANK.findall(cell)) + (not cell.strip()) for b in document.blocks if isinstance(b, SourceTable)
        for row in b.rows for cell in row)
    if blanks > MAX_BLANKS:
        raise FormgenError(document.path, "", f"more than {MAX_BLANKS} blanks and empty cells",
                           "a form has far fewer; is this the right file?")
    paragraphs = _Paragraphs(reading)
    for index, block in enumerate(document.blocks):
        if isinstance(block, SourceTable):
            made = table_unit(block)
            reading.units += made if isinstance(made, list) else [made]
            if isinstance(made, list):
                reading.left_out.append(f"{block.place}: neither a label/answer table nor a list table; its rows "
                                        "are kept as paragraphs")
        else:
            following = document.blocks[index + 1] if index + 1 < len(document.blocks) else None
            paragraphs.paragraph(block, isinstance(following, SourceTable))
    if not reading.units:
        raise FormgenError(document.path, "", "has no paragraph or table with text", "is this the right file?")
    return reading


# ---- the two documents side by side ----------------------------------------------------------------

SKIP_COST = 6.0  # a unit one document has and the other lacks
JOIN_COST = 3.0  # two units of one document as one of the other
LENGTH_WEIGHT = 3.0
BAND = 30  # units: a document that adds or drops more than this many in a row is not a translation
STYLE_COST = 2.0  # a bullet for a plain paragraph, a heading for body text


def shape(unit: Unit) -> tuple:
    """What must agree between two documents for their units to be one another's translation."""
    if isinstance(unit, Text):
        return "paragraph", len(unit.blanks)
    if isinstance(unit, Signatures):
        return "signatures", tuple(len(part.blanks) for part in unit.parts)
    if isinstance(unit, LabelTable):
        return "table", len(unit.rows), tuple(len(row.label.blanks) + (len(row.value.blanks) if row.value else 1)
                                              for row in unit.rows)
    if isinstance(unit, Grid):
        return "list table", len(unit.headers), bool(unit.total)
    if isinstance(unit, Numbered):
        return "numbered blanks", unit.count
    return "blank lines", unit.lines > 1


def text_length(unit: Unit) -> int:
    if isinstance(unit, Text):
        return len(unit.literal)
    if isinstance(unit, Signatures):
        return sum(text_length(part) for part in unit.parts)
    if isinstance(unit, LabelTable):
        return sum(text_length(row.label) + (text_length(row.value) if row.value else 0) for row in unit.rows)
    if isinstance(unit, Grid):
        return sum(len(header) for header in unit.headers) + len(unit.total)
    return 0


def joined(first: Unit, second: Unit) -> Unit | None:
    """Two units of one document that another writes as one: two paragraphs, or a paragraph and
    the blank on the line under it."""
    if isinstance(first, Text) and isinstance(second, Text):
        return Text([*first.pieces, " ", *second.pieces], first.style, f"{first.place}–{second.place.split()[-1]}")
    if isinstance(first, Text) and isinstance(second, Box) and second.lines == 1:
        return Text([*first.pieces, " ", Blank(before=" ".join(WORD.findall(first.literal)[-3:]))], first.style,
                    f"{first.place}–{second.place.split()[-1]}")
    return None


def _pair_cost(first: Unit, second: Unit, ratio: float) -> float:
    if shape(first) != shape(second):
        return math.inf
    a, b = text_length(first), text_length(second)
    looks = STYLE_COST if isinstance(first, Text) and first.style != second.style else 0.0
    return LENGTH_WEIGHT * abs(math.log((b + 20) / (a + 20)) - ratio) + looks


def aligned(first: list[Unit], second: list[Unit]) -> list[tuple[list[int], list[int]]] | None:
    """The cheapest way to walk both lists together: groups of indexes, one to one where the two
    agree, one to none, or two to one where a document splits what the other writes as one; None
    where one runs too far ahead of the other to be its translation."""
    total_a = sum(map(text_length, first)) + 1
    ratio = math.log((sum(map(text_length, second)) + 1) / total_a)
    n, m = len(first), len(second)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    band = BAND + max(n, m) // 10  # how far a document may run ahead of the other
    for i in range(n + 1):
        diagonal = i * m // max(n, 1)
        for j in range(max(0, diagonal - band), min(m, diagonal + band) + 1):
            if cost[i][j] == math.inf:
                continue
            for di, dj, price in _moves(first, second, i, j, ratio):
                if cost[i][j] + price < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + price
                    step[i + di][j + dj] = (di, dj)
    groups, i, j = [], n, m
    if step[n][m] is None and (n or m):
        return None
    while i or j:
        di, dj = step[i][j]
        groups.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return groups[::-1]


def _moves(first: list[Unit], second: list[Unit], i: int, j: int, ratio: float):
    if i < len(first):
        yield 1, 0, SKIP_COST
    if j < len(second):
        yield 0, 1, SKIP_COST
    if i < len(first) and j < len(second):
        yield 1, 1, _pair_cost(first[i], second[j], ratio)
    if i + 1 < len(first) and j < len(second) and (both := joined(first[i], first[i + 1])) is not None:
        yield 2, 1, JOIN_COST + _pair_cost(both, second[j], ratio)
    if i < len(first) and j + 1 < len(second) and (both := joined(second[j], second[j + 1])) is not None:
        yield 1, 2, JOIN_COST + _pair_cost(first[i], both, ratio)


def what_is(unit: Unit) -> str:
    """The unit as a person finds it in the document: its place and first words."""
    if isinstance(unit, Text):
        text = unit.literal
    elif isinstance(unit, Signatures):
        text = " ".join(part.literal for part in unit.parts)
    elif isinstance(unit, Grid):
        text = " | ".join(unit.headers)
    elif isinstance(unit, LabelTable):
        text = unit.rows[0].label.literal
    else:
        text = ""
    kind = {Box: "a blank line", Numbered: "numbered blank lines"}.get(type(unit)) or shape(unit)[0]
    return f"{unit.place} ({kind}{f' «{_short(text, 50)}»' if text else ''})"


@dataclass
class Pair:
    first: Unit
    second: Unit | None  # None: the second document lacks it (or there is none)


def paired(first: Reading, second: Reading, loose: bool) -> tuple[list[Pair], list[str]]:
    """The units of both documents side by side, and what did not match one to one (with --loose;
    without it, that is an error naming both places)."""
    pairs, unmatched = [], []
    groups = aligned(first.units, second.units)
    if groups is None:
        raise FormgenError(first.path, "", f"has {len(first.units)} paragraphs, tables and blank lines, {second.path} "
                           f"{len(second.units)}: too far apart to be one form in two languages",
                           "give the two languages of one form")
    for left, right in groups:
        a = [first.units[i] for i in left]
        b = [second.units[j] for j in right]
        if len(a) == len(b) == 1:
            pairs.append(Pair(a[0], b[0]))
            continue
        where_a = " and ".join(what_is(u) for u in a) or "nothing"
        where_b = " and ".join(what_is(u) for u in b) or "nothing"
        line = f"{first.path}: {where_a} ↔ {second.path}: {where_b}"
        if not loose:
            raise FormgenError(first.path, where_a, f"does not match {second.path}: {where_b} one to one",
                               "make the two documents agree (one paragraph, table or blank line for each), "
                               "or run again with --loose to keep the first document's structure", code="")
        if len(a) == 2:
            pairs.append(Pair(joined(*a), b[0]))
            unmatched.append(f"{line}: joined as one, as the second document writes it")
        elif len(b) == 2:
            pairs.append(Pair(a[0], joined(*b)))
            unmatched.append(f"{line}: the second document's two joined as one")
        elif a:
            pairs.append(Pair(a[0], None))
            unmatched.append(f"{line}: only in the first document; its {second.lang} text is left empty to translate")
        else:
            unmatched.append(f"{line}: only in the second document; left out (add it to the first and import again)")
    return pairs, unmatched


def blank_order(first: list[Blank], second: list[Blank]) -> list[int]:
    """For each blank of the first text, the index of the same blank in the second: by the words
    around it (a Kyrgyz sentence puts them in another order: «___ района» is «___ району»), then by
    order for the rest."""
    scores = sorted(((_likeness(a, b), i, j) for i, a in enumerate(first) for j, b in enumerate(second)),
                    key=lambda s: (-s[0], s[1], s[2]))
    chosen: dict[int, int] = {}
    for score, i, j in scores:
        if score > 0 and i not in chosen and j not in chosen.values():
            chosen[i] = j
    free = [j for j in range(len(second)) if j not in chosen.values()]
    for i in range(len(first)):
        if i not in chosen:
            chosen[i] = free.pop(0)
    return [chosen[i] for i in range(len(first))]


def _likeness(a: Blank, b: Blank) -> int:
    """How surely two blanks are the same: words around them that share their first letters (the
    two languages share the names of institutions: район, облус, айыл, кеңеш), a hint both have."""
    score = 0
    for mine, theirs in ((a.after, b.after), (a.before, b.before), (a.after, b.before), (a.before, b.after)):
        for word in mine.split()[:2]:
            if any(_stem(word) and _stem(word) == _stem(other) for other in theirs.split()[:2]):
                score += 2
    if a.hint and b.hint:
        score += 1
    if a.kind and a.kind == b.kind:
        score += 1
    return score


def _stem(word: str) -> str:
    plain = word.lower().translate(str.maketrans("ңөүё", "ноуе"))
    return plain[:3] if len(plain) >= 3 else ""


# ---- the definition and its messages -------------------------------------------------------------

ROLES = {"title": "title", "annex": "annex", "heading": "heading", "addressee": "addressee", "stamp": "stamp"}
TABLE_KINDS = tuple(kind for kind, entry in KINDS.items() if entry.docx is not None)


@dataclass
class Guess:
    """A field as the report lists it."""
    id: str
    kind: str
    why: str
    where: str
    hint: str = ""


class Draft:
    """The form's definition (a dict, as its YAML says it) and its messages in every language, made
    from the paired units; and every guess made on the way."""

    def __init__(self, form_id: str, langs: list[str], literals: dict[str, list], taken: set[str],
                 lists: tuple[str, ...] = ()) -> None:
        self.form_id, self.langs, self.literals, self.taken = form_id, langs, literals, taken
        self.lists = lists  # the project's shared choice lists (forms/choices.yaml)
        self.blocks: list[dict] = []
        self.messages: dict[str, dict[str, str]] = {}
        self.guesses: list[Guess] = []
        self.styles: list[str] = []
        self.replaced: list[str] = []
        self.checks: list[str] = []
        self.last_text: list[Text | None] = [None, None]

    # ids and messages

    def unique_field(self, candidates: list[str], fallback: str, expanded=lambda made: [made], suffix: str = "") -> str:
        """The first candidate whose field ids are free in the project, else the first numbered. A
        candidate of short words alone («км», «№») names nothing."""
        bases = [field_id(c, fallback) + suffix for c in candidates
                 if any(len(word) > 3 for word in id_words(c))] or [fallback + suffix]
        for base in itertools.chain(bases, (f"{bases[0]}_{n}" for n in itertools.count(2))):
            if not set(expanded(base)) & self.taken:
                self.taken.update(expanded(base))
                return base

    def message(self, role: str, texts: list[str | None]) -> str:
        base = f"{self.form_id}.{role}"
        message_id = _free(base, self.messages)
        texts = [*texts, *[None] * (len(self.langs) - len(texts))]  # languages without a document: to translate
        written = {lang: "" if text is None else _spaced(text) for lang, text in zip(self.langs, texts)}
        found = {lang: {_name(p) for _, p in with_call_values(text, self.literals[lang])[1]}
                 for lang, text in written.items() if text}
        common = set.intersection(*found.values()) if found else set()
        self.messages[message_id] = {}
        for lang, text in written.items():
            chosen = [literal for literal in self.literals[lang] if _name(literal.placeholder) in common]
            text, replaced = with_call_values(text, chosen)
            self.replaced += [f"{lang}: «{literal}» → `{placeholder}` in `{message_id}`" for literal, placeholder in replaced]
            self.replaced += [f"{lang}: `{{{name}}}` is written in `{message_id}` but not in every language's text, so "
                              "it is left as written: make the texts agree" for name in sorted(found.get(lang, set()) - common)]
            self.messages[message_id][lang] = text
        return message_id

    def numbered(self, role: str) -> str:
        n = 1 + sum(1 for m in self.messages if m.startswith(f"{self.form_id}.{role}_"))
        return f"{role}_{n}"

    # paragraphs

    def text_block(self, pair: Pair, style: str | None = None) -> dict:
        a, b = pair.first, pair.second
        order = blank_order(a.blanks, b.blanks) if b else []
        ids, fields = [], {}
        for index, blank in enumerate(a.blanks):
            partner = b.blanks[order[index]] if b else None
            fid, spec = self.blank_field(blank, partner, a)
            ids.append(fid)
            fields[fid] = spec
        ids_b = [""] * len(ids)
        for index, position in enumerate(order):
            ids_b[position] = ids[index]
        style = style or a.style
        role = ROLES.get(style, "text")
        role = role if role in ("title", "annex") and f"{self.form_id}.{role}" not in self.messages \
            else self.numbered(role)
        block = {"p": self.message(role, [_sentence(a, ids), _sentence(b, ids_b) if b else None])}
        if style != "body":
            block["style"] = style
        if fields:
            block["fields"] = fields
        self.styles.append(f"{_where(a)}: {style}")
        return block

    def blank_field(self, blank: Blank, partner: Blank | None, text: Text) -> tuple[str, dict]:
        fid = self.unique_field([blank.after, blank.hint, blank.before, f"{blank.before} {blank.after}"],
                                f"{self.form_id}_blank")
        words = [w for b in (blank, partner) if b for w in (b.hint, f"{b.before} ___ {b.after}")]
        kind, why = (blank.kind, "its shape «__» ____ 20__") if blank.kind else guessed_kind(*words) or \
            ("text", "no word beside it names a kind")
        spec: dict = {"kind": kind}
        named = self.choice_list(blank) if kind == "text" else None
        if named:
            kind, why, spec = "choice", f"the word «{named[1]}» names the list `{named[0]}` of forms/choices.yaml", \
                {"kind": "choice", "choices": named[0]}
        hints = [blank.hint, partner.hint if partner else None]
        if blank.hint or (partner and partner.hint):
            spec["hint"] = self.message(f"{fid}.hint", hints)
        self.guesses.append(Guess(fid, kind, why, _where(text), blank.hint))
        return fid, spec

    def choice_list(self, blank: Blank) -> tuple[str, str] | None:
        """(list, word) where a word beside the blank, transliterated, begins as a shared choice list is
        named: «___ области» and the list `oblasts`."""
        for word in (*blank.after.split()[:1], *blank.before.split()[-1:]):
            written = "".join(id_words(word))
            for name in self.lists:
                stem = min(len(name), 5)
                if len(written) >= stem >= 4 and written[:stem] == name[:stem]:
                    return name, word
        return None

    def answer_box(self, pair: Pair, lines: int, label: list[Text | None]) -> dict:
        texts = [t.literal if t else None for t in label]
        fid = self.unique_field([texts[0] or ""], f"{self.form_id}_answer")
        kind = "multiline" if lines > 1 else (guessed_kind(*(t for t in texts if t)) or ("text",))[0]
        kind = kind if kind in TABLE_KINDS else "text"
        spec = {"id": fid, "kind": kind, **({"lines": lines} if kind == "multiline" else {}),
                "label": self.message(f"{fid}.label", texts)}
        self.guesses.append(Guess(fid, kind, f"{lines} blank line(s) of their own" if lines else
                                  "a question without a blank: a box for its answer", _where(pair.first)))
        return {"field": spec}

    def question(self, pair: Pair) -> list[dict]:
        """A question with no blank after it gets a box for the answer, and a 1–5 rating first where it
        asks for one on a scale."""
        a, b = pair.first, pair.second
        asked = [_question_parts(t) if t else None for t in (a, b)]
        blocks = []
        if any(SCALE.search(t.literal) for t in (a, b) if t):
            fid = self.unique_field([_first_words(asked[0][0])], self.form_id, suffix="_rating")
            why = next(SCALE.search(t.literal).group(0) for t in (a, b) if t and SCALE.search(t.literal))
            blocks.append({"field": {"id": fid, "kind": "rating",
                                     "label": self.message(f"{fid}.label", [q[0] if q else None for q in asked])}})
            self.guesses.append(Guess(fid, "rating", f"the words «{why}»", _where(a)))
        fid = self.unique_field([_first_words(asked[0][0])], self.form_id, suffix="_comment" if blocks else "_answer")
        blocks.append({"field": {"id": fid, "kind": "multiline", "lines": ANSWER_LINES,
                                 "label": self.message(f"{fid}.label", [q[1] if q else None for q in asked])}})
        self.guesses.append(Guess(fid, "multiline", "a question with no blank for its answer: a box of "
                                  f"{ANSWER_LINES} lines added", _where(a)))
        return blocks

    def numbered_list(self, pair: Pair) -> dict:
        label = [t.literal if t else None for t in self.last_text]
        fid = self.unique_field([label[0] or ""], f"{self.form_id}_item",
                                lambda made: [f"{made}_{n}" for n in range(1, pair.first.count + 1)])
        self.guesses.append(Guess(f"{fid}_1 … {fid}_{pair.first.count}", "text",
                                  f"{pair.first.count} numbered blank lines", pair.first.place))
        return {"list": fid, "count": pair.first.count, "kind": "text",
                "label": self.message(f"{fid}.label", [f"{t} {{number}}" if t else None for t in label])}

    def signatures(self, pair: Pair) -> dict:
        parts = pair.second.parts if pair.second else [None] * len(pair.first.parts)
        blocks = []
        for a, b in zip(pair.first.parts, parts):
            block = self.text_block(Pair(a, b), style="signature")
            block.pop("style")
            blocks.append(block)
        return {"signatures": blocks}

    # tables

    def label_table(self, pair: Pair) -> dict:
        heading = self.last_text[0]
        table_id = self.unique_field([heading.literal if heading else ""], "table", lambda made: [])
        rows_b = pair.second.rows if pair.second else [None] * len(pair.first.rows)
        rows = [self.row(a, b) for a, b in zip(pair.first.rows, rows_b)]
        return {"table": table_id, "rows": rows}

    def row(self, a: Row, b: Row | None) -> dict:
        if a.value is None and not a.label.blanks:
            texts = [a.label.literal, b.label.literal if b else None]
            fid = self.unique_field([texts[0]], f"{self.form_id}_value")
            kind, why = guessed_kind(*(t for t in texts if t)) or ("text", "no word of its label names a kind")
            kind = kind if kind in TABLE_KINDS else "text"
            if kind == "text" and len(WORD.findall(texts[0])) > SHORT_LINE:
                kind, why = "multiline", f"its label is long ({len(WORD.findall(texts[0]))} words)"
            spec = {"id": fid, "kind": kind, **({"lines": 2} if kind == "multiline" else {})}
            self.guesses.append(Guess(fid, kind, why, f"{a.label.place}, row «{_short(texts[0])}»"))
            return {"label": self.message(fid, texts), "field": spec}
        label_a, value_a = _label_and_value(a)
        label_b, value_b = _label_and_value(b) if b else (None, None)
        role = self.unique_field([label_a.literal or (value_a.literal if value_a else "")], "row", lambda made: [])
        label = self.message(role, [label_a.literal, label_b.literal if label_b else None])
        block = self.text_block(Pair(value_a, value_b), style="cell")
        self.styles.pop()
        return {"label": label, "value": block["p"], **({"fields": block["fields"]} if "fields" in block else {})}

    def grid(self, pair: Pair) -> dict:
        a, b = pair.first, pair.second
        heading = self.last_text[0]
        columns = []
        column_ids: list[str] = []
        for index, header in enumerate(a.headers):
            other = b.headers[index] if b else None
            base = field_id(header, f"column_{index + 1}")
            cid = _free(base, column_ids)
            column_ids.append(cid)
            kind, why = guessed_kind(*(h for h in (header, other) if h)) or ("text", "no word of its header names a kind")
            kind = kind if kind in TABLE_KINDS and kind != "multiline" else "text"
            columns.append((cid, header, other, kind, why))
        rows = a.rows
        grid_id = self.unique_field([heading.literal if heading else ""], "table",
                                    lambda made: [f"{made}_{r}_{c}" for r in range(1, rows + 1) for c in column_ids]
                                    + [f"{made}_total_{c}" for c in column_ids])
        weights = [math.sqrt(len(header) + 10) for _, header, _, _, _ in columns]
        block: dict = {"grid": grid_id, "rows": rows, "columns": []}
        for (cid, header, other, kind, why), weight in zip(columns, weights):
            column = {"id": cid, "header": self.message(f"{grid_id}.{cid}", [header, other]),
                      "width": round(94 * weight / sum(weights))}
            if kind != "text":
                column["kind"] = kind
            block["columns"].append(column)
            self.guesses.append(Guess(f"{grid_id}_<row>_{cid}", kind, why, f"{a.place}, column «{_short(header)}»"))
        if a.total and any(c[3] in ("number", "amount") for c in columns):
            block["total"] = self.message(f"{grid_id}.total", [a.total, b.total if b else None])
        elif a.total:
            self.checks.append(f"{a.place}: its last row «{a.total}» looks like a total, but no column is a number "
                               "or amount: left out (give a column `kind: amount` and the grid `total:`)")
        self.checks.append(f"{a.place}: {rows} empty row(s), as the document has them"
                           f"{'; its «№» column is the one formgen numbers' if a.numbered else ''} (change `rows:` "
                           f"in the grid {grid_id} for more)")
        return block

    # the whole form

    def add(self, pairs: list[Pair]) -> None:
        for index, pair in enumerate(pairs):
            unit = pair.first
            following = pairs[index + 1].first if index + 1 < len(pairs) else None
            if isinstance(unit, Text):
                self.blocks.append(self.text_block(pair))
                self.last_text = [unit, pair.second]
                if _is_question(unit) and not isinstance(following, (Box, Numbered, Grid, LabelTable)):
                    self.blocks += self.question(pair)
            elif isinstance(unit, Box):
                self.blocks.append(self.answer_box(pair, unit.lines, self.last_text))
            elif isinstance(unit, Numbered):
                self.blocks.append(self.numbered_list(pair))
            elif isinstance(unit, Signatures):
                self.blocks.append(self.signatures(pair))
            elif isinstance(unit, LabelTable):
                self.blocks.append(self.label_table(pair))
            else:
                self.blocks.append(self.grid(pair))

    def definition(self, letterhead: bool) -> dict:
        title = self.message("doc_title", [self.title(lang) for lang in self.langs])
        self.messages = {title: self.messages.pop(title), **self.messages}  # first in the catalogs too
        return {"id": self.form_id, "title": title, **({"letterhead": True} if letterhead else {}),
                "blocks": self.blocks}

    def title(self, lang: str) -> str | None:
        """The form's name: its annex line and title, as the document heads itself."""
        texts = self.messages
        parts = [texts[m][lang] for m in (f"{self.form_id}.annex", f"{self.form_id}.title") if m in texts]
        first = next((texts[m][lang] for m in texts if texts[m][lang] and not placeholders(texts[m][lang])), None)
        named = " ".join(p for p in parts if p) or first
        return named or (self.form_id if lang == self.langs[0] else None)  # a form needs a name: its id at least


def _free(base: str, taken) -> str:
    """`base`, or the first of base_2, base_3 … not taken."""
    return next(name for name in itertools.chain((base,), (f"{base}_{n}" for n in itertools.count(2)))
                if name not in taken)


def _name(placeholder: str) -> str:
    """`{population_date:short,dat}` → population_date."""
    return placeholder.strip("{}").split(":")[0]


def _sentence(text: Text, ids: list[str]) -> str:
    blanks = iter(ids)
    return "".join(next(blanks).join("{}") if isinstance(piece, Blank) else piece.replace("{", "{{").replace("}", "}}")
                   for piece in text.pieces)


def _label_and_value(row: Row) -> tuple[Text, Text]:
    """A row whose label holds its blanks («Расстояние: от районного центра ___ км»): the label up
    to its colon (or its first blank), and the rest as the answer."""
    if row.value is not None:
        return row.label, row.value
    pieces = row.label.pieces
    first_blank = next(i for i, piece in enumerate(pieces) if isinstance(piece, Blank))
    for index, piece in enumerate(pieces[:first_blank]):
        if ":" in piece:
            head, _, tail = piece.partition(":")
            label = [*pieces[:index], head + ":"]
            return Text(label, "cell", row.label.place), Text([tail, *pieces[index + 1:]], "cell", row.label.place)
    label = pieces[:first_blank] or [" "]
    return Text(label, "cell", row.label.place), Text(pieces[first_blank:], "cell", row.label.place)


def _is_question(text: Text) -> bool:
    return "?" in text.literal and not text.blanks and text.style in ("bullet", "body", "plain")


def _question_parts(text: Text) -> tuple[str, str]:
    """(the question, what it asks of the answer): «Оцените …? (по 5-балльной шкале) Пожалуйста,
    прокомментируйте свою оценку.» → the first sentence, and the request after the scale."""
    literal = text.literal
    question = literal[:literal.index("?") + 1] if "?" in literal else literal
    scale = SCALE.search(literal)
    rest = literal[scale.end():] if scale else literal[len(question):]
    rest = rest.lstrip(" .)").strip()
    return question, rest if len(WORD.findall(rest)) >= 2 else question


def _where(unit: Unit) -> str:
    """A unit's place and first words, for a person to find it in the document."""
    literal = unit.literal if isinstance(unit, Text) else ""
    return f"{unit.place} «{_short(literal)}»" if literal else unit.place


def _first_words(text: str) -> str:
    """Two words of a question: what a field beside it is named after, before its own suffix."""
    return " ".join(WORD.findall(text)[:2])


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---- the report ------------------------------------------------------------------------------------

def report(form_path: Path, readings: list[Reading], draft: Draft, letterhead: str, unmatched: list[str],
           missing: list[str], call: str) -> str:
    lines = [f"# Import of `{form_path.name}`", "",
             "formgen read " + ", ".join(f"`{r.path}` ({r.lang})" for r in readings)
             + (f"; the {', '.join(missing)} messages are left empty for translators" if missing else "") + ".",
             f"Call values were looked for as `{call}` writes them.", "",
             "## Fields: check each id and kind", "",
             "| field | kind | because | where | hint |", "|---|---|---|---|---|"]
    lines += [f"| `{g.id}` | {g.kind} | {g.why} | {g.where} | {g.hint} |" for g in draft.guesses]
    lines += ["", "No field is marked `required: true`: mark those an application must answer. A field id in a "
              "sentence is also its `{placeholder}` in every catalog: rename both together. The form follows those "
              "listed in `forms:` of forms/project.yaml by its file name: list it where it belongs, and its "
              "municipality's field in `folder_name:` if `fill` should name folders after it.", ""]
    sections = [("Letterhead", [f"{letterhead}: the form is printed on the sender's letterhead (`letterhead: true`)"]
                 if letterhead else []),
                ("Tables and lists", draft.checks),
                ("Call values replaced by placeholders", draft.replaced),
                ("Where the documents differ", unmatched),
                ("Not imported", [f"{r.path}: {item}" for r in readings for item in r.left_out]),
                ("Paragraph styles", draft.styles)]
    for title, items in sections:
        lines += [f"## {title}", ""] + ([f"- {item}" for item in items] or ["- none"]) + [""]
    return "\n".join(lines)


# ---- the command line's side ----------------------------------------------------------------------

def project_languages(project) -> tuple[str, ...]:
    """The languages of the project, in its order (forms/project.yaml): a document is given for each,
    in this order."""
    return project.languages.codes


def run(options) -> int:
    project = find_project(options.project)
    call_path = project.call(options.call)
    langs = project_languages(project)
    documents = options.documents
    if len(documents) > min(len(langs), MAX_DOCUMENTS):
        raise UsageError("formgen import", "", f"{len(documents)} documents, but the project has {len(langs)} "
                         f"languages ({', '.join(langs)}) and import aligns two at most",
                         "give the documents of the first languages, in that order; the others' messages are "
                         "added empty, to translate")
    form_id = options.form_id
    if not FIELD_ID.match(form_id):
        raise UsageError("--id", form_id, "is not a form id", "use lower-case ASCII letters, digits and _, "
                         "starting with a letter: --id annex3")
    form_path = project.writable(project.forms_dir / f"{form_id}.yaml")
    project.writable(project.locales_dir)
    forms = load_forms(project.forms_dir)
    _refuse_overwrite(form_path, form_id, forms, options.force)
    call = load_call(call_path, langs)
    readings = [read_units(read_source(path), lang) for path, lang in zip(documents, langs)]
    pairs, unmatched = _pairs(readings, options.loose)
    literals = {lang: call_literals(localizer(project.languages[lang], call, project)) if lang in
                [r.lang for r in readings] else [] for lang in langs}
    taken = {f.id for form_def in forms.values() if form_def.id != form_id for f in form_def.field_defs()}
    draft = Draft(form_id, list(langs), literals, taken, tuple(shared_choices(project.forms_dir)))
    draft.add(pairs)
    letterhead = readings[0].letterhead
    text = form_text(draft.definition(bool(letterhead)), f"{form_id}: imported by `formgen import` from "
                     + ", ".join(Path(r.path).name for r in readings) + "; see its report for what to check.")
    catalogs = _catalogs(project, forms, form_path, text, draft.messages, options.force)
    for lang, (path, merged) in zip(langs, catalogs.items()):
        if lang in [r.lang for r in readings]:  # it builds in every language it has texts in
            localized = Translations(Catalog(parse_po(path, merged)).texts())
            Localizer(project.languages[lang], localized, call, str(path)).document(form_of_text(text, form_path))
    write_file(form_path, text.encode("utf-8"))
    for path, merged in catalogs.items():
        write_file(path, merged.encode("utf-8"))
    missing = [lang for lang in langs if lang not in [r.lang for r in readings]]
    written = report(form_path, readings, draft, letterhead, unmatched, missing, str(call_path))
    if options.report:
        write_file(options.report, written.encode("utf-8"))
    else:
        say(written)
    say(f"wrote {form_path} ({len(draft.blocks)} blocks, {len(draft.guesses)} fields guessed) and "
        f"{len(draft.messages)} messages into {', '.join(str(p) for p in catalogs)}"
        + (f"; the guesses to check are in {options.report}" if options.report else "")
        + f"; next: formgen check{' (it lists the messages to translate)' if missing else ''}, formgen build --form "
        f"{form_id}")
    return 0


def _refuse_overwrite(form_path: Path, form_id: str, forms: dict, force: bool) -> None:
    if force:
        return
    if form_path.exists():
        raise FormgenError(form_path, "", "exists", "give another --id, or --force to replace the form")
    if form_id in forms:
        raise FormgenError(forms[form_id].source, "id", f"the form '{form_id}' is defined here",
                           "give another --id, or --force to replace it")


def _pairs(readings: list[Reading], loose: bool) -> tuple[list[Pair], list[str]]:
    if len(readings) == 1:
        return [Pair(unit, None) for unit in readings[0].units], []
    return paired(readings[0], readings[1], loose)


def _catalogs(project, forms: dict, form_path: Path, text: str, messages: dict[str, dict[str, str]],
              force: bool) -> dict[Path, str]:
    """Each catalog's new text; an existing message with another text stops it, unless --force."""
    form = form_of_text(text, form_path)
    others = [f for f in forms.values() if f.id != form.id]
    used = list(used_message_ids([*others, form]))
    merged = {}
    for lang in project_languages(project):
        path = po_path(lang, project.locales_dir)
        exists = path.exists()  # a language just added to the project has no catalog yet
        catalog = read_catalog(path) if exists else Catalog([])
        texts = {message_id: by_lang[lang] for message_id, by_lang in messages.items()}
        clashes = [m for m in texts if (found := catalog.get(m)) is not None and found.string != texts[m]
                   and texts[m]]
        if clashes and not force:
            raise FormgenError(path, f"line {catalog.get(clashes[0]).lineno}", f"msgid \"{clashes[0]}\" exists with "
                               "another text", "give another --id, or --force to replace the form's messages")
        before = path.read_bytes().decode("utf-8") if exists else new_catalog(lang)
        merged[path], _, _ = merged_po(before, used, texts,
                                       frozenset(clashes) if force else frozenset())
    return merged
