"""Barcodes on scanned pages: file-number labels, separator sheets, old unrelated labels.

`read_barcodes` runs on every page of every batch, so the common case (a page with no code)
costs three cheap passes, and the expensive work is spent only where a code is. Measured on
the corpus and on generated covers (bench/barcodes.py, bench/file_numbers.py):

1. zxing-cpp on the whole page for 1D codes (Code128, Code39, Code93), at full resolution:
   it reads far more than zbar on noisy, grey and small codes.
2. zxing-cpp for QR and DataMatrix on the page reduced to ~150 dpi and lightly smoothed: their
   modules are big, and the DataMatrix search costs 5-10x more on a noisy 300 dpi page.
3. Code regions: a structure-tensor map on ~3 mm cells finds patches of parallel bars at any
   angle. Every 1D reading is checked against them. A region with no sure reading (Code39 has
   no check character; a scan line crossing a tilted code's edge can read a tail of it) is cut
   out at full resolution, turned upright and read again: zxing-cpp, then zbar, then the bar
   profile (columns averaged down the bars, deblurred), which reads codes too blurred or noisy
   for either decoder on the page.
4. A small image (a label photo, not a page) where nothing was read: zxing-cpp's other
   binarizers, then zbar on the whole image.

Readings that contradict each other at one place are dropped rather than guessed between: a
missed code is flagged for review downstream, a wrong one files a record under another number.
zbar returns Code39 Full-ASCII raw ("12+A+B"); it is expanded like zxing-cpp does ("12ab").
Values are the text as encoded, GS1 group separators included (zxing-cpp "Plain" text mode).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from domain.model import Barcode
from pipeline.pages import iter_pages

# What record rooms print on labels and separator sheets. EAN/UPC, ITF and Codabar are left out:
# no file number is printed in them, and their weak or missing check characters let stripes on
# old paper (table rules, hatching, a torn edge) or another code's bars read as a value.
ZXING_FORMATS = (
    zxingcpp.BarcodeFormat.Code128,
    zxingcpp.BarcodeFormat.Code39,  # standard and Full-ASCII
    zxingcpp.BarcodeFormat.Code93,
    zxingcpp.BarcodeFormat.QRCode,
    zxingcpp.BarcodeFormat.DataMatrix,
)
ZXING_MATRIX_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.DataMatrix)
ZXING_LINEAR_FORMATS = tuple(f for f in ZXING_FORMATS if f not in ZXING_MATRIX_FORMATS)
ZBAR_SYMBOLS = [ZBarSymbol.CODE128, ZBarSymbol.CODE39, ZBarSymbol.CODE93, ZBarSymbol.QRCODE]
ZBAR_LINEAR_SYMBOLS = [s for s in ZBAR_SYMBOLS if s is not ZBarSymbol.QRCODE]

# One spelling of each symbology, whichever decoder read it.
SYMBOLOGY_NAMES = {
    "code128": "code128",
    "code39": "code39",
    "code39std": "code39",
    "code39ext": "code39",
    "code93": "code93",
    "ean13": "ean13",
    "ean8": "ean8",
    "upca": "upca",
    "upce": "upce",
    "isbn10": "isbn10",
    "isbn13": "isbn13",
    "qrcode": "qrcode",
    "datamatrix": "datamatrix",
    "i25": "itf",
    "itf": "itf",
    "pdf417": "pdf417",
}

LINEAR_SYMBOLOGIES = {"code128", "code39", "code93"}
CHECKED_SYMBOLOGIES = {"code128", "code93"}  # a check character: a short or garbled read fails it
FULL_COVERAGE = 0.85  # an unchecked reading spanning this much of its region is not a short read
SMALL_IMAGE_PIXELS = 1_500_000  # below this an image is a label photo or crop, not a page: try harder
WORKING_LONG_SIDE = 1800  # region search runs at ~150 dpi on an A4 page
MAX_REGIONS = 6  # regions tried per page; more than this is a drawing or a table, not labels
MIN_CODE_ENERGY = 1500.0  # mean squared Sobel gradient of a cell with bars in it
MIN_CODE_COHERENCE = 0.75  # 1 = all gradients parallel (bars); text is ~0.3-0.6
MIN_CODE_CELLS = 6  # ~3x3 mm cells: smaller patches are a word, not a code


@dataclass(frozen=True)
class Region:
    """A patch that looks like a 1D code: centre, size along/across the bars, angle of the bars'
    normal (degrees), all in full-resolution page pixels."""

    center: tuple[float, float]
    size: tuple[float, float]
    angle: float

    def contains(self, point: tuple[float, float], slack: float = 0.1) -> bool:
        theta = np.radians(self.angle)
        dx, dy = point[0] - self.center[0], point[1] - self.center[1]
        along = dx * np.cos(theta) + dy * np.sin(theta)
        across = -dx * np.sin(theta) + dy * np.cos(theta)
        return abs(along) <= self.size[0] * (0.5 + slack) and abs(across) <= self.size[1] * (0.5 + slack)


def symbology_name(name: str) -> str:
    key = name.lower().replace("-", "").replace(" ", "").replace("_", "")
    return SYMBOLOGY_NAMES.get(key, key)


# --- decoders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One decoded code and the corners of what the decoder saw (for a 1D code: the ends of the
    scan lines that agreed), in page pixels. The corners tell a full read from a short one."""

    barcode: Barcode
    corners: np.ndarray  # 4 x 2, float


