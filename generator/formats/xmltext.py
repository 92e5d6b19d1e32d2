"""Text as XML 1.0 can hold it: what every format written or read as XML (DOCX, XLSX, a PDF's XMP)
shares."""
from __future__ import annotations

import re
from functools import lru_cache

NOT_IN_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"  # the inside of a character class
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escaped(text: str) -> str:
    """Text as XML character data or as an attribute value in double quotes. (xml.sax.saxutils does
    the same, but importing it loads urllib.request, ssl and socket: 16 ms of a one-form build.)"""
    return text.translate(ESCAPES)


def replace_not_in_xml(value: str) -> str:
    """Characters XML cannot hold (controls, lone surrogates) as U+FFFD: a form's checked values never
    have them, an answer read back from a returned file may (the workbook says so with a �)."""
    return not_in_xml().sub("\ufffd", value)


@lru_cache(maxsize=None)
def not_in_xml() -> re.Pattern:
    return re.compile(f"[{NOT_IN_XML}]")
