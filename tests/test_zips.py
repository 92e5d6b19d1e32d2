"""The zip writer: zipfile's own bytes, fixed dates, and a DOCX that python-docx reads back."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from generator.errors import FormgenError
from generator.formats.zips import (ZIP_TIME, _plain_part, deflate_segment, joined_segments, open_package, package_part,
                                    packed_entries, read_part, write_zip)


def zipfile_reference(entries) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


def test_write_zip_gives_the_bytes_zipfile_writes_and_reads_back():
    entries = [("word/document.xml", b"<w:document/>" * 500), ("empty", b""),
               ("ky/анкета.pdf", os.urandom(3000)), ("word/document.xml.copy", b"<w:document/>" * 500)]
    data = write_zip(entries)
    assert data == zipfile_reference(entries)
    assert write_zip(entries) == data  # again, with the deflated entries remembered
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert [(i.filename, package.read(i)) for i in package.infolist()] == entries
        assert {i.date_time for i in package.infolist()} == {ZIP_TIME}
    assert write_zip([]) == zipfile_reference([])


def test_segments_deflated_apart_join_into_one_entry_zipfile_reads():
    pieces = [b"<w:body>" * 300, b"", "Жаңы-Жол".encode() * 5, os.urandom(2000), b"</w:body>" * 200]
    entry = joined_segments((piece, deflate_segment(piece)) for piece in pieces)
    data = write_zip([("word/document.xml", entry), ("other", b"x")])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None  # every CRC and size checked
        assert package.read("word/document.xml") == b"".join(pieces)
        assert packed_entries(data)[0] == ("word/document.xml", entry)


# ---- reading one part of an untrusted package -------------------------------------------------------

PART = "word/document.xml"
BODY = "<w:document>Көпүрө Ңң</w:document>".encode() * 300


def zipfile_part(data: bytes):
    """What open_package + read_part give: the part, or the FormgenError's problem."""
    try:
        return read_part(open_package(data, "x", 10_000_000, 50), PART, 1_000_000, "x")
    except FormgenError as exc:
        return exc.problem


def quick_part(data: bytes):
    try:
        return package_part(data, "x", PART, 10_000_000, 50, 1_000_000)
    except FormgenError as exc:
        return exc.problem


def with_zipfile(entries, **options) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", **options) as target:
        for name, data in entries:
            target.writestr(name, data)
    return out.getvalue()


def test_a_plain_package_is_read_from_its_directory_as_zipfile_reads_it():
    for data in (write_zip([("a", b"x"), (PART, BODY)]), with_zipfile([(PART, BODY)]),
                 with_zipfile([(PART, BODY)], compression=zipfile.ZIP_DEFLATED),
                 write_zip([(PART, b"old"), ("b", b""), (PART, BODY)])):  # the last of a name, as zipfile
        assert _plain_part(data, PART.encode(), 10_000_000, 50, 1_000_000) == BODY == zipfile_part(data)


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def with_extra() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        info = zipfile.ZipInfo(PART)
        info.extra = b"\xfe\xca\x00\x00"  # the empty field jar files carry
        target.writestr(info, BODY)
    return out.getvalue()


PLAIN = write_zip([("a", b"x"), (PART, BODY)])
UNUSUAL = {
    "comment": with_zipfile([(PART, BODY)]) [:-2] + b"\x02\x00hi",
    "data before it": b"junk" + PLAIN,
    "extra field": with_extra(),
    "bad CRC": flipped(PLAIN, PLAIN.rfind(b"PK\x01\x02") + 16),
    "damaged data": flipped(PLAIN, PLAIN.find(PART.encode()) + len(PART) + 5),
    "encrypted flag": PLAIN.replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00"),
    "a name with NUL": write_zip([(PART + "\0x", BODY)]),
    "stored of another size": with_zipfile([(PART, BODY)])[:-1],
    "bzip2": with_zipfile([(PART, BODY)], compression=zipfile.ZIP_BZIP2),
    "too many parts": write_zip([(f"p{i}", b"") for i in range(60)] + [(PART, BODY)]),
    "too large unpacked": write_zip([("big", b"\0" * 10_000_001), (PART, BODY)]),
    "part too large": write_zip([(PART, b"x" * 1_000_001)]),
}


@pytest.mark.parametrize("name", list(UNUSUAL))
def test_what_is_not_plain_goes_to_zipfile_with_its_errors(name):
    data = UNUSUAL[name]
    assert _plain_part(data, PART.encode(), 10_000_000, 50, 1_000_000) is None
    assert quick_part(data) == zipfile_part(data)
