"""Zip packages (DOCX, the bundle): read within bounds when they come from outside, written with fixed
dates so equal inputs give equal bytes. zipfile alone would let a small file unpack without end."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from functools import lru_cache
from typing import Iterable, NamedTuple, Union

from ..errors import FormgenError

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


def package_part(data: bytes, name: str, part: str, max_unpacked: int, max_entries: int, limit: int) -> bytes:
    """`read_part(open_package(...), part, limit, name)` for a returned form's body, read straight from
    the zip directory where the zip is plain: zipfile makes an object of every entry first, most of
    the time it takes. Anything not plain, and every error, goes to zipfile."""
    quick = _plain_part(data, part.encode("ascii"), max_unpacked, max_entries, limit)
    if quick is not None:
        return quick
    return read_part(open_package(data, name, max_unpacked, max_entries), part, limit, name)


def package_types(data: bytes, name: str) -> frozenset[str]:
    """The types a zip package declares itself and its parts of: the content types an Office Open
    XML package's [Content_Types].xml lists (a DOCX's main part among them), or an OpenDocument's
    `mimetype`. Read within the bounds of a returned form; a zip that cannot be opened raises."""
    first = _first_entry(data)
    if first is not None and first[0] in _DECLARING:
        found = _declared_types(*first)
        if found is not None:
            return found
    for part in _DECLARING:
        declared = _part_if_any(data, name, part.decode("ascii"))
        if declared is not None:
            return _types_in(part, declared)
    return frozenset()


# A package read only for what it declares: the bounds of a returned DOCX (formats/docx/read.py)
PACKAGE_UNPACKED, PACKAGE_ENTRIES, PACKAGE_DECLARATIONS = 100_000_000, 2000, 1_000_000
_DECLARING = (b"[Content_Types].xml", b"mimetype")
_CONTENT_TYPE = re.compile(rb"""ContentType\s*=\s*["']([^"']*)["']""")
_SIZES_AFTER = 0x8  # a local header whose sizes follow the data


def _first_entry(data: bytes) -> tuple[bytes, int, bytes] | None:
    """(name, method, bytes as stored) of the zip's first entry, where its local header gives them:
    a package puts what it declares first (a DOCX its [Content_Types].xml, an ODT its `mimetype`, as
    ODF requires), and a kind is told without the zip's directory. Only which reader reads the file
    hangs on it: that reader opens the zip whole."""
    name, begin = _local_entry(data, 0)
    if name is None:
        return None
    _, _, _, flags, method, _, _, _, stored, _, _, _ = _LOCAL.unpack_from(data, 0)
    if flags & (_UNUSUAL | _SIZES_AFTER) or method not in (0, 8) or stored > PACKAGE_DECLARATIONS:
        return None
    return name, method, data[begin:begin + stored]


@lru_cache(maxsize=16)
def _declared_types(part: bytes, method: int, stored: bytes) -> frozenset[str] | None:
    """What a package's first part declares, or None where it does not inflate whole within bounds
    (returned forms of one call share it byte for byte: it is read once)."""
    raw = stored
    if method == 8:
        inflater = zlib.decompressobj(-15)
        try:
            raw = inflater.decompress(stored, PACKAGE_DECLARATIONS + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    return _types_in(part, raw)


def _types_in(part: bytes, declared: bytes) -> frozenset[str]:
    if part == b"mimetype":
        return frozenset({declared.decode("ascii", "replace").strip()})
    return frozenset(match.decode("utf-8", "replace") for match in _CONTENT_TYPE.findall(declared))


def _part_if_any(data: bytes, name: str, part: str) -> bytes | None:
    """The part, or None where the package has none; the quick way first, as `package_part`."""
    quick = _plain_part(data, part.encode("ascii"), PACKAGE_UNPACKED, PACKAGE_ENTRIES, PACKAGE_DECLARATIONS)
    if quick is not None:
        return quick
    package = open_package(data, name, PACKAGE_UNPACKED, PACKAGE_ENTRIES)
    return read_part(package, part, PACKAGE_DECLARATIONS, name) if part in package.namelist() else None


# The zip records formgen reads and writes, each declared once:
_END = struct.Struct("<4s4H2LH")  # end of central directory
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # a central directory entry, before its name
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a local header, before its name
_UNUSUAL = 0x1 | 0x20 | 0x40  # encrypted, patched, strongly encrypted: zipfile refuses them


def _plain_part(data: bytes, wanted: bytes, max_unpacked: int, max_entries: int, limit: int) -> bytes | None:
    """The part's bytes where zipfile would read exactly these: one disk, no zip64, no comment,
    nothing before the zip or in extra fields, the part stored or deflated, whole and its CRC right;
    else None."""
    end = len(data) - _END.size
    if end < 0 or data[end - 20:end - 16] == b"PK\x06\x07":  # a zip64 locator
        return None
    signature, disk, directory_disk, here, total, size, start, comment = _END.unpack_from(data, end)
    if signature != b"PK\x05\x06" or disk or directory_disk or here != total or comment or start + size != end \
            or total > max_entries:
        return None
    at, unpacked, found = start, 0, None
    for _ in range(total):
        entry = _CENTRAL.unpack_from(data, at) if at + _CENTRAL.size <= end else None
        if entry is None or entry[0] != b"PK\x01\x02" or entry[13] or 0xFFFFFFFF in (entry[10], entry[11], entry[18]):
            return None  # not an entry, extra fields, zip64 sizes
        name = data[at + _CENTRAL.size:at + _CENTRAL.size + entry[12]]
        if b"\0" in name:
            return None
        unpacked += entry[11]
        if name == wanted:  # zipfile keeps the last of a name
            found = entry
        at += _CENTRAL.size + entry[12] + entry[13] + entry[14]
    if at != end or unpacked > max_unpacked or found is None or found[5] & _UNUSUAL or found[6] not in (0, 8) \
            or found[11] > limit:
        return None
    return _whole_member(data, wanted, found)


def _whole_member(data: bytes, wanted: bytes, entry: tuple) -> bytes | None:
    crc, compressed_size, size, offset = entry[9], entry[10], entry[11], entry[18]
    name, begin = _local_entry(data, offset)
    if name != wanted:
        return None
    compressed = data[begin:begin + compressed_size]
    if entry[6] == 0:
        member = compressed if compressed_size == size else None
    else:
        inflater = zlib.decompressobj(-15)
        try:
            member = inflater.decompress(compressed, size + 1)
        except zlib.error:
            return None
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            return None
    return member if member is not None and len(member) == size and zlib.crc32(member) == crc else None


def _local_entry(data: bytes, offset: int) -> tuple[bytes | None, int]:
    """(name, where the data begins) of the entry whose local header is at `offset`; (None, 0) if
    there is none."""
    local = _LOCAL.unpack_from(data, offset) if offset + _LOCAL.size <= len(data) else None
    if local is None or local[0] != b"PK\x03\x04":
        return None, 0
    name_end = offset + _LOCAL.size + local[10]
    return data[offset + _LOCAL.size:name_end], name_end + local[11]


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
            _, start = _local_entry(data, info.header_offset)
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
        central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED, *_DOS_TIME, *sizes,
                                     0, 0, 0, 0, ENTRY_ATTRIBUTES, out.tell()) + encoded)
        out.write(_LOCAL.pack(b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, *_DOS_TIME, *sizes, 0) + encoded)
        out.write(compressed)
    start = out.tell()
    out.write(b"".join(central))
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
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
