"""Reading page images out of scanner output, one page at a time.

A 500-page TIFF or PDF is never decoded whole: `iter_pages` yields one greyscale page at a time,
so memory is bounded by the page, not the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from domain.errors import UnreadableSource
from pipeline import pdftoppm

IMAGE_SUFFIXES = {".tif", ".tiff", ".jpg", ".jpeg", ".png"}
PDF_SUFFIXES = {".pdf"}


@dataclass
class Page:
    index: int  # 0-based within the source
    image: np.ndarray  # greyscale uint8
    dpi: int


def page_count(path: Path) -> int:
    """Number of pages, checking the file can be opened at all."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise UnreadableSource("empty file (0 bytes)")
    if suffix in PDF_SUFFIXES:
        return _pdf_page_count(path)
    if suffix in IMAGE_SUFFIXES:
        try:
            with Image.open(path) as image:
                return getattr(image, "n_frames", 1)
        except Exception as error:  # PIL raises many types for broken files
            raise UnreadableSource(f"not a readable image: {error}") from error
    raise UnreadableSource(f"unsupported file type {suffix or '(none)'}")


def _pdf_page_count(path: Path) -> int:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise UnreadableSource("encrypted PDF")
            return len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise UnreadableSource("encrypted PDF (password required)") from error
    except pikepdf.PdfError as error:
        raise UnreadableSource(f"corrupt PDF: {str(error).replace(f'{path}: ', '')}") from error


def iter_pages(path: Path, dpi: int = 300, max_pixels: int = 60_000_000) -> Iterator[Page]:
    """Yield every page of an image or PDF as greyscale, one at a time."""
    if path.suffix.lower() in PDF_SUFFIXES:
        yield from _iter_pdf_pages(path, dpi, max_pixels)
        return
    try:
        with Image.open(path) as image:
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                if image.width * image.height > max_pixels:
                    raise UnreadableSource(f"page {index + 1} is {image.width}x{image.height} pixels, over the limit")
                page_dpi = int(round(float((image.info.get("dpi") or (dpi, dpi))[0]))) or dpi
                grey = ImageOps.exif_transpose(image).convert("L")
                yield Page(index, np.asarray(grey), page_dpi if page_dpi >= 72 else dpi)
    except UnreadableSource:
        raise
    except Exception as error:
        raise UnreadableSource(f"not a readable image: {error}") from error


def _iter_pdf_pages(path: Path, dpi: int, max_pixels: int) -> Iterator[Page]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        sizes = [page.mediabox for page in pdf.pages]
    for index, box in enumerate(sizes):
        width_in = float(box[2] - box[0]) / 72
        height_in = float(box[3] - box[1]) / 72
        page_dpi = dpi
        while width_in * height_in * page_dpi * page_dpi > max_pixels and page_dpi > 50:
            page_dpi //= 2  # an enormous page is read at a lower resolution, not refused
        yield Page(index, render_pdf_page(path, index, page_dpi), page_dpi)


def render_pdf_page(path: Path, index: int, dpi: int) -> np.ndarray:
    """Rasterize one PDF page (0-based `index`) with pdftoppm, greyscale."""
    with tempfile.TemporaryDirectory(prefix="daftar-page-") as tmp:
        pgm = pdftoppm.render_grey(path, index + 1, dpi, Path(tmp) / "page")
        with Image.open(pgm) as image:
            return np.asarray(image.convert("L"))


def pdf_text_layer(path: Path) -> list[str] | None:
    """The text of every page if the PDF is born-digital (has a real text layer), else None."""
    import pdfplumber

    texts = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                text = page.extract_text() or ""
                page.close()  # pdfplumber caches per page; free it to keep memory bounded
                if len(text.strip()) < 20:
                    return None  # a scanned page: the whole file is OCRed
                texts.append(text)
    except Exception:
        return None
    return texts or None
