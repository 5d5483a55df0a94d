"""Blank-page detection, measured (`bench/deskew.py --blank`): precision and recall of "blank" by
threshold on generated backs and sparse pages, then the same pages at every resolution and bit
depth a scanner writes (1-bit, grey, colour at 72-600 dpi): a page with text called blank is the
worst error (it is not OCRed), so that table counts them, and the pages only flagged uncertain.
"""

from __future__ import annotations

import numpy as np

from bench.damage import at_resolution, in_colour
from bench.deskew import A4_INCHES, PAPER, GeneratedPage, add_bleed_through, add_noise, low_contrast, text_page

RESOLUTIONS = (72, 150, 300, 600)
DEPTHS = ("1-bit", "grey", "colour")


def blank_cases(dpi: int = 300) -> list[tuple[GeneratedPage, bool]]:
    """(page, is blank): backs with bleed-through of three strengths and dust, and pages with
    one to three lines of text, some faded."""
    cases = []
    for seed in range(6):
        for strength in (0.12, 0.22, 0.3):
            back = GeneratedPage(np.full((round(A4_INCHES[1] * dpi), round(A4_INCHES[0] * dpi)), PAPER, np.uint8), "", "none", dpi, kind="blank")
            back = add_bleed_through(back, text_page(["eng", "urd", "hin"][seed % 3], dpi, seed=seed + 9), strength=strength)
            cases.append((add_noise(back, seed, specks=600 + 200 * seed, sigma=8), True))
    for language in ("eng", "urd", "hin"):
        for lines in (1, 2, 3):
            cases.append((text_page(language, dpi, seed=lines, lines=lines), False))
        cases.append((low_contrast(text_page(language, dpi, seed=1, lines=1)), False))
    return cases


def scanned_as(page: GeneratedPage, dpi: int, depth: str) -> tuple[np.ndarray, int]:
    """The page as a scanner at `dpi` and `depth` would have written it."""
    again = at_resolution(page, dpi, 1 if depth == "1-bit" else 8)
    return (in_colour(again) if depth == "colour" else again.image), dpi


def print_blank_tables(thresholds: list[float]) -> None:
    from domain.config import CleaningSettings
    from pipeline.preprocess import clean_page

    cases = blank_cases()
    measured = [(clean_page(page.image, page.dpi, CleaningSettings()).ink_ratio, blank) for page, blank in cases]
    backs = [ratio for ratio, blank in measured if blank]
    texts = [ratio for ratio, blank in measured if not blank]
    print(f"\nblank pages: {len(backs)} backs (ink ratio max {max(backs):.6f}), {len(texts)} sparse text pages (min {min(texts):.6f})")
    for threshold in thresholds:
        called = [(ratio < threshold, blank) for ratio, blank in measured]
        true_blank = sum(1 for said, blank in called if said and blank)
        precision = true_blank / max(1, sum(1 for said, _ in called if said))
        recall = true_blank / len(backs)
        print(f"  blank_ink_ratio {threshold:<7g} precision {precision:.2f} recall {recall:.2f}")
    chosen = cases[::3]  # a third of the set at each of 12 resolutions and depths
    print(f"\nat the configured threshold, {len(chosen)} pages at each resolution and depth:")
    print(f"  {'dpi':>4} {'depth':7} {'backs blank':>12} {'text called blank':>18} {'flagged uncertain':>18}")
    for dpi in RESOLUTIONS:
        for depth in DEPTHS:
            scans = [(scanned_as(page, dpi, depth), blank) for page, blank in chosen]
            # A text page whose scan kept no ink (faint text in a 1-bit scan) is blank as scanned.
            results = [(clean_page(*scan, CleaningSettings()), blank) for scan, blank in scans if blank or np.any(scan[0] < 128)]
            backs_blank = sum(1 for cleaned, blank in results if blank and cleaned.blank)
            text_blank = sum(1 for cleaned, blank in results if not blank and cleaned.blank)
            unsure = sum(1 for cleaned, _ in results if "blank" in cleaned.uncertain)
            print(f"  {dpi:4d} {depth:7} {backs_blank:5d} of {sum(b for _, b in results):<4d} {text_blank:11d} of {sum(not b for _, b in results):<4d} {unsure:18d}")
