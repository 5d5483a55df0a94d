"""Page cleaning before OCR: the page turned upright and deskewed, black borders and punch holes
whitened in the copy that is OCRed, blank backs recognised, the script read. One page in, one
`CleanedPage` out.

Nothing cleaning does may make a page read worse than the page as it came. Each decision (turn,
deskew, blank, script) carries a confidence; below it the page is read as it came and the
decision is named in `CleanedPage.uncertain`. A quarter turn is checked by reading a band of the
page both ways (`pipeline.legibility`); a deskew smaller than `MIN_DESKEW_DEGREES` is not made;
whitening that would erase writing is refused (`pipeline.erasing`). The archived image is never
painted: only the turn and the deskew are applied to it, by `turn_like`, onto exactly the
geometry of the OCR copy, so the text layer lies right over it.

Cost is the design constraint: OCR with the fast models takes ~2 s a page here and the whole
pipeline must stay within ~10% of OCR alone, so every estimate is made on a small binary copy
of the page (`ANALYSIS_DPI`). Tesseract runs only when the page's own text lines cannot say
which way up it is (OSD, see `pipeline.script`) and to confirm a turn.

Angles are counter-clockwise positive, as seen on screen. `skew_degrees` and `orientation` say
how the page lay on the scanner as found; the cleaned image has been turned back by the opposite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from domain.config import CleaningSettings
from pipeline.erasing import (
    MAX_ERASED_WRITING,
    binarize,
    erased_mask,
    erased_writing_share,
    has_rules,
    scanner_margins,
    without_rules,
)
from pipeline.geometry import deskew_canvas, paper_fill, quarter_turn, rotate_small, turn_back
from pipeline.legibility import densest_band, read_band, reads_better
from pipeline.script import (
    LANGUAGE_SCRIPTS,
    MIN_SCRIPT_CONFIDENCE,
    SCRIPT_LANGUAGE,
    OsdResult,
    ScriptGuess,
    detect_script,
    detect_upside_down,
    find_layout,
    find_text_lines,
    languages_for_page,
    line_sharpness,
    tesseract_osd,
)
from pipeline.skew import MIN_SKEW_CONFIDENCE, SkewEstimate, choose_axis, coarse_skew, refine_skew

__all__ = ["CleanedPage", "clean_page", "languages_for_page", "turn_like"]

ANALYSIS_DPI = 150  # orientation, script, borders, blank: 12 pt text is ~20 px a line here
COARSE_DPI = 75  # the first sweep over +-15 degrees
# Ink must be this much darker than the paper: bleed-through from the back of thin paper is
# a faint grey (20-50 levels darker) and must not count; faded typing is still ~70 darker.
BLEED_THROUGH_CONTRAST = 60
# Paper this dark (or ink over most of the page) is no blank back: a page scanned with the lid
# open, a photocopy gone black. Its words may still be there, so it is OCRed and flagged.
DARK_PAPER_LEVEL = 64
SPECK_MM2 = 0.15  # components smaller than this (~0.4 mm across) are dust, not writing
# Tesseract reads a page tilted this little as well as a level one, and turning it back blurs
# it (bench/deskew.py --small-skew): smaller skews are left as they are.
MIN_DESKEW_DEGREES = 0.5
MIN_BLANK_CONFIDENCE = 0.5  # a page this close to the blank threshold is OCRed, and flagged
MIN_ORIENTATION_CONFIDENCE = 0.5  # line votes below it ask Tesseract OSD
OSD_MIN_CONFIDENCE = 3.0  # Tesseract's own orientation confidence scale
OSD_MIN_SCRIPT_CONFIDENCE = 1.0  # and its script confidence scale
OSD_SCRIPTS = {"Latin", "Arabic", "Devanagari"}  # OSD misreads Nastaliq as "Japanese"


@dataclass
class CleanedPage:
    """A page ready for OCR and what cleaning found out about it."""

    image: np.ndarray  # the copy to OCR: greyscale uint8, upright, deskewed, borders whitened
    skew_degrees: float  # the page lay turned this much (counter-clockwise +) and was turned back; 0 if not corrected
    skew_confidence: float  # 0..1
    orientation: int  # 0/90/180/270: the quarter turn (counter-clockwise) the page lay in and was turned back from
    orientation_confidence: float  # 0..1
    blank: bool
    blank_confidence: float  # 0..1
    ink_ratio: float  # share of the page's pixels that are ink, after specks and bleed-through
    script: str | None  # "Latin" | "Arabic" | "Devanagari" | None (unsure, or not one the district reads)
    script_confidence: float  # 0..1
    orientation_source: str = "lines"  # "lines" (text-line votes), "osd" (Tesseract) or "none"
    dark: bool = False  # no paper visible (see DARK_PAPER_LEVEL): never blank, left as it is
    source_size: tuple[int, int] = (0, 0)  # (width, height) of the page as it came
    canvas: tuple[int, int] = (0, 0)  # (width, height) of `image`: the upright page, grown to hold a deskewed page's corners
    # Decisions not made for want of confidence, the page read as it came instead: "turn",
    # "deskew", "blank", "script", and "borders" (whitening refused: it would erase writing).
    uncertain: list[str] = field(default_factory=list)
    layout: str = "text"  # "text", "columns" or "table": chooses the page segmentation (`pipeline.script.page_segmentation`)


def turn_like(image: np.ndarray, cleaned: CleanedPage) -> np.ndarray:
    """Any image of the page `cleaned` was made from (grey, colour HxWx3, or bilevel 0/255, at
    the same size) turned exactly as the OCR copy was: the quarter turn and the deskew onto the
    same canvas, nothing painted. A bilevel page stays bilevel."""
    if (image.shape[1], image.shape[0]) != cleaned.source_size:
        raise ValueError(f"image is {image.shape[1]}x{image.shape[0]}, the cleaned page was {cleaned.source_size[0]}x{cleaned.source_size[1]}")
    return turn_back(image, cleaned.orientation, cleaned.skew_degrees, cleaned.canvas, paper_fill(image))


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


def blank_confidence(ink_ratio: float, threshold: float) -> float:
    """How far the ink lies from the threshold: 1.0 at a factor of 4 either side."""
    if threshold <= 0:
        return 1.0
    distance = abs(math.log(max(ink_ratio, 1e-7) / threshold)) / math.log(4)
    return round(min(1.0, distance), 3)


# --- the page --------------------------------------------------------------------------------


@dataclass
class Views:
    """The page at three resolutions: as it came, for analysis, for the coarse skew sweep."""

    page: np.ndarray
    small: np.ndarray
    small_dpi: float
    coarse: np.ndarray
    coarse_dpi: float
    paper: int


def clean_page(image: np.ndarray, dpi: int, settings: CleaningSettings, languages: Sequence[str] = ()) -> CleanedPage:
    """Whiten scanner margins and punch holes (in the OCR copy), detect blank pages, turn the
    page upright and level, and read its script among those of `languages` (the district's
    Tesseract languages; any script when empty). `image` is grey or colour uint8; not modified."""
    if image.ndim != 2:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    dpi = dpi or 300
    size = (image.shape[1], image.shape[0])
    small = downscale(image, dpi, ANALYSIS_DPI)
    small_dpi = dpi * small.shape[1] / image.shape[1]
    coarse = downscale(small, small_dpi, COARSE_DPI)
    views = Views(image, small, small_dpi, coarse, dpi * coarse.shape[1] / image.shape[1], paper_level(coarse))
    if views.paper < DARK_PAPER_LEVEL:  # no ink can be told from such paper: not blank, not turned
        return CleanedPage(image, 0.0, 0.0, 0, 0.0, False, 1.0, 1.0, None, 0.0, "none", dark=True, source_size=size, canvas=size)
    uncertain: list[str] = []
    if not whiten_margins(views):
        uncertain.append("borders")

    # Ink, without bleed-through and dust; its share decides blank.
    threshold = ink_threshold(views.small, views.paper)
    ink = binarize(views.small, threshold)
    components = ink_components(ink, small_dpi)
    ink_ratio = components.ink_pixels / ink.size
    blank_conf = blank_confidence(ink_ratio, settings.blank_ink_ratio)
    if ink_ratio < settings.blank_ink_ratio:
        if blank_conf >= MIN_BLANK_CONFIDENCE:
            return CleanedPage(views.page, 0.0, 0.0, 0, 0.0, True, blank_conf, round(ink_ratio, 6), None, 0.0, "none",
                               source_size=size, canvas=size, uncertain=uncertain)
        uncertain.append("blank")  # so near the threshold that it is OCRed rather than skipped
    return turn_upright(views, ink, threshold, components, settings, languages, uncertain,
                        (blank_conf, round(ink_ratio, 6), size))


def whiten_margins(views: Views) -> bool:
    """Whiten black scanner margins and punch holes in every view of the page, unless that would
    erase writing; False when it was refused."""
    margins = scanner_margins(views.coarse, views.coarse_dpi, views.paper)
    if not margins:
        return True
    small_mask = erased_mask(views.small.shape, margins, views.small.shape[1] / views.coarse.shape[1])
    if erased_writing_share(views.small, views.small_dpi, small_mask) > MAX_ERASED_WRITING:
        return False
    views.page = _painted(views.page, erased_mask(views.page.shape, margins, views.page.shape[1] / views.coarse.shape[1]), views.paper)
    views.small = _painted(views.small, small_mask, views.paper)
    views.coarse = _painted(views.coarse, erased_mask(views.coarse.shape, margins, 1.0), views.paper)
    return True


def _painted(image: np.ndarray, mask: np.ndarray, paper: int) -> np.ndarray:
    painted = image.copy()
    painted[mask] = paper
    return painted


def turn_upright(views: Views, ink: np.ndarray, threshold: int, components: Components, settings: CleaningSettings,
                 languages: Sequence[str], uncertain: list[str], blank: tuple[float, float, tuple[int, int]]) -> CleanedPage:
    """Skew and which way up, from the levelled text lines; the turn confirmed by reading; then
    the OCR copy turned back by what was sure."""
    blank_conf, ink_ratio, size = blank
    allowed = {LANGUAGE_SCRIPTS[code] for code in languages if code in LANGUAGE_SCRIPTS} or None
    coarse_ink = binarize(views.coarse, threshold)
    levelled = level_page(coarse_ink, ink, views.small_dpi, settings)
    if levelled.unsure_skew:
        uncertain.append("deskew")
    facing = find_facing(levelled, components, views.small_dpi, settings, allowed)
    if facing.unsure:
        uncertain.append("turn")
    script = facing.script
    orientation, orientation_conf, source = facing.orientation, facing.confidence, facing.source
    skew = levelled.skew.degrees if levelled.apply_skew else 0.0
    if orientation and not turn_reads_better(views.small, views.small_dpi, orientation, skew, script.script, languages):
        uncertain.append("turn")
        orientation, orientation_conf, source = 0, 0.0, "none"
    script_name = script.script if script.confidence >= MIN_SCRIPT_CONFIDENCE else None
    if script.script is not None and script_name is None:
        uncertain.append("script")
    upright_size = size if orientation in (0, 180) else (size[1], size[0])
    canvas = deskew_canvas(upright_size, skew, quarter_turn(coarse_ink, orientation)) if skew else upright_size
    image = turn_back(views.page, orientation, round(skew, 3), canvas, views.paper)
    layout = find_layout(levelled.ink, views.small_dpi, levelled.ruled)
    return CleanedPage(image, round(skew, 3), levelled.skew.confidence, orientation, round(orientation_conf, 3), False, blank_conf,
                       ink_ratio, script_name, script.confidence, source, source_size=size, canvas=canvas,
                       uncertain=sorted(set(uncertain)), layout=layout)


def turn_reads_better(small: np.ndarray, dpi: float, orientation: int, skew: float, script: str | None, languages: Sequence[str]) -> bool:
    """Whether the densest band of the page reads better (more sure words) turned by
    `orientation` than turned the opposite way (upside down from it)."""
    if script in SCRIPT_LANGUAGE:
        reading_languages = languages_for_page(script, list(languages)) if languages else [SCRIPT_LANGUAGE[script]]
    else:
        reading_languages = list(languages) or ["eng"]
    upright = quarter_turn(small, orientation)
    if skew:
        h, w = upright.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
        upright = cv2.warpAffine(upright, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper_level(small))
    band = densest_band(upright, dpi)
    return reads_better(read_band(band, dpi, reading_languages), read_band(quarter_turn(band, 180), dpi, reading_languages))


@dataclass(frozen=True)
class Levelled:
    """The page's ink (small copy) turned onto its text lines' axis and levelled, rules removed."""

    ink: np.ndarray
    skew: SkewEstimate
    ruled: bool  # table rules were found (and removed from `ink`)
    apply_skew: bool  # the skew is sure and large enough to turn the page back by
    unsure_skew: bool  # a skew large enough to matter was found, but not surely: not applied
    sideways: bool  # the text lines run down the page as it lies
    axis_known: bool  # sure of `sideways` either way (or not asked to fix orientation)


def level_page(coarse_ink: np.ndarray, ink: np.ndarray, dpi: float, settings: CleaningSettings) -> Levelled:
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
    large = abs(skew.degrees) >= MIN_DESKEW_DEGREES
    sure = skew.confidence >= MIN_SKEW_CONFIDENCE
    apply_skew = settings.deskew and sure and large
    unsure = settings.deskew and large and 0 < skew.confidence < MIN_SKEW_CONFIDENCE
    turned = rotate_small(frame, skew.degrees) if sure and skew.degrees else frame
    level = without_rules(turned, dpi)
    return Levelled(level, skew, has_rules(turned), apply_skew, unsure, sideways, axis_known)


@dataclass(frozen=True)
class Facing:
    """Which way up the page lies and what script it is written in."""

    orientation: int  # 0/90/180/270 counter-clockwise
    confidence: float
    source: str  # "lines", "osd" or "none"
    script: ScriptGuess
    unsure: bool = False  # Tesseract OSD saw a turn, but not surely: not made


def find_facing(levelled: Levelled, components: Components, dpi: float, settings: CleaningSettings,
                allowed: set[str] | None = None) -> Facing:
    """Script (among `allowed`) and which way up, from the levelled text lines; Tesseract OSD when unsure."""
    level, sideways, axis_known = levelled.ink, levelled.sideways, levelled.axis_known
    lines = find_text_lines(level)
    widths, heights = (components.heights, components.widths) if sideways else (components.widths, components.heights)
    script = detect_script(widths, heights, lines.height, line_sharpness(level, lines), allowed)
    up = detect_upside_down(level, lines, script.script)
    if up.confidence < MIN_ORIENTATION_CONFIDENCE:
        script = ScriptGuess(None, 0.0)  # lines that do not agree may not be text lines at all (a map)
    orientation, orientation_conf, source = 0, 0.0, "none"
    if settings.fix_orientation and script.script is not None and axis_known:
        found = (90 if sideways else 0) + (180 if up.upside_down else 0)
        # On an unsure script only "leave it as it is" is taken from the lines: Devanagari
        # votes the other way from Latin and Arabic, so a turn needs a sure script.
        if found == 0 or script.confidence >= MIN_SCRIPT_CONFIDENCE:
            orientation, orientation_conf, source = found, up.confidence, "lines"
    unsure_script = script.confidence < MIN_SCRIPT_CONFIDENCE
    unsure_turn = False
    if (settings.fix_orientation and source == "none") or unsure_script:
        osd = ask_tesseract(level, dpi, allowed)
        if osd is not None:
            if unsure_script and osd.script_confidence >= OSD_MIN_SCRIPT_CONFIDENCE:
                script = ScriptGuess(osd.script, round(min(1.0, osd.script_confidence / 2), 3))
            if settings.fix_orientation and source == "none" and (not axis_known or osd.rotate in (0, 180)):  # 90/270 would contradict a clear axis
                if osd.orientation_confidence >= OSD_MIN_CONFIDENCE:
                    orientation = ((90 if sideways else 0) + osd.rotate) % 360
                    orientation_conf, source = round(min(1.0, osd.orientation_confidence / 10), 3), "osd"
                else:
                    unsure_turn = ((90 if sideways else 0) + osd.rotate) % 360 != 0
    return Facing(orientation, orientation_conf, source, script, unsure_turn)


def ask_tesseract(level: np.ndarray, dpi: float, allowed: set[str] | None) -> OsdResult | None:
    """Tesseract OSD on the levelled small page, for pages whose own lines could not say. Kept
    only for the scripts OSD reads well (it calls Nastaliq "Japanese", upside down) and that the
    district reads."""
    osd = tesseract_osd(np.where(level > 0, 0, 255).astype(np.uint8), round(dpi))
    if osd is None or osd.script not in (OSD_SCRIPTS & allowed if allowed else OSD_SCRIPTS):
        return None
    return osd
