"""A returned PDF's form fields read straight from its bytes, and the walk of a field tree that
this reader and qpdf's (read.py) share.

Through qpdf, Python resolves each field object of a file one call at a time: about 5 ms for
Annex 2's 150. Returned forms of one call also share most field objects byte for byte (every field
left empty is as the blank has it), so this reader follows the cross-reference sections itself,
takes each object's bytes, and parses a dictionary only the first time its bytes are seen.

It answers only where it reads the file exactly as qpdf does. Anything else gives None, and
read.py reads the file with qpdf. That covers encryption, a damaged cross-reference, a comment
inside an object and unescaped parentheses in a string. It also covers a value that is not plain
text, a name with # escapes, and nesting deeper than a form uses. The caller counts the file's
objects first (bounds.py); this reader visits at most MAX_FIELD_NODES fields.
"""
from __future__ import annotations

import re
import struct
import zlib
from typing import Callable, NamedTuple

from ...model.messages import said
from .bounds import MAX_UNPACKED_OBJECT_STREAMS

SIGNED = "signed"  # what a signature field reads as once signed; `signatures.py` says whether it holds
MAX_FIELD_NODES = 20_000  # a form has a few hundred; a hostile file may nest or repeat them without end
MAX_SECTIONS = 64  # cross-reference sections: one per save of the file
MAX_ENTRIES = 100_000  # of one section (a form has a few thousand objects): what Python loops over stays small
MAX_CACHED = 10_000  # objects, nodes and arrays remembered: about 1.3 KB each, so at most about 13 MB


class Node(NamedTuple):
    """One dictionary of a field tree, as either reader sees it."""

    name: str  # /T, '' when absent
    kind: object  # /FT, None when absent (a kid inherits its parent's)
    kids: list  # the kids that are fields (with a name or kids of their own), not widgets
    value: object  # /V as the reader holds it, None when absent


def walk_fields(fields: list, node: Callable, value_text: Callable,
                identity: Callable | None = None) -> tuple[dict[str, str], list[str]]:
    """({full field name: value}, problems) of the tree under `fields`: each object at most once
    and MAX_FIELD_NODES fields in all (a dictionary that is no field, without a name, kids, type or
    value, is passed over uncounted). A kid without its own type or value has its parent's, as PDF
    inherits them. `node(handle)` is its Node, `value_text(value, kind)` is (text, problem or None).
    `identity(handle)` tells objects apart (None: not a dictionary, skipped); without it, a handle is
    its own identity."""
    stack = [(field, "", None, None) for field in reversed(fields)]
    found: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    seen: set = set()
    counted = 0
    while stack and counted < MAX_FIELD_NODES:
        handle, prefix, kind, value = stack.pop()
        key = handle if identity is None else identity(handle)
        if key is None or key in seen:
            continue
        seen.add(key)
        name, own_kind, kids, own_value = node(handle)
        if not (name or kids or own_kind is not None or own_value is not None):
            continue
        counted += 1
        full = f"{prefix}.{name}" if prefix and name else (name or prefix)
        kind = str((own_kind if own_kind is not None else kind) or "")
        value = own_value if own_value is not None else value
        if kids:
            stack.extend((kid, full, kind, value) for kid in reversed(kids))
        elif full:
            _add_field(found, problems, full, kind, *value_text(value, kind))
    if stack:
        problems.append(said("problem.field_tree_cut", limit=MAX_FIELD_NODES))
    return {name: value for name, (_, value) in found.items()}, problems


def _add_field(found: dict, problems: list[str], name: str, kind: str, value: str, problem: str | None) -> None:
    if problem:
        problems.append(said("problem.field_unread", field=name, detail=problem))
    if name not in found:
        found[name] = (kind, value)
    elif found[name][0] != kind:
        problems.append(said("problem.field_types", field=name, first=found[name][0] or "?", second=kind or "?"))
    elif found[name][1] != value:
        problems.append(said("problem.duplicate_field", field=name))


ON_STATES = {"on", "yes"}  # a check box's on state as other programs name it; formgen's is "yes"


def answer(text: str, kind: str = "") -> str:
    """A field's text as an answer: Off (a box or button not chosen) is empty, line ends are \\n. A
    button's or choice's value may be a name or a string, with or without the slash (pypdf writes
    the string "/4" for a radio button's name): it is the name; a box's /On or /Yes is ticked."""
    if kind in ("/Btn", "/Ch") and text.startswith("/"):
        text = text[1:]
    if kind == "/Btn" and text.casefold() in ON_STATES:
        return "yes"
    return "" if text == "Off" else text.replace("\r\n", "\n").replace("\r", "\n")


# ---- the quick reader ----------------------------------------------------------------------------

class Unreadable(Exception):
    """Something this reader does not follow exactly: qpdf reads the file instead."""


_WS = rb"[\x00\t\n\x0c\r ]"
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_END = rb"(?!" + _REGULAR + rb")"
_NAME = rb"/" + _REGULAR + rb"*"
_ATOM = (rb"(?:\d+" + _WS + rb"+\d+" + _WS + rb"+R|[+-]?(?:\d+(?:\.\d*)?|\.\d+)|true|false|null|" + _NAME + rb")"
         + _END + rb"|\([^()\\]*(?:\\.[^()\\]*)*\)|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>")


def _nested(depth: int) -> bytes:
    """A value holding arrays and dictionaries up to `depth` deep (a catalog's /AcroForm uses 3)."""
    value = _ATOM
    for _ in range(depth):
        value = (rb"(?:" + _ATOM + rb"|\[(?:" + _WS + rb"*" + value + rb")*" + _WS + rb"*\]|<<(?:" + _WS + rb"*"
                 + _NAME + _WS + rb"*" + value + rb")*" + _WS + rb"*>>)")
    return value


_VALUE = _nested(3)  # each level doubles the time the pattern takes to compile (13 ms)
_ENTRY = re.compile(rb"(" + _WS + rb"*(" + _NAME + rb")" + _WS + rb"*(" + _VALUE + rb"))", re.S)
_REFERENCE = re.compile(rb"(" + _WS + rb"*(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+R" + _END + rb")")
_INDIRECT = re.compile(rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+R")
_OBJECT = re.compile(rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj" + _END)
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*\r?\n")
_ENTRY_20 = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_SPACES = re.compile(_WS + rb"*")
_STREAM = re.compile(rb"stream(?:\r\n|\n)")
_WHITESPACE = b"\x00\t\n\x0c\r "
_BREAK = {bytes([c]) for c in b"\x00\t\n\x0c\r ()<>[]{}/%"}  # what may follow a keyword
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"\\": b"\\", b"\n": b""}
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_PLAIN = re.compile(rb"[\t\n\r\x20-\x7e]*")
_SURROGATES = re.compile("[\ud800-\udfff]")

_parsed: dict[bytes, dict[bytes, bytes]] = {}  # an object's bytes → its dictionary's entries
_nodes: dict[bytes, tuple] = {}  # an object's bytes → what _QuickPdf._node makes of them
_arrays: dict[bytes, list[int]] = {}  # an array's bytes → the objects it refers to


def _remember(cache: dict, key: bytes, value):
    if len(_parsed) + len(_nodes) + len(_arrays) >= MAX_CACHED:
        for each in (_parsed, _nodes, _arrays):
            each.clear()
    cache[key] = value
    return value


def quick_fields(data: bytes) -> tuple[dict[str, str], list[str]] | None:
    """As read.qpdf_fields gives them, or None where this reader cannot be sure of that."""
    try:
        return _QuickPdf(data).fields()
    except (Unreadable, ValueError, IndexError, KeyError, RecursionError, zlib.error):
        return None


class _QuickPdf:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.entries: dict[int, tuple[int, int, int]] = {}  # object → (1, offset, generation) or (2, stream, index)
        self.trailer: dict[bytes, bytes] = {}
        self.object_streams: dict[int, tuple[bytes, list[tuple[int, int]], int]] = {}
        self._read_sections()

    def fields(self) -> tuple[dict[str, str], list[str]]:
        root = self.dictionary(self.trailer[b"/Root"])
        form = root.get(b"/AcroForm")
        if form is None:
            return {}, []
        fields = self.dictionary(form).get(b"/Fields")
        return walk_fields(self.references(fields), self.node, _quick_value)

    def node(self, number: int) -> tuple:  # a Node's fields, made faster
        body = self._body(number)
        known = _nodes.get(body)
        if known is None:
            known = self._node(self.object(number, body))
            if not any(_INDIRECT.fullmatch(raw) for raw in known[4]):  # its text is its own
                _remember(_nodes, body, known)
        name, kind, kids, value, _ = known
        return name, kind, [kid for kid in kids if _field_entries(self.object(kid))] if kids else kids, value

    def _node(self, entries: dict[bytes, bytes]) -> tuple:
        """(name, kind, kids, value, the raw values that made them) of a field dictionary."""
        name, kind, value = entries.get(b"/T"), entries.get(b"/FT"), entries.get(b"/V")
        return (self.text(name) if name is not None else "", None if kind is None else _name(self.resolved(kind)),
                self.references(entries.get(b"/Kids")), None if value is None else self.text(value, names=True),
                [raw for raw in (name, kind, value, entries.get(b"/Kids")) if raw is not None])

    def text(self, raw: bytes, names: bool = False) -> str:
        raw = self.resolved(raw)
        if names and raw[:1] == b"/":
            return _name(raw)[1:]
        if raw[:1] == b"(":
            return _string_text(_literal(raw[1:-1]))
        if raw[:1] == b"<" and raw[:2] != b"<<":
            digits = bytes(c for c in raw[1:-1] if c not in _WHITESPACE)
            return _string_text(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii")))
        raise Unreadable("a value that is not text")

    # ---- objects ----

    def dictionary(self, raw: bytes | None) -> dict[bytes, bytes]:
        """The dictionary a value is or refers to."""
        if raw is None:
            raise Unreadable("missing")
        if raw[:2] == b"<<":
            return _entries(raw)
        number = _reference(raw)
        return self.object(number)

    def references(self, raw: bytes | None) -> list[int]:
        """The object numbers an array (or a reference to one) holds; nothing else is followed."""
        if raw is None:
            return []
        if raw[:1] != b"[":
            raw = self._body(_reference(raw)).strip(_WHITESPACE)
            if raw[:1] != b"[":
                raise Unreadable("not an array")
        numbers = _arrays.get(raw)
        if numbers is None:
            numbers = _remember(_arrays, raw, _references(raw))
        return numbers

    def resolved(self, raw: bytes) -> bytes:
        if raw[-1:] == b"R" and _INDIRECT.fullmatch(raw):
            return self._body(_reference(raw)).strip(_WHITESPACE)
        return raw

    def object(self, number: int, body: bytes = b"") -> dict[bytes, bytes]:
        """The dictionary object `number` is; remembered by its bytes across files."""
        body = body or self._body(number)
        entries = _parsed.get(body)
        if entries is None:
            entries = _remember(_parsed, body, _entries(body.strip(_WHITESPACE)))
        return entries

    def _body(self, number: int) -> bytes:
        """The bytes of object `number`, between `obj` and `endobj` (or in its object stream)."""
        kind, where, which = self.entries[number]
        if kind != 1:
            if kind == 2:
                return self._packed(where, which, number)
            raise Unreadable("a free object")
        data, header = self.data, b"%d %d obj" % (number, which)
        start = where + len(header)  # as most writers put it; else _header reads what is there
        if not (data.startswith(header, where) and data[start:start + 1] in _BREAK):
            start = self._header(where, number, which)
        end = data.find(b"endobj", start)
        if end < 0:
            raise Unreadable("no endobj")
        return data[start:end]

    def _header(self, offset: int, number: int, generation: int) -> int:
        match = _OBJECT.match(self.data, offset)
        if not match or int(match.group(1)) != number or int(match.group(2)) != generation:
            raise Unreadable("the cross-reference points elsewhere")
        return match.end()

    def _packed(self, stream: int, index: int, number: int) -> bytes:
        if stream not in self.object_streams:
            self.object_streams[stream] = self._object_stream(stream)
        content, offsets, first = self.object_streams[stream]
        if offsets[index][0] != number:
            raise Unreadable("an object stream that does not hold the object")
        end = first + offsets[index + 1][1] if index + 1 < len(offsets) else len(content)
        return content[first + offsets[index][1]:end]

    def _object_stream(self, number: int) -> tuple[bytes, list[tuple[int, int]], int]:
        entries, content = self._stream(number)
        count, first = int(entries[b"/N"]), int(entries[b"/First"])
        numbers = content[:first].split()
        if entries.get(b"/Type") != b"/ObjStm" or b"/DecodeParms" in entries or len(numbers) != 2 * count:
            raise Unreadable("not an object stream")
        return content, [(int(numbers[i]), int(numbers[i + 1])) for i in range(0, 2 * count, 2)], first

    def _stream(self, number: int) -> tuple[dict[bytes, bytes], bytes]:
        kind, where, which = self.entries[number]
        if kind != 1:
            raise Unreadable("a stream inside an object stream")
        return self._stream_at(self._header(where, number, which))

    def _stream_at(self, start: int) -> tuple[dict[bytes, bytes], bytes]:
        """A stream object's dictionary and its content, unpacked within the limit."""
        end = self.data.find(b"stream", start)  # a dictionary holding the word is not read
        entries = _entries(self.data[start:end].strip(_WHITESPACE))
        opened = _matched(_STREAM, self.data, end)
        length = entries[b"/Length"]
        length = int(self._body(_reference(length)) if length[-1:] == b"R" else length)
        content = self.data[opened.end():opened.end() + length]
        if not self.data.startswith(b"endstream", opened.end() + length + _eol(self.data, opened.end() + length)):
            raise Unreadable("a stream of another length")
        flate = entries.get(b"/Filter")
        if flate is None:
            return entries, content
        if flate.strip(b"[]" + _WHITESPACE) != b"/FlateDecode":
            raise Unreadable("a filter other than Flate")
        unpacker = zlib.decompressobj()
        unpacked = unpacker.decompress(content, MAX_UNPACKED_OBJECT_STREAMS)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise Unreadable("too large, or cut short")
        return entries, unpacked

    # ---- cross-reference ----

    def _read_sections(self) -> None:
        """Every object's (type, offset or object stream, generation or index), the newest section's."""
        tail = self.data[-1024:]
        at = tail.rfind(b"startxref")
        if at < 0:
            raise Unreadable("no startxref")
        offset, seen, sections = int(tail[at + 9:].split()[0]), set(), []
        while offset is not None:
            if offset in seen or len(seen) >= MAX_SECTIONS:
                raise Unreadable("a loop of cross-reference sections")
            seen.add(offset)
            trailer = self._table(offset, sections) if self.data.startswith(b"xref", offset) \
                else self._xref_stream(offset, sections)
            if b"/XRefStm" in trailer or b"/Encrypt" in trailer:
                raise Unreadable("a hybrid cross-reference, or encryption")
            self.trailer = self.trailer or trailer
            offset = int(trailer[b"/Prev"]) if b"/Prev" in trailer else None
        for first, rows in reversed(sections):  # the newer overwrite the older
            self.entries.update(zip(range(first, first + len(rows)), rows))

    def _table(self, offset: int, sections: list) -> dict[bytes, bytes]:
        at = _matched(_SPACES, self.data, offset + 4).end()
        while not self.data.startswith(b"trailer", at):
            match = _matched(_SUBSECTION, self.data, at)
            first, count = int(match.group(1)), int(match.group(2))
            if count > MAX_ENTRIES:
                raise Unreadable("more objects than a form has")
            rows = _ENTRY_20.findall(self.data, match.end(), match.end() + 20 * count)
            if len(rows) != count:
                raise Unreadable("a cross-reference entry of other than 20 bytes")
            sections.append((first, [((1 if kind == b"n" else 0), int(where), int(gen)) for where, gen, kind in rows]))
            at = _matched(_SPACES, self.data, match.end() + 20 * count).end()  # MuPDF leaves a blank line
        return _entries(self.data[at + 7:self.data.find(b"startxref", at)].strip(_WHITESPACE))

    def _xref_stream(self, offset: int, sections: list) -> dict[bytes, bytes]:
        entries, content = self._stream_at(_matched(_OBJECT, self.data, offset).end())
        if entries.get(b"/Type") != b"/XRef":
            raise Unreadable("not a cross-reference stream")
        widths = tuple(int(w) for w in entries[b"/W"].strip(b"[]").split())
        index = [int(i) for i in entries.get(b"/Index", b"[0 %s]" % entries[b"/Size"]).strip(b"[]").split()]
        size = sum(widths)
        if len(widths) != 3 or not all(0 <= w <= 8 for w in widths) or not size or sum(index[1::2]) > MAX_ENTRIES:
            raise Unreadable("a cross-reference stream this reader does not follow")
        content = _unpredicted(content, entries.get(b"/DecodeParms"), size)
        start = 0
        for first, count in zip(index[::2], index[1::2]):
            if start + count * size > len(content):
                raise Unreadable("a short cross-reference stream")
            sections.append((first, _rows(content[start:start + count * size], widths)))
            start += count * size
        return entries


def _rows(content: bytes, widths: tuple[int, ...]) -> list[tuple[int, int, int]]:
    if widths in _ROWS:
        return list(_ROWS[widths].iter_unpack(content))
    rows, at = [], 0
    while at < len(content):
        values = []
        for width in widths:
            values.append(int.from_bytes(content[at:at + width], "big"))
            at += width
        rows.append(((values[0] if widths[0] else 1), values[1], values[2]))
    return rows


_ROWS = {(1, 4, 2): struct.Struct(">BIH"), (1, 2, 2): struct.Struct(">BHH"), (1, 4, 1): struct.Struct(">BIB"),
         (1, 2, 1): struct.Struct(">BHB")}  # what writers use, read at C speed


def _unpredicted(content: bytes, parameters: bytes | None, columns: int) -> bytes:
    """A cross-reference stream's rows, with the PNG Up predictor qpdf and Acrobat write undone."""
    if parameters is None:
        return content
    given = _entries(parameters)
    if given.get(b"/Predictor") != b"12" or int(given.get(b"/Columns", b"1")) != columns:
        raise Unreadable("a predictor other than PNG Up")
    rows, previous = [], bytes(columns)
    if len(content) % (columns + 1) or len(content) > MAX_ENTRIES * (columns + 1):
        raise Unreadable("rows cut short, or more than a form has")
    for at in range(0, len(content), columns + 1):
        if content[at] not in (0, 2):
            raise Unreadable("a PNG filter other than Up")
        row = content[at + 1:at + 1 + columns]
        previous = bytes((a + b) & 255 for a, b in zip(row, previous)) if content[at] == 2 else row
        rows.append(previous)
    return b"".join(rows)


def _matched(pattern: re.Pattern, data: bytes, at: int) -> re.Match:
    match = pattern.match(data, at)
    if not match:
        raise Unreadable(f"not {pattern.pattern[:20]!r} at {at}")
    return match


def _eol(data: bytes, at: int) -> int:
    return 2 if data.startswith(b"\r\n", at) else 1 if data[at:at + 1] in (b"\n", b"\r") else 0


# ---- values ----

def _covering(pattern: re.Pattern, raw: bytes, bracket: int) -> list[tuple]:
    """The matches of `pattern` (its first group the whole match) inside `raw`'s brackets, `bracket`
    bytes each. They must cover it all but whitespace: findall passes over what does not match."""
    found = pattern.findall(raw, bracket, len(raw) - bracket)
    if raw[bracket + sum(len(match[0]) for match in found):-bracket].strip(_WHITESPACE):
        raise Unreadable("a dictionary or array this reader does not follow")
    return found


def _field_entries(entries: dict[bytes, bytes]) -> bool:
    """A kid that is a field of its own, not one of its parent's widgets: it has a name, or kids."""
    return b"/T" in entries or b"/Kids" in entries


def _entries(raw: bytes) -> dict[bytes, bytes]:
    """A dictionary's entries {key: value bytes}, or Unreadable unless `raw` is exactly one dictionary."""
    if raw[:2] != b"<<" or raw[-2:] != b">>":
        raise Unreadable("not a dictionary")
    found = _covering(_ENTRY, raw, 2)
    entries = {key: value for _, key, value in found}
    if len(entries) != len(found) or any(b"#" in key for key in entries):
        raise Unreadable("a key twice, or a key with # escapes")
    return entries


def _references(raw: bytes) -> list[int]:
    items = _covering(_REFERENCE, raw, 1)
    if any(generation != b"0" for _, _, generation in items):
        raise Unreadable("a generation other than 0")
    return [int(number) for _, number, _ in items]


def _reference(raw: bytes) -> int:
    match = _INDIRECT.fullmatch(raw)
    if not match or match.group(2) != b"0":
        raise Unreadable("not a reference")
    return int(match.group(1))


def _name(raw: bytes) -> str:
    if raw[:1] != b"/" or b"#" in raw or not _PLAIN.fullmatch(raw):
        raise Unreadable("not a plain name")
    return raw.decode("ascii")


def _literal(inside: bytes) -> bytes:
    """A literal string's bytes, its escapes undone; a raw CR (which PDF reads as a line end) is left to qpdf."""
    if b"\r" in inside:
        raise Unreadable("a line end in a string")
    return _ESCAPE.sub(_unescaped, inside) if b"\\" in inside else inside


def _unescaped(match: re.Match) -> bytes:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code.isdigit() and int(code, 8) < 256:
        return bytes([int(code, 8)])
    raise Unreadable("an escape qpdf may read otherwise")


def _string_text(raw: bytes) -> str:
    """A string as qpdf gives its text: UTF-16 after a byte order mark, else plain ASCII."""
    if raw.startswith(b"\xfe\xff") and len(raw) % 2 == 0:
        text = raw[2:].decode("utf-16-be", "surrogatepass")
        if _SURROGATES.search(text) or "\ufeff" in text or "\ufffe" in text:
            raise Unreadable("surrogates or byte order marks inside a string")
        return text
    if not _PLAIN.fullmatch(raw):
        raise Unreadable("PDFDocEncoding beyond ASCII")
    return raw.decode("ascii")


def _quick_value(value: str | None, kind: str) -> tuple[str, None]:
    if kind == "/Sig" and value is not None:
        raise Unreadable("a signature")  # qpdf and pyHanko read it
    return ("" if value is None else answer(value, kind)), None
