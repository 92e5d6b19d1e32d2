"""A returned PDF's fields, as `collect` reads them: the file's objects counted before anything
parses it (bounds.py), then read by the quick reader (fields.py) where it is exact, by qpdf
(read.py) everywhere else."""
from __future__ import annotations

from pathlib import Path

from ...errors import FormgenError
from .bounds import check_pdf_size
from .fields import quick_fields


def returned_values(path: Path, data: bytes, documents=()) -> tuple[dict[str, str], list[str]]:
    """({field name: value}, what could not be read as it is); a PDF names its fields, so which
    documents it may be of does not matter."""
    check_pdf_size(data, str(path))  # before anything is materialised
    quick = quick_fields(data)
    if quick is not None:
        return quick
    import pikepdf  # 0.14 s to import: only for the files the quick reader leaves to qpdf

    from .read import EncryptedPdf, pdf_error_text, qpdf_fields

    try:
        return qpdf_fields(data)
    except (pikepdf.PasswordError, EncryptedPdf):
        raise FormgenError(path, "", "the PDF is encrypted", "ask for the form saved without a password") from None
    except (pikepdf.PdfError, ValueError, RecursionError, AttributeError, TypeError) as exc:
        raise FormgenError(path, "", f"damaged PDF: {pdf_error_text(exc)}", "ask for the form saved again") from None
