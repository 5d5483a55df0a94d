"""Reading page images out of scanner output, one page at a time.

A 500-page TIFF or PDF is never decoded whole: `iter_pages` yields one page at a time (its grey
copy for cleaning and OCR, and the scan as scanned for the archive), so memory is bounded by the
page, not the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from domain.errors import UnreadableSource
from domain.translatable import N_, Said
from pipeline import pdftoppm

IMAGE_SUFFIXES = {".tif", ".tiff", ".jpg", ".jpeg", ".png"}
PDF_SUFFIXES = {".pdf"}
ASSUMED_DPI = 300  # an image that declares no resolution (or under 72 dpi) is read as scanned at this
# A page smaller than this on a side is no scanned paper (a 1x1 px image, a page "at 100000 dpi"),
# one larger is over PDF's own page limit of 14400 pt: quarantined, never retried night after night.
MIN_PAGE_INCHES = 0.5
MAX_PAGE_INCHES = 200.0
EXIF_ORIENTATION = 0x0112
TIFF_STRIP_OFFSETS = 273

# Why a source cannot be read (its quarantine reason), for the web pages to say in their reader's
# language (`domain.translatable.recognised`). A page's size is measured in pixels or in PDF points.
EMPTY = N_("empty file (0 bytes)")
NOT_AN_IMAGE = N_("not a readable image: %(detail)s")
UNSUPPORTED = N_("unsupported file type %(suffix)s")
NO_SUFFIX = N_("unsupported file type (none)")
NO_PAGES = N_("PDF with no pages")
ENCRYPTED = N_("encrypted PDF (password required)")
CORRUPT = N_("corrupt PDF: %(detail)s")
TOO_SMALL = {
    "pixels": N_("page %(page)d is %(width)sx%(height)s pixels (%(inches)s in at %(per_inch)s per inch): "
                 "too small to be a scanned page (under %(least)s in a side)"),
    "pt": N_("page %(page)d is %(width)sx%(height)s pt (%(inches)s in at %(per_inch)s per inch): "
             "too small to be a scanned page (under %(least)s in a side)")}
TOO_LARGE = {
    "pixels": N_("page %(page)d is %(width)sx%(height)s pixels (%(inches)s in at %(per_inch)s per inch): "
                 "larger than any paper (over %(most)s in, PDF's own limit)"),
    "pt": N_("page %(page)d is %(width)sx%(height)s pt (%(inches)s in at %(per_inch)s per inch): "
             "larger than any paper (over %(most)s in, PDF's own limit)")}
TOO_MANY_PIXELS = N_("page %(page)d is %(width)dx%(height)d pixels, over the limit")
UNDECODABLE = N_("PDF page %(page)d has an image that cannot be decoded: %(detail)s")
UNREADABLE = (EMPTY, NOT_AN_IMAGE, UNSUPPORTED, NO_SUFFIX, NO_PAGES, ENCRYPTED, CORRUPT, *TOO_SMALL.values(),
              *TOO_LARGE.values(), TOO_MANY_PIXELS, UNDECODABLE, pdftoppm.CANNOT_RENDER)


@dataclass(frozen=True, eq=False)
class Scan:
    """A page as the scanner wrote it, kept for the archive (cleaning and OCR read `Page.image`)."""

    mode: str = "L"  # "1" bilevel, "L" grey, "RGB" colour
    jpeg: bytes | None = None  # the page's own JPEG, embedded as it is unless the page is turned
    own_file: Path | None = None  # a PNG or Group 4 TIFF whose compressed data is embedded as it is, unless turned
    pixels: np.ndarray | None = None  # colour; None: `Page.image` is the scan
    pdf_page: tuple[Path, int] | None = None  # a PDF source's page (0-based), kept as its own page object


@dataclass
class Page:
    index: int  # 0-based within the source
    image: np.ndarray  # greyscale uint8, for cleaning and OCR
    dpi: int
    scan: Scan = field(default_factory=Scan)


def page_count(path: Path) -> int:
    """Number of pages, checking the file can be opened at all and each page is paper-sized."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise UnreadableSource(Said(EMPTY))
    if suffix in PDF_SUFFIXES:
        return _pdf_page_count(path)
    if suffix in IMAGE_SUFFIXES:
        try:
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                for index in range(frames):
                    image.seek(index)
                    _check_size(index, image.width, image.height, _declared_dpi(image, ASSUMED_DPI), "pixels")
                return frames
        except UnreadableSource:
            raise
        except Exception as error:  # PIL raises many types for broken files
            raise UnreadableSource(Said(NOT_AN_IMAGE, {"detail": str(error)})) from error
    raise UnreadableSource(Said(UNSUPPORTED, {"suffix": suffix}) if suffix else Said(NO_SUFFIX))


