"""Scanned pages as greyscale images: the pages of a PDF (PDFium, through pypdfium2) and the frames
of PNG, JPEG and TIFF files (Pillow). Sizes are checked before anything is decoded."""
from __future__ import annotations

import struct
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ..errors import FormgenError

MAX_PAGES = 60  # in one scan file
MAX_PIXELS = 60_000_000  # one page: A4 at 600 dpi is 35 million
MAX_DPI, MIN_DPI, DEFAULT_DPI = 600, 100, 200
# What Pillow's decoders raise on a damaged or hostile image (its own fuzzing finds each of them)
PILLOW_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
                 ZeroDivisionError, Image.DecompressionBombError, Image.DecompressionBombWarning)


def image_pages(path: Path) -> Iterator[Callable[[], np.ndarray]]:
    """Each frame of a PNG, JPEG or (multi-page) TIFF: a function that decodes it, greyscale, or
    raises the FormgenError that says why it cannot (the frames after it are still read)."""
    with _bombs_refused():
        try:
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > MAX_PAGES:
                    raise FormgenError(path, "", f"{frames} pages, more than a scan of a form has ({MAX_PAGES})",
                                       "send each application's pages in a file of its own")
                for frame in range(frames):
                    yield lambda frame=frame: _frame(image, frame, path)
        except PILLOW_ERRORS as exc:
            raise FormgenError(path, "", f"damaged image: {str(exc)[:80]}", "scan the pages again") from None


def _frame(image: Image.Image, frame: int, path: Path) -> np.ndarray:
    try:
        with _bombs_refused():
            image.seek(frame)
            if image.width * image.height > MAX_PIXELS:
                raise FormgenError(path, f"page {frame + 1}", f"{image.width}×{image.height} pixels, more than a "
                                   "page scanned at 600 dpi", "scan at 150–300 dpi")
            return np.asarray(image.convert("L"))
    except PILLOW_ERRORS as exc:
        raise FormgenError(path, f"page {frame + 1}", f"damaged image: {str(exc)[:80]}", "scan the page again") from None


@contextmanager
def _bombs_refused():
    """Pillow's warning of an image far larger than a page raised as an error, never decoded; its
    other warnings (corrupt EXIF data, a tag larger than the file) unsaid: the image reads or it is reported."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


def pdf_pages(source: Path | bytes) -> Iterator[Callable[[], np.ndarray]]:
    """Each page of a PDF: a function that draws it greyscale at the resolution of its largest image
    (a scanner's), or raises the FormgenError that says why it cannot (the pages after it are still read)."""
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        raise FormgenError(source if isinstance(source, Path) else "PDF", "", f"damaged PDF: {exc}",
                           "ask for the file again") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise FormgenError(source, "", f"{len(pdf)} pages, more than a scan of a form has ({MAX_PAGES})",
                               "send each application's pages in a file of its own")
        for index in range(len(pdf)):
            yield lambda index=index: _drawn(pdf, index, source)
    finally:
        pdf.close()


def _drawn(pdf: pdfium.PdfDocument, index: int, source: Path | bytes) -> np.ndarray:
    try:
        page = pdf[index]
        dpi = _scan_dpi(page)
        width, height = page.get_size()
        if width * height * (dpi / 72) ** 2 > MAX_PIXELS:
            raise FormgenError(source, f"page {index + 1}", "a page too large for a form",
                               "scan A4 pages at 150–300 dpi")
        return render_page(page, dpi)
    except (pdfium.PdfiumError, ValueError) as exc:  # a broken page tree; a page box PDFium cannot crop to
        raise FormgenError(source, f"page {index + 1}", f"cannot be drawn (PDFium: {str(exc)[:80]})",
                           "ask for the file saved again, or key the page in") from None


def render_page(page: pdfium.PdfPage, dpi: float) -> np.ndarray:
    pixels = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True).to_numpy()
    return np.array(pixels[:, :, 0] if pixels.ndim == 3 else pixels)


def render_pdf_page(data: bytes, index: int, dpi: float) -> np.ndarray:
    """One page of a PDF made in memory (a blank form, to compare a scan with)."""
    pdf = pdfium.PdfDocument(data)
    try:
        return render_page(pdf[index], dpi)
    finally:
        pdf.close()


def _scan_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the page's largest image: a scanner's page is one image. Pages without
    images (printed to PDF) are drawn at the default."""
    width_in = page.get_width() / 72
    best = 0
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        pixels_wide, _ = item.get_px_size()
        best = max(best, pixels_wide)
    if not best:
        return DEFAULT_DPI
    return float(min(MAX_DPI, max(MIN_DPI, best / width_in)))


DRAWN = {"pdf": pdf_pages, "image": image_pages}  # how a kind of scan file is drawn (FileKind.scan)
