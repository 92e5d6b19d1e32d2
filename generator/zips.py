"""Zip packages (DOCX, the bundle): read within bounds when they come from outside, written with fixed
dates so equal inputs give equal bytes. zipfile alone would let a small file unpack without end."""
from __future__ import annotations

import io
import zipfile
import zlib
from typing import Iterable

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


def write_zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of (name, data) in the given order, every entry dated 1980-01-01."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()
