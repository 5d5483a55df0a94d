"""Below which skew is deskewing not worth it? (`bench/deskew.py --small-skew`)

Tesseract reads a slightly tilted page as well as a level one, and turning a page back blurs it
(and, on real pages, moves every glyph off the grid it was scanned on). For each small angle the
same page is read tilted as it is and turned back by the known angle; the smallest angle at which
turning back reads better on average is where `pipeline.preprocess.MIN_DESKEW_DEGREES` belongs.
Pages: generated English and Hindi (a dozen lines) and the corpus's linn.png (English, GT).
"""

from __future__ import annotations

import statistics
from pathlib import Path

import cv2
import numpy as np

from bench.deskew import skew_page, text_page

ANGLES = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def turned_back(image: np.ndarray, degrees: float) -> np.ndarray:
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=int(np.percentile(image, 80)))


def pages() -> list[tuple[str, np.ndarray, str, str]]:
    """(name, image at 300 dpi, ground truth, language)."""
    found = [(f"generated {language}", text_page(language, 300, seed=21, lines=14), language) for language in ("eng", "hin")]
    chosen = [(name, page.image, page.text, language) for name, page, language in found]
    linn = CORPUS / "scans/ocrmypdf/linn.png"
    if linn.exists():
        from pipeline.pages import iter_pages

        chosen.append(("linn.png", next(iter_pages(linn, 300)).image, (CORPUS / "scans/ocrmypdf/linn.txt").read_text(encoding="utf-8"), "eng"))
    return chosen


def print_small_skew_table() -> None:
    from bench.deskew import GeneratedPage
    from bench.quality import error_rates, tesseract

    rows: dict[float, list[tuple[float, float]]] = {angle: [] for angle in ANGLES}
    print("CER (points) of a page read tilted as it is, and turned back by the known angle")
    for name, image, truth, language in pages():
        for angle in ANGLES:
            tilted = skew_page(GeneratedPage(image, truth, language, 300), angle).image
            as_is = error_rates(truth, tesseract(tilted, 300, language))[0]
            back = error_rates(truth, tesseract(turned_back(tilted, angle), 300, language))[0]
            rows[angle].append((as_is, back))
            print(f"  {name:14} {angle:4.2f}°  as it is {100 * as_is:5.2f}  turned back {100 * back:5.2f}", flush=True)
    print("mean over the pages:")
    for angle, pairs in rows.items():
        as_is, back = (statistics.mean(values) for values in zip(*pairs))
        print(f"  {angle:4.2f}°  as it is {100 * as_is:5.2f}  turned back {100 * back:5.2f}  {'deskew' if back < as_is else 'leave'}")
