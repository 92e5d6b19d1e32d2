"""Reading a returned PDF's AcroForm back: {field name: value} and what could not be read as it is.

Writing the form is `pdf_form`'s; this side only walks what a filled file holds, defensively.
"""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import nullcontext

import pikepdf
from pikepdf import Array, Dictionary, Name, String


SIGNED = "signed"  # what a signature field reads as once signed; `signatures.py` says whether it holds


def pdf_error_text(exc: Exception) -> str:
    """pikepdf's message without the name it gives a file read from memory."""
    return re.sub(r"^stream <[^>]*>:?\s*", "", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[:80]


MAX_FIELD_NODES = 20_000  # a form has a few hundred; a hostile file may nest or repeat them without end


class EncryptedPdf(Exception):
    """Opened with an empty password, but encrypted all the same: not a form as formgen made it."""


def read_pdf_values(source) -> dict[str, str]:
    """{field name: value} for every field of a filled PDF's AcroForm ('' where it has no value)."""
    return read_pdf_fields(source)[0]


def read_pdf_fields(source) -> tuple[dict[str, str], list[str]]:
    """({field name: value}, problems) from a filled PDF (a path, a binary stream or its bytes).

    Walks the field tree once, each object at most once and a bounded number in all, skipping
    anything that is not a field dictionary. What cannot be read as it is is a problem, never
    silently changed: a value that is not text, two fields of one name that differ, a tree cut
    at the limit. Raises pikepdf errors for files it cannot open, EncryptedPdf for encrypted ones.
    The caller counts the file's objects first (pdfscan): pikepdf materialises what it walks.
    """
    with _mapped(source) if isinstance(source, bytes) else nullcontext(source) as opened, \
            pikepdf.open(opened, inherit_page_attributes=False, access_mode=pikepdf.AccessMode.mmap) as pdf:
        if pdf.is_encrypted:
            raise EncryptedPdf()
        form = _get(pdf.Root, "/AcroForm")
        fields = _get(form, "/Fields") if isinstance(form, Dictionary) else None
        stack = [(field, "", None) for field in reversed(fields)] if isinstance(fields, Array) else []
        found: dict[str, tuple[str, object]] = {}
        problems: list[str] = []
        seen: set[tuple[int, int]] = set()
        while stack and len(seen) < MAX_FIELD_NODES:
            field, prefix, kind = stack.pop()
            if not isinstance(field, Dictionary):
                continue
            key = field.objgen if field.is_indirect else (-len(seen), 0)
            if key in seen:
                continue
            seen.add(key)
            name = _string_text(_get(field, "/T", ""))[0]
            full = f"{prefix}.{name}" if prefix and name else (name or prefix)
            kind = str(_get(field, "/FT", kind) or "")
            kids = _get(field, "/Kids")
            named_kids = [k for k in kids if isinstance(k, Dictionary) and "/T" in k] if isinstance(kids, Array) else []
            if named_kids:
                stack.extend((kid, full, kind) for kid in reversed(named_kids))
            elif full:
                _add_field(found, problems, full, kind, _get(field, "/V"))
        if stack:
            problems.append(f"the field tree has more than {MAX_FIELD_NODES} nodes; the fields after them were not read")
        return {name: value for name, (_, value) in found.items()}, problems


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


def _add_field(found: dict, problems: list[str], name: str, kind: str, raw) -> None:
    if kind == "/Sig":  # a signature's value is a dictionary by design
        value, problem = (SIGNED if isinstance(raw, Dictionary) else ""), None
    else:
        value, problem = _value_text(raw)
    if problem:
        problems.append(f"{name}: {problem}")
    if name not in found:
        found[name] = (kind, value)
    elif found[name][0] != kind:
        problems.append(f"{name}: two fields of this name, of types {found[name][0] or '?'} and {kind or '?'}; "
                        "the first is kept")
    elif found[name][1] != value:
        problems.append(f"{name}: two fields of this name with different values; the first is kept")


def _value_text(value) -> tuple[str, str | None]:
    """(the value as text, a problem or None)."""
    if value is None:
        return "", None
    if isinstance(value, String):
        text, problem = _string_text(value)
    elif isinstance(value, Name):
        text, problem = str(value)[1:], None
    elif isinstance(value, (pikepdf.Stream, Array, Dictionary)):
        kind = "a stream" if isinstance(value, pikepdf.Stream) else "a list" if isinstance(value, Array) else "a dictionary"
        return "", f"the value is {kind}, not text; read as empty"
    else:
        text, problem = str(value), None
    return ("" if text == "Off" else text.replace("\r\n", "\n").replace("\r", "\n")), problem


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
