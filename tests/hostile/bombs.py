"""Large hostile files made on the fly (nothing large is committed): zips that unpack to gigabytes,
PDFs whose few kilobytes hold millions of references or objects."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

XLSX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                       b'2006/main"><sheets><sheet name="a" sheetId="1"/></sheets></workbook>',
}


def repeated_deflate(block: bytes, times: int) -> tuple[bytes, int]:
    """Raw deflate data of `block` repeated `times`, and its CRC-32, without holding the whole.
    After a full flush the compressor starts afresh, so every flushed block compresses alike."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return chunk * times + compressor.flush(), crc


def write_zip(path: Path, entries: list[tuple[str, bytes, int, int, int]]) -> Path:
    """A zip of (name, raw deflate data, crc, unpacked size, method) written by hand, so that an
    entry can unpack to more than memory holds."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size, method in entries:
        encoded = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                             len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return name, data, zlib.crc32(data), len(data), 0


def xlsx_bomb(path: Path, gigabytes: float = 1.5) -> Path:
    """About 1.5 MB on disk; its shared strings unpack to `gigabytes` GB."""
    block = b"<si><t>" + b"A" * 1_048_000 + b"</t></si>"
    times = int(gigabytes * 1000)
    data, crc = repeated_deflate(block, times)
    strings = ("xl/sharedStrings.xml", data, crc, len(block) * times, 8)
    return write_zip(path, [*(stored(n, d) for n, d in XLSX_PARTS.items()), strings])
