"""The ladder: cheap passes over the whole page first, the expensive work only where a code is
(see the package's docstring for the order and why)."""

from __future__ import annotations

import cv2
import numpy as np
import zxingcpp

from domain.model import Barcode
from extractors.barcodes.decoders import (
    CHECKED_SYMBOLOGIES,
    LINEAR_SYMBOLOGIES,
    ZBAR_LINEAR_SYMBOLS,
    ZXING_FORMATS,
    ZXING_LINEAR_FORMATS,
    ZXING_MATRIX_FORMATS,
    Reading,
    as_grey,
    moved,
    overlap,
    pyzbar_readings,
    zxing_readings,
)
from extractors.barcodes.dedup import deduplicate
from extractors.barcodes.profiles import read_bar_profiles
from extractors.barcodes.regions import Region, find_code_regions, upright_crop, working_factor

FULL_COVERAGE = 0.85  # an unchecked reading spanning this much of its region is not a short read
SMALL_IMAGE_PIXELS = 1_500_000  # below this an image is a label photo or crop, not a page: try harder


def read_barcodes(image: np.ndarray) -> list[Barcode]:
    """Every barcode on a greyscale page, each once, with its box in page pixels and the decoder
    that read it. Empty for a page without barcodes (the common case, and the cheap one)."""
    image = as_grey(image)
    small = image.size <= SMALL_IMAGE_PIXELS
    regions = find_code_regions(image)
    readings = check_linear_codes(image, read_linear_codes(image, try_downscale=small) + read_matrix_codes(image), regions)
    if not readings and small:
        readings = check_linear_codes(image, _read_small_image_harder(image), regions)
    return deduplicate(readings)


def read_linear_codes(image: np.ndarray, try_downscale: bool) -> list[Reading]:
    """1D codes at full resolution: thin bars need every pixel. Not inverted: labels are dark
    on light. Not downscaled on pages: zxing-cpp's downscaled pass once read a clean 12-digit
    Code128 here with two digits wrong and a valid check character."""
    return zxing_readings(image, ZXING_LINEAR_FORMATS, try_invert=False, try_downscale=try_downscale)


def read_matrix_codes(image: np.ndarray) -> list[Reading]:
    """QR and DataMatrix at ~150 dpi, lightly smoothed. Their modules are big; zxing-cpp's
    DataMatrix search chases every speck of scanner noise, and costs 5-10x more at 300 dpi
    and 3x more unsmoothed, for no code read here that it did not read this way."""
    if image.size <= SMALL_IMAGE_PIXELS:  # a label photo: as it is, every scale
        return zxing_readings(image, ZXING_MATRIX_FORMATS, try_invert=False)
    factor = working_factor(image)
    small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA) if factor > 1 else image
    small = cv2.blur(small, (3, 3))
    to_page = np.array([[factor, 0, 0], [0, factor, 0]], np.float64)
    return [moved(reading, to_page) for reading in zxing_readings(small, ZXING_MATRIX_FORMATS, try_invert=False, try_downscale=False)]


def check_linear_codes(image: np.ndarray, readings: list[Reading], regions: list[Region]) -> list[Reading]:
    """Check every 1D reading against the code regions found on the page, and read the regions
    nothing (or nothing sure) was read in.

    A reading is sure when its symbology has a check character (Code128, Code93) and nothing
    else was read differently at that place. Code39 has no check character: a scan line that
    enters a tilted code through its edge can find a start pattern mid-code and read a tail
    ("7/2005/5805" for "LND/CRT-07/2005/5805"; both decoders did). Such readings are replaced by
    a reading of the region turned upright at full resolution, where every line crosses the
    whole code; if that reads nothing, a Code39 reading is kept only if it spans the region."""
    kept = [r for r in readings if r.barcode.symbology not in LINEAR_SYMBOLOGIES]
    linear = [r for r in readings if r.barcode.symbology in LINEAR_SYMBOLOGIES]
    claimed: set[int] = set()
    for region in regions:
        inside = [i for i, r in enumerate(linear) if i not in claimed and region.contains(r.centre())]
        claimed.update(inside)
        here = [linear[i] for i in inside]
        if here and all(_is_sure(r, here) for r in here) and any(_coverage(r, region) >= 0.5 for r in here):
            kept += here  # read and checked; a region holding two codes is read again below
            continue
        reread = read_region(image, region)
        if reread:
            kept += reread
        else:
            kept += [r for r in here if _is_sure(r, here) or (r.barcode.symbology == "code39" and _coverage(r, region) >= FULL_COVERAGE and _agrees(r, here))]
    # readings outside every region: the region search missed them; keep the sure ones and
    # Code39 readings no other reading contradicts
    rest = [r for i, r in enumerate(linear) if i not in claimed]
    kept += [r for r in rest if _is_sure(r, rest) or (r.barcode.symbology == "code39" and _agrees(r, rest))]
    return kept


def _is_sure(reading: Reading, neighbours: list[Reading]) -> bool:
    return reading.barcode.symbology in CHECKED_SYMBOLOGIES and _agrees(reading, neighbours)


def _agrees(reading: Reading, neighbours: list[Reading]) -> bool:
    """No other reading of the same symbology at the same place says something else."""
    b = reading.barcode
    return not any(o.barcode.symbology == b.symbology and o.barcode.value != b.value and overlap(o.barcode.box, b.box) for o in neighbours)


def _coverage(reading: Reading, region: Region) -> float:
    """How much of the region's length (along the bars' normal) the reading spans."""
    theta = np.radians(region.angle)
    projected = reading.corners @ np.array([np.cos(theta), np.sin(theta)])
    return float(np.ptp(projected)) / max(region.size[0], 1.0)


def _read_small_image_harder(image: np.ndarray) -> list[Reading]:
    """Other binarizers, then zbar: for label photos and crops, where this is cheap."""
    for binarizer in (zxingcpp.Binarizer.GlobalHistogram, zxingcpp.Binarizer.FixedThreshold):
        readings = zxing_readings(image, ZXING_FORMATS, binarizer=binarizer)
        if readings:
            return readings
    return pyzbar_readings(image)


def read_region(image: np.ndarray, region: Region) -> list[Reading]:
    """Read one region turned upright at full resolution: zxing-cpp, then zbar, then the bar
    profile (see `read_bar_profiles`). Readings that contradict each other at one place are
    dropped: better no value than a wrong one."""
    crop, to_page = upright_crop(image, region)
    if crop.size == 0:
        return []
    attempts = (
        lambda: zxing_readings(crop, ZXING_LINEAR_FORMATS, try_downscale=False),
        lambda: pyzbar_readings(crop, ZBAR_LINEAR_SYMBOLS),
        lambda: read_bar_profiles(crop),
    )
    found: list[Reading] = []
    for attempt in attempts:
        readings = [moved(r, to_page) for r in attempt() if r.barcode.symbology in LINEAR_SYMBOLOGIES]
        # the crop's margins may show part of a neighbouring label: that one is its own region's
        readings = [r for r in readings if region.contains(r.centre(), slack=0.05)]
        found += [r for r in readings if _agrees(r, readings)]
        if any(_coverage(r, region) >= 0.5 for r in found):
            break  # the region's code is read; a short one beside it was another code
    return [r for r in found if _agrees(r, found)]
