"""Print and scan, simulated: what an office printer and a scanner do to a page, for the tests and
the hostile corpus.

A page is drawn at the scan's resolution, then printed — shrunk by "fit to page" about the sheet's
centre, with a band along every edge the printer never reaches — and scanned: the sheet lies
shifted (or upside down) on the glass, the scan is cut to an A4 sheet (whatever the shift pushed
past it is lost, and the glass shows where the sheet is not), with a little blur and noise.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Handling:
    """What happens to one sheet between the PDF and the scan."""

    shift_mm: tuple[float, float] = (0.0, 0.0)  # where the sheet lies on the glass: right, down
    scale: float = 1.0  # "fit to page": 0.94 shrinks by 6 %, about the sheet's centre
    upside_down: bool = False
    unprinted_mm: float = 0.0  # the band along every edge the printer does not print
    glass: int = 235  # the scanner's lid (light) or a sheet feeder's backing (dark) where no sheet is
    blur: float = 0.6  # pixels
    noise: float = 5.0  # grey levels (standard deviation)

    def __str__(self) -> str:
        parts = [f"shifted {self.shift_mm[0]:+g},{self.shift_mm[1]:+g} mm"]
        parts += [f"printed at {self.scale:.0%}"] if self.scale != 1 else []
        parts += ["upside down"] if self.upside_down else []
        parts += [f"outer {self.unprinted_mm:g} mm unprinted"] if self.unprinted_mm else []
        parts += ["on a dark backing"] if self.glass < 128 else []
        return ", ".join(parts)


def drawn_pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page as the printer gets it, fields and their values included, greyscale."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    try:
        return [document[i].render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("L")
                for i in range(len(document))]
    finally:
        document.close()


def print_and_scan(page: Image.Image, dpi: int, handling: Handling, seed: int = 0) -> Image.Image:
    """The scan of `page` (drawn at `dpi`) printed and scanned as `handling` says: an A4 image."""
    def pixels(mm: float) -> int:
        return round(mm * dpi / MM_PER_INCH)

    size = page.size
    sheet = Image.new("L", size, 255)
    printed = page.resize((round(size[0] * handling.scale), round(size[1] * handling.scale)), Image.BILINEAR)
    sheet.paste(printed, ((size[0] - printed.width) // 2, (size[1] - printed.height) // 2))
    if handling.unprinted_mm:
        band = pixels(handling.unprinted_mm)
        inside = sheet.crop((band, band, size[0] - band, size[1] - band))
        sheet = Image.new("L", size, 255)
        sheet.paste(inside, (band, band))
    if handling.upside_down:
        sheet = sheet.rotate(180)
    scan = Image.new("L", size, handling.glass)
    scan.paste(sheet, (pixels(handling.shift_mm[0]), pixels(handling.shift_mm[1])))
    if handling.blur:
        scan = scan.filter(ImageFilter.GaussianBlur(handling.blur))
    if handling.noise:
        values = np.asarray(scan, dtype=np.float32) + np.random.default_rng(seed).normal(0, handling.noise, size[::-1])
        scan = Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    return scan


def as_jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


SHIFTS = [(dx, dy) for dy in (-3, 0, 3) for dx in (-3, 0, 3) if (dx, dy) != (0, 0)]  # every direction, 3 mm
