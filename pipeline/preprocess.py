"""Page cleaning before OCR: black borders and punch holes whitened, the page turned upright and
deskewed, blank backs recognised, the script read. One page in, one `CleanedPage` out.

Cost is the design constraint: OCR with the fast models takes ~2 s a page here and the whole
pipeline must stay within ~10% of OCR alone, so every estimate is made on a small binary copy
of the page (`ANALYSIS_DPI`), and the full-resolution page is touched only to whiten borders and
to turn it once. Tesseract OSD (a process, 0.25-0.9 s) runs only when the page's own text
lines cannot say which way up it is (see `pipeline.script`).

Angles are counter-clockwise positive, as seen on screen. `skew_degrees` and `orientation` say
how the page lay on the scanner as found; the cleaned image has been turned back by the
opposite. A correction that is not confident is not made: a page is never made worse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from domain.config import CleaningSettings
from pipeline.script import (
    MIN_SCRIPT_CONFIDENCE,
    OsdResult,
    ScriptGuess,
    detect_script,
    detect_upside_down,
    find_text_lines,
    languages_for_page,
    line_sharpness,
    tesseract_osd,
)
from pipeline.skew import MIN_SKEW_CONFIDENCE, SkewEstimate, choose_axis, coarse_skew, refine_skew

__all__ = ["CleanedPage", "clean_page", "languages_for_page"]

ANALYSIS_DPI = 150  # orientation, script, borders, blank: 12 pt text is ~20 px a line here
COARSE_DPI = 75  # the first sweep over +-15 degrees
# Ink must be this much darker than the paper: bleed-through from the back of thin paper is
# a faint grey (20-50 levels darker) and must not count; faded typing is still ~70 darker.
BLEED_THROUGH_CONTRAST = 60
# Paper this dark (or ink over most of the page) is no blank back: a page scanned with the lid
# open, a photocopy gone black. Its words may still be there, so it is OCRed and flagged.
DARK_PAPER_LEVEL = 64
SPECK_MM2 = 0.15  # components smaller than this (~0.4 mm across) are dust, not writing
MIN_ROTATION_DEGREES = 0.05  # smaller corrections only blur the page
MIN_ORIENTATION_CONFIDENCE = 0.5  # line votes below it ask Tesseract OSD
OSD_MIN_CONFIDENCE = 3.0  # Tesseract's own orientation confidence scale
OSD_MIN_SCRIPT_CONFIDENCE = 1.0  # and its script confidence scale
OSD_SCRIPTS = {"Latin", "Arabic", "Devanagari"}  # OSD misreads Nastaliq as "Japanese"


@dataclass
class CleanedPage:
    """A page ready for OCR and what cleaning found out about it."""

    image: np.ndarray  # greyscale uint8, upright, deskewed, borders whitened
    skew_degrees: float  # the page lay turned this much (counter-clockwise +) and was turned back; 0 if not corrected
    skew_confidence: float  # 0..1
    orientation: int  # 0/90/180/270: the quarter turn (counter-clockwise) the page lay in and was turned back from
    orientation_confidence: float  # 0..1
    blank: bool
    blank_confidence: float  # 0..1
    ink_ratio: float  # share of the page's pixels that are ink, after specks and bleed-through
    script: str | None  # "Latin" | "Arabic" | "Devanagari" | None (unsure)
    script_confidence: float  # 0..1
    orientation_source: str = "lines"  # "lines" (text-line votes), "osd" (Tesseract) or "none"
    dark: bool = False  # no paper visible (see DARK_PAPER_LEVEL): never blank, left as it is


# --- small binary views of the page ----------------------------------------------------------


def downscale(image: np.ndarray, dpi: float, target_dpi: int) -> np.ndarray:
    """Area-averaged copy at `target_dpi` (or the image itself when already that coarse)."""
    if dpi <= target_dpi * 1.05:
        return image
    scale = target_dpi / dpi
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def paper_level(grey: np.ndarray) -> int:
    """The grey of bare paper: most of any page is paper, even a dense one."""
    return int(np.percentile(grey, 80))


def ink_threshold(grey: np.ndarray, paper: int) -> int:
    """Grey below which a pixel is ink: Otsu's split, but never closer to the paper than
    `BLEED_THROUGH_CONTRAST`, so faint bleed-through and yellowing stay paper. Otsu's split is the
    lightest grey of the ink side, hence + 1: on a black-and-white page it is 0, and without the + 1
    no ink was found and the page was called blank."""
    otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return int(min(otsu + 1, paper - BLEED_THROUGH_CONTRAST))


def binarize(grey: np.ndarray, threshold: int) -> np.ndarray:
    """Ink as 1, paper as 0."""
    return cv2.threshold(grey, threshold - 1, 1, cv2.THRESH_BINARY_INV)[1]


def scanner_margins(grey: np.ndarray, dpi: float, paper: int) -> list[tuple[int, int, int, int, np.ndarray]]:
    """Black scanner margins and punch-hole shadows in a small page, as (x, y, w, h, mask)
    boxes with the component's mask inside each.

    Margins: dark regions touching the frame that are large (the open lid around a small or
    skewed sheet). Punch holes: dark filled discs 4-10 mm across within 30 mm of an edge.
    Text matches neither: letters are not that large and solid, nor round and filled.
    """
    dark = binarize(grey, min(90, paper // 2))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
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
        mask = labels[top : top + height, left : left + width] == index + 1
        boxes.append((left, top, width, height, mask))
    return boxes


def whiten(image: np.ndarray, boxes: list, scale: float, paper: int) -> np.ndarray:
    """A copy of `image` with each small-page box's mask (scaled up by `scale`, grown by a
    pixel of the small page to cover a blurred edge) painted paper-coloured."""
    page = image.copy()
    h, w = page.shape
    for left, top, width, height, mask in boxes:
        grown = cv2.dilate(np.pad(mask.astype(np.uint8), 1), np.ones((3, 3), np.uint8))
        x0, y0 = int((left - 1) * scale), int((top - 1) * scale)
        x1, y1 = int(math.ceil((left + width + 1) * scale)), int(math.ceil((top + height + 1) * scale))
        big = cv2.resize(grown, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST).astype(bool)
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        region = page[cy0:cy1, cx0:cx1]
        region[big[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]] = paper
    return page


@dataclass(frozen=True)
class Components:
    """The page's ink as connected components, dust removed."""

    widths: np.ndarray
    heights: np.ndarray
    ink_pixels: int