def _pdf_page_count(path: Path) -> int:
    import pikepdf

    try:
        # Opening without a password succeeds only when there is no user password: a PDF with an
        # owner password alone (restrictions on copying, printing) is read and archived decrypted.
        with pikepdf.open(path) as pdf:
            for index, page in enumerate(pdf.pages):
                left, bottom, right, top = (float(v) for v in page.mediabox)
                _check_size(index, abs(right - left), abs(top - bottom), 72, "pt")
            if not pdf.pages:
                raise UnreadableSource(Said(NO_PAGES))
            return len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise UnreadableSource(Said(ENCRYPTED)) from error
    except pikepdf.PdfError as error:
        raise UnreadableSource(Said(CORRUPT, {"detail": str(error).replace(f"{path}: ", "")})) from error


def _check_size(index: int, width: float, height: float, per_inch: float, unit: str) -> None:
    inches = (width / per_inch, height / per_inch)
    size = {"page": index + 1, "width": f"{width:g}", "height": f"{height:g}",
            "inches": f"{inches[0]:.3g}x{inches[1]:.3g}", "per_inch": f"{per_inch:g}"}
    if min(inches) < MIN_PAGE_INCHES:
        raise UnreadableSource(Said(TOO_SMALL[unit], {**size, "least": str(MIN_PAGE_INCHES)}))
    if max(inches) > MAX_PAGE_INCHES:
        raise UnreadableSource(Said(TOO_LARGE[unit], {**size, "most": f"{MAX_PAGE_INCHES:g}"}))


def _declared_dpi(image: Image.Image, default: int) -> int:
    try:
        declared = int(round(float((image.info.get("dpi") or (default, default))[0])))
    except (TypeError, ValueError, OverflowError):
        return default
    return declared if declared >= 72 else default


def iter_pages(path: Path, dpi: int = 300, max_pixels: int = 60_000_000) -> Iterator[Page]:
    """Yield every page of an image or PDF, one at a time. A multi-page image is
    all or nothing: every frame is decoded once before the first is yielded, so a corrupt frame
    refuses the whole source, never leaving the pages before it in a record file."""
    if path.suffix.lower() in PDF_SUFFIXES:
        yield from _iter_pdf_pages(path, dpi, max_pixels)
        return
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                if image.width * image.height > max_pixels:
                    raise UnreadableSource(Said(TOO_MANY_PIXELS, {"page": index + 1, "width": image.width,
                                                                  "height": image.height}))
                if frames > 1:
                    image.load()
            for index in range(frames):
                image.seek(index)
                upright = ImageOps.exif_transpose(image)
                yield Page(index, _grey(upright), _declared_dpi(image, dpi), _image_scan(path, image, upright, frames))
    except UnreadableSource:
        raise
    except Exception as error:
        raise UnreadableSource(Said(NOT_AN_IMAGE, {"detail": str(error)})) from error


