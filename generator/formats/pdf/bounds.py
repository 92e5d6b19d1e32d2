"""Counting a PDF's objects and references in its raw bytes, before any PDF library parses it.

A PDF library materialises what it reads: a 95 KB file whose object stream unpacks to a /Kids array
of three million references, or a page of 100 000 annotations, costs gigabytes once walked. Objects
are either written out in the file or packed in object streams (/Type /ObjStm); this counts both,
unpacking each object stream within a bound, and refuses what no form made by formgen comes near.
"""
from __future__ import annotations

import re
import zlib

from ...errors import FormgenError

MAX_OBJECTS = 20_000  # a filled form has a few thousand
MAX_REFERENCES = 100_000
MAX_UNPACKED_OBJECT_STREAMS = 20_000_000  # bytes, all object streams together
# Values outside streams, as counted (a form has a few thousand; a file at MAX_OBJECTS about 10 an
# object, the numbers of its cross-reference table and object headers included). Parsed and walked,
# this many cost about 100 MB; a 20 MB file of ten million (`0 0 0 …`) took 8 GB and 40 s. A file
# of fewer bytes than this has fewer values: it is not counted.
MAX_VALUES = 400_000

_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_COUNT = re.compile(rb"/N\s+(\d+)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/\w+)")
_STREAM_START = re.compile(rb"stream\r?\n")
_KINDS = bytes(32 if byte in b"\x00\t\n\x0c\r " else byte if byte in b"()<>[]{}/%" else ord("a") for byte in range(256))


def check_pdf_size(data: bytes, name: str) -> None:
    """Refuse a PDF with more objects, references or values than a form can have, counting before parsing."""
    # Loosely first: one letter of "12 0 obj" and "12 0 R" counts more than they do, in a third of
    # the time, and there are fewer values than bytes. A form formgen writes is within the limits so
    # counted, its object streams (a prefilled file's structure tree) included.
    loose = (data.count(b"j"), data.count(b"R"), len(data))
    packed = data.find(b"/ObjStm")  # where object streams may start (a scan by the regular expression
    if not _over(*loose) and packed < 0:  # from the start took as long again)
        return
    if not _over(*_with_packed(data, packed, loose, name, exactly=False)):
        return
    objects, references, values = _with_packed(
        data, packed, (_objects(data), _references(data), _values_outside_streams(data)), name, exactly=True)
    if objects > MAX_OBJECTS or references > MAX_REFERENCES:
        raise FormgenError(name, "", f"{objects} objects and {references} references, more than a form has "
                           f"(at most {MAX_OBJECTS} and {MAX_REFERENCES})", "save the PDF again from the program "
                           "that made it")
    if values > MAX_VALUES:
        raise FormgenError(name, "", f"about {values} values (numbers, names, strings, lists) outside its streams, "
                           f"more than a form has (at most {MAX_VALUES})", "save the PDF again from the program "
                           "that made it")


def _over(objects: int, references: int, values: int) -> bool:
    return objects > MAX_OBJECTS or references > MAX_REFERENCES or values > MAX_VALUES


def _with_packed(data: bytes, packed: int, counted: tuple[int, int, int], name: str,
                 exactly: bool) -> tuple[int, int, int]:
    """`counted` (objects, references, values outside object streams) with those the object streams
    from about `packed` on hold (`exactly`, or no fewer), each unpacked within the bound; counting
    stops once over a limit."""
    objects, references, values = counted
    budget = MAX_UNPACKED_OBJECT_STREAMS
    # the first match's /Type is the last one before the first /ObjStm (only white space between them), or later
    streams = _OBJECT_STREAM.finditer(data, max(0, data.rfind(b"/Type", 0, packed))) if packed >= 0 else ()
    for match in streams:
        header = data[data.rfind(b"obj", 0, match.start()):match.end() + 200]
        header = header[:header.find(b"stream")] if b"stream" in header else header
        count = _COUNT.search(header)
        objects += int(count.group(1)) if count else 0
        unpacked = _unpack(data, match.end(), header, budget, name)
        budget -= len(unpacked)
        references += _references(unpacked) if exactly else unpacked.count(b"R")
        values += _values(unpacked, 0, len(unpacked)) if exactly else len(unpacked)
        if _over(objects, references, values):
            break
    return objects, references, values


def _values_outside_streams(data: bytes) -> int:
    """About how many values a parser makes of the bytes outside stream contents (a stream is taken
    from its keyword to the next `endstream`), at C speed: bytes.translate and bytes.count."""
    values, at = 0, 0
    while (start := _stream_keyword(data, at)) >= 0:
        values += _values(data, at, start)
        end = data.find(b"endstream", start + 6)
        if end < 0:
            return values
        at = end + 9
    return values + _values(data, at, len(data))


def _stream_keyword(data: bytes, at: int) -> int:
    start = data.find(b"stream", at)
    while start >= 3 and data[start - 3:start] == b"end":  # a stream without a start: damaged, counted as it is
        start = data.find(b"stream", start + 6)
    return start


def _values(data: bytes, start: int, end: int) -> int:
    """Values in data[start:end]: a number or keyword follows white space; a name, string, list
    or dictionary starts with its delimiter (`<<` one dictionary, `<` a hex string)."""
    kinds = data[start:end].translate(_KINDS)
    return (kinds.count(b" a") + kinds.count(b"/") + kinds.count(b"(") + kinds.count(b"[") + kinds.count(b"<")
            - kinds.count(b"<<"))


def _objects(data: bytes) -> int:
    return data.count(b" obj")  # "12 0 obj"; bytes.count is fast where a regular expression takes seconds


def _references(data: bytes) -> int:
    return data.count(b" R")  # "12 0 R"; text that happens to hold " R" only counts a few more


def _unpack(data: bytes, after: int, header: bytes, budget: int, name: str) -> bytes:
    """One object stream's content, never more than `budget` bytes."""
    filters = _FILTER.search(header)
    if filters and filters.group(1).strip(b"[] \r\n\t") != b"/FlateDecode":
        raise FormgenError(name, "", f"an object stream packed with {filters.group(1).decode('latin-1')[:40]}",
                           "save the PDF again from the program that made it")
    start = _STREAM_START.search(data, after)
    if not start:
        return b""
    if not filters:
        end = data.find(b"endstream", start.end())
        return data[start.end():end if end >= 0 else None][:budget + 1]
    try:
        unpacked = zlib.decompressobj().decompress(data[start.end():], budget + 1)
    except zlib.error:
        if b"/Encrypt" in data:
            raise FormgenError(name, "", "the PDF is encrypted", "save it again without a password") from None
        raise FormgenError(name, "", "an object stream cannot be unpacked (damaged)",
                           "save the PDF again from the program that made it") from None
    if len(unpacked) > budget:
        raise FormgenError(name, "", f"object streams unpack to more than {MAX_UNPACKED_OBJECT_STREAMS // 1_000_000} MB",
                           "save the PDF again from the program that made it")
    return unpacked
