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


def pdf_with_object_stream(path: Path, plain: dict[int, bytes], packed: dict[int, bytes], root: int = 1) -> Path:
    """A PDF whose `plain` objects are written out and whose `packed` ones sit in one deflated
    object stream, with the cross-reference stream that finds them."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, tuple[int, int, int]] = {}
    for number, body in plain.items():
        offsets[number] = (1, len(out), 0)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    stream_number = max([*plain, *packed]) + 1
    heads, bodies = [], bytearray()
    for index, (number, body) in enumerate(packed.items()):
        heads.append(b"%d %d" % (number, len(bodies)))
        offsets[number] = (2, stream_number, index)
        bodies += body + b"\n"
    head = b" ".join(heads) + b"\n"
    content = zlib.compress(head + bytes(bodies), 9)
    offsets[stream_number] = (1, len(out), 0)
    out += (b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Filter/FlateDecode/Length %d>>\nstream\n"
            % (stream_number, len(packed), len(head), len(content)) + content + b"\nendstream\nendobj\n")
    xref_number = stream_number + 1
    offsets[xref_number] = (1, len(out), 0)
    rows = b"".join(struct.pack(">BII", *offsets.get(n, (0, 0, 0))) for n in range(xref_number + 1))
    out += (b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 4]/Root %d 0 R/Length %d>>\nstream\n"
            % (xref_number, xref_number + 1, root, len(rows)) + rows + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number][1]
    path.write_bytes(bytes(out))
    return path


def form_catalog(fields: bytes, annots: bytes = b"[]") -> dict[int, bytes]:
    return {1: b"<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields%s>>>>" % fields,
            2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Annots%s>>" % annots}


def kids_bomb(path: Path, references: int = 3_000_000) -> Path:
    """About 30 KB: a field whose /Kids holds millions of references to one field."""
    packed = {4: b"<</T(aa_name)/Kids[" + b"5 0 R " * references + b"]>>", 5: b"<</T(x)/FT/Tx/V(a)>>"}
    return pdf_with_object_stream(path, form_catalog(b"[4 0 R]"), packed)


def annotations_bomb(path: Path, count: int = 100_000) -> Path:
    """A page with `count` widget annotations, every one a field."""
    numbers = range(10, 10 + count)
    packed = {n: b"<</Type/Annot/Subtype/Widget/FT/Tx/T(f%d)/Rect[0 0 1 1]/P 3 0 R>>" % n for n in numbers}
    refs = b"[" + b" ".join(b"%d 0 R" % n for n in numbers) + b"]"
    return pdf_with_object_stream(path, form_catalog(refs, refs), packed)


def values_bomb(path: Path, values: int = 9_000_000, packed: bool = False) -> Path:
    """A field list of millions of numbers, not references (`0 0 0 …`): 18 MB written out, or about
    20 KB when packed in an object stream. qpdf took 8 GB and 40 s to parse ten million of them."""
    fields = b"[" + b"0 " * values + b"4 0 R]"
    field = {4: b"<</T(aa_name)/FT/Tx/V(behind the numbers)>>"}
    if packed:
        catalog = form_catalog(b"5 0 R")
        return pdf_with_object_stream(path, {n: catalog[n] for n in (2, 3)}, {1: catalog[1], **field, 5: fields})
    return pdf_with_object_stream(path, form_catalog(fields), field)
