"""The PDF letter on a municipality's own letterhead PDF: its first page under the letter's first.

The letterhead is untrusted and read with pikepdf, imported only by a build that asks for it.
"""
from __future__ import annotations

import io
from pathlib import Path

import pikepdf

from ...disk.files import check_regular_file
from ...errors import FormgenError
from .bounds import check_pdf_size
from .read import pdf_error_text

MAX_LETTERHEAD_PDF_BYTES = 20_000_000


def with_letterhead(form_pdf: bytes, letterhead: Path) -> bytes:
    """The form with the first page of a letterhead PDF as the background of its first page."""
    return place_letter(checked_letterhead(letterhead), form_pdf)


def checked_letterhead(path: Path) -> bytes:
    """The letterhead's bytes once pikepdf reads a page in them; else a FormgenError."""
    check_regular_file(path, MAX_LETTERHEAD_PDF_BYTES, "a letterhead is one page; export it again with compressed images")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormgenError(path, "", f"not a readable PDF: {pdf_error_text(exc)}",
                           "give the letterhead as a PDF (Word: File → Save As → PDF)") from None
    check_pdf_size(data, str(path))  # before pikepdf materialises a page tree of millions of kids
    _open_letterhead(data, path).close()
    return data


def place_letter(letterhead: bytes, form_pdf: bytes) -> bytes:
    """A checked letterhead (`checked_letterhead`) under the first page of the form."""
    background = _open_letterhead(letterhead, Path())
    with background, pikepdf.open(io.BytesIO(form_pdf)) as pdf:
        pdf.pages[0].add_underlay(pdf.copy_foreign(background.pages[0].obj))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
        return out.getvalue()


def _open_letterhead(data: bytes, path: Path) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise FormgenError(path, "", "the PDF is encrypted", "export the letterhead again without a password") from None
    except (pikepdf.PdfError, OSError) as exc:
        raise FormgenError(path, "", f"not a readable PDF: {pdf_error_text(exc)}",
                           "give the letterhead as a PDF (Word: File → Save As → PDF)") from None
    if not len(pdf.pages):
        pdf.close()
        raise FormgenError(path, "", "the PDF has no page", "give a one-page letterhead")
    return pdf