def zxing_readings(
    image: np.ndarray,
    formats: Sequence | None = ZXING_FORMATS,
    *,
    binarizer=zxingcpp.Binarizer.LocalAverage,
    try_invert: bool = True,
    try_downscale: bool = True,
    try_rotate: bool = True,
) -> list[Reading]:
    """zxing-cpp on one image (formats None: all it knows); values as printed (Plain text
    mode keeps GS1 separators instead of bracketing application identifiers)."""
    options = {"formats": list(formats)} if formats else {}
    results = zxingcpp.read_barcodes(
        image, try_invert=try_invert, try_downscale=try_downscale, try_rotate=try_rotate, binarizer=binarizer, text_mode=zxingcpp.TextMode.Plain, **options
    )
    readings = []
    for result in results:
        if not (result.valid and result.text):
            continue
        p = result.position
        corners = np.array([[q.x, q.y] for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], np.float64)
        barcode = Barcode(value=result.text, symbology=symbology_name(result.format.name), box=_box(corners), decoder="zxing-cpp")
        readings.append(Reading(barcode, corners))
    return readings


def pyzbar_readings(image: np.ndarray, symbols: Sequence[ZBarSymbol] | None = ZBAR_SYMBOLS) -> list[Reading]:
    """zbar on one image (symbols None: all it knows), Code39 Full-ASCII expanded like
    zxing-cpp does."""
    readings = []
    for result in pyzbar.decode(image, symbols=list(symbols) if symbols else None):
        value = _decode_bytes(result.data)
        symbology = symbology_name(result.type)
        if symbology == "code39":
            value = expand_code39_full_ascii(value) or value
        if not value:
            continue
        corners = np.array([[p.x, p.y] for p in result.polygon] or [[0, 0]], np.float64)
        readings.append(Reading(Barcode(value=value, symbology=symbology, box=_box(corners), decoder="pyzbar"), corners))
    return readings


def read_with_zxing(image: np.ndarray) -> list[Barcode]:
    """zxing-cpp alone: default settings, every format, whole image (the bench's baseline)."""
    return [reading.barcode for reading in zxing_readings(_as_grey(image), None)]


def read_with_pyzbar(image: np.ndarray) -> list[Barcode]:
    """zbar alone: default settings, every symbology, whole image (the bench's baseline)."""
    return [reading.barcode for reading in pyzbar_readings(_as_grey(image), None)]


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _box(corners: np.ndarray) -> tuple[int, int, int, int]:
    x0, y0 = np.floor(corners.min(axis=0))
    x1, y1 = np.ceil(corners.max(axis=0))
    return (int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1)


def _moved(reading: Reading, matrix: np.ndarray) -> Reading:
    """The reading with its corners mapped by a 2x3 affine matrix (crop or scale to page)."""
    corners = np.hstack([reading.corners, np.ones((len(reading.corners), 1))]) @ matrix.T
    b = reading.barcode
    return Reading(Barcode(b.value, b.symbology, _box(corners), b.decoder), corners)


# Code39 Full-ASCII pairs: $A-$Z control characters, %A-%E and %F-%W punctuation, /A-/O and /Z
# punctuation, +A-+Z lower case.
_FULL_ASCII: dict[str, str] = {}
for _i in range(26):
    _FULL_ASCII["$" + chr(65 + _i)] = chr(1 + _i)
    _FULL_ASCII["+" + chr(65 + _i)] = chr(97 + _i)
for _i, _ch in enumerate("\x1b\x1c\x1d\x1e\x1f;<=>?[\\]^_{|}~\x7f\x00@`\x7f\x7f\x7f"):
    _FULL_ASCII["%" + chr(65 + _i)] = _ch
for _i, _ch in enumerate("!\"#$%&'()*+,-./"):
    _FULL_ASCII["/" + chr(65 + _i)] = _ch
_FULL_ASCII["/Z"] = ":"
# The shortest pair for each character, to undo an expansion (DEL has four spellings; %T is one).
_FULL_ASCII_PAIR = {char: pair for pair, char in sorted(_FULL_ASCII.items(), reverse=True)}


def expand_code39_full_ascii(raw: str) -> str | None:
    """The Full-ASCII reading of a raw Code39 value, or None when the raw value is not valid
    Full-ASCII (a '/', '+', '%' or '$' not followed by a letter it pairs with) or has no pair.
    Mirrors zxing-cpp: a standard label "REV/TSL/1987/42" stays as it is."""
    if not any(ch in raw for ch in "$%/+"):
        return None
    out, i = [], 0
    while i < len(raw):
        ch = raw[i]
        if ch in "$%/+":
            pair = raw[i : i + 2]
            if pair not in _FULL_ASCII:
                return None
            out.append(_FULL_ASCII[pair])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def code39_raw_form(value: str) -> str | None:
    """The standard Code39 symbols a Full-ASCII-expanded value was printed as, or None if
    nothing in it was expanded. A label printed in standard Code39 that happens to contain
    "/A" or "+B" is expanded by both decoders ("DOC/A" reads "DOC!"); this gives it back."""
    if all(ch == " " or ch == "-" or ch == "." or ch.isdigit() or "A" <= ch <= "Z" or ch == "/" for ch in value):
        return None
    return "".join(_FULL_ASCII_PAIR.get(ch, ch) if not (ch.isdigit() or "A" <= ch <= "Z" or ch in " -.") else ch for ch in value)


# --- the ladder -----------------------------------------------------------------------------


def read_barcodes(image: np.ndarray) -> list[Barcode]:
    """Every barcode on a greyscale page, each once, with its box in page pixels and the decoder
    that read it. Empty for a page without barcodes (the common case, and the cheap one)."""
    image = _as_grey(image)
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
    factor = _working_factor(image)
    small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA) if factor > 1 else image
    small = cv2.blur(small, (3, 3))
    to_page = np.array([[factor, 0, 0], [0, factor, 0]], np.float64)
    return [_moved(reading, to_page) for reading in zxing_readings(small, ZXING_MATRIX_FORMATS, try_invert=False, try_downscale=False)]


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
        inside = [i for i, r in enumerate(linear) if i not in claimed and region.contains(_centre(r))]
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
    return not any(o.barcode.symbology == b.symbology and o.barcode.value != b.value and _overlap(o.barcode.box, b.box) for o in neighbours)


def _coverage(reading: Reading, region: Region) -> float:
    """How much of the region's length (along the bars' normal) the reading spans."""
    theta = np.radians(region.angle)
    projected = reading.corners @ np.array([np.cos(theta), np.sin(theta)])
    return float(np.ptp(projected)) / max(region.size[0], 1.0)


def _centre(reading: Reading) -> tuple[float, float]:
    x, y = reading.corners.mean(axis=0)
    return float(x), float(y)


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
        readings = [_moved(r, to_page) for r in attempt() if r.barcode.symbology in LINEAR_SYMBOLOGIES]
        # the crop's margins may show part of a neighbouring label: that one is its own region's
        readings = [r for r in readings if region.contains(_centre(r), slack=0.05)]
        found += [r for r in readings if _agrees(r, readings)]
        if any(_coverage(r, region) >= 0.5 for r in found):
            break  # the region's code is read; a short one beside it was another code
    return [r for r in found if _agrees(r, found)]


# Bands of the bars' height averaged into one profile each, as fractions from the top.
PROFILE_BANDS = ((0.1, 0.9), (0.05, 0.35), (0.35, 0.65), (0.65, 0.95))
# How a profile is turned back into crisp bars: (kind, upsampling, parameter) with kind
# "plain", "deblur" (Richardson-Lucy, parameter = blur sigma in profile pixels) or "sharpen"
# (unsharp mask, parameter = amount). Each reads some profiles the others do not.
PROFILE_VARIANTS = (
    ("plain", 2, 0.0),
    ("sharpen", 3, 1.0),
    ("deblur", 3, 0.7),
    ("sharpen", 3, 2.0),
    ("sharpen", 4, 1.0),
    ("deblur", 3, 1.0),
    ("sharpen", 4, 3.0),
)


def read_bar_profiles(crop: np.ndarray) -> list[Reading]:
    """Read an upright 1D code from its bar profile: the grey level of each column averaged
    down a band of the bars. Averaging 20-80 rows removes scanner noise and JPEG blocks;
    deconvolution or an unsharp mask gives back the narrow bars that blur and 150 dpi merge.

    A code with a check character is taken at the first reading. A Code39 value must be read
    from two bands alike, since blur can turn one narrow/wide pair into another character."""
    rows = _bar_rows(crop)
    if rows is None:
        return []
    top, bottom = rows
    height = bottom - top
    crop = _straighten_bars(crop, top, bottom)
    votes: dict[tuple[str, str], list[Reading]] = {}
    for band_top, band_bottom in PROFILE_BANDS:
        y0, y1 = top + int(height * band_top), top + max(int(height * band_bottom), int(height * band_top) + 1)
        profile = crop[y0:y1].astype(np.float32).mean(axis=0)
        x0, x1 = _bar_columns(profile)
        for kind, upsample, parameter in PROFILE_VARIANTS:
            readings = _read_profile(profile, kind, upsample, parameter)
            if not readings:
                continue
            barcode = readings[0].barcode
            located = Reading(barcode, np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float64))
            if barcode.symbology in CHECKED_SYMBOLOGIES:
                return [located]
            votes.setdefault((barcode.value, barcode.symbology), []).append(located)
            break  # one vote per band
        agreed = [readings[0] for readings in votes.values() if len(readings) >= 2]
        if len(agreed) == 1 and len(votes) == 1:
            return agreed
    agreed = [readings[0] for readings in votes.values() if len(readings) >= 2]
    return agreed if len(agreed) == 1 else []  # two values each read twice: trust neither


def _straighten_bars(crop: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """The crop sheared so its bars stand exactly upright. The region's angle can be off by
    half a degree (its cells take in some of the printed value), which smears a profile
    averaged down 80 rows by most of a narrow bar; the shear that gives the sharpest profile
    is the right one."""
    centre = (top + bottom) / 2

    def sheared(degrees: float) -> np.ndarray:
        shift = np.tan(np.radians(degrees))
        matrix = np.array([[1, shift, -shift * centre], [0, 1, 0]], np.float32)
        return cv2.warpAffine(crop, matrix, (crop.shape[1], crop.shape[0]), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def sharpness(degrees: float) -> float:
        profile = sheared(degrees)[top:bottom].astype(np.float32).mean(axis=0)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-1.5, 1.51, 0.25), key=sharpness)
    best = max(best + np.arange(-0.2, 0.21, 0.05), key=sharpness)
    return sheared(best) if abs(best) > 0.01 else crop


def _read_profile(profile: np.ndarray, kind: str, upsample: int, parameter: float) -> list[Reading]:
    """Decode one profile drawn as a strip of identical rows, upsampled so narrow bars get
    several pixels (both decoders round bar widths to whole pixels)."""
    low, high = np.percentile(profile, 2), np.percentile(profile, 98)
    line = (profile - low) / max(high - low, 1.0) * 255
    if kind == "deblur":
        line = deblur_profile(line, sigma=parameter)
    line = cv2.resize(line.reshape(1, -1).astype(np.float32), None, fx=upsample, fy=1, interpolation=cv2.INTER_CUBIC)
    if kind == "sharpen":
        line = line + parameter * (line - cv2.GaussianBlur(line, (0, 0), sigmaX=upsample))
    strip = np.repeat(np.clip(line, 0, 255).astype(np.uint8), 32, axis=0)
    readings = zxing_readings(strip, ZXING_LINEAR_FORMATS, try_rotate=False, try_invert=False, try_downscale=False)
    return readings or pyzbar_readings(strip, ZBAR_LINEAR_SYMBOLS)


