"""Find a page's QR code in a scan (zxing-cpp): its text and where its corners are.

The code sits in a corner region of an upright page; turned upside down or by 90° it sits in
another corner. The four corner regions are searched first (small images decode fast), then the
whole page.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import zxingcpp

CORNER = 0.4  # of the image's width and height: a corner region to search first


@dataclass(frozen=True)
class FoundCode:
    text: str
    corners: tuple[tuple[float, float], ...]  # image pixels: the symbol's top left, top right, bottom right, bottom left


def find_codes(image: np.ndarray) -> list[FoundCode]:
    """The QR codes on a greyscale page image; formgen prints one per page."""
    height, width = image.shape
    cw, ch = int(width * CORNER), int(height * CORNER)
    for x, y in ((0, height - ch), (width - cw, 0), (0, 0), (width - cw, height - ch)):
        found = _read(image[y:y + ch, x:x + cw], x, y)
        if found:
            return found
    return _read(image, 0, 0)


def _read(image: np.ndarray, dx: int, dy: int) -> list[FoundCode]:
    codes = []
    for barcode in zxingcpp.read_barcodes(np.ascontiguousarray(image), formats=zxingcpp.BarcodeFormat.QRCode):
        position = barcode.position
        corners = tuple((p.x + dx, p.y + dy) for p in (position.top_left, position.top_right,
                                                       position.bottom_right, position.bottom_left))
        # its text, not its bytes read as UTF-8: the encoder puts a name of Russian letters alone in
        # Kanji mode (Shift_JIS, 13 bits a letter), others in UTF-8 after an ECI; the text undoes either
        codes.append(FoundCode(barcode.text, corners))
    return codes
