"""The PT fonts the PDFs use: their subsets, metrics, and which characters they cover.

The subsets (Latin, Latin-1, Cyrillic, general punctuation, №) ship with the package in
`fontdata/`, made once by tools/make_font_subsets.py with fontTools; reading them here costs
about a millisecond, so no run of formgen subsets a font. Renderers get plain data (`Face`): the
subset's bytes and the metrics needed to build a PDF font from it.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from .errors import FormgenError

# face key → (family, weight, style) of the source font (fontpkg) the subset is made from
FACES = {
    "serif": ("PT Serif", 400, "normal"),
    "serif-bold": ("PT Serif", 700, "normal"),
    "sans": ("PT Sans", 400, "normal"),
}
# What the forms can show and a user may type: Latin, Latin-1, Cyrillic, general punctuation, №.
SUBSET_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x400, 0x4FF), (0x2000, 0x206F), (0x2116, 0x2116))
SUBSET_CODEPOINTS = frozenset(c for low, high in SUBSET_RANGES for c in range(low, high + 1))
FONT_DATA = Path(__file__).parent / "fontdata"  # <key>.ttf and the metrics of each
METRICS_FILE = "metrics.json"


@dataclass(frozen=True)
class Face:
    key: str
    family: str
    postscript_name: str
    data: bytes  # the subset TrueType file
    units_per_em: int
    glyph_ids: dict[str, int]  # character → glyph id in `data`
    advances: tuple[int, ...]  # per glyph id, in 1/1000 em
    ascent: int  # the rest in 1/1000 em, for the PDF font descriptor
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` points; characters without a glyph count as .notdef."""
        advances, ids = self.advances, self.glyph_ids
        return sum(advances[ids.get(char, 0)] for char in text) * size / 1000

    def covers(self, char: str) -> bool:
        return char in self.glyph_ids


@lru_cache(maxsize=None)
def face(key: str) -> Face:
    """One face's shipped subset, read once per process."""
    return Face(key=key, family=FACES[key][0], data=(FONT_DATA / f"{key}.ttf").read_bytes(),
                **_face_metrics(key))


def _face_metrics(key: str) -> dict:
    metrics = dict(_metrics()[key])
    metrics.pop("source")
    metrics["glyph_ids"] = {chr(code): gid for code, gid in metrics.pop("cmap")}
    metrics["advances"] = tuple(metrics["advances"])
    metrics["bbox"] = tuple(metrics["bbox"])
    return metrics


@lru_cache(maxsize=None)
def _metrics() -> dict:
    return json.loads((FONT_DATA / METRICS_FILE).read_text(encoding="utf-8"))


class _Widths(dict):
    """Widths of texts in one face and size, each measured once: the same words are measured again
    and again (each line break tries them, bilingual editions repeat the labels, every hint is
    centred). A dictionary lookup is quicker than a cached function call; bounded like a cache."""

    LIMIT = 8192

    def __init__(self, key: str, size: float) -> None:
        super().__init__()
        self.face, self.size = face(key), size

    def __missing__(self, text: str) -> float:
        if len(self) >= self.LIMIT:
            self.clear()
        width = self[text] = self.face.width(text, self.size)
        return width


@lru_cache(maxsize=64)
def widths(key: str, size: float) -> _Widths:
    return _Widths(key, size)


def text_width(text: str, key: str, size: float) -> float:
    return widths(key, size)[text]


def font_problems(texts: Iterable[tuple[str, str]], keys: Iterable[str] = tuple(FACES)) -> list[str]:
    """One line per character (and place) that a PDF font would not show.

    `texts` are (where, text) pairs; `where` names the place in the line, e.g. a catalog path and msgid.
    """
    return [error.line() for error in font_errors(texts, keys)]


def font_errors(texts: Iterable[tuple[str, str]], keys: Iterable[str] = tuple(FACES)) -> list[FormgenError]:
    """`font_problems` as errors, for a command that stops at the first."""
    faces = [face(key) for key in keys]
    everywhere = set.intersection(*(set(f.glyph_ids) for f in faces)) | set("\n\r\t") if faces else set()
    problems = []
    for where, text in texts:
        if everywhere.issuperset(text):  # nearly every text: no character to look at one by one
            continue
        for char in dict.fromkeys(text):  # each character once, in order of appearance
            if char in everywhere:
                continue
            missing = [f"{f.family}{' Bold' if f.key.endswith('bold') else ''}" for f in faces if not f.covers(char)]
            if missing:
                name = unicodedata.name(char, "unnamed character")
                problems.append(FormgenError(where, "", f"character {char!r} (U+{ord(char):04X} {name}) is not in "
                                             f"the PDF font{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                                             "it would print as a blank box; use another character", code="FG401"))
    return problems


def split_to_width(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A word wider than `width` (a long address, a URL) cut into pieces that fit, each as long as
    it can be. Widths add up character by character (the PDF text has no kerning), so each distinct
    character is measured once and a word of 400 000 characters costs linear time, not quadratic."""
    pieces, start, used, advances = [], 0, 0.0, {}
    for index, char in enumerate(word):
        if char not in advances:
            advances[char] = measure(char)
        if used + advances[char] > width and index > start:  # one character always goes on a line
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += advances[char]
    return pieces + [word[start:]]
