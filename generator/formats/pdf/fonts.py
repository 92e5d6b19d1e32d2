"""The PT fonts the PDFs use: their subsets, metrics, and which characters they cover.

The subsets (Latin, Latin-1, Cyrillic, general punctuation, №) ship with the package in
`fontdata/`, made once by tools/make_font_subsets.py with fontTools; reading them here costs
about a millisecond, so no run of formgen subsets a font. Renderers get plain data (`Face`): the
subset's bytes and the metrics needed to build a PDF font from it.
"""
from __future__ import annotations

import json
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ...errors import FormgenError

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
    keys = tuple(keys)
    faces = [face(key) for key in keys]
    everywhere = _everywhere(keys)
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


@lru_cache(maxsize=8)
def _everywhere(keys: tuple[str, ...]) -> frozenset[str]:
    """What every one of the faces shows (line breaks and tabs too: no glyph, no box)."""
    faces = [face(key) for key in keys]
    return frozenset(set.intersection(*(set(f.glyph_ids) for f in faces)) | set("\n\r\t")) if faces else frozenset()


def undrawable(text: str) -> str | None:
    """Why a value cannot be shown in the PDF's fields: a character their font has no glyph for (emoji,
    CJK, Arabic) would be an empty box where the value has a letter. None when it can."""
    font = face("sans")
    missing = [char for char in dict.fromkeys(text) if char not in "\n\r\t" and not font.covers(char)]
    if not missing:
        return None
    shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in missing[:3])
    return f"the PDF font has no letter for {shown} (write it in Cyrillic or Latin letters)"


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


# ---- keeping only the glyphs a document shows ----------------------------------------------------

_COMPOSITE_MORE, _COMPOSITE_WORDS = 0x20, 0x01
_COMPOSITE_SCALES = ((0x08, 2), (0x40, 4), (0x80, 8))  # a scale, an x and y scale, a 2×2 matrix


@lru_cache(maxsize=64)
def trimmed_font(key: str, chars: frozenset[str]) -> bytes:
    """The face's shipped subset with every glyph outline but those of `chars` (and the glyphs they
    are composed of) emptied. Glyph ids stay as they are, so the text already set keeps its codes:
    a page's serif text then embeds a few dozen outlines instead of some 600."""
    font = face(key)
    ids = font.glyph_ids
    return _keep_glyphs(font.data, {0, *(ids[char] for char in chars if char in ids)})


def _keep_glyphs(data: bytes, keep: set[int]) -> bytes:
    tables = _tables(data)
    long_offsets = struct.unpack_from(">h", tables["head"], 50)[0] == 1
    count = struct.unpack_from(">H", tables["maxp"], 4)[0]
    loca, glyf = tables["loca"], tables["glyf"]
    offsets = struct.unpack_from(f">{count + 1}{'I' if long_offsets else 'H'}", loca)
    offsets = offsets if long_offsets else tuple(2 * offset for offset in offsets)
    outline = lambda gid: glyf[offsets[gid]:offsets[gid + 1]]  # noqa: E731
    keep = _with_components(keep, outline, count)
    kept, new_offsets, position = [], [], 0
    for gid in range(count):
        new_offsets.append(position)
        if gid in keep:
            kept.append(outline(gid))
            position += len(kept[-1])
    new_offsets.append(position)
    tables["glyf"] = b"".join(kept)
    tables["loca"] = struct.pack(f">{count + 1}{'I' if long_offsets else 'H'}",
                                 *(new_offsets if long_offsets else [offset // 2 for offset in new_offsets]))
    return _font_file(data, tables)


def _with_components(keep: set[int], outline: Callable[[int], bytes], count: int) -> set[int]:
    """`keep` and every glyph a composite glyph in it is built from, however deep."""
    keep = {gid for gid in keep if gid < count}
    todo = list(keep)
    while todo:
        glyph = outline(todo.pop())
        if len(glyph) < 10 or struct.unpack_from(">h", glyph)[0] >= 0:
            continue  # empty or a simple glyph
        at = 10
        while at + 4 <= len(glyph):
            flags, component = struct.unpack_from(">HH", glyph, at)
            if component < count and component not in keep:
                keep.add(component)
                todo.append(component)
            at += 4 + (4 if flags & _COMPOSITE_WORDS else 2)
            at += sum(size for flag, size in _COMPOSITE_SCALES if flags & flag)
            if not flags & _COMPOSITE_MORE:
                break
    return keep


def _tables(data: bytes) -> dict[str, bytes]:
    count = struct.unpack_from(">H", data, 4)[0]
    tables = {}
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tables[tag.decode("latin-1")] = data[offset:offset + length]
    return tables


def _font_file(original: bytes, tables: dict[str, bytes]) -> bytes:
    """A TrueType file of `tables` in the original's table order, checksums and the head's
    checkSumAdjustment made again."""
    order = [struct.unpack_from(">4s", original, 12 + 16 * index)[0].decode("latin-1")
             for index in range(len(tables))]
    head = bytearray(tables["head"])
    head[8:12] = b"\0\0\0\0"
    tables = {**tables, "head": bytes(head)}
    directory, body, offset = [], [], 12 + 16 * len(order)
    for tag in order:
        data = tables[tag]
        padded = data + b"\0" * (-len(data) % 4)
        directory.append((tag, _checksum(padded), offset, len(data)))
        body.append(padded)
        offset += len(padded)
    font = bytearray(original[:12] + b"".join(struct.pack(">4sIII", tag.encode("latin-1"), checksum, at, length)
                                              for tag, checksum, at, length in sorted(directory)) + b"".join(body))
    head_at = next(at for tag, _, at, _ in directory if tag == "head")
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _checksum(data: bytes) -> int:
    data = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF
