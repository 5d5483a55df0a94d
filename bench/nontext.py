"""Generated pages with no text on them, for the no-text thresholds (`bench/legibility.py`): what a
record file holds besides writing. Each returns a grey A4 page at `dpi`.

- a line drawing (a building plan: walls, door swings, dimension lines, hatching)
- a map-like page (field boundaries, a river, roads: a shajra without its numbers)
- stamps and signatures only (round office stamps with curved lettering, signatures, a thumb impression)
- a photo-like halftone (a printed photograph's dot screen)
Sheet music is `bench.damage.sheet_music`.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from bench.deskew import INK, PAPER, blank_canvas, font


def _canvas(dpi: int) -> np.ndarray:
    return np.asarray(blank_canvas(dpi)).copy()


def line_drawing(dpi: int = 300, seed: int = 0) -> np.ndarray:
    """A building plan: rooms as rectangles, door swings as arcs, dimension lines, hatched walls."""
    rng = np.random.default_rng(seed)
    page = _canvas(dpi)
    h, w = page.shape
    pen = max(1, dpi // 100)
    left, top, right, bottom = dpi, dpi, w - dpi, h - 2 * dpi
    cv2.rectangle(page, (left, top), (right, bottom), INK, 3 * pen)
    xs = sorted(rng.integers(left + dpi, right - dpi, 2).tolist())
    ys = sorted(rng.integers(top + dpi, bottom - dpi, 3).tolist())
    for x in xs:
        cv2.line(page, (x, top), (x, bottom), INK, 2 * pen)
    for y in ys:
        cv2.line(page, (left, y), (right, y), INK, 2 * pen)
    for _ in range(6):  # doors: a leaf and its swing
        x, y, r = int(rng.integers(left + dpi, right - dpi)), int(rng.choice(ys)), dpi // 3
        cv2.line(page, (x, y), (x, y - r), INK, pen)
        cv2.ellipse(page, (x, y), (r, r), 0, -90, 0, INK, pen)
    for offset in range(0, dpi // 2, max(4, dpi // 25)):  # hatching across one wall
        cv2.line(page, (left + offset, bottom), (left + offset + dpi // 2, bottom + dpi // 2), INK, pen)
    y = bottom + dpi  # a dimension line with arrowheads and ticks
    cv2.arrowedLine(page, ((left + right) // 2, y), (left, y), INK, pen, tipLength=0.03)
    cv2.arrowedLine(page, ((left + right) // 2, y), (right, y), INK, pen, tipLength=0.03)
    for x in (left, *xs, right):
        cv2.line(page, (x, y - dpi // 10), (x, y + dpi // 10), INK, pen)
    return page


def map_like(dpi: int = 300, seed: int = 0) -> np.ndarray:
    """Fields as irregular polygons (a Voronoi tiling), a river as a double curve, roads as dashed lines."""
    rng = np.random.default_rng(seed)
    page = _canvas(dpi)
    h, w = page.shape
    frame = (dpi // 2, dpi // 2, w - dpi, h - dpi)
    subdivision = cv2.Subdiv2D(frame)
    for _ in range(45):
        subdivision.insert((float(rng.uniform(frame[0] + 1, frame[0] + frame[2] - 1)), float(rng.uniform(frame[1] + 1, frame[1] + frame[3] - 1))))
    facets, _ = subdivision.getVoronoiFacetList([])
    pen = max(1, dpi // 150)
    for facet in facets:
        cv2.polylines(page, [np.clip(facet, 0, [w - 1, h - 1]).astype(np.int32)], True, INK, pen)
    t = np.linspace(0, 1, 400)
    river_x = (w * (0.2 + 0.6 * t + 0.05 * np.sin(9 * t))).astype(np.int32)
    river_y = (h * (0.1 + 0.8 * t ** 1.3)).astype(np.int32)
    for shift in (-dpi // 20, dpi // 20):
        cv2.polylines(page, [np.stack([river_x + shift, river_y], axis=1)], False, INK, 2 * pen)
    for start in range(0, w, dpi // 5):  # a road across, dashed
        cv2.line(page, (start, h // 3), (start + dpi // 10, h // 3 + dpi // 40), INK, 2 * pen)
    return page


def _curved_letters(size: int, letters: str, dpi: int) -> np.ndarray:
    """Letters set round a circle, each turned to face out, as a stamp's lettering is (ink = 255)."""
    ring = Image.new("L", (size, size), 0)
    typeface = font("eng", round(8 / 72 * dpi))
    radius = size * 0.36
    for index, letter in enumerate(letters):
        angle = 2 * math.pi * index / len(letters)
        glyph = Image.new("L", (typeface.size * 2, typeface.size * 2), 0)
        ImageDraw.Draw(glyph).text((typeface.size, typeface.size), letter, fill=255, font=typeface, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.BILINEAR)
        x = size / 2 + radius * math.sin(angle) - glyph.width / 2
        y = size / 2 - radius * math.cos(angle) - glyph.height / 2
        ring.paste(255, (round(x), round(y)), glyph)
    return np.asarray(ring)


