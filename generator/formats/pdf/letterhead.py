"""The PDF letter on a municipality's own letterhead PDF: its first page under the letter's first.

The letterhead is untrusted and read with pikepdf, imported only by a build that asks for it. In the
letter's structure tree (tags.py) it is a Figure that the letter's `letterhead_alt` describes, read
before the letter's text.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

import pikepdf

from ...disk.files import check_regular_file
from ...errors import FormgenError
from ...model.forms import Document
from .bounds import check_pdf_size
from .read import pdf_error_text

MAX_LETTERHEAD_PDF_BYTES = 20_000_000


def with_letterhead(form_pdf: bytes, letterhead: Path, document: Document | None = None) -> bytes:
    """The form with the first page of a letterhead PDF as the background of its first page."""
    return place_letter(checked_letterhead(letterhead), form_pdf, document)


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


def place_letter(letterhead: bytes, form_pdf: bytes, document: Document | None = None) -> bytes:
    """A checked letterhead (`checked_letterhead`) under the first page of the form (`document`'s)."""
    background = _open_letterhead(letterhead, Path())
    with background, pikepdf.open(io.BytesIO(form_pdf)) as pdf:
        page = pdf.pages[0]
        drawing = pikepdf.Page(pdf.copy_foreign(background.pages[0].obj)).as_form_xobject()
        placed = page.calc_form_xobject_placement(drawing, page.add_resource(drawing, pikepdf.Name.XObject),
                                                  pikepdf.Rectangle(page.trimbox))
        alt = document.letterhead_alt if document else ""
        page.contents_add(_marked_figure(pdf, page, alt) + placed + b"EMC\n", prepend=True)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
        return out.getvalue()


def _marked_figure(pdf: pikepdf.Pdf, page: pikepdf.Page, alt: str) -> bytes:
    """The operator that opens the letterhead's marked content: a Figure, the first element of the
    letter's Document element, described by `alt`; without a description, an artifact."""
    tree = pdf.Root.get("/StructTreeRoot")
    if not alt or tree is None:
        return b"/Artifact BMC\n"
    marks = tree.ParentTree.Nums[1]  # the first page's owners by MCID (its /StructParents is 0)
    top = tree.K
    figure = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, P=top,
                                                  Pg=page.obj, K=len(marks), Alt=pikepdf.String(alt)))
    kids = top.K if isinstance(top.K, pikepdf.Array) else pikepdf.Array([top.K])
    kids.insert(0, figure)
    top.K = kids
    marks.append(figure)
    return b"/Figure <</MCID %d>> BDC\n" % (len(marks) - 1)


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
    missing = sorted(set(_fonts_not_embedded(pdf.pages[0].obj.get("/Resources"))))
    if missing:
        pdf.close()
        raise FormgenError(path, "", f"its fonts are not embedded ({', '.join(missing[:5])}): the letter on it "
                           "could not be read aloud or printed the same everywhere (PDF/UA asks every font embedded)",
                           "export the letterhead again with its fonts embedded, as Word's Save As PDF and "
                           "LibreOffice's Export as PDF do")
    return pdf


def _fonts_not_embedded(resources: object, depth: int = 0) -> Iterator[str]:
    """The names of the fonts a page's resources use without their program, its forms' included
    (nested at most 8 deep, each looked at once per form: the file is bounded already)."""
    if not isinstance(resources, pikepdf.Dictionary) or depth > 8:
        return
    fonts = resources.get("/Font")
    for font in (fonts.values() if isinstance(fonts, pikepdf.Dictionary) else ()):
        if isinstance(font, pikepdf.Dictionary) and not _embedded(font):
            yield str(font.get("/BaseFont", "?")).lstrip("/")
    drawings = resources.get("/XObject")
    for drawing in (drawings.values() if isinstance(drawings, pikepdf.Dictionary) else ()):
        if isinstance(drawing, pikepdf.Stream) and drawing.get("/Subtype") == pikepdf.Name.Form:
            yield from _fonts_not_embedded(drawing.get("/Resources"), depth + 1)


def _embedded(font: pikepdf.Dictionary) -> bool:
    """A font whose program is in the file (a Type 3 font draws its glyphs itself)."""
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True
    descendants = font.get("/DescendantFonts")
    if isinstance(descendants, pikepdf.Array) and len(descendants):
        font = descendants[0]
    descriptor = font.get("/FontDescriptor") if isinstance(font, pikepdf.Dictionary) else None
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
