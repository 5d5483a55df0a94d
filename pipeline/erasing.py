"""What page cleaning erases from the copy of a page that is OCRed, and the check that it erases
no writing: black scanner margins and punch holes (whitened), table rules (dropped from the small
binary copy that script and orientation are read from). The archived image is never painted.

A step that would erase more than a small share of the page's writing is refused for that page:
a dark shading at the edge of a book scan is not a scanner margin when words are printed on it.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# Writing is ink darker than its own surroundings by this much: text printed on a grey shading
# still is, the flat inside of a black scanner margin or a punch hole is not.
LOCAL_CONTRAST = 30
LOCAL_MM = 3.0  # the neighbourhood writing is compared with: wider than any pen stroke
# A margin or hole whitening that erases more than this share of the page's writing is refused
# (black margins and holes of real and generated scans erase none; a shading over the ends of
# the lines of a two-column page, 0.3-2.5%).
MAX_ERASED_WRITING = 0.002
HOLE_ISOLATION = 0.05  # a punch hole has (nearly) no other ink within one diameter of it
RULE_MAX_MM = 1.2  # a table rule is a thin band; a thicker one is a line of dense text


def binarize(grey: np.ndarray, threshold: int) -> np.ndarray:
    """Ink as 1, paper as 0."""
    return cv2.threshold(grey, threshold - 1, 1, cv2.THRESH_BINARY_INV)[1]


Box = tuple[int, int, int, int, np.ndarray]  # left, top, width, height, the component's mask inside


def scanner_margins(grey: np.ndarray, dpi: float, paper: int) -> list[Box]:
    """Black scanner margins and punch-hole shadows in a small page, as (x, y, w, h, mask)
    boxes with the component's mask inside each.

    Margins: dark regions touching the frame that are large (the open lid around a small or
    skewed sheet). Punch holes: dark filled discs 4-10 mm across within 30 mm of an edge, with
    no other ink around them (a bold round letter of a headline has its neighbours).
    """
    dark = binarize(grey, min(90, paper // 2))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    h, w = grey.shape
    mm = dpi / 25.4
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw == w) | (y + bh == h)
    margin = touches & ((bw > 0.15 * w) | (bh > 0.15 * h) | (area > 0.002 * w * h))
    round_and_filled = (bw > 0.75 * bh) & (bw < 1.33 * bh) & (area > 0.6 * bw * bh)
    near_edge = np.minimum(np.minimum(x, y), np.minimum(w - x - bw, h - y - bh)) < 30 * mm
    hole = round_and_filled & near_edge & (np.maximum(bw, bh) >= 4 * mm) & (np.maximum(bw, bh) <= 10 * mm)
    boxes = []
    for index in np.flatnonzero(margin | hole):
        left, top, width, height = int(x[index]), int(y[index]), int(bw[index]), int(bh[index])
        if hole[index] and not margin[index] and not _isolated(dark, left, top, width, height, int(area[index])):
            continue
        mask = labels[top : top + height, left : left + width] == index + 1
        boxes.append((left, top, width, height, mask))
    return boxes


def _isolated(dark: np.ndarray, left: int, top: int, width: int, height: int, area: int) -> bool:
    """No other ink within one diameter of the box."""
    reach = max(width, height)
    around = dark[max(0, top - reach) : top + height + reach, max(0, left - reach) : left + width + reach]
    return (int(around.sum()) - area) <= HOLE_ISOLATION * (around.size - width * height)


def erased_mask(shape: tuple[int, int], boxes: list[Box], scale: float) -> np.ndarray:
    """Where whitening the small-page `boxes` paints a page of `shape`, `scale` times larger:
    each mask scaled up and grown by a pixel of the small page to cover a blurred edge."""
    erased = np.zeros(shape, bool)
    h, w = shape
    for left, top, width, height, mask in boxes:
        grown = cv2.dilate(np.pad(mask.astype(np.uint8), 1), np.ones((3, 3), np.uint8))
        x0, y0 = int((left - 1) * scale), int((top - 1) * scale)
        x1, y1 = int(math.ceil((left + width + 1) * scale)), int(math.ceil((top + height + 1) * scale))
        big = cv2.resize(grown, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST).astype(bool)
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        erased[cy0:cy1, cx0:cx1] |= big[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
    return erased


def writing(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Ink darker than its surroundings (see LOCAL_CONTRAST), as 1."""
    block = 2 * round(LOCAL_MM * dpi / 25.4 / 2) + 1
    return cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, max(3, block), LOCAL_CONTRAST)


def erased_writing_share(grey: np.ndarray, dpi: float, erased: np.ndarray) -> float:
    """The share of the page's writing that lies inside `erased`, away from its edges (where a
    margin's own edge looks like writing)."""
    ink = writing(grey, dpi).astype(bool)
    reach = 2 * round(LOCAL_MM * dpi / 25.4) + 1
    inside = cv2.erode(erased.astype(np.uint8), np.ones((reach, reach), np.uint8)).astype(bool)
    lost = int(np.count_nonzero(ink & inside))
    kept = int(np.count_nonzero(ink & ~erased))
    return lost / max(1, lost + kept)


def without_rules(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The levelled ink without table rules. A rule is a thin band of rows (or columns) that are
    mostly ink in long runs; a line of dense text has as much ink but in short runs, and a band
    of it is as thick as the letters. Gaps of a few pixels are closed first: a thin rule turned
    back from a skew comes out as a staircase. Rules would join a register's lines into one
    block that no text-line test can read."""
    cleared = ink
    thickest = max(2, round(RULE_MAX_MM * dpi / 25.4))
    for axis, kernel in ((1, (1, 7)), (0, (7, 1))):
        joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(kernel, np.uint8))
        counts = joined.sum(axis=axis)
        runs = np.count_nonzero(np.diff(joined, axis=axis) == 1, axis=axis) + 1
        length = ink.shape[axis]
        rules = thin_bands((counts > 0.3 * length) & (counts / runs > 0.05 * length), thickest)
        if rules.any():
            rules[:-1] |= rules[1:]  # and the stray pixels of the staircase on either side
            rules[1:] |= rules[:-1].copy()
            cleared = cleared.copy() if cleared is ink else cleared
            if axis == 1:
                cleared[rules] = 0
            else:
                cleared[:, rules] = 0
    return cleared


def thin_bands(rows: np.ndarray, thickest: int) -> np.ndarray:
    """`rows` without its runs of more than `thickest` consecutive rows."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows.astype(np.int8), [0]])))
    kept = np.zeros_like(rows)
    for start, end in zip(edges[0::2], edges[1::2]):
        if end - start <= thickest:
            kept[start:end] = True
    return kept


def has_rules(ink: np.ndarray) -> bool:
    """Whether a levelled page has table rules: three straight lines a quarter of the page long
    across it, or two a sixth of its height down it. Text never has such lines (Devanagari's
    headline breaks at every word space)."""
    h, w = ink.shape
    half = (cv2.resize(ink, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)  # a thin rule survives
    across = cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((1, max(3, w // 8)), np.uint8)).any(axis=1)
    down = cv2.morphologyEx(half, cv2.MORPH_OPEN, np.ones((max(3, h // 12), 1), np.uint8)).any(axis=0)
    return _runs(across) >= 3 or _runs(down) >= 2


def _runs(marked: np.ndarray) -> int:
    return int(np.count_nonzero(np.diff(np.concatenate([[0], marked.astype(np.int8)])) == 1))
