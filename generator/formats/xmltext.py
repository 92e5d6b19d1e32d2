"""Text as XML 1.0 can hold it: what every format written or read as XML (DOCX, XLSX) shares."""
from __future__ import annotations

import re
from functools import lru_cache

NOT_IN_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"  # the inside of a character class


def replace_not_in_xml(value: str) -> str:
    """Characters XML cannot hold (controls, lone surrogates) as U+FFFD: a form's checked values never
    have them, an answer read back from a returned file may (the workbook says so with a �)."""
    return not_in_xml().sub("\ufffd", value)


@lru_cache(maxsize=None)
def not_in_xml() -> re.Pattern:
    return re.compile(f"[{NOT_IN_XML}]")
