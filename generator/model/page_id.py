"""What a printed page says about itself, so a scan of it can be read back.

Every PDF page carries a QR code (zxing-cpp's encoder, level M) in its left margin, above the
bottom left corner, whose plain text names the call, the form, the edition, the page, the page
count and a fingerprint of the page's field layout — `formgen 2025 annex2 ky 2/4 3fa9c1`, and a
prefilled page adds its data row's folder name — and four solid registration squares near the
corners that a scan is aligned by: each with the white around it at least SAFE_INSET inside every
edge. The DOCX carries the same code, at the same place, without the page (Word lays out its own
pages). This module holds the geometry both the renderer and the scan reader use, the text and
its parsing.
"""
from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import zxingcpp

MM = 72 / 25.4
PREFIX = "formgen"
# What printers and scanners do to a sheet: office printers leave 4–5 mm of each edge unprinted,
# "fit to page" shrinks a page by 3–6 %, scanners crop and shift a few millimetres. What a scan is
# read by (the code and the marks, each with the white around it) stays this far inside every edge.
SAFE_INSET = 10 * MM
MARK_SIZE = 4 * MM  # a solid registration square
MARK_QUIET = 2 * MM  # white around a mark, so it stands alone
MARK_INSET = SAFE_INSET + MARK_QUIET  # from the page's edges to a mark's outer edges
QR_SIZE = 15 * MM  # the code itself
QR_QUIET_MODULES = 4  # the white border a reader needs around a code
QR_QUIET = 2.5 * MM  # white around the code: at least 4 modules of any version it takes (version 2: 0.6 mm a module)
QR_X = SAFE_INSET + QR_QUIET  # lower left corner, in the left margin above the bottom left mark
QR_Y = MARK_INSET + MARK_SIZE + MARK_QUIET + QR_QUIET
QR_MAX_BYTES = 106  # version 6 at level M: 41 modules of 0.37 mm, which a 150 dpi scan still resolves
FINGERPRINT_HEX = 6
ROW_HASH_HEX = 4


@dataclass(frozen=True)
class PageId:
    call: str
    form: str
    edition: str
    page: int  # 1-based; 0 for a Word document's code, which names no page
    pages: int
    fingerprint: str
    row: str = ""

    def text(self, row: str | None = None) -> str:
        """What the code says; `row` instead of the page's own row (a blank's page, filled for a row)."""
        row = self.row if row is None else row
        where = f" {self.page}/{self.pages}" if self.page else ""
        text = f"{PREFIX} {self.call} {self.form} {self.edition}{where} {self.fingerprint}"
        return f"{text} {row_within(row, QR_MAX_BYTES - len(text.encode()) - 1)}" if row else text


def parse(text: str) -> PageId | None:
    """The `PageId` a code's text names, or None for a code formgen did not print."""
    parts = text.split(" ")
    if len(parts) < 5 or parts[0] != PREFIX:
        return None
    paged = "/" in parts[4]  # a Word document's code names no page
    head = 6 if paged else 5
    parts = text.split(" ", head)
    if len(parts) < head:
        return None
    page, _, pages = parts[4].partition("/") if paged else ("0", "", "0")
    if not (page.isdigit() and pages.isdigit()):
        return None
    row = parts[head] if len(parts) > head else ""
    return PageId(parts[1], parts[2], parts[3], int(page), int(pages), parts[head - 1], row)


def row_within(row: str, budget: int) -> str:
    """The row's name, or when it is too long for the code its start and a hash that keeps it unique."""
    if len(row.encode()) <= budget:
        return row
    digest = hashlib.sha256(row.encode()).hexdigest()[:ROW_HASH_HEX]
    cut = row
    while len(f"{cut}~{digest}".encode()) > budget:
        cut = cut[:-1]
    return f"{cut.rstrip()}~{digest}"


def fingerprint(items: Iterable[Sequence[object]]) -> str:
    """A short hash of a page's fields: (id, kind, choice, x0, y0, x1, y1), rounded to a point."""
    lines = [" ".join(f"{v:.0f}" if isinstance(v, float) else str(v) for v in item) for item in items]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:FINGERPRINT_HEX]


# ---- drawing -------------------------------------------------------------------------------------

