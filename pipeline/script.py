"""Which script a page is written in, which way up it is, and which Tesseract languages fit it.

Tesseract's own orientation and script detection (OSD) costs 0.25-0.9 s a page here, a third of
what OCR of the page costs with the fast models, and it turns Nastaliq Urdu pages upside down
with confidence (it calls them "Japanese"). So the page is read from its text lines instead,
in a few milliseconds, on the deskewed binary image `pipeline.preprocess` already has:

- script, from connected components, which do not change under rotation: Arabic script has
  many detached dots (i'jam) and narrow letter groups; Devanagari words are joined by their
  headline (shirorekha) into wide components; Latin has neither.
- up or down, from the ink profile across each text line: Latin and Arabic put more ink above
  the densest band (ascenders, dots, hamza) than below it; Devanagari hangs from its
  headline, so its densest band is at the top and most ink lies below it. Each line votes.

Tesseract OSD is asked only when the lines do not agree (few lines, handwriting, mixed scripts),
and its answer is taken only for the scripts it reads well.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline import tesseract

Script = str  # "Latin" | "Arabic" | "Devanagari"

# Which script each Tesseract language (or script model) is written in.
LANGUAGE_SCRIPTS: dict[str, Script] = {
    "eng": "Latin", "fra": "Latin", "deu": "Latin", "Latin": "Latin",
    "urd": "Arabic", "ara": "Arabic", "fas": "Arabic", "pus": "Arabic", "snd": "Arabic", "Arabic": "Arabic",
    "hin": "Devanagari", "mar": "Devanagari", "nep": "Devanagari", "san": "Devanagari", "Devanagari": "Devanagari",
}
# The language a page of each script is read with where no district languages are given (`daftar inspect`, benchmarks).
SCRIPT_LANGUAGE: dict[Script, str] = {"Latin": "eng", "Arabic": "urd", "Devanagari": "hin"}
# Below this confidence the detected script is not trusted to change the languages.
MIN_SCRIPT_CONFIDENCE = 0.5


@dataclass(frozen=True)
class TextLines:
    """Horizontal text lines found in a deskewed binary page (ink = 1)."""

    bands: list[tuple[int, int]]  # (top, bottom) rows of each line of ordinary height
    height: float  # median line height in pixels


@dataclass(frozen=True)
class ScriptGuess:
    script: Script | None
    confidence: float  # 0..1


@dataclass(frozen=True)
class OrientationGuess:
    upside_down: bool
    confidence: float  # 0..1: how one-sided the lines' votes were
    lines: int


def find_text_lines(ink: np.ndarray) -> TextLines:
    """Rows of ink separated by (nearly) empty rows; lines far taller or shorter than usual
    (a table block, a photo, a rule) are left out."""
    profile = ink.sum(axis=1)
    if not profile.any():
        return TextLines([], 0.0)
    floor = max(1.0, 0.03 * float(np.percentile(profile[profile > 0], 90)))
    on = np.concatenate([[0], (profile > floor).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(on))
    bands = list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
    heights = np.array([bottom - top for top, bottom in bands])
    tall = heights[heights >= 3]
    if tall.size == 0:
        return TextLines([], 0.0)
    typical = float(np.median(tall[tall >= np.percentile(tall, 40)]))
    kept = [(top, bottom) for top, bottom in bands if 0.5 * typical <= bottom - top <= 2.2 * typical]
    return TextLines(kept, typical)


def line_sharpness(ink: np.ndarray, lines: TextLines) -> float:
    """Median over lines of the densest row's ink over the line's mean row: ~2 for Latin,
    above 3 for Naskh (its baseline) and clean Devanagari (its headline)."""
    values = []
    for top, bottom in lines.bands:
        profile = ink[top:bottom].sum(axis=1)
        if profile.sum() > 30:
            values.append(float(profile.max()) / float(profile.mean()))
    return float(np.median(values)) if values else 0.0


def detect_script(widths: np.ndarray, heights: np.ndarray, line_height: float, sharpness: float,
                  allowed: set[Script] | None = None) -> ScriptGuess:
    """Latin, Arabic or Devanagari (only those `allowed`: the district's) from the sizes of the page's connected components (dust
    removed; widths and heights measured along the text lines) and the lines' sharpness.

    Each script must pass every one of its tests, so a page that looks like none (broken
    typewriter strokes, small Naskh whose dots merge, handwriting) gets None, not a guess.
    Ranges measured on generated pages (3 fonts a script, 9-16 pt, 150-300 dpi, noise, low
    contrast) and the corpus scans:
      Latin       dots 0.04-0.12  wide 0-0.09    width 0.28-0.65  sharpness 1.8-2.7 (typewriter)
      Arabic      dots 0.13-0.79  wide 0.01-0.04 width 0.16-0.67  sharpness 2.6-5.0
      Devanagari  dots 0-0.18     wide 0.33-0.9  width 1.0-3.9    sharpness 1.6-5.5
    """
    if line_height < 6 or widths.size < 30:
        return ScriptGuess(None, 0.0)
    # Rules, photos and stamps are not letters: keep components of text size.
    text_sized = (heights < 2.5 * line_height) & (widths < 12 * line_height)
    widths, heights = widths[text_sized], heights[text_sized]
    if widths.size < 30:
        return ScriptGuess(None, 0.0)
    dots = float(np.mean(np.maximum(widths, heights) < 0.25 * line_height))  # i'jam, nuqta, i-dots
    wide = float(np.mean(widths > 1.5 * line_height))  # words joined by a headline
    width = float(np.median(widths)) / line_height
    # Each score is the smallest margin (in units of the test's spread) past a boundary.
    scores = {
        "Devanagari": min((wide - 0.25) / 0.1, (width - 0.85) / 0.2),
        "Arabic": min((dots - 0.25) / 0.1, (0.45 - width) / 0.1, (sharpness - 2.65) / 0.3, (0.1 - wide) / 0.05),
        "Latin": min((0.13 - dots) / 0.05, (0.06 - wide) / 0.03, (width - 0.25) / 0.08, (0.85 - width) / 0.15, (2.45 - sharpness) / 0.3),
    }
    if allowed:
        scores = {name: score for name, score in scores.items() if name in allowed}
    script, score = max(scores.items(), key=lambda item: item[1], default=(None, 0.0))
    if script is None or score <= 0:
        return ScriptGuess(None, 0.0)
    return ScriptGuess(script, round(min(1.0, score), 3))


def detect_upside_down(ink: np.ndarray, lines: TextLines, script: Script | None) -> OrientationGuess:
    """Whether the lines hang the wrong way, each line voting from its ink profile."""
    votes = []
    for top, bottom in lines.bands:
        profile = ink[top:bottom].sum(axis=1).astype(np.float64)
        total = profile.sum()
        if total < 30:
            continue
        core = np.flatnonzero(profile >= 0.4 * profile.max())  # the densest band of the line
        above = profile[: core[0]].sum() / total
        below = profile[core[-1] + 1 :].sum() / total
        lean = above - below  # > 0: ink above the core, as upright Latin and Arabic
        if script == "Devanagari":
            lean = -lean  # text hangs below the headline
        if abs(lean) > 0.02:
            votes.append(lean > 0)
    if len(votes) < 2:
        return OrientationGuess(False, 0.0, len(votes))
    upright_share = sum(votes) / len(votes)
    # Confidence grows with agreement and with the number of lines that voted.
    agreement = abs(2 * upright_share - 1)
    confidence = agreement * min(1.0, len(votes) / 6)
    return OrientationGuess(upright_share < 0.5, round(confidence, 3), len(votes))


@dataclass(frozen=True)
class OsdResult:
    rotate: int  # degrees the content is turned counter-clockwise (Tesseract's "Rotate")
    orientation_confidence: float
    script: str
    script_confidence: float


def tesseract_osd(binary: np.ndarray, dpi: int, timeout: float = 30.0) -> OsdResult | None:
    """Tesseract's orientation and script detection on a small binary image; None when it
    finds too few characters or fails. One process, 0.25-0.9 s: use it as a fallback only."""
    ok, png = cv2.imencode(".png", binary)
    if not ok:
        return None
    fields = tesseract.detect_orientation(png.tobytes(), dpi, timeout)
    try:
        return OsdResult(int(fields["Rotate"]), float(fields["Orientation confidence"]), fields["Script"], float(fields["Script confidence"]))
    except (KeyError, ValueError):
        return None


def languages_for_page(script: Script | None, default_languages: list[str]) -> list[str]:
    """The Tesseract languages to read a page with, given its detected script.

    - Unknown script: the tehsil's defaults, unchanged.
    - Otherwise only the defaults written in that script, in their configured order; if none
      is, the defaults: a page is never read with a language the district does not read (a
      Latin page taken for Devanagari in an English-only district was read as Hindi).

    Measured (bench/quality.py, generated pages, Debian fast models): an Urdu page read with
    urd alone had 0.1% character errors, with urd+eng 3.5% and eng+urd 3.6% (a second page:
    4.1% against 5.1%); an English page read the same with eng as with eng+urd (0.1%), and a
    Hindi page the same with hin as with hin+eng (0.0%), while each added model costs time.
    So a page is read with its own script's models only.
    """
    if script not in SCRIPT_LANGUAGE:
        return list(default_languages)
    chosen = [code for code in default_languages if LANGUAGE_SCRIPTS.get(code) == script]
    return chosen or list(default_languages)


def read_with(languages: list[str], models: dict[str, list[str]]) -> tuple[str, ...]:
    """The Tesseract models to read a page's languages with (`OcrSettings.models`), in order, once each."""
    return tuple(dict.fromkeys(model for code in languages for model in models.get(code, [code])))


def page_segmentation(script: Script | None, layout: str, single_block: int, automatic: int) -> int:
    """Tesseract's page segmentation for a page: one uniform block (`single_block`) for
    single-column Arabic-script text, where automatic segmentation drops whole lines; automatic
    for everything else, and always for columns and tables, which one block reads across. On
    generated Urdu newspaper pages one block found 1 of 6 headlines where automatic found 4, and
    read the body at 69% character error against 23% (bench/headlines.py --quick). A short Urdu letter
    whose word spaces line up is not columns (`GUTTER_RUN_MM`): automatic lost 3 of its 10 lines."""
    return single_block if script == "Arabic" and layout == "text" else automatic


GUTTER_MM = 3.5  # a gap this wide inside a strip of lines, with ink on both sides, is between columns, not words
STRIP_MM = 15.0  # the page is looked at in strips this tall: 3-6 lines, whose word spaces never line up (columns' lines need not align)
# Columns run down the page: a gutter at one place through strips this tall together. Measured
# (bench/headlines.py's pages, the corpus, sample_scans): short Urdu letters, whose wide word
# spaces and side-by-side blocks line up over one or two strips (30 mm), and generated newspapers
# 120-255 mm, linn.png's two columns and pageseg2.tif's 75-90 mm.
GUTTER_RUN_MM = 60.0


def find_layout(ink: np.ndarray, dpi: float, ruled: bool) -> str:
    """"table" (the page has table rules), "columns" (consecutive strips of the page broken at one
    place by a gap wider than any word space, `GUTTER_RUN_MM` down the page: columns, a register's
    cells) or "text"."""
    if ruled:
        return "table"
    gutter, strip = (max(2, round(mm * dpi / 25.4)) for mm in (GUTTER_MM, STRIP_MM))
    run = np.zeros(ink.shape[1], np.int32)  # strips in a row with a gutter at each place across
    longest = 0
    for top in range(0, ink.shape[0], strip):
        filled = ink[top : top + strip].any(axis=0)
        inked = np.flatnonzero(filled)
        if inked.size < gutter:
            continue  # an empty strip between stories neither breaks nor extends a gutter
        gaps = np.concatenate([[1], filled[inked[0] : inked[-1] + 1].astype(np.int8), [1]])
        edges = np.flatnonzero(np.diff(gaps))
        open_here = np.zeros(ink.shape[1], bool)
        for start, end in zip(edges[0::2], edges[1::2]):
            if end - start >= gutter:
                open_here[inked[0] + start : inked[0] + end] = True
        run = np.where(open_here, run + 1, 0)
        longest = max(longest, int(run.max()))
    return "columns" if longest * STRIP_MM >= GUTTER_RUN_MM else "text"
