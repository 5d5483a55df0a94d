"""The bar profile: an upright 1D code read from the grey level of each column averaged down its
bars, deblurred or sharpened. It reads codes too blurred or noisy for either decoder on the page."""

from __future__ import annotations

import cv2
import numpy as np

from extractors.barcodes.decoders import (
    CHECKED_SYMBOLOGIES,
    ZBAR_LINEAR_SYMBOLS,
    ZXING_LINEAR_FORMATS,
    Reading,
    pyzbar_readings,
    zxing_readings,
)

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
        located = _read_band(crop[y0:y1].astype(np.float32).mean(axis=0), top, bottom)
        if located is None:
            continue
        barcode = located.barcode
        if barcode.symbology in CHECKED_SYMBOLOGIES:
            return [located]
        votes.setdefault((barcode.value, barcode.symbology), []).append(located)  # one vote per band
        agreed = [readings[0] for readings in votes.values() if len(readings) >= 2]
        if len(agreed) == 1 and len(votes) == 1:
            return agreed
    agreed = [readings[0] for readings in votes.values() if len(readings) >= 2]
    return agreed if len(agreed) == 1 else []  # two values each read twice: trust neither


def _read_band(profile: np.ndarray, top: int, bottom: int) -> Reading | None:
    """The first reading any variant gives of one band's profile, placed over the bars."""
    x0, x1 = _bar_columns(profile)
    for kind, upsample, parameter in PROFILE_VARIANTS:
        readings = _read_profile(profile, kind, upsample, parameter)
        if readings:
            return Reading(readings[0].barcode, np.array([[x0, top], [x1, top], [x1, bottom], [x0, bottom]], np.float64))
    return None


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