def ink_components(ink: np.ndarray, dpi: float) -> Components:
    """Connected components of the ink without dust (smaller than `SPECK_MM2`)."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:]
    smallest = max(2, round(SPECK_MM2 * (dpi / 25.4) ** 2))
    kept = stats[stats[:, cv2.CC_STAT_AREA] >= smallest]
    return Components(kept[:, cv2.CC_STAT_WIDTH], kept[:, cv2.CC_STAT_HEIGHT], int(kept[:, cv2.CC_STAT_AREA].sum()))


# --- turning the page ------------------------------------------------------------------------

_ROTATE_CLOCKWISE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def quarter_turn(image: np.ndarray, orientation: int) -> np.ndarray:
    """Undo a counter-clockwise quarter turn of `orientation` degrees."""
    orientation %= 360
    return image if orientation == 0 else cv2.rotate(image, _ROTATE_CLOCKWISE[orientation])


def rotate_small(binary: np.ndarray, degrees: float) -> np.ndarray:
    """Turn a small binary image by -degrees (undo a ccw skew), same size, nearest pixel."""
    h, w = binary.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    return cv2.warpAffine(binary, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


def deskew_full(image: np.ndarray, degrees: float, fill: int, ink: np.ndarray) -> np.ndarray:
    """Turn the full page back by `degrees`, on a canvas grown only as far as needed to keep all
    the ink of `ink` (a small binary copy of the page) inside it: text is never cut off."""
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees, 1.0)
    new_w, new_h = w, h
    points = cv2.findNonZero(ink)
    if points is not None:
        scale = w / ink.shape[1]
        points = points.reshape(-1, 2).astype(np.float64) * scale
        moved = points @ matrix[:, :2].T + matrix[:, 2]
        margin = 2 * scale
        new_w = int(math.ceil(2 * max(w / 2, float(np.max(np.abs(moved[:, 0] - w / 2))) + margin)))
        new_h = int(math.ceil(2 * max(h / 2, float(np.max(np.abs(moved[:, 1] - h / 2))) + margin)))
        matrix[0, 2] += (new_w - w) / 2
        matrix[1, 2] += (new_h - h) / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=int(fill))


def without_rules(ink: np.ndarray) -> np.ndarray:
    """The levelled ink without table rules. A rule is a row (or column) that is mostly ink in
    long runs; a line of dense text has as much ink but in short runs. Gaps of a few pixels
    are closed first: a thin rule turned back from a skew comes out as a staircase. Rules
    would join a register's lines into one block that no text-line test can read."""
    cleared = ink
    for axis, kernel in ((1, (1, 7)), (0, (7, 1))):
        joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones(kernel, np.uint8))
        counts = joined.sum(axis=axis)
        runs = np.count_nonzero(np.diff(joined, axis=axis) == 1, axis=axis) + 1
        length = ink.shape[axis]
        rules = (counts > 0.3 * length) & (counts / runs > 0.05 * length)
        if rules.any():
            rules[:-1] |= rules[1:]  # and the stray pixels of the staircase on either side
            rules[1:] |= rules[:-1].copy()
            cleared = cleared.copy() if cleared is ink else cleared
            if axis == 1:
                cleared[rules] = 0
            else:
                cleared[:, rules] = 0
    return cleared