def deblur_profile(line: np.ndarray, sigma: float, iterations: int = 10) -> np.ndarray:
    """Richardson-Lucy deconvolution of a 0-255 profile by a Gaussian of `sigma` pixels: the
    ink (dark = high) is non-negative, which is what makes RL restore merged narrow bars
    without the ringing an unsharp mask adds."""
    ink = np.clip(1.0 - line.astype(np.float64) / 255, 0, 1) + 1e-3
    radius = int(3 * sigma + 1)
    kernel = np.exp(-(np.arange(-radius, radius + 1) ** 2) / (2 * sigma**2))
    kernel /= kernel.sum()
    estimate = ink.copy()
    for _ in range(iterations):
        blurred = np.convolve(estimate, kernel, mode="same")
        estimate *= np.convolve(ink / np.maximum(blurred, 1e-6), kernel[::-1], mode="same")
    return 255 * (1 - np.clip(estimate / max(float(estimate.max()), 1e-6), 0, 1))


def _bar_columns(profile: np.ndarray) -> tuple[float, float]:
    """First and last column with a bar edge: where the code lies along the profile (zbar
    places a 1D code it read from a strip at one point, not over its length)."""
    edges = np.abs(np.diff(profile))
    columns = np.nonzero(edges > edges.max() * 0.25)[0]
    return (float(columns.min()), float(columns.max() + 1)) if len(columns) else (0.0, float(len(profile)))


def _bar_rows(crop: np.ndarray) -> tuple[int, int] | None:
    """First and last row of the bars in an upright crop: the run of rows, around the row with
    the strongest horizontal gradient, that show the same column pattern as it. Text above or
    below (the printed value, the page) has strong gradients too, but not the bars' pattern."""
    image = crop.astype(np.float32)
    strength = np.abs(np.diff(image, axis=1)).mean(axis=1)
    best = int(np.argmax(strength))
    reference = image[max(0, best - 2) : best + 3].mean(axis=0)
    reference = reference - reference.mean()
    centred = image - image.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1) * max(float(np.linalg.norm(reference)), 1e-6)
    alike = (centred @ reference) / np.maximum(norms, 1e-6) > 0.6
    top = bottom = best
    while top > 0 and alike[top - 1]:
        top -= 1
    while bottom < len(alike) - 1 and alike[bottom + 1]:
        bottom += 1
    if bottom - top < 3:
        return None
    return top, bottom + 1


def upright_crop(image: np.ndarray, region: Region, margin: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """The region rotated so its bars stand vertical, with room for quiet zones; and the affine
    matrix mapping crop pixels back to page pixels."""
    (cx, cy), (along, across) = region.center, region.size
    width, height = int(along * (1 + 2 * margin)) + 16, int(across * (1 + 2 * margin)) + 16
    matrix = cv2.getRotationMatrix2D((cx, cy), region.angle, 1.0)
    matrix[0, 2] += width / 2 - cx
    matrix[1, 2] += height / 2 - cy
    background = int(np.median(image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)]))
    crop = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=background)
    return crop, cv2.invertAffineTransform(matrix)


def _working_factor(image: np.ndarray) -> int:
    """Integer downscale to ~150 dpi on an A4 page (integer factors resize fast)."""
    return max(1, round(max(image.shape) / WORKING_LONG_SIDE))


