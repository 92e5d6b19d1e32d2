"""The zip writer: zipfile's own bytes, fixed dates, and a DOCX that python-docx reads back."""
from __future__ import annotations

import io
import os
import zipfile

from generator.zips import ZIP_TIME, write_zip


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
