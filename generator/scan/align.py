"""Align a scanned page to its layout and measure ink in it (OpenCV, numpy).

Coordinates on the page are PDF points from the top left corner (x right, y down). The page's QR
code gives a first estimate of where the page lies in the image (its corners are known on the
page); the four registration squares, looked for around where that estimate puts them (nearest
first, each found bettering the estimate for the next), then give the exact transform, which takes
skew, scale, shift, a turned page and a page photographed at an angle alike.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from ..errors import FormgenError

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the top left
MARK_SEARCH = 30.0  # points around a mark's expected centre where it is looked for
MARK_REACHES = (MARK_SEARCH, 2 * MARK_SEARCH, 4 * MARK_SEARCH)  # then farther out, where it was not found
MARK_BEARING = 20.0  # degrees, see _in_its_direction
CODE_AGREES = 6.0  # points: the marks' transform puts the code's corners this near where they were found (< 1 pt
# on scans and photos; a wrong square taken for a mark, many)
SPECK = 6  # ink components smaller than this many pixels (at the working scale) are dust or noise


@dataclass
class Alignment:
    matrix: np.ndarray  # 3×3: page points → image pixels
    marks_found: int


def align(image: np.ndarray, code_corners: Sequence[tuple[float, float]], code_rect: Rect,
          mark_rects: Sequence[Rect]) -> Alignment:
    """Where the page lies in `image`, from its QR code's corners and its registration marks."""
    x0, y0, x1, y1 = code_rect
    page_corners = np.float32([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    rough, _ = cv2.estimateAffinePartial2D(page_corners, np.float32(code_corners))
    if rough is None:
        raise FormgenError("", "", "its QR code's corners give no position on the page", "scan the page again")
    rough = np.vstack([rough, [0, 0, 1]])
    scale = float(np.sqrt(abs(np.linalg.det(rough[:2, :2]))))  # pixels per point
    centres = [((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2) for rect in mark_rects]
    code_centre, code_centre_found = page_corners.mean(axis=0), np.float32(code_corners).mean(axis=0)
    page, found, estimate = [], [], rough
    # nearest the code first: each mark found corrects where the next is looked for, and one not
    # found where the estimate puts it is looked for farther out (a page photographed at an angle
    # is not where a scan's would be)
    for centre, rect in sorted(zip(centres, mark_rects), key=lambda m: np.hypot(*(np.float32(m[0]) - code_centre))):
        side, expected = (rect[2] - rect[0]) * scale, _apply(estimate, centre)
        at = next((at for reach in MARK_REACHES if (at := _find_mark(image, expected, side, reach * scale)) is not None
                   and _in_its_direction(at, expected, code_centre_found)), None)
        if at is not None:
            page.append(centre)
            found.append(at)
            estimate = _similarity(np.float64([code_centre, *page]), np.float64([code_centre_found, *found]))
    for marks in _sets_of_marks(len(found)):  # all, else three: a square taken for a mark is left out
        matrix = _transform([page[i] for i in marks], [found[i] for i in marks])
        if _agrees(matrix, page_corners, code_corners, scale):
            return Alignment(matrix, len(marks))
    return Alignment(rough, 0)


def _in_its_direction(at, expected, code_centre) -> bool:
    """Whether a square lies, seen from the code, where the estimate puts its mark: within
    MARK_BEARING degrees and a third of the distance (an angle and a page's perspective change these
    a few degrees; a square of ink elsewhere, taken for a missing mark, many)."""
    found, wanted = np.subtract(at, code_centre), np.subtract(expected, code_centre)
    turn = abs((np.degrees(np.arctan2(found[1], found[0]) - np.arctan2(wanted[1], wanted[0])) + 180) % 360 - 180)
    ratio = np.hypot(*found) / max(float(np.hypot(*wanted)), 1e-9)
    return turn <= MARK_BEARING and 2 / 3 <= ratio <= 3 / 2


def _sets_of_marks(count: int) -> list[tuple[int, ...]]:
    if count < 3:
        return []
    return [tuple(range(count))] + (list(itertools.combinations(range(count), 3)) if count == 4 else [])


def _transform(page: list, found: list) -> np.ndarray:
    """Page points → image pixels from four marks (a perspective) or three (an affine)."""
    if len(found) == 4:
        return cv2.getPerspectiveTransform(np.float32(page), np.float32(found))
    return np.vstack([cv2.getAffineTransform(np.float32(page), np.float32(found)), [0, 0, 1]])


def _agrees(matrix: np.ndarray, page_corners: np.ndarray, code_corners, scale: float) -> bool:
    """Whether the transform puts the code's corners where they were found (within CODE_AGREES)."""
    placed = [_apply(matrix, tuple(corner)) for corner in page_corners]
    error = max(float(np.hypot(x - cx, y - cy)) for (x, y), (cx, cy) in zip(placed, code_corners))
    return error <= CODE_AGREES * scale


def _similarity(on_page: np.ndarray, in_image: np.ndarray) -> np.ndarray:
    """The turn, scale and shift that take the page points nearest, by least squares, to where they
    are in the image (x' = a·x − b·y + tx, y' = b·x + a·y + ty). Not a full affine: the code and the
    first marks lie along one edge, and would give the scale across the page from a few millimetres."""
    x, y = on_page[:, 0], on_page[:, 1]
    ones, zeros = np.ones_like(x), np.zeros_like(x)
    rows = np.vstack([np.column_stack([x, -y, ones, zeros]), np.column_stack([y, x, zeros, ones])])
    (a, b, tx, ty), *_ = np.linalg.lstsq(rows, np.concatenate([in_image[:, 0], in_image[:, 1]]), rcond=None)
    return np.array([[a, -b, tx], [b, a, ty], [0, 0, 1]])


def _apply(matrix: np.ndarray, point: tuple[float, float]) -> tuple[float, float]:
    x, y, w = matrix @ np.array([point[0], point[1], 1.0])
    return x / w, y / w


def _find_mark(image: np.ndarray, centre: tuple[float, float], side: float, reach: float):
    """The centre of the solid square nearest to `centre`, or None."""
    height, width = image.shape
    x0, y0 = max(0, int(centre[0] - reach)), max(0, int(centre[1] - reach))
    x1, y1 = min(width, int(centre[0] + reach)), min(height, int(centre[1] + reach))
    if x1 - x0 < side or y1 - y0 < side:
        return None
    window = image[y0:y1, x0:x1]
    dark = (window < ink_threshold(window)).astype(np.uint8)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(dark, connectivity=8)
    best, best_distance = None, None
    for label in range(1, count):
        w, h, area = stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT], stats[label, cv2.CC_STAT_AREA]
        square = 0.6 * side < w < 1.6 * side and 0.6 * side < h < 1.6 * side and area > 0.6 * w * h
        if not square or not _stands_alone(dark, stats[label], side):
            continue
        cx, cy = centroids[label][0] + x0, centroids[label][1] + y0
        distance = (cx - centre[0]) ** 2 + (cy - centre[1]) ** 2
        if best_distance is None or distance < best_distance:
            best, best_distance = (cx, cy), distance
    return best


def _stands_alone(dark: np.ndarray, box, side: float) -> bool:
    """Whether a square has the white a mark is printed with around it (half its side, MARK_QUIET):
    a letter or a blot among others has ink there."""
    x, y, w, h, area = (int(v) for v in box)
    reach = max(1, round(0.4 * side))
    around = dark[max(0, y - reach):y + h + reach, max(0, x - reach):x + w + reach]
    return int(around.sum()) - area <= 0.05 * (around.size - w * h)


def ink_threshold(image: np.ndarray) -> float:
    """Darker than this is ink: well below the paper's own shade, whatever the scanner made of it."""
    paper = float(np.percentile(image, 90))
    return max(40.0, paper * 0.6)


def warp(image: np.ndarray, matrix: np.ndarray, rect: Rect, scale: float,
         size: tuple[int, int] | None = None) -> np.ndarray:
    """The part of the page inside `rect`, upright, at `scale` pixels per point (`size`: width, height)."""
    x0, y0, x1, y1 = rect
    size = size or (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    crop_to_page = np.array([[1 / scale, 0, x0], [0, 1 / scale, y0], [0, 0, 1]])
    return cv2.warpPerspective(image, matrix @ crop_to_page, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def ink_mask(image: np.ndarray, threshold: float) -> np.ndarray:
    """Ink pixels (True) without isolated specks of noise."""
    dark = (image < threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= SPECK
    keep[0] = False
    return keep[labels]


def printed_mask(template: np.ndarray, reach: int) -> np.ndarray:
    """Where the blank form itself has ink, widened by `reach` pixels for what alignment leaves."""
    dark = (template < 200).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    return cv2.dilate(dark, kernel).astype(bool)


def for_ocr(image: np.ndarray, threshold: float, band: int, pad: int = 12) -> np.ndarray:
    """A field's image as tesseract reads it best: paper pure white, long straight lines (underlines,
    box and cell borders), whatever touches the edges (a neighbour's ink) and what lies wholly in
    the `band` pixels along the top and bottom edges (bits of a border) removed, a white margin."""
    dark = (image < threshold).astype(np.uint8)
    lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (max(15, image.shape[1] // 8), 1)))
    lines |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (1, max(15, int(image.shape[0] * 0.8)))))
    keep = dark & ~cv2.dilate(lines, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(keep, connectivity=8)
    height, width = keep.shape
    x, y, w, h = (stats[:, i] for i in (cv2.CC_STAT_LEFT, cv2.CC_STAT_TOP, cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT))
    inside = (x > 0) & (y > 0) & (x + w < width) & (y + h < height) & (y + h > band) & (y < height - band)
    inside[0] = False
    cleaned = np.where(inside[labels], image, 255).astype(np.uint8)
    return cv2.copyMakeBorder(cleaned, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def to_png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    return data.tobytes() if ok else b""
