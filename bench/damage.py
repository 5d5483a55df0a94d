"""More generated damage, for the "never worse" checks: the pages on which cleaning once harmed
a page (issue 12). Each takes a `bench.deskew.GeneratedPage` and returns a new one.

- a dark shading along one edge with text printed on it (a book's gutter, an open lid's shadow)
- the page at another resolution and bit depth (1-bit 72 dpi, colour 600 dpi)
- a page with no text at all: sheet music (staves, note heads, stems, bar lines)
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from bench.deskew import INK, GeneratedPage, blank_canvas


def add_shaded_edge(page: GeneratedPage, share: float = 0.35, darkest: float = 0.1) -> GeneratedPage:
    """Darken the right `share` of the page towards its edge (down to `darkest` of its
    brightness, quickly at first, as a book's gutter does), text and all: the words under the
    shading stay darker than the shading."""
    image = page.image.astype(np.float32)
    w = image.shape[1]
    start = int(w * (1 - share))
    ramp = np.ones(w, np.float32)
    ramp[start:] = 1.0 - (1.0 - darkest) * np.sqrt(np.linspace(0.0, 1.0, w - start))
    shaded = np.clip(image * ramp[None, :], 0, 255).astype(np.uint8)
    return GeneratedPage(shaded, page.text, page.language, page.dpi, page.skew_degrees, page.orientation, "shaded-edge", [*page.notes, "shaded edge"])


def at_resolution(page: GeneratedPage, dpi: int, bits: int = 8) -> GeneratedPage:
    """The page rescanned at `dpi`: grey (8), black-and-white (1: 0/255 split at mid grey, as
    scanners do; text fainter than that is lost by the scan itself)."""
    scale = dpi / page.dpi
    image = cv2.resize(page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if bits == 1:
        image = np.where(image < 128, 0, 255).astype(np.uint8)
    return GeneratedPage(image, page.text, page.language, dpi, page.skew_degrees, page.orientation, page.kind, [*page.notes, f"{dpi} dpi {bits}-bit"])


def in_colour(page: GeneratedPage) -> np.ndarray:
    """The page as a colour (BGR) scan: cream paper, blue-black ink."""
    grey = page.image.astype(np.float32) / 255
    tint = np.array([0.86, 0.95, 1.0], np.float32)  # B, G, R of the paper
    return np.clip(grey[..., None] * tint * 255, 0, 255).astype(np.uint8)


def sheet_music(dpi: int = 300, seed: int = 0) -> GeneratedPage:
    """A page of sheet music: no text on it, plenty of ink that looks like writing."""
    rng = random.Random(seed)
    canvas = np.asarray(blank_canvas(dpi)).copy()
    h, w = canvas.shape
    gap = round(dpi / 12)  # staff lines ~2 mm apart
    left, right = dpi, w - dpi
    y = dpi
    while y + 5 * gap < h - dpi:
        for line in range(5):
            cv2.line(canvas, (left, y + line * gap), (right, y + line * gap), INK, max(1, dpi // 200))
        x = left + gap * 2
        while x < right - gap * 2:
            head_y = y + rng.randint(-2, 10) * gap // 2
            cv2.ellipse(canvas, (x, head_y), (round(gap * 0.65), round(gap * 0.45)), -20, 0, 360, INK, -1)
            cv2.line(canvas, (x + round(gap * 0.6), head_y), (x + round(gap * 0.6), head_y - 3 * gap), INK, max(1, dpi // 150))
            x += rng.randint(2, 4) * gap
            if rng.random() < 0.15:
                cv2.line(canvas, (x, y), (x, y + 4 * gap), INK, max(1, dpi // 150))
                x += gap
        y += 9 * gap
    return GeneratedPage(canvas, "", "eng", dpi, kind="music")
