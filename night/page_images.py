"""The page images a stack writes to its work folder on their way to OCR and the PDF.

The archived page is the scan as scanned, never the cleaned copy that is OCRed: a JPEG's own
bytes, a PNG's or Group 4 TIFF's own compressed data, a PDF page as its own page object
(`pipeline.kept_pages`), a bilevel page as CCITT G4, any other grey or colour page as lossless
PNG. A page that cleaning turned upright or level is turned the same way (`preprocess.turn_like`,
exactly the OCR copy's geometry, so the text layer fits); a bilevel page stays bilevel and a
JPEG page is stored again as a JPEG of the scanner's own quality (its quantization tables).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, JpegImagePlugin

from domain.model import Barcode
from pipeline import preprocess
from pipeline.kept_pages import keep_pdf_page
from pipeline.pages import Scan
from pipeline.preprocess import CleanedPage

BILEVEL_THRESHOLD = 128


def write_archived_page(base: Path, scan: Scan, grey: np.ndarray, dpi: int, cleaned: CleanedPage) -> tuple[Path, float]:
    """Write the page as it is archived to `base` + its format's suffix; returns the file and
    its resolution. `grey` is the page's grey copy (as cleaning read it, at `dpi`)."""
    turned = bool(cleaned.orientation or cleaned.skew_degrees)
    if scan.pdf_page is not None:
        path = base.with_suffix(".pdf")
        keep_pdf_page(*scan.pdf_page, path, dpi, cleaned.orientation, cleaned.skew_degrees, cleaned.canvas)
    elif scan.jpeg is not None and not turned:
        path = base.with_suffix(".jpg")
        path.write_bytes(scan.jpeg)
    elif scan.own_file is not None and not turned:
        path = base.with_suffix(scan.own_file.suffix.lower())
        shutil.copyfile(scan.own_file, path)  # a copy: the work folder's files are deleted once laid in
    else:
        path = _write_pixels(base, scan, preprocess.turn_like(_like_grey(scan, grey), cleaned) if turned else
                             (grey if scan.pixels is None else scan.pixels))
    return path, float(dpi)


def _write_pixels(base: Path, scan: Scan, pixels: np.ndarray) -> Path:
    if scan.mode == "1":
        path = base.with_suffix(".tif")
        Image.fromarray(_as_grey(pixels) >= BILEVEL_THRESHOLD).save(path, compression="group4")
    elif scan.jpeg is not None:
        path = base.with_suffix(".jpg")
        Image.fromarray(pixels).save(path, **_jpeg_settings(scan.jpeg))
    else:
        path = base.with_suffix(".png")
        Image.fromarray(pixels).save(path, compress_level=6)
    return path


def _jpeg_settings(jpeg: bytes) -> dict[str, object]:
    """Save a turned JPEG page with the scan's own quantization tables and chroma subsampling:
    the scanner's own quality, neither coarser nor grown to a higher one."""
    with Image.open(io.BytesIO(jpeg)) as image:
        return {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image)}


def _like_grey(scan: Scan, grey: np.ndarray) -> np.ndarray:
    """The scan's pixels on the grey copy's pixel grid, which cleaning's geometry refers to."""
    if scan.jpeg is not None:
        with Image.open(io.BytesIO(scan.jpeg)) as image:
            return np.asarray(image.convert("RGB" if scan.mode == "RGB" else "L"))
    return grey if scan.pixels is None or scan.mode == "1" else scan.pixels


def _as_grey(pixels: np.ndarray) -> np.ndarray:
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def without_barcodes(image: np.ndarray, barcodes: list[Barcode], dpi: int) -> np.ndarray:
    """The page with each barcode's bars painted paper-white (a margin of 1/20 inch around)."""
    copy = image.copy()
    margin = dpi // 20
    for barcode in barcodes:
        left, top, width, height = barcode.box
        copy[max(0, top - margin):top + height + margin, max(0, left - margin):left + width + margin] = 255
    return copy


def write_jpeg(path: Path, image: np.ndarray, quality: int) -> None:
    """Write a page image, raising when it could not be: OpenCV only returns False, and into our
    own work folder a full disk is what makes it fail (a missing file later would mislead)."""
    if not cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
