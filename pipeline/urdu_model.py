"""Which model reads an Urdu page: Debian's `urd`, or daftar's own `urd_nastaliq` (models/).

Debian's `urd` reads Naskh but not Nastaliq, the style most typed Urdu records are printed in;
`urd_nastaliq` was trained by the project for it (scripts/nastaliq/train.sh, docs/nastaliq.md).
Which of the two reads a page is chosen from the page's own ink (`nastaliq_style`): Nastaliq
sets each word on a slope, its first letter high and its last low, while Naskh sits on a
level baseline. The choice and both models' error rates are measured in bench/nastaliq.py.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline import script
from pipeline.tessdata import shipped_models

NASTALIQ_MODEL = "urd_nastaliq"

NASKH_MODEL = "urd"
# Median slope (rows per column) of a page's word shapes: measured -0.49 to -0.69 on generated
# Nastaliq pages (Noto Nastaliq Urdu regular and bold, Awami Nastaliq; 200-350 dpi, 10-14 pt,
# scan damage), -0.64 and -0.44 on the corpus's two real Nastaliq images, -0.11 to -0.34 on
# Naskh (Nafees, Noto Naskh Arabic, PakType Naskh and Tehreer, Amiri, Scheherazade). Below
# this, a page is Nastaliq. About 40 ms of CPU for an A4 page at 300 dpi.
NASTALIQ_SLOPE = -0.39
MIN_WORD_SHAPES = 8  # fewer word shapes than this say nothing about the style

__all__ = ["NASTALIQ_MODEL", "models_for_page", "nastaliq_style", "word_slope"]


def models_for_page(models: tuple[str, ...], page: np.ndarray) -> tuple[str, ...]:
    """The models to read a page with: `urd` becomes `urd_nastaliq` on a Nastaliq page, when the
    model is shipped; every other model (and a Naskh page) is read as configured."""
    if NASKH_MODEL not in models or NASTALIQ_MODEL not in shipped_models() or not nastaliq_style(page):
        return models
    return tuple(dict.fromkeys(NASTALIQ_MODEL if model == NASKH_MODEL else model for model in models))


def nastaliq_style(page: np.ndarray) -> bool:
    """Whether a greyscale page of Arabic-script text is set in Nastaliq (its words slope down to the left)."""
    slope = word_slope(page)
    return slope is not None and slope < NASTALIQ_SLOPE


def word_slope(page: np.ndarray) -> float | None:
    """Median over the page's word-sized shapes (connected ink) of the slope of their ink, rows
    down per column right (image axes); None when the page has too few to tell."""
    if min(page.shape) > 1600:  # half size is plenty for the shapes' slopes and costs a quarter
        page = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(page, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height = script.find_text_lines(ink).height
    if height <= 0:
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    rows, columns = np.nonzero(labels)
    label = labels[rows, columns]
    pixels = np.bincount(label, minlength=count).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_x = np.bincount(label, columns, count) / pixels
        mean_y = np.bincount(label, rows, count) / pixels
        var_x = np.bincount(label, columns.astype(np.float64) ** 2, count) / pixels - mean_x ** 2
        cov = np.bincount(label, columns.astype(np.float64) * rows, count) / pixels - mean_x * mean_y
        slopes = cov / var_x
    widths, heights = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # Letter groups of a word: wider than a dot, not a rule or a whole line run together.
    words = (widths > 0.4 * height) & (widths < 6 * height) & (heights < 2.5 * height)
    words[0] = False  # the background
    if words.sum() < MIN_WORD_SHAPES:
        return None
    return float(np.median(slopes[words]))
