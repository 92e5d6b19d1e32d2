"""Reading a returned PDF's AcroForm back: {field name: value} and what could not be read as it is.

Writing the form is form.py's; this side only walks what a filled file holds, defensively.
"""
from __future__ import annotations

import os
import re
import tempfile
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, String

from .fields import SIGNED, Node, answer, quick_fields, walk_fields

MAX_VALUE_STREAM = 1_000_000  # bytes of a field's value given as a text stream: a typed page is a few thousand


def pdf_error_text(exc: Exception) -> str:
    """pikepdf's message without the name it gives a file read from memory."""
    return re.sub(r"^stream <[^>]*>:?\s*", "", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:80]


class EncryptedPdf(Exception):
    """Opened with an empty password, but encrypted all the same: not a form as formgen made it."""


def read_pdf_values(source) -> dict[str, str]:
    """{field name: value} for every field of a filled PDF's AcroForm ('' where it has no value)."""
    return read_pdf_fields(source)[0]


def read_pdf_fields(source) -> tuple[dict[str, str], list[str]]:
    """({field name: value}, problems) from a filled PDF (a path, a binary stream or its bytes).

    The quick reader (fields.py) answers where it can be exact, qpdf everywhere else. What
    cannot be read as it is is a problem, never silently changed: a value that is not text, two
    fields of one name that differ, a tree cut at the limit. Raises pikepdf errors for files it
    cannot open, EncryptedPdf for encrypted ones. The caller counts the file's objects first
    (bounds.py): pikepdf materialises what it walks.
    """
    data = source if isinstance(source, bytes) else \
        Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
    return quick_fields(data) or qpdf_fields(data)


def qpdf_fields(data: bytes) -> tuple[dict[str, str], list[str]]:
    """read_pdf_fields by qpdf alone: each field object once, anything not a field dictionary skipped."""
    with _mapped(data) as opened, \
            pikepdf.open(opened, inherit_page_attributes=False, access_mode=pikepdf.AccessMode.mmap) as pdf:
        if pdf.is_encrypted:
            raise EncryptedPdf()
        form = _get(pdf.Root, "/AcroForm")
        fields = _get(form, "/Fields") if isinstance(form, Dictionary) else None
        return walk_fields(list(fields) if isinstance(fields, Array) else [], _node, _value_text, _identity)


def _identity(field):
    if not isinstance(field, (Dictionary, Stream)):  # PDFium takes a stream's dictionary as a field's
        return None
    return field.objgen if field.is_indirect else object()  # a direct dictionary is met once


def _node(field: Dictionary | Stream) -> Node:
    kids = _get(field, "/Kids")
    return Node(_string_text(_get(field, "/T", ""))[0], _get(field, "/FT"),
                [k for k in kids if _is_field(k)] if isinstance(kids, Array) else [], _get(field, "/V"))


def _is_field(kid) -> bool:
    """A kid that is a field of its own, not one of its parent's widgets: it has a name, or kids."""
    return isinstance(kid, (Dictionary, Stream)) and ("/T" in kid or "/Kids" in kid)


def _mapped(data: bytes):
    """The bytes as an unnamed file that qpdf maps into memory: from a Python stream it calls back into
    Python for every few bytes, which made reading a PDF without object streams three times slower."""
    if hasattr(os, "memfd_create"):
        file = os.fdopen(os.memfd_create("returned.pdf"), "w+b")
    else:
        file = tempfile.TemporaryFile()
    file.write(data)
    file.seek(0)
    return file


def _get(dictionary: Dictionary, key: str, default=None):
    """dictionary.get(key, default), in a tenth of the time when the key is missing (pikepdf raises
    and catches inside)."""
    return dictionary.get(key) if key in dictionary else default


def _value_text(value, kind: str) -> tuple[str, str | None]:
    """(the value as text, a problem or None)."""
    if kind == "/Sig":  # a signature's value is a dictionary by design
        return (SIGNED if isinstance(value, Dictionary) else ""), None
    if value is None:
        return "", None
    if isinstance(value, Stream):  # a text stream, which PDF allows for a text field's value
        text, problem = _stream_text(value)
    elif isinstance(value, String):
        text, problem = _string_text(value)
    elif isinstance(value, Name):
        text, problem = str(value)[1:], None
    elif isinstance(value, (Array, Dictionary)):
        return "", f"the value is {'a list' if isinstance(value, Array) else 'a dictionary'}, not text; read as empty"
    else:
        text, problem = str(value), None
    return answer(text, kind), problem


def _stream_text(stream: Stream) -> tuple[str, str | None]:
    """A text stream's content as a string's text, unpacked within MAX_VALUE_STREAM bytes."""
    packed = _get(stream, "/Filter")
    if packed is None:
        content = stream.read_raw_bytes()[:MAX_VALUE_STREAM + 1]
    elif packed in (Name.FlateDecode, Array([Name.FlateDecode])) and "/DecodeParms" not in stream:
        try:
            content = zlib.decompressobj().decompress(stream.read_raw_bytes(), MAX_VALUE_STREAM + 1)
        except zlib.error:
            return "", "the value is a damaged stream; read as empty"
    else:
        return "", f"the value is a stream packed with {str(packed)[:40]}; read as empty"
    if len(content) > MAX_VALUE_STREAM:
        return "", f"the value is a stream of more than {MAX_VALUE_STREAM} bytes; read as empty"
    return _string_text(String(content))


def _string_text(value) -> tuple[str, str | None]:
    """A PDF string as text. qpdf drops a lone UTF-16 surrogate without a word; this keeps its place as �."""
    if not isinstance(value, String):
        return str(value), None
    raw = bytes(value)
    if raw.startswith(b"\xfe\xff") and len(raw) % 2 == 0:
        text = raw[2:].decode("utf-16-be", "surrogatepass")
        if any("\ud800" <= char <= "\udfff" for char in text):
            return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text), \
                "a lone UTF-16 surrogate (not a character), read as \ufffd"
    return str(value), None
