"""The zip writer: zipfile's own bytes, fixed dates, and a DOCX that python-docx reads back."""
from __future__ import annotations

import io
import os
import zipfile

from generator.zips import ZIP_TIME, deflate_segment, joined_segments, packed_entries, write_zip


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