def find_code_regions(image: np.ndarray) -> list[Region]:
    """Patches of dense, parallel strokes: where a 1D code is, whatever its angle.

    The structure tensor of the gradient, averaged over ~3 mm cells: a code's cells have strong
    gradients all pointing one way (coherence near 1); text, photos and speckle do not, and a
    stray coherent cell (a vertical stroke, a ruled line) is too small to count. Runs at about
    150 dpi on an A4 page and then on cells, so it costs a few milliseconds."""
    factor = _working_factor(image)
    small = cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA) if factor > 1 else image
    cell = max(4, round(max(small.shape) / 100))
    rows, cols = small.shape[0] // cell, small.shape[1] // cell
    if rows < 2 or cols < 2:
        return []
    small = small[: rows * cell, : cols * cell].astype(np.float32)
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    jxx = cv2.resize(gx * gx, (cols, rows), interpolation=cv2.INTER_AREA)
    jyy = cv2.resize(gy * gy, (cols, rows), interpolation=cv2.INTER_AREA)
    jxy = cv2.resize(gx * gy, (cols, rows), interpolation=cv2.INTER_AREA)
    energy = jxx + jyy
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (energy + 1e-6)
    # a faded label still has bars ~80 grey levels deep; paper grain, scanner noise and
    # lighting gradients stay far below it
    mask = ((energy > MIN_CODE_ENERGY) & (coherence > MIN_CODE_COHERENCE)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return []
    flat = labels.ravel()
    sums = [np.bincount(flat, weights=m.ravel(), minlength=count) for m in (jxx, jyy, jxy, energy)]
    regions = []
    for index in range(1, count):
        if stats[index, cv2.CC_STAT_AREA] < MIN_CODE_CELLS:
            continue
        sxx, syy, sxy, total = (s[index] for s in sums)
        if np.hypot(sxx - syy, 2 * sxy) / total < MIN_CODE_COHERENCE:
            continue  # cells coherent one by one, but not all the same way: text, a drawing
        normal = 0.5 * np.degrees(np.arctan2(2 * sxy, sxx - syy))  # the bars' normal
        ys, xs = np.nonzero(labels == index)
        points = (np.stack([xs, ys], axis=1).astype(np.float32) + 0.5) * cell
        along, across = _extent_along(points, normal)
        if along < 3 * cell or across < 2 * cell:
            continue  # a code is longer than ~9 mm and its bars taller than ~6 mm
        centre = points.mean(axis=0) * factor
        size = ((along + cell) * factor, (across + cell) * factor)
        regions.append((float(total), Region(center=(float(centre[0]), float(centre[1])), size=size, angle=float(normal))))
    regions.sort(key=lambda item: -item[0])
    return [region for _, region in regions[:MAX_REGIONS]]


def _extent_along(points: np.ndarray, normal_degrees: float) -> tuple[float, float]:
    """Length of the point cloud along the bars' normal (the code's length) and across it."""
    theta = np.radians(normal_degrees)
    along = points @ np.array([np.cos(theta), np.sin(theta)], np.float32)
    across = points @ np.array([-np.sin(theta), np.cos(theta)], np.float32)
    return float(np.ptp(along)), float(np.ptp(across))


def deduplicate(readings: Iterable[Reading]) -> list[Barcode]:
    """One entry per physical code, in reading order: the same value and symbology at
    overlapping places is one code read twice; the same value elsewhere is another label."""
    kept: list[Barcode] = []
    for reading in readings:
        barcode = reading.barcode
        if any(other.value == barcode.value and other.symbology == barcode.symbology and _overlap(other.box, barcode.box) for other in kept):
            continue
        kept.append(barcode)
    return sorted(kept, key=lambda b: (b.box[1], b.box[0]))


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _as_grey(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image)


# --- the CLI's view -------------------------------------------------------------------------


def describe_barcodes(paths: Sequence[Path], dpi: int = 300) -> list[dict]:
    """What `daftar barcodes` shows: per input, per page, every barcode read (value, symbology,
    1-based page, box as [left, top, width, height] in page pixels, decoder). Pages are read one
    at a time, so a 500-page PDF costs one page of memory; PDFs are rendered at `dpi`. An input
    that cannot be read gets an "error" and the others are still described."""
    described = []
    for path in paths:
        path = Path(path)
        entry: dict = {"path": str(path), "pages": [], "barcodes": []}
        try:
            for page in iter_pages(path, dpi=dpi):
                barcodes = [_barcode_dict(barcode, page.index + 1) for barcode in read_barcodes(page.image)]
                entry["pages"].append({"page": page.index + 1, "barcodes": barcodes})
                entry["barcodes"].extend(barcodes)
        except Exception as error:  # one unreadable input must not hide the others
            entry["error"] = str(error)
        described.append(entry)
    return described


def _barcode_dict(barcode: Barcode, page: int) -> dict:
    return {"value": barcode.value, "symbology": barcode.symbology, "page": page, "box": list(barcode.box), "decoder": barcode.decoder}

