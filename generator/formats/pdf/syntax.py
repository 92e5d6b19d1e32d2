"""PDF syntax, in one place: objects serialised to bytes, the file around them (xref, trailer),
page content operators and the embedded fonts.

formgen writes its PDFs in one pass with this module alone (no reportlab, no pikepdf): each object
is serialised once, when it is put, so a copy of a finished file (`PdfObjects`) can have a few of
its objects replaced and be written again without parsing anything (`fill`). Output is
deterministic: no dates, and the file ID is a hash of the content.
"""
from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping, Sequence

from .fonts import Face, face, text_width, trimmed_font

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
COMPRESSION = 3  # zlib level of content, appearance and object streams (fonts: 9, once per process):
# level 6 made Annex 2 2 % smaller (2 KB) for 1.4 ms of its 15
COLD_COMPRESSION = 6  # the structure tree's object stream, made once a blank: 1 KB (1 %) smaller than at 3 for 1 ms
XREF_ENTRY = struct.Struct(">BIH")  # a cross-reference stream's entry: /W [1 4 2]


class Name(str):
    """A PDF name: /Name."""


class Raw(bytes):
    """Bytes already in PDF syntax, written as they are."""


class Ref(bytes):
    """An indirect reference, kept as the bytes it is written as: `number 0 R`; `reference(number)`
    makes each once per process."""

    def __new__(cls, number: int) -> Ref:
        ref = super().__new__(cls, b"%d 0 R" % number)
        ref.number = number
        return ref


_REFS: list[Ref] = [Ref(0)]


def reference(number: int) -> Ref:
    while len(_REFS) <= number:
        _REFS.append(Ref(len(_REFS)))
    return _REFS[number]


@dataclass(frozen=True)
class Stream:
    """A stream object; `data` is Flate-compressed when `entries` say so (see `flate`)."""

    entries: Mapping[str, object]
    data: bytes


def flate(data: bytes, level: int = COMPRESSION, **entries: object) -> Stream:
    return Stream({**entries, "Filter": Name("FlateDecode")}, zlib.compress(data, level))


def number(value: float) -> str:
    """A number as PDF writes it: integers plain, reals to a thousandth of a point, no exponent."""
    return str(value) if type(value) is int else repr(round(value, 3) + 0.0)  # + 0.0: no "-0.0"


LITERAL_ESCAPES = {b"\\": b"\\\\", b"(": b"\\(", b")": b"\\)", b"\r": b"\\r", b"\n": b"\\n"}
LITERAL_SPECIAL = re.compile(rb"[\\()\r\n]")


