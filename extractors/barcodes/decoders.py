"""The two decoders, zxing-cpp and zbar, behind one `Reading` type, and the page geometry they
share: a reading's corners, its box, moving it from a crop or a smaller copy back to the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar
from pyzbar.pyzbar import ZBarSymbol

from domain.model import Barcode
from extractors.code39 import expand_code39_full_ascii

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


def symbology_name(name: str) -> str:
    key = name.lower().replace("-", "").replace(" ", "").replace("_", "")
    return SYMBOLOGY_NAMES.get(key, key)


@dataclass(frozen=True)
class Reading:
    """One decoded code and the corners of what the decoder saw (for a 1D code: the ends of the
    scan lines that agreed), in page pixels. The corners tell a full read from a short one."""

    barcode: Barcode
    corners: np.ndarray  # 4 x 2, float

    def centre(self) -> tuple[float, float]:
        x, y = self.corners.mean(axis=0)
        return float(x), float(y)


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
        barcode = Barcode(value=result.text, symbology=symbology_name(result.format.name), box=box_of(corners), decoder="zxing-cpp")
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
        readings.append(Reading(Barcode(value=value, symbology=symbology, box=box_of(corners), decoder="pyzbar"), corners))
    return readings


def read_with_zxing(image: np.ndarray) -> list[Barcode]:
    """zxing-cpp alone: default settings, every format, whole image (the bench's baseline)."""
    return [reading.barcode for reading in zxing_readings(as_grey(image), None)]


def read_with_pyzbar(image: np.ndarray) -> list[Barcode]:
    """zbar alone: default settings, every symbology, whole image (the bench's baseline)."""
    return [reading.barcode for reading in pyzbar_readings(as_grey(image), None)]


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def box_of(corners: np.ndarray) -> tuple[int, int, int, int]:
    """The (left, top, width, height) box around a reading's corners, in whole pixels."""
    x0, y0 = np.floor(corners.min(axis=0))
    x1, y1 = np.ceil(corners.max(axis=0))
    return (int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1)


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def moved(reading: Reading, matrix: np.ndarray) -> Reading:
    """The reading with its corners mapped by a 2x3 affine matrix (crop or scale to page)."""
    corners = np.hstack([reading.corners, np.ones((len(reading.corners), 1))]) @ matrix.T
    b = reading.barcode
    return Reading(Barcode(b.value, b.symbology, box_of(corners), b.decoder), corners)


def as_grey(image: np.ndarray) -> np.ndarray:
    """A contiguous greyscale uint8 copy (or the image itself) for the decoders."""
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image)
