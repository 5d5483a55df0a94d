"""The page images a stack writes to its work folder on their way to OCR and the PDF."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import cv2
import numpy as np

from domain.model import Barcode


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


def set_jpeg_dpi(path: Path, dpi: int) -> None:
    """Write the page's resolution into the JFIF header so the PDF page gets its true size."""
    data = bytearray(path.read_bytes())
    if data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00":
        data[13] = 1  # units: dots per inch
        data[14:16] = dpi.to_bytes(2, "big")
        data[16:18] = dpi.to_bytes(2, "big")
        path.write_bytes(bytes(data))

