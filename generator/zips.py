"""Zip packages (DOCX, the bundle): read within bounds when they come from outside, written with fixed
dates so equal inputs give equal bytes. zipfile alone would let a small file unpack without end."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import Iterable, NamedTuple, Union

from .errors import FormgenError

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Everything zipfile raises on a damaged, encrypted or foreign entry.
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, zlib.error, NotImplementedError,
               RuntimeError, EOFError, OSError, ValueError)


def open_package(data: bytes, name: str, max_unpacked: int, max_entries: int) -> zipfile.ZipFile:
    """A zip that unpacks to at most `max_unpacked` bytes in at most `max_entries` parts."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except READ_ERRORS:
        raise FormgenError(name, "", "not a Word document (.docx)", "give a .docx file") from None
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked or len(entries) > max_entries:
        raise FormgenError(name, "", f"unpacks to {unpacked // 1_000_000} MB in {len(entries)} parts",
                           "a form or letterhead is far smaller; is this the right file?")
    return package


def read_part(package: zipfile.ZipFile, part: str, limit: int, name: str) -> bytes:
    """One part, never more than `limit` bytes whatever its header claims."""
    try:
        with package.open(part) as stream:
            data = stream.read(limit + 1)
    except READ_ERRORS as exc:
        problem = "not a Word document (.docx)" if isinstance(exc, KeyError) else f"damaged part: {exc}"
        raise FormgenError(name, part, problem, "save the file again in Word or LibreOffice") from None
    if len(data) > limit:
        raise FormgenError(name, part, f"part is larger than {limit // 1_000_000} MB", "is this the right file?")
    return data


class Packed(NamedTuple):
    """An entry as it lies deflated in a zip: written into another zip as it is, never inflated."""

    crc: int
    compressed: bytes
    size: int


def packed_entries(data: bytes) -> list[tuple[str, Packed]]:
    """The (name, deflated entry) of a zip this tool wrote (a shipped template, a blank just
    rendered): only for trusted zips, whose sizes are not checked."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            if info.compress_type != zipfile.ZIP_DEFLATED:
                raise ValueError(f"{info.filename}: not deflated")
            name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            entries.append((info.filename, Packed(info.CRC, data[start:start + info.compress_size], info.file_size)))
    return entries


def deflate_segment(data: bytes) -> bytes:
    """Raw deflate of `data` that refers to nothing before it and does not end the stream: segments
    deflated apart, joined by `joined_segments`, are one valid stream. A part that changes in a few
    places (a filled form's body) is deflated once in pieces, and only the changed pieces again."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def joined_segments(segments: Iterable[tuple[bytes, bytes]]) -> Packed:
    """One zip entry from (data, `deflate_segment(data)`) pairs, in order."""
    crc, size, deflated = 0, 0, []
    for data, segment in segments:
        crc, size = zlib.crc32(data, crc), size + len(data)
        deflated.append(segment)
    return Packed(crc, b"".join(deflated) + _LAST_EMPTY_BLOCK, size)


_LAST_EMPTY_BLOCK = b"\x03\x00"  # a final block holding nothing: ends a stream of flushed segments


def write_zip(entries: Iterable[tuple[str, Union[bytes, Packed]]]) -> bytes:
    """A deflated zip of (name, data) in the given order, every entry dated 1980-01-01.

    The same bytes zipfile writes, but an entry whose data was deflated a moment ago (a DOCX's
    unchanged styles, a blank's parts in `fill`) is not deflated again, and a `Packed` entry is
    copied as it is."""
    out, central = io.BytesIO(), []
    for name, data in entries:
        encoded = name.encode("ascii") if name.isascii() else name.encode("utf-8")
        flags = 0 if name.isascii() else UTF8_NAME
        crc, compressed, size = data if isinstance(data, Packed) else (*_deflated(data), len(data))
        sizes = (crc, len(compressed), size, len(encoded))
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED,
                                   *_DOS_TIME, *sizes, 0, 0, 0, 0, ENTRY_ATTRIBUTES, out.tell()) + encoded)
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, *_DOS_TIME,
                              *sizes, 0) + encoded)
        out.write(compressed)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


UTF8_NAME = 0x800
ENTRY_ATTRIBUTES = 0o644 << 16
_DOS_TIME = (ZIP_TIME[3] << 11 | ZIP_TIME[4] << 5 | ZIP_TIME[5] // 2,
             (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2])


def packed(data: bytes) -> Packed:
    """`data` as a zip entry holds it, deflated now (in a worker, say) and copied into a zip later."""
    return Packed(*_deflated(data), len(data))


@lru_cache(maxsize=32)
def _deflated(data: bytes) -> tuple[int, bytes]:
    """(CRC-32, raw deflate at zlib's default level), as zipfile makes them."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def normalized_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates and order, so equal inputs give equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return write_zip((name, source.read(name)) for name in source.namelist())