# --- the page --------------------------------------------------------------------------------


def blank_confidence(ink_ratio: float, threshold: float) -> float:
    """How far the ink lies from the threshold: 1.0 at a factor of 4 either side."""
    if threshold <= 0:
        return 1.0
    distance = abs(math.log(max(ink_ratio, 1e-7) / threshold)) / math.log(4)
    return round(min(1.0, distance), 3)


def clean_page(image: np.ndarray, dpi: int, settings: CleaningSettings) -> CleanedPage:
    """Whiten scanner margins and punch holes, detect blank pages, turn the page upright and
    level, and read its script. `image` is a greyscale uint8 page; it is not modified."""
    if image.ndim != 2:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    dpi = dpi or 300
    small = downscale(image, dpi, ANALYSIS_DPI)
    small_dpi = dpi * small.shape[1] / image.shape[1]
    coarse = downscale(small, small_dpi, COARSE_DPI)
    coarse_dpi = dpi * coarse.shape[1] / image.shape[1]
    paper = paper_level(coarse)
    if paper < DARK_PAPER_LEVEL:  # no ink can be told from such paper: not blank, not turned
        return CleanedPage(image, 0.0, 0.0, 0, 0.0, False, 1.0, 1.0, None, 0.0, "none", dark=True)

    # 1. Scanner margins and punch holes: whitened in the full page and in the small copies.
    page = image
    margins = scanner_margins(coarse, coarse_dpi, paper)
    if margins:
        page = whiten(image, margins, image.shape[1] / coarse.shape[1], paper)
        small = whiten(small, margins, small.shape[1] / coarse.shape[1], paper)
        coarse = whiten(coarse, margins, 1.0, paper)

    # 2. Ink, without bleed-through and dust; its share decides blank.
    threshold = ink_threshold(small, paper)
    ink = binarize(small, threshold)
    components = ink_components(ink, small_dpi)
    ink_ratio = components.ink_pixels / ink.size
    blank = ink_ratio < settings.blank_ink_ratio
    blank_conf = blank_confidence(ink_ratio, settings.blank_ink_ratio)
    if blank:
        return CleanedPage(page, 0.0, 0.0, 0, 0.0, True, blank_conf, round(ink_ratio, 6), None, 0.0, "none")

    # 3. Skew, along both axes; 4. script and which way up, from the levelled text lines.
    coarse_ink = binarize(coarse, threshold)
    levelled = level_page(coarse_ink, ink, settings)
    facing = find_facing(levelled, components, small_dpi, settings)

    # 5. Turn the full page: the quarter turn, then the skew.
    skew, script = levelled.skew, facing.script
    upright = quarter_turn(page, facing.orientation)
    skew_degrees = 0.0
    if levelled.apply_skew:
        upright = deskew_full(upright, skew.degrees, paper, quarter_turn(coarse_ink, facing.orientation))
        skew_degrees = round(skew.degrees, 3)
    script_name = script.script if script.confidence >= MIN_SCRIPT_CONFIDENCE else None
    return CleanedPage(upright, skew_degrees, skew.confidence, facing.orientation, round(facing.confidence, 3), False, blank_conf,
                       round(ink_ratio, 6), script_name, script.confidence, facing.source)