def stamps_and_signatures(dpi: int = 300, seed: int = 0) -> np.ndarray:
    """Two round stamps (curved lettering, a star), three signatures and a thumb impression: the
    marks of an attestation page with its typed part left blank."""
    rng = np.random.default_rng(seed)
    page = _canvas(dpi)
    h, w = page.shape
    size = int(1.6 * dpi)
    for cx, cy in ((int(2.2 * dpi), int(3 * dpi)), (w - int(2.4 * dpi), h - int(3.5 * dpi))):
        stamp = np.zeros((size, size), np.uint8)
        cv2.circle(stamp, (size // 2, size // 2), size // 2 - 4, 255, max(2, dpi // 60))
        cv2.circle(stamp, (size // 2, size // 2), int(size * 0.27), 255, max(1, dpi // 100))
        stamp = np.maximum(stamp, _curved_letters(size, "OFFICE OF THE TEHSILDAR * ", dpi))
        star = np.array([[size / 2 + size * (0.12 if k % 2 == 0 else 0.05) * math.sin(k * math.pi / 5),
                          size / 2 - size * (0.12 if k % 2 == 0 else 0.05) * math.cos(k * math.pi / 5)] for k in range(10)], np.int32)
        cv2.fillPoly(stamp, [star], 255)
        turned = cv2.warpAffine(stamp, cv2.getRotationMatrix2D((size / 2, size / 2), float(rng.uniform(-40, 40)), 1.0), (size, size))
        region = page[cy - size // 2 : cy + size // 2, cx - size // 2 : cx + size // 2]
        region[turned[: region.shape[0], : region.shape[1]] > 128] = 70
    for x0, y0 in ((dpi, int(5.5 * dpi)), (int(4.5 * dpi), int(6.5 * dpi)), (int(1.5 * dpi), h - int(2 * dpi))):
        t = np.linspace(0, 1, 300)
        loops = rng.uniform(4, 8)
        xs = x0 + t * 2.2 * dpi + 0.15 * dpi * np.sin(2 * math.pi * loops * t)
        ys = y0 - 0.25 * dpi * np.cos(2 * math.pi * loops * t) * (1 - t) - 0.2 * dpi * t
        cv2.polylines(page, [np.stack([xs, ys], axis=1).astype(np.int32)], False, INK, max(2, dpi // 100))
    centre = (w - int(2 * dpi), int(6 * dpi))
    for ridge in range(2, int(0.45 * dpi), max(3, dpi // 40)):  # a thumb impression's ridges
        cv2.ellipse(page, centre, (ridge, int(ridge * 1.4)), float(rng.uniform(-10, 10)), 0, 360, 60, max(1, dpi // 150))
    return page


def halftone_photo(dpi: int = 300, seed: int = 0) -> np.ndarray:
    """A printed photograph over most of the page: smooth shapes of light and dark, dot-screened at 85 lines an inch, 45 degrees."""
    rng = np.random.default_rng(seed)
    page = _canvas(dpi)
    h, w = page.shape
    top, left, bottom, right = dpi, dpi, h - 2 * dpi, w - dpi
    small = rng.normal(0, 1, ((bottom - top) // 40 + 1, (right - left) // 40 + 1)).astype(np.float32)
    tone = cv2.resize(cv2.GaussianBlur(small, (0, 0), 2.0), (right - left, bottom - top), interpolation=cv2.INTER_CUBIC)
    tone = (tone - tone.min()) / max(1e-6, float(tone.max() - tone.min()))
    yy, xx = np.mgrid[0 : bottom - top, 0 : right - left].astype(np.float32)
    period = dpi / 85
    u, v = (xx + yy) / math.sqrt(2), (xx - yy) / math.sqrt(2)
    screen = (np.cos(2 * math.pi * u / period) + np.cos(2 * math.pi * v / period) + 2) / 4  # 0..1
    page[top:bottom, left:right] = np.where(tone > screen, INK, PAPER).astype(np.uint8)
    return page


NON_TEXT = {"line drawing": line_drawing, "map-like": map_like, "stamps, signatures": stamps_and_signatures,
            "halftone photo": halftone_photo}