@lru_cache(maxsize=4096)  # labels, ids and font strings recur in every document
def text_string(text: str) -> bytes:
    """A text string: printable ASCII as it is, anything else as UTF-16BE with a BOM (its bytes in
    a literal string: half the size of hex), with \\ ( ) and line ends escaped."""
    data = text.encode() if text.isascii() and text.isprintable() else (
        b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass"))
    return b"(" + LITERAL_SPECIAL.sub(lambda match: LITERAL_ESCAPES[match.group()], data) + b")"


def name_bytes(name: str) -> bytes:
    out = bytearray(b"/")
    for byte in name.encode():
        out += bytes([byte]) if 0x21 <= byte <= 0x7E and byte not in b"#()<>[]{}/%" else b"#%02X" % byte
    return bytes(out)


def serialise(obj: object) -> bytes:
    try:
        return WRITERS[type(obj)](obj)
    except KeyError:
        raise TypeError(f"not a PDF object: {type(obj).__name__}") from None


class _Names(dict):
    """Each name as it is written (`suffix` after it), made once: a dictionary lookup is quicker
    than a cached function call."""

    def __init__(self, suffix: bytes) -> None:
        super().__init__()
        self.suffix = suffix

    def __missing__(self, name: str) -> bytes:
        self[name] = name_bytes(name) + self.suffix
        return self[name]


_KEYS, _NAMES = _Names(b" "), _Names(b"")


def _dictionary(obj: Mapping[str, object]) -> bytes:
    keys, writers = _KEYS, WRITERS
    return b"<<" + b"".join([keys[key] + writers[type(value)](value) for key, value in obj.items()]) + b">>"


def _array(obj: Sequence[object]) -> bytes:
    return b"[" + b" ".join([WRITERS[type(item)](item) for item in obj]) + b"]"


def _stream(obj: Stream) -> bytes:
    return _dictionary({**obj.entries, "Length": len(obj.data)}) + b"\nstream\n" + obj.data + b"\nendstream"


WRITERS = {
    dict: _dictionary, list: _array, tuple: _array, Stream: _stream, Raw: bytes, Name: _NAMES.__getitem__,
    str: text_string, Ref: bytes, int: lambda value: b"%d" % value,
    float: lambda value: number(value).encode(), bool: lambda value: b"true" if value else b"false",
    type(None): lambda value: b"null",
}


class PdfObjects:
    """The numbered objects of one file, each serialised when it is put.

    The file packs every object that is not a stream into compressed object streams of the
    objects numbered within one block of PACK, so dictionaries (fields, pages, fonts) cost a fifth
    of their size; a packed block is compressed once and again only when one of its objects is
    put anew. The cold objects, which no reader of fields needs (the structure tree), are one object
    stream of their own, in a packed file and an unpacked one, compressed harder: it is made once
    for a blank and never again for its rows."""

    PACK = 64
    COLD = -1  # the cold objects' block

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.streams: set[int] = set()  # numbers of stream objects: never packed
        self.cold: set[int] = set()  # numbers of the cold objects (`mark_cold`)
        self.packed: dict[int, bytes] = {}  # block → its object stream's serialised body

    def reserve(self) -> Ref:
        self.bodies.append(b"null")
        return reference(len(self.bodies))

    def put(self, ref: Ref, obj: object) -> Ref:
        number = ref.number
        self.bodies[number - 1] = serialise(obj)
        if type(obj) is Stream:
            self.streams.add(number)
        else:
            self.streams.discard(number)
        self.packed.pop(self.COLD if number in self.cold else (number - 1) // self.PACK, None)
        return ref

    def add(self, obj: object) -> Ref:
        return self.put(self.reserve(), obj)

    def put_serialised(self, ref: Ref, body: bytes) -> Ref:
        """A reserved object, already in PDF syntax (not a stream)."""
        return self.put(ref, Raw(body))

    def mark_cold(self, refs: Sequence[Ref]) -> None:
        """Objects (not streams) no reader of fields needs: packed even in an unpacked file."""
        self.cold.update(ref.number for ref in refs)
        self.packed.pop(self.COLD, None)

    def add_serialised(self, body: bytes, is_stream: bool = False) -> Ref:
        """An object already in PDF syntax (made from a template): nothing to serialise."""
        self.bodies.append(body)
        if is_stream:
            self.streams.add(len(self.bodies))
        return reference(len(self.bodies))

    def copy(self) -> PdfObjects:
        other = PdfObjects()
        other.bodies, other.streams, other.packed = list(self.bodies), set(self.streams), dict(self.packed)
        other.cold = self.cold  # made with the blank, never changed by its rows
        return other

    def file(self, root: Ref, info: Ref, pack: bool = True) -> bytes:
        """The whole file: header, stream objects, object streams, a cross-reference stream; the ID
        hashes everything before it. Unpacked (every object on its own but the cold ones) the file is
        a third larger but a reader gets at a field without inflating the blocks around it."""
        chunks, at = [HEADER], len(HEADER)
        entries = {0: (0, 0, 0xFFFF)}  # number → cross-reference entry (type, field 2, field 3)

        def write(number: int, body: bytes) -> None:
            nonlocal at
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            entries[number] = (1, at, 0)
            chunks.append(chunk)
            at += len(chunk)

        count = next_number = len(self.bodies)
        bodies, cold = self.bodies, self.cold
        plain = sorted(self.streams) if pack else [n for n in range(1, count + 1) if n not in cold]
        for number in plain:  # write(), inlined: hundreds
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number - 1])
            entries[number] = (1, at, 0)
            chunks.append(chunk)
            at += len(chunk)
        blocks = [(block, [n for n in range(block * self.PACK + 1, min(count, (block + 1) * self.PACK) + 1)
                           if n not in self.streams and n not in cold])
                  for block in range((count + self.PACK - 1) // self.PACK if pack else 0)]
        for block, members in [*blocks, (self.COLD, sorted(cold))]:
            if not members:
                continue
            if block not in self.packed:
                self.packed[block] = self.object_stream(members, COLD_COMPRESSION if block == self.COLD else COMPRESSION)
            next_number += 1
            entries.update((number, (2, next_number, index)) for index, number in enumerate(members))
            write(next_number, self.packed[block])
        body = b"".join(chunks)
        digest = Raw(b"<" + hashlib.md5(body).hexdigest().encode() + b">")
        next_number += 1
        entries[next_number] = (1, at, 0)  # the cross-reference stream itself
        pack_entries = struct.Struct(XREF_ENTRY.format[:1] + XREF_ENTRY.format[1:] * (next_number + 1)).pack
        table = pack_entries(*[value for number in range(next_number + 1) for value in entries[number]])
        trailer = flate(table, Type=Name("XRef"), Size=next_number + 1, W=[1, 4, 2], Root=root, Info=info,
                        ID=[digest, digest])
        return body + b"%d 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n" % (next_number, serialise(trailer), at)

    def object_stream(self, members: list[int], level: int = COMPRESSION) -> bytes:
        bodies = [self.bodies[number - 1] for number in members]
        offsets, at = [], 0
        for body in bodies:
            offsets.append(at)
            at += len(body) + 1
        header = " ".join(f"{number} {offset}" for number, offset in zip(members, offsets)).encode() + b"\n"
        return serialise(flate(header + b"\n".join(bodies) + b"\n", level, Type=Name("ObjStm"), N=len(members),
                               First=len(header)))


# ---- page content --------------------------------------------------------------------------------

CLOSED = object()  # no marked-content sequence is open


class Canvas:
    """One page's (or form XObject's) content stream, drawn with the few operations formgen uses.
    Text is set in the shipped font subsets, as Identity-H glyph ids; `fonts` maps a face key to
    the resource name the page's resources give it.

    A tagged page (`marker` given) marks everything it draws: text as the content of `owner`, a
    structure element (tags.py), and text without an owner, lines, shapes and images as artifacts.
    `marker(owner)` is the operator that opens the sequence (owner None: an artifact)."""

    def __init__(self, fonts: dict[str, str], chars: dict[str, set[str]] | None = None,
                 marker: Callable[[object], str] | None = None) -> None:
        self.fonts = fonts
        self.chars = {} if chars is None else chars  # face → every character set in it
        self.ops: list[str] = []
        self.face: Face | None = None
        self.size = 0.0
        self.marker = marker
        self.owner: object = None  # what the text drawn now is the content of (None: an artifact)
        self.marked: object = CLOSED  # the owner of the open sequence

    def content(self) -> bytes:
        return "\n".join(self.ops + (["EMC"] if self.marked is not CLOSED else [])).encode("latin-1")

    def mark(self, owner: object) -> None:
        """What is drawn next belongs to `owner` (None: an artifact): a new sequence if it did not."""
        if self.marker is None or owner is self.marked:
            return
        if self.marked is not CLOSED:
            self.ops.append("EMC")
        self.ops.append(self.marker(owner))
        self.marked = owner

    def set_font(self, key: str, size: float) -> None:
        if key not in self.fonts:
            self.fonts[key] = f"F{len(self.fonts) + 1}"
        self.chars.setdefault(key, set())
        self.face, self.size = face(key), size

    def set_fill_gray(self, gray: float) -> None:
        self.ops.append(f"{number(gray)} g")

    def set_line_width(self, width: float) -> None:
        self.ops.append(f"{number(width)} w")

    def draw_string(self, x: float, y: float, text: str, word_space: float = 0.0) -> None:
        """`text` from (x, y) in the current font; `word_space` widens each space (justified lines)."""
        font, size = self.face, self.size
        self.chars[font.key].update(text)
        self.mark(self.owner)
        if word_space:
            gap = f"{-word_space * 1000 / size:.3f}"
            shown = "[" + f" {gap} ".join(f"<{glyph_hex(font.key, word)}>"
                                           for word in spaced_words(text)) + "] TJ"
        else:
            shown = f"<{glyph_hex(font.key, text)}> Tj"
        self.ops.append(f"BT /{self.fonts[font.key]} {size:g} Tf {x:.3f} {y:.3f} Td {shown} ET")

    def draw_centred_string(self, x: float, y: float, text: str) -> None:
        self.draw_string(x - text_width(text, self.face.key, self.size) / 2, y, text)

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.mark(None)
        self.ops.append(f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l S")

    def rect(self, x: float, y: float, width: float, height: float, fill: bool = False) -> None:
        self.mark(None)
        self.ops.append(f"{x:.3f} {y:.3f} {width:.3f} {height:.3f} re {'f' if fill else 'S'}")

    def circle(self, cx: float, cy: float, r: float) -> None:
        self.mark(None)
        self.ops.append(circle_path(cx, cy, r).decode() + " S")

    def draw_image(self, name: str, x: float, y: float, width: float, height: float) -> None:
        """Image XObject `name` over the rectangle; an image mask paints in the fill colour."""
        self.mark(None)
        self.ops.append(f"q {width:.3f} 0 0 {height:.3f} {x:.3f} {y:.3f} cm /{name} Do Q")

    def literal(self, operators: bytes) -> None:
        self.mark(None)
        self.ops.append(operators.decode("latin-1"))


def rectangle(values: Sequence[float]) -> Raw:
    """An array of numbers to a hundredth of a point (a /Rect, a /BBox): formatted at once."""
    return Raw(b"[%.2f %.2f %.2f %.2f]" % tuple(values))


def image_mask(width: int, height: int, bits: bytes) -> Stream:
    """A 1-bit image whose 1s are painted in the fill colour, crisp at any scale (no interpolation)."""
    return flate(bits, Type=Name("XObject"), Subtype=Name("Image"), Width=width, Height=height,
                 ImageMask=True, Decode=[1, 0])


def spaced_words(text: str) -> list[str]:
    """The text cut after each space: the gaps a TJ array widens."""
    words = text.split(" ")
    return [word + " " for word in words[:-1]] + words[-1:]


@lru_cache(maxsize=16384)
def glyph_hex(key: str, text: str) -> str:
    """Identity-H codes: the glyph id of each character, 2 bytes each (hex strings need no escaping)."""
    ids = face(key).glyph_ids
    return "".join(f"{ids.get(char, 0):04X}" for char in text.replace("\t", " "))


def circle_path(cx: float, cy: float, r: float) -> bytes:
    k = 0.5523 * r  # Bézier handle length for a quarter circle
    ops = [f"{cx + r:.2f} {cy:.2f} m",
           f"{cx + r:.2f} {cy + k:.2f} {cx + k:.2f} {cy + r:.2f} {cx:.2f} {cy + r:.2f} c",
           f"{cx - k:.2f} {cy + r:.2f} {cx - r:.2f} {cy + k:.2f} {cx - r:.2f} {cy:.2f} c",
           f"{cx - r:.2f} {cy - k:.2f} {cx - k:.2f} {cy - r:.2f} {cx:.2f} {cy - r:.2f} c",
           f"{cx + k:.2f} {cy - r:.2f} {cx + r:.2f} {cy - k:.2f} {cx + r:.2f} {cy:.2f} c"]
    return " ".join(ops).encode()


# ---- embedded fonts ----------------------------------------------------------------------------

def add_font(pdf: PdfObjects, key: str, chars: frozenset[str] | None = None) -> Ref:
    """A Type0 / CIDFontType2 font with Identity-H codes = glyph ids of the shipped subset, whose
    outlines are all embedded, or only those of `chars` (a face that only prints: a viewer never
    sets new text in it); the costly parts (compressed font program, /W, /ToUnicode) are made once
    per process and set of characters."""
    font, parts = face(key), font_parts(key, chars)
    base_font = Name(parts.tag + "+" + font.postscript_name)
    font_file = pdf.add(Stream({"Length1": parts.length, "Filter": Name("FlateDecode")}, parts.compressed_font))
    descriptor = pdf.add({
        "Type": Name("FontDescriptor"), "FontName": base_font, "Flags": 4, "FontBBox": list(font.bbox),
        "ItalicAngle": font.italic_angle, "Ascent": font.ascent, "Descent": font.descent,
        "CapHeight": font.cap_height, "StemV": 80, "FontFile2": font_file})
    cid_font = pdf.add({
        "Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": base_font,
        "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
        "FontDescriptor": descriptor, "W": parts.widths, "CIDToGIDMap": Name("Identity")})
    to_unicode = pdf.add(Stream({"Filter": Name("FlateDecode")}, parts.compressed_to_unicode))
    return pdf.add({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": base_font,
                    "Encoding": Name("Identity-H"), "DescendantFonts": [cid_font], "ToUnicode": to_unicode})


@dataclass(frozen=True)
class FontParts:
    tag: str
    length: int  # of the font program before compression
    compressed_font: bytes
    compressed_to_unicode: bytes
    widths: Raw


@lru_cache(maxsize=64)
def font_parts(key: str, chars: frozenset[str] | None = None) -> FontParts:
    """What a PDF font needs that costs time to make: made once per process and set of characters."""
    font = face(key)
    program = font.data if chars is None else trimmed_font(key, chars)
    digest = hashlib.sha256(program).digest()
    tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
    return FontParts(tag, len(program), zlib.compress(program, 9), *_whole_face_parts(key))


@lru_cache(maxsize=None)
def _whole_face_parts(key: str) -> tuple[bytes, Raw]:
    """(compressed /ToUnicode, /W): the same for every set of characters of a face."""
    font = face(key)
    return zlib.compress(to_unicode_cmap(font), 9), Raw(serialise([0, list(font.advances)]))


def to_unicode_cmap(font: Face) -> bytes:
    unicode_of: dict[int, str] = {}
    for char, gid in font.glyph_ids.items():  # sorted by code point: the lowest one names the glyph
        unicode_of.setdefault(gid, char)
    entries = [f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in sorted(unicode_of.items())]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(blocks) +
            "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()