def _grey(image: Image.Image) -> np.ndarray:
    """The page as 8-bit grey, as it would print: transparency flattened onto white paper,
    16-bit and float greys scaled, not clipped."""
    image = _on_white(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 255.0 if values.max() <= 255 else 65535.0
        return np.clip(values * (255.0 / top), 0, 255).astype(np.uint8)
    return np.asarray(image.convert("L"))


def _image_scan(path: Path, image: Image.Image, upright: Image.Image, frames: int) -> Scan:
    """What the archive keeps of an image file's page: a bilevel page as bilevel, a JPEG's own
    bytes or a PNG's or Group 4 TIFF's own compressed data when nothing (EXIF) turns it, colour as
    colour, anything else as its grey copy."""
    turned_by_exif = image.getexif().get(EXIF_ORIENTATION, 1) != 1
    own_file = path if frames == 1 and not turned_by_exif and _embeddable(image) else None
    if image.mode == "1" or _black_and_white_palette(image):
        return Scan("1", own_file=own_file)
    mode = "L" if _is_grey(image) else "RGB"
    if image.format == "JPEG" and frames == 1 and not turned_by_exif and image.mode in ("L", "RGB"):
        return Scan(mode, jpeg=path.read_bytes())
    if mode == "L":
        return Scan("L", own_file=own_file)
    return Scan("RGB", own_file=own_file, pixels=np.asarray(_on_white(upright).convert("RGB")))


def _embeddable(image: Image.Image) -> bool:
    """Whether img2pdf embeds the file's own compressed data, and PDF/A takes it: a PNG that is
    not interlaced, without transparency, at most 8 bits a sample; a one-strip Group 4 TIFF."""
    if image.format == "PNG":
        plain = image.mode in ("1", "L", "P", "RGB") and "transparency" not in image.info
        return plain and not image.info.get("interlace")
    if image.format == "TIFF":
        return image.info.get("compression") == "group4" and len(image.tag_v2.get(TIFF_STRIP_OFFSETS, ())) == 1
    return False


def _black_and_white_palette(image: Image.Image) -> bool:
    """A palette image that uses only black and white (a bilevel PNG, as many scanners write it)."""
    if image.mode != "P":
        return False
    palette = image.getpalette() or []
    used = [index for _, index in image.getcolors(256) or []]
    return bool(used) and all(tuple(palette[3 * i:3 * i + 3]) in ((0, 0, 0), (255, 255, 255)) for i in used)


def _is_grey(image: Image.Image) -> bool:
    if image.mode in ("P", "PA"):
        palette = image.getpalette() or []
        return all(palette[i] == palette[i + 1] == palette[i + 2] for i in range(0, len(palette) - 2, 3))
    return image.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")


def _on_white(image: Image.Image) -> Image.Image:
    """Transparency flattened onto white paper (a transparent pixel's own colour is often black)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        paper.alpha_composite(image.convert("RGBA"))
        return paper
    return image


def _iter_pdf_pages(path: Path, dpi: int, max_pixels: int) -> Iterator[Page]:
    """Every page rendered grey for cleaning and OCR; the archive keeps the page object itself."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            box = page.mediabox
            width_in = abs(float(box[2] - box[0])) / 72
            height_in = abs(float(box[3] - box[1])) / 72
            page_dpi = dpi
            while width_in * height_in * page_dpi * page_dpi > max_pixels and page_dpi > 50:
                page_dpi //= 2  # an enormous page is read at a lower resolution, not refused
            yield Page(index, render_pdf_page(path, index, page_dpi), page_dpi, Scan(pdf_page=(path, index)))


def render_pdf_page(path: Path, index: int, dpi: int) -> np.ndarray:
    """Rasterize one PDF page (0-based `index`) with pdftoppm, greyscale. A page that comes out
    white while pdftoppm reports an error held an image it could not decode: refused, never
    called blank."""
    with tempfile.TemporaryDirectory(prefix="daftar-page-") as tmp:
        pgm, said = pdftoppm.render_grey(path, index + 1, dpi, Path(tmp) / "page")
        with Image.open(pgm) as image:
            grey = np.asarray(image.convert("L"))
    if "Error" in said and int(grey.min()) >= 250:
        raise UnreadableSource(Said(UNDECODABLE, {"page": index + 1, "detail": said.splitlines()[0][:200]}))
    return grey


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