def modules(text: str) -> list[list[bool]]:
    """The code's modules row by row, True for dark: zxing-cpp, level M, the smallest version.

    (reportlab's encoder took 15 ms a code and imported all of reportlab's graphics and platypus,
    even for a Word document; zxing-cpp takes 0.1 ms.)"""
    return [[value < 128 for value in row] for row in _pixel_rows(text)]


def _pixel_rows(text: str) -> list[bytes]:
    """One byte per module, row by row: below 128 is dark."""
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(image.to_image(scale=1, add_quiet_zones=False))
    rows, side = pixels.shape[:2]
    data = pixels.tobytes()
    return [data[row * side:(row + 1) * side] for row in range(rows)]


@dataclass(frozen=True)
class QrMask:
    """The code's modules as a 1-bit image: `side` modules a side, each row packed into whole
    bytes, most significant bit first, 1 for a dark module."""

    side: int
    bits: bytes


@lru_cache(maxsize=64)
def qr_mask(text: str) -> QrMask:
    """What a page draws as its code, an image mask over QR_X, QR_Y, QR_SIZE: `fill` writes a row's
    code into a copy of the blank for every page, so it is packed without a loop over modules."""
    rows = _pixel_rows(text)
    side = len(rows)
    padded = (side + 7) // 8 * 8
    bits = b"".join(int(row.translate(_DARK_BIT).ljust(padded, b"0"), 2).to_bytes(padded // 8, "big")
                    for row in rows)
    return QrMask(side, bits)


_DARK_BIT = bytes(ord("1") if value < 128 else ord("0") for value in range(256))


def mark_rects(width: float, height: float) -> list[tuple[float, float, float, float]]:
    """The four registration squares (x0, y0, x1, y1), clockwise from the top left."""
    near, far_x, far_y = MARK_INSET, width - MARK_INSET - MARK_SIZE, height - MARK_INSET - MARK_SIZE
    corners = [(near, far_y), (far_x, far_y), (far_x, near), (near, near)]
    return [(x, y, x + MARK_SIZE, y + MARK_SIZE) for x, y in corners]


def qr_rect() -> tuple[float, float, float, float]:
    """Where the code is drawn (x0, y0, x1, y1), without its white."""
    return QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE


def quiet_rects(width: float, height: float) -> list[tuple[float, float, float, float]]:
    """The code and each mark with the white around it: nothing else is drawn there."""
    def grown(rect, by):
        return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by
    return [grown(qr_rect(), QR_QUIET)] + [grown(rect, MARK_QUIET) for rect in mark_rects(width, height)]


def clear_quiet_zones(canvas, width: float, height: float) -> None:
    """White under the code and the marks, drawn first: a letterhead behind the page cannot mar them."""
    canvas.set_fill_gray(1)
    for x0, y0, x1, y1 in quiet_rects(width, height):
        canvas.rect(x0, y0, x1 - x0, y1 - y0, fill=True)
    canvas.set_fill_gray(0)


def draw_marks(canvas, width: float, height: float) -> None:
    canvas.set_fill_gray(0)
    for x0, y0, x1, y1 in mark_rects(width, height):
        canvas.rect(x0, y0, x1 - x0, y1 - y0, fill=True)


def form_name(page_index: int) -> str:
    """The page's code is a form XObject drawn on the page and written once the page count is known."""
    return f"formgenPageId{page_index}"


def qr_side(text: str) -> int:
    """Modules a side of the code that says `text`."""
    return qr_mask(text).side


def qr_png(text: str, quiet: int = QR_QUIET_MODULES) -> bytes:
    """The code as a 1-bit greyscale PNG (for the Word footer), deterministic bytes: 8 pixels a
    module, so each module is one byte of a row, 0x00 dark or 0xFF light."""
    modules = [row.translate(_MODULE_BYTE) for row in _pixel_rows(text)]
    margin = b"\xff" * quiet
    light = b"\x00" + b"\xff" * (len(modules) + 2 * quiet)  # each scanline starts with its filter, none
    lines = [light] * quiet + [b"\x00" + margin + row + margin for row in modules] + [light] * quiet
    side = len(lines) * 8
    return png(side, side, b"".join(line for line in lines for _ in range(8)))


_MODULE_BYTE = bytes(0x00 if value < 128 else 0xFF for value in range(256))


def png(width: int, height: int, scanlines: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines, 9))
            + chunk(b"IEND", b""))