@dataclass(frozen=True)
class Levelled:
    """The page's ink (small copy) turned onto its text lines' axis and levelled, rules removed."""

    ink: np.ndarray
    skew: SkewEstimate
    apply_skew: bool  # the skew is sure and large enough to turn the page back by
    sideways: bool  # the text lines run down the page as it lies
    axis_known: bool  # sure of `sideways` either way (or not asked to fix orientation)


def level_page(coarse_ink: np.ndarray, ink: np.ndarray, settings: CleaningSettings) -> Levelled:
    """Skew along both axes: text lines run across an upright page and down a sideways one."""
    skew = coarse_skew(coarse_ink, settings.max_skew_degrees)
    sideways, axis_known = False, not settings.fix_orientation
    if settings.fix_orientation:
        turned = coarse_skew(quarter_turn(coarse_ink, 90), settings.max_skew_degrees)
        sideways, axis_known = choose_axis(skew, turned)
        if sideways:
            skew = turned
    frame = quarter_turn(ink, 90) if sideways else ink
    skew = refine_skew(frame, skew) if skew.confidence > 0 else skew
    apply_skew = settings.deskew and skew.confidence >= MIN_SKEW_CONFIDENCE and abs(skew.degrees) >= MIN_ROTATION_DEGREES
    level = without_rules(rotate_small(frame, skew.degrees) if apply_skew else frame)
    return Levelled(level, skew, apply_skew, sideways, axis_known)


@dataclass(frozen=True)
class Facing:
    """Which way up the page lies and what script it is written in."""

    orientation: int  # 0/90/180/270 counter-clockwise
    confidence: float
    source: str  # "lines", "osd" or "none"
    script: ScriptGuess


def find_facing(levelled: Levelled, components: Components, dpi: float, settings: CleaningSettings) -> Facing:
    """Script and which way up, from the levelled text lines; Tesseract OSD when unsure."""
    level, sideways, axis_known = levelled.ink, levelled.sideways, levelled.axis_known
    lines = find_text_lines(level)
    widths, heights = (components.heights, components.widths) if sideways else (components.widths, components.heights)
    script = detect_script(widths, heights, lines.height, line_sharpness(level, lines))
    up = detect_upside_down(level, lines, script.script)
    if up.confidence < MIN_ORIENTATION_CONFIDENCE:
        script = ScriptGuess(None, 0.0)  # lines that do not agree may not be text lines at all (a map)
    orientation, orientation_conf, source = 0, 0.0, "none"
    if script.script is not None and axis_known:
        found = (90 if sideways else 0) + (180 if up.upside_down else 0)
        # On an unsure script only "leave it as it is" is taken from the lines: Devanagari
        # votes the other way from Latin and Arabic, so a turn needs a sure script.
        if found == 0 or script.confidence >= MIN_SCRIPT_CONFIDENCE:
            orientation, orientation_conf, source = found, up.confidence, "lines"
    unsure_script = script.confidence < MIN_SCRIPT_CONFIDENCE
    if (settings.fix_orientation and source == "none") or unsure_script:
        osd = ask_tesseract(level, dpi)
        if osd is not None:
            if unsure_script and osd.script_confidence >= OSD_MIN_SCRIPT_CONFIDENCE:
                script = ScriptGuess(osd.script, round(min(1.0, osd.script_confidence / 2), 3))
            if settings.fix_orientation and source == "none" and osd.orientation_confidence >= OSD_MIN_CONFIDENCE:
                if not axis_known or osd.rotate in (0, 180):  # 90/270 would contradict a clear axis
                    orientation = ((90 if sideways else 0) + osd.rotate) % 360
                    orientation_conf, source = round(min(1.0, osd.orientation_confidence / 10), 3), "osd"
    return Facing(orientation, orientation_conf, source, script)


def ask_tesseract(level: np.ndarray, dpi: float) -> OsdResult | None:
    """Tesseract OSD on the levelled small page, for pages whose own lines could not say. Kept
    only for the scripts OSD reads well (it calls Nastaliq "Japanese", upside down)."""
    osd = tesseract_osd(np.where(level > 0, 0, 255).astype(np.uint8), round(dpi))
    if osd is None or osd.script not in OSD_SCRIPTS:
        return None
    return osd
