#!/usr/bin/env python3
"""Generate ``sample_scans/``: two nights of scanner output from two tehsils, with ground truth.

    python scripts/make_sample_scans.py [OUT_DIR]        # default: sample_scans/ beside scripts/

Writes ``OUT_DIR/inbox/anantnag/{bijbehara,kokernag}/{2026-11-20,2026-11-21}/...`` and
``OUT_DIR/truth.json``. Everything is deterministic: every page draws its noise from a seed
derived from its name, PDFs carry fixed dates and ids, so a second run writes the same bytes
(on the same Pillow/libjpeg/zlib and the same Debian fonts).

What a page is made of, step by step:

1. a *sheet*: an ink mask (0 = paper, 255 = full ink) on which text and barcodes are drawn.
   Text is laid out by Pillow's libraqm engine (HarfBuzz shaping + FriBiDi), which is what
   joins Urdu letters right to left and builds Devanagari conjuncts; Urdu is set in
   Noto Naskh Arabic (Tesseract's ``urd`` reads Naskh, not Nastaliq), Hindi in Noto Serif
   Devanagari, typed English in Noto Sans Mono / Noto Serif.
2. a *scan* of the sheet: rotated by the skew (counter-clockwise positive, as ``Image.rotate``),
   turned upside down if fed that way, laid on paper with uneven shading and grain, with a few
   specks of dirt, and optionally faint bleed-through of the other side.
3. a *writer* stores the pages of one stack as a folder of images, loose images, a multi-page
   TIFF (Group 4 or LZW), a scanner PDF (JPEG pages, no text layer) or a born-digital PDF.

The ground truth records, for every record file, its file number and where that number can be
found (barcode, manifest, or only the typed text), and for every page its source file and page,
kind, language, skew, orientation, text and barcodes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import barcode
import cv2
import img2pdf
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, features

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = "anantnag"
SEPARATOR_VALUE = "DAFTAR-SEPARATOR"
A4_INCHES = (8.27, 11.69)

NOTO = Path("/usr/share/fonts/truetype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "typewriter": NOTO / "NotoSansMono-Regular.ttf",
    "typewriter-bold": NOTO / "NotoSansMono-Bold.ttf",
    "serif": NOTO / "NotoSerif-Regular.ttf",
    "serif-bold": NOTO / "NotoSerif-Bold.ttf",
    "sans-bold": DEJAVU / "DejaVuSans-Bold.ttf",
    "naskh": NOTO / "NotoNaskhArabic-Regular.ttf",
    "naskh-bold": NOTO / "NotoNaskhArabic-Bold.ttf",
    "devanagari": NOTO / "NotoSerifDevanagari-Regular.ttf",
    "devanagari-bold": NOTO / "NotoSerifDevanagari-Bold.ttf",
}

# language code -> (text direction, OpenType language tag for shaping, line spacing factor)
SCRIPTS = {
    "eng": ("ltr", "en", 1.45),
    "urd": ("rtl", "ur", 1.75),
    "hin": ("ltr", "hi", 1.7),
}

TRUTH_DOC = (
    "Ground truth for sample_scans/inbox, written by scripts/make_sample_scans.py (do not edit by hand). "
    "record_files: one entry per physical record file. stack is the folder or file name of the stack inside "
    "the batch, or '' for the loose page images at the batch's top level (one stack, in name order). "
    "file_number is normalized (serial zero-padded to 4) or null; file_number_source says where it can be "
    "found: 'barcode' (a label on the cover), 'manifest' (only manifest.csv), 'text' (only the typed text). "
    "pages lists the record file's own pages in order; separator sheets are NOT in pages: each record file "
    "lists under 'separators' the separator sheet(s) that precede it in its stack (kind 'separator'). "
    "Per page: source is relative to the batch folder; source_page is 1-based within that source; stack_page "
    "is 1-based within the stack (separators included); skew_degrees is the angle the page was rotated by, "
    "counter-clockwise positive (undo with rotate(-skew)); orientation 180 means fed upside down; text is the "
    "typed text in logical order, one printed line per line ('' for blank pages); barcodes lists every "
    "symbol printed on the page; condition is clean | noisy-low-contrast | blank-with-bleed-through | "
    "born-digital (has a real text layer, must not be OCRed); dpi is null for born-digital pages. "
    "quarantined: inputs that must be quarantined, path relative to sample_scans/inbox, with a substring "
    "(case-insensitive) expected in the reason."
)


# --------------------------------------------------------------------------------------------
# Pages and record files
# --------------------------------------------------------------------------------------------


@dataclass
class Page:
    """One side of one sheet as the scanner saw it, with what is known to be on it."""

    kind: str  # cover | text | blank | separator
    language: str | None
    lines: list[str]
    dpi: int | None
    image: Image.Image | None = None  # greyscale scan; None for born-digital pages
    mask: Image.Image | None = None  # the unrotated ink, kept to print bleed-through on the back
    skew_degrees: float = 0.0
    orientation: int = 0
    barcodes: list[dict] = field(default_factory=list)
    condition: str = "clean"


@dataclass
class RecordFile:
    file_number: str | None
    file_number_source: str  # barcode | manifest | text
    title: str
    record_type: str
    year: int
    pages: list[Page]
    separator_before: Page | None = None


@dataclass(frozen=True)
class Label:
    symbology: str  # code128 | code39 | qrcode
    value: str
    caption: str


@dataclass(frozen=True)
class Block:
    """A piece of typed text: heading (centred, bold), para (wrapped), line (one line), end (signature)."""

    style: str
    text: str = ""


def heading(text: str) -> Block:
    return Block("heading", text)


def para(text: str) -> Block:
    return Block("para", text)


def line(text: str) -> Block:
    return Block("line", text)


def signature(text: str) -> Block:
    return Block("end", text)


GAP = Block("gap")


def rng_for(name: str) -> np.random.Generator:
    """A random generator seeded from a page's name, so each page is reproducible on its own."""
    return np.random.default_rng(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


# --------------------------------------------------------------------------------------------
# Sheets: ink masks with text and barcodes
# --------------------------------------------------------------------------------------------


def page_size(dpi: int) -> tuple[int, int]:
    return round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)


def new_sheet(dpi: int) -> Image.Image:
    return Image.new("L", page_size(dpi), 0)


@cache
def font(family: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILES[family]), size_px, layout_engine=ImageFont.Layout.RAQM)


def font_pt(family: str, points: float, dpi: int) -> ImageFont.FreeTypeFont:
    return font(family, round(points * dpi / 72))


def wrap(text: str, fnt: ImageFont.FreeTypeFont, width: float, direction: str, lang: str) -> list[str]:
    """Greedy word wrap in logical order, measuring shaped text."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and fnt.getlength(candidate, direction=direction, language=lang) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def typeset(
    sheet: Image.Image,
    blocks: list[Block],
    *,
    language: str,
    family: str,
    points: float,
    dpi: int,
    top: float,
    margin: float = 1.0,
) -> tuple[list[str], int]:
    """Draw blocks of text from `top` (inches); returns the printed lines and the next baseline (px)."""
    direction, lang, spacing = SCRIPTS[language]
    draw = ImageDraw.Draw(sheet)
    left, right = margin * dpi, sheet.width - margin * dpi
    body = font_pt(family, points, dpi)
    bold = font_pt(f"{family}-bold", points * 1.15, dpi)
    y = top * dpi + bold.size
    printed: list[str] = []
    for block in blocks:
        fnt = bold if block.style == "heading" else body
        step = round(fnt.size * spacing)
        if block.style == "gap":
            y += step // 2
            continue
        texts = wrap(block.text, fnt, right - left, direction, lang) if block.style == "para" else [block.text]
        for text in texts:
            width = fnt.getlength(text, direction=direction, language=lang)
            if block.style == "heading":
                x = (left + right - width) / 2
            elif (block.style == "end") == (direction == "ltr"):
                x = right - width  # RTL body text, and LTR signatures, sit against the right margin
            else:
                x = left
            draw.text((x, y), text, fill=255, font=fnt, anchor="ls", direction=direction, language=lang)
            printed.append(text)
            y += step
        if block.style == "para":
            y += step // 4
    return printed, int(y)


def barcode_modules(symbology: str, value: str) -> str:
    """The bar pattern of a linear barcode as '1' (bar) / '0' (space) modules."""
    if symbology == "code128":
        return barcode.get_barcode_class("code128")(value).build()[0]
    if symbology == "code39":
        return barcode.get_barcode_class("code39")(value, add_checksum=False).build()[0]
    raise ValueError(symbology)


def draw_linear_barcode(sheet: Image.Image, modules: str, x: int, y: int, module_px: int, height_px: int) -> int:
    """Draw bars at (x, y); returns the barcode's width in pixels."""
    draw = ImageDraw.Draw(sheet)
    run_start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = index
        elif bit == "0" and run_start is not None:
            draw.rectangle([x + run_start * module_px, y, x + index * module_px - 1, y + height_px - 1], fill=255)
            run_start = None
    return len(modules) * module_px


def qr_matrix(value: str) -> list[list[bool]]:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(value)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(sheet: Image.Image, value: str, x: int, y: int, module_px: int) -> int:
    """Draw a QR code (error correction M) at (x, y); returns its side in pixels."""
    matrix = qr_matrix(value)
    draw = ImageDraw.Draw(sheet)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                left, top = x + col * module_px, y + row * module_px
                draw.rectangle([left, top, left + module_px - 1, top + module_px - 1], fill=255)
    return len(matrix) * module_px


def render_label(label: Label, dpi: int, scale: float = 1.0) -> Image.Image:
    """A stuck-on barcode label as an ink mask: outline, symbol with its quiet zone, caption."""
    if label.symbology == "qrcode":
        module = max(3, round(dpi / 33 * scale))  # 0.77 mm
        pad = 4 * module
        symbol_w = symbol_h = len(qr_matrix(label.value)) * module
    else:
        module = max(2, round(dpi / (100 if label.symbology == "code39" else 75) * scale))  # 0.25 / 0.34 mm
        pad = max(round(0.15 * dpi), 12 * module)
        modules = barcode_modules(label.symbology, label.value)
        symbol_w, symbol_h = len(modules) * module, round(0.55 * dpi * scale)
    caption_font = font_pt("typewriter-bold", 11 * scale, dpi)
    caption_w = caption_font.getlength(label.caption)
    width = round(max(symbol_w, caption_w) + 2 * pad)
    caption_y = pad + symbol_h + round(caption_font.size * 1.2)
    height = caption_y + round(0.1 * dpi)
    image = Image.new("L", (width + 1, height + 1), 0)
    symbol_x = (width - symbol_w) // 2
    if label.symbology == "qrcode":
        draw_qr(image, label.value, symbol_x, pad, module)
    else:
        draw_linear_barcode(image, modules, symbol_x, pad, module, symbol_h)
    draw = ImageDraw.Draw(image)
    draw.text(((width - caption_w) / 2, caption_y), label.caption, fill=255, font=caption_font, anchor="ls")
    draw.rectangle([0, 0, width, height], outline=110, width=max(1, dpi // 150))
    return image


# --------------------------------------------------------------------------------------------
# Scanning: paper, skew, orientation, noise
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    level: float = 230.0  # mean brightness of the paper
    shading: float = 4.0  # amplitude of slow, uneven shading
    grain: float = 1.0  # per-pixel noise (sigma); more than ~2 costs Tesseract's urd dearly
    ink: float = 42.0  # brightness of full ink
    soften: float = 0.0  # blur of the ink (worn typewriter ribbon, out of focus)
    specks: int = 6  # dirt on the glass


CLEAN = Paper()
FLAT = Paper(level=236.0, shading=3.0, grain=0.0, specks=4)  # scanner "text" mode: no grain
# Raw Tesseract reads next to nothing here (its global Otsu threshold splits the noisy paper);
# after dividing by the page background (normalization), it reads ~95% of the characters.
NOISY_LOW_CONTRAST = Paper(level=176.0, shading=12.0, grain=6.0, ink=110.0, soften=0.8, specks=60)


def scan(
    mask: Image.Image,
    rng: np.random.Generator,
    paper: Paper = CLEAN,
    *,
    skew: float = 0.0,
    upside_down: bool = False,
    bleed: Image.Image | None = None,
) -> Image.Image:
    """Put the ink on paper as a scanner would deliver it: greyscale, skewed, noisy."""
    ink = mask.filter(ImageFilter.GaussianBlur(paper.soften)) if paper.soften else mask
    coverage = np.asarray(ink, dtype=np.float32) / 255.0
    height, width = coverage.shape
    if skew:  # counter-clockwise about the centre, as Image.rotate; OpenCV is ~10x faster at it
        turn = cv2.getRotationMatrix2D(((width - 1) / 2, (height - 1) / 2), skew, 1.0)
        coverage = cv2.warpAffine(coverage, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=0.0)
    if upside_down:
        coverage = coverage[::-1, ::-1]
    shade_grid = rng.normal(0.0, paper.shading, (8, 6)).astype(np.float32)
    shade = np.asarray(Image.fromarray(shade_grid).resize((width, height), Image.Resampling.BICUBIC))
    background = paper.level + shade
    if paper.grain:
        background = background + paper.grain * rng.standard_normal((height, width), dtype=np.float32)
    if bleed is not None:
        through = ImageOps.mirror(bleed).filter(ImageFilter.GaussianBlur(2.5))
        background = background - 14.0 * np.asarray(through, dtype=np.float32) / 255.0
    out = background - coverage * (background - paper.ink)
    for _ in range(paper.specks):
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        radius = int(rng.integers(1, 4))
        out[max(0, cy - radius) : cy + radius, max(0, cx - radius) : cx + radius] = float(rng.uniform(30, 110))
    return Image.fromarray(np.clip(out + 0.5, 0, 255).astype(np.uint8), mode="L")


# --------------------------------------------------------------------------------------------
# Page kinds
# --------------------------------------------------------------------------------------------


def cover_page(
    name: str,
    *,
    tehsil: str,
    title: str,
    record_type: str,
    year: int,
    labels: list[Label],
    old_labels: tuple[Label, ...] = (),
    dpi: int = 200,
    skew: float = 0.0,
    paper: Paper = CLEAN,
) -> Page:
    """A file cover: office heading, the file-number label(s), the file's title."""
    sheet = new_sheet(dpi)
    header = [
        heading("GOVERNMENT OF JAMMU AND KASHMIR"),
        heading(f"OFFICE OF THE TEHSILDAR {tehsil.upper()}"),
        heading("District Anantnag"),
        heading("RECORD ROOM"),
    ]
    lines, _ = typeset(sheet, header, language="eng", family="serif", points=14, dpi=dpi, top=0.8)
    y = round(2.9 * dpi)
    for label in labels:  # stuck on the upper right of the cover
        sticker = render_label(label, dpi)
        sheet.paste(sticker, (sheet.width - round(0.7 * dpi) - sticker.width, y))
        lines.append(label.caption)
        y += sticker.height + round(0.2 * dpi)
    body = [line(f"Title: {title}"), line(f"Record type: {record_type.replace('-', ' ').title()}"), line(f"Year: {year}")]
    body_lines, _ = typeset(
        sheet, [para(b.text) for b in body], language="eng", family="typewriter", points=13, dpi=dpi, top=max(5.2, y / dpi + 0.4)
    )
    lines += body_lines
    for label in old_labels:  # an earlier, unrelated label low on the left
        sheet.paste(render_label(label, dpi, scale=0.8), (round(0.9 * dpi), round(9.4 * dpi)))
        lines.append(label.caption)
    page = Page("cover", "eng", lines, dpi, mask=sheet, skew_degrees=skew)
    page.barcodes = [{"symbology": lab.symbology, "value": lab.value} for lab in [*labels, *old_labels]]
    page.image = scan(sheet, rng_for(name), paper, skew=skew)
    return page


def untagged_cover_page(name: str, *, tehsil: str, lines_of_title: list[str], dpi: int = 200, skew: float = 0.0) -> Page:
    """A cover whose barcode label was never stuck on: heading and title only, no file number."""
    sheet = new_sheet(dpi)
    blocks = [
        heading("GOVERNMENT OF JAMMU AND KASHMIR"),
        heading(f"OFFICE OF THE TEHSILDAR {tehsil.upper()}"),
        heading("RECORD ROOM"),
        GAP,
        GAP,
        GAP,
        *[heading(text) for text in lines_of_title],
    ]
    lines, _ = typeset(sheet, blocks, language="eng", family="serif", points=16, dpi=dpi, top=1.0)
    page = Page("cover", "eng", lines, dpi, mask=sheet, skew_degrees=skew)
    page.image = scan(sheet, rng_for(name), FLAT, skew=skew)
    return page


def typed_page(
    name: str,
    blocks: list[Block],
    *,
    language: str,
    family: str | None = None,
    points: float | None = None,
    dpi: int = 200,
    skew: float = 0.0,
    upside_down: bool = False,
    paper: Paper = CLEAN,
) -> Page:
    """A typed page of text in English, Urdu or Hindi."""
    family = family or {"eng": "typewriter", "urd": "naskh", "hin": "devanagari"}[language]
    points = points or {"eng": 11.5, "urd": 15, "hin": 13}[language]
    sheet = new_sheet(dpi)
    lines, _ = typeset(sheet, blocks, language=language, family=family, points=points, dpi=dpi, top=1.0)
    condition = "noisy-low-contrast" if paper is NOISY_LOW_CONTRAST else "clean"
    page = Page("text", language, lines, dpi, mask=sheet, skew_degrees=skew, orientation=180 if upside_down else 0, condition=condition)
    page.image = scan(sheet, rng_for(name), paper, skew=skew, upside_down=upside_down)
    return page


def separator_page(name: str, *, dpi: int = 200, skew: float = 0.0) -> Page:
    """The sheet put between record files in the feeder: a big DAFTAR-SEPARATOR Code128."""
    sheet = new_sheet(dpi)
    draw = ImageDraw.Draw(sheet)
    big = font_pt("sans-bold", 44, dpi)
    small = font_pt("typewriter", 12, dpi)
    draw.text((sheet.width / 2, 2.0 * dpi), "SEPARATOR SHEET", fill=255, font=big, anchor="ms")
    modules = barcode_modules("code128", SEPARATOR_VALUE)
    module = round(dpi / 50)
    bar_x = (sheet.width - len(modules) * module) // 2
    draw_linear_barcode(sheet, modules, bar_x, round(4.0 * dpi), module, round(1.4 * dpi))
    draw.text((sheet.width / 2, 5.9 * dpi), SEPARATOR_VALUE, fill=255, font=font_pt("typewriter-bold", 16, dpi), anchor="ms")
    note = "Place this sheet between record files. Do not file it."
    draw.text((sheet.width / 2, 7.2 * dpi), note, fill=255, font=small, anchor="ms")
    lines = ["SEPARATOR SHEET", SEPARATOR_VALUE, note]
    page = Page("separator", "eng", lines, dpi, mask=sheet, skew_degrees=skew)
    page.barcodes = [{"symbology": "code128", "value": SEPARATOR_VALUE}]
    page.image = scan(sheet, rng_for(name), skew=skew)
    return page


def blank_back_page(name: str, *, front: Page) -> Page:
    """The empty back of a sheet: a few specks and the front's text faintly showing through."""
    sheet = new_sheet(front.dpi)
    page = Page("blank", None, [], front.dpi, mask=sheet, condition="blank-with-bleed-through")
    page.image = scan(sheet, rng_for(name), Paper(specks=25), bleed=front.mask)
    return page


def born_digital_page(lines: list[str]) -> Page:
    return Page("text", "eng", lines, None, condition="born-digital")


# --------------------------------------------------------------------------------------------
# Writers: one stack as loose images, a folder, a TIFF, a scanner PDF, a born-digital PDF
# --------------------------------------------------------------------------------------------


def stack_pages(record_files: list[RecordFile]) -> list[Page]:
    """The pages of a stack in feeder order, separator sheets included."""
    pages: list[Page] = []
    for record in record_files:
        if record.separator_before is not None:
            pages.append(record.separator_before)
        pages.extend(record.pages)
    return pages


def save_image(image: Image.Image, path: Path, dpi: int) -> None:
    if path.suffix == ".jpg":
        image.save(path, "JPEG", quality=75, optimize=True, dpi=(dpi, dpi))
    elif path.suffix == ".png":
        image.save(path, "PNG", compress_level=9, dpi=(dpi, dpi))
    else:
        raise ValueError(path)


def write_loose_images(batch_dir: Path, prefix: str, pages: list[Page], suffix: str) -> list[tuple[str, int]]:
    sources = []
    for number, page in enumerate(pages, start=1):
        name = f"{prefix}{number:04d}{suffix}"
        save_image(page.image, batch_dir / name, page.dpi)
        sources.append((name, 1))
    return sources


def write_image_folder(batch_dir: Path, folder: str, pages: list[Page], suffix: str) -> list[tuple[str, int]]:
    (batch_dir / folder).mkdir(parents=True)
    sources = []
    for number, page in enumerate(pages, start=1):
        name = f"{folder}/{number:04d}{suffix}"
        save_image(page.image, batch_dir / name, page.dpi)
        sources.append((name, 1))
    return sources


def bilevel(image: Image.Image, threshold: int = 150) -> Image.Image:
    """What a scanner in black-and-white mode delivers."""
    return image.point(lambda value: 255 if value > threshold else 0).convert("1", dither=Image.Dither.NONE)


def write_tiff(batch_dir: Path, name: str, pages: list[Page], compression: str) -> list[tuple[str, int]]:
    """A multi-page TIFF: 'group4' pages are bilevel, 'tiff_lzw' pages greyscale."""
    frames = [bilevel(page.image) if compression == "group4" else page.image for page in pages]
    dpi = pages[0].dpi
    options = {"tiffinfo": {317: 2}} if compression == "tiff_lzw" else {}  # horizontal differencing predictor
    frames[0].save(batch_dir / name, "TIFF", save_all=True, append_images=frames[1:], compression=compression, dpi=(dpi, dpi), **options)
    return [(name, number) for number in range(1, len(pages) + 1)]


def write_scanner_pdf(batch_dir: Path, name: str, pages: list[Page]) -> list[tuple[str, int]]:
    """An image-only PDF as scanner software writes it: one JPEG per page, no text layer."""
    jpegs = []
    for page in pages:
        buffer = io.BytesIO()
        page.image.save(buffer, "JPEG", quality=75, optimize=True, dpi=(page.dpi, page.dpi))
        jpegs.append(buffer.getvalue())
    (batch_dir / name).write_bytes(img2pdf.convert(jpegs, nodate=True, creator="daftar sample scanner", producer="img2pdf", engine=img2pdf.Engine.internal))
    return [(name, number) for number in range(1, len(pages) + 1)]


def write_born_digital_pdf(batch_dir: Path, name: str, documents: list[list[Block]], title: str) -> list[Page]:
    """A PDF typed on a computer, with a real (embedded-font) text layer; returns its pages' truth."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    for face, family in (("NotoSerif", "serif"), ("NotoSerif-Bold", "serif-bold")):
        if face not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(face, str(FONT_FILES[family])))
    pdf = canvas.Canvas(str(batch_dir / name), pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setCreator("Land Records Cell, Tehsil Kokernag")
    width, height = A4
    left, right = 72, width - 72
    pages = []
    for blocks in documents:
        y = height - 90
        lines = []
        for block in blocks:
            if block.style == "gap":
                y -= 9
                continue
            face, size = ("NotoSerif-Bold", 13) if block.style == "heading" else ("NotoSerif", 11)
            texts = [block.text]
            if block.style == "para":
                texts = _wrap_pdf(block.text, face, size, right - left)
            for text in texts:
                text_width = pdfmetrics.stringWidth(text, face, size)
                x = (left + right - text_width) / 2 if block.style == "heading" else (right - text_width if block.style == "end" else left)
                pdf.setFont(face, size)
                pdf.drawString(x, y, text)
                lines.append(text)
                y -= size * 1.5
            if block.style == "para":
                y -= 4
        pdf.showPage()
        pages.append(born_digital_page(lines))
    pdf.save()
    return pages


def _wrap_pdf(text: str, face: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase import pdfmetrics

    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, face, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


def write_corrupt_pdf(path: Path) -> None:
    """A PDF header followed by garbage: what a scanner leaves when it dies mid-write."""
    rng = rng_for(path.name)
    garbage = bytes(rng.integers(0, 256, 6000, dtype=np.uint8))
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + garbage.replace(b"obj", b"ojb").replace(b"trailer", b"trialer"))


def write_manifest(batch_dir: Path, rows: list[dict]) -> None:
    with open(batch_dir / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["source", "file_number", "title", "record_type", "year", "operator"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------


class Truth:
    def __init__(self) -> None:
        self.record_files: list[dict] = []
        self.quarantined: list[dict] = []

    def add_stack(self, batch: tuple[str, str], stack: str, record_files: list[RecordFile], sources: list[tuple[str, int]]) -> None:
        tehsil, night = batch
        placed = iter(enumerate(sources, start=1))
        for record in record_files:
            separators = [self._page(record.separator_before, *next(placed))] if record.separator_before else []
            pages = [self._page(page, *next(placed)) for page in record.pages]
            self.record_files.append(
                {
                    "district": DISTRICT,
                    "tehsil": tehsil,
                    "batch": night,
                    "stack": stack,
                    "file_number": record.file_number,
                    "file_number_source": record.file_number_source,
                    "title": record.title,
                    "record_type": record.record_type,
                    "year": record.year,
                    "page_count": len(pages),
                    "pages": pages,
                    "separators": separators,
                }
            )

    def add_quarantined(self, path: str, reason_contains: str) -> None:
        self.quarantined.append({"path": path, "reason_contains": reason_contains})

    @staticmethod
    def _page(page: Page, stack_page: int, source: tuple[str, int]) -> dict:
        return {
            "source": source[0],
            "source_page": source[1],
            "stack_page": stack_page,
            "kind": page.kind,
            "language": page.language,
            "skew_degrees": page.skew_degrees,
            "orientation": page.orientation,
            "dpi": page.dpi,
            "condition": page.condition,
            "barcodes": page.barcodes,
            "text": "\n".join(page.lines),
        }

    def write(self, path: Path) -> None:
        document = {"_doc": TRUTH_DOC, "record_files": self.record_files, "quarantined": self.quarantined}
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The four batches
# --------------------------------------------------------------------------------------------


def code128(number: str) -> Label:
    return Label("code128", number, number)


def qr(number: str) -> Label:
    return Label("qrcode", number, number)


def batch_bijbehara_night1(batch_dir: Path, truth: Truth) -> None:
    """Loose JPEG pages: one stack of three record files split by separator sheets; a corrupt PDF."""
    key = ("bijbehara", "2026-11-20")
    name = "bijbehara/2026-11-20/"
    mutation = RecordFile(
        "REV/TSL-05/1987/0042", "barcode", "Mutation (Intiqal) No. 1187, Village Waghama", "mutation", 1987,
        [
            cover_page(name + "cover-0042", tehsil="bijbehara", title="Mutation (Intiqal) No. 1187, Village Waghama",
                       record_type="mutation", year=1987, labels=[code128("REV/TSL-05/1987/0042")], skew=1.2),
            typed_page(name + "order-1187", ENGLISH_MUTATION_ORDER, language="eng", skew=3.5),
            typed_page(name + "intiqal-1187-urdu", URDU_INTIQAL_WAGHAMA, language="urd", skew=-2.0),
        ],
    )
    court_order = typed_page(name + "court-partition", ENGLISH_PARTITION_ORDER, language="eng", skew=-6.5)
    partition = RecordFile(
        "REV/TSL-05/1991/0113", "barcode", "Partition case No. 17/1991, Village Arwani", "court-case", 1991,
        [
            cover_page(name + "cover-0113", tehsil="bijbehara", title="Partition case No. 17/1991, Village Arwani",
                       record_type="court-case", year=1991, labels=[qr("REV/TSL-05/1991/0113")],
                       old_labels=(code128("OLD-STORE-1123"),), skew=-1.5),
            court_order,
            blank_back_page(name + "court-partition-back", front=court_order),
        ],
        separator_before=separator_page(name + "separator-1"),
    )
    jamabandi = RecordFile(
        "REV/TSL-05/1979/0231", "barcode", "Copy of Jamabandi, Village Marhama 1979-80", "revenue-register", 1979,
        [
            cover_page(name + "cover-0231", tehsil="bijbehara", title="Copy of Jamabandi, Village Marhama 1979-80",
                       record_type="revenue-register", year=1979, labels=[qr("REV/TSL-05/1979/0231")], skew=0.8),
            typed_page(name + "jamabandi-urdu", URDU_JAMABANDI_MARHAMA, language="urd", upside_down=True),
        ],
        separator_before=separator_page(name + "separator-2", skew=-0.6),
    )
    records = [mutation, partition, jamabandi]
    truth.add_stack(key, "", records, write_loose_images(batch_dir, "scan_", stack_pages(records), ".jpg"))
    write_corrupt_pdf(batch_dir / "scan_20261120_0002.pdf")
    truth.add_quarantined("anantnag/bijbehara/2026-11-20/scan_20261120_0002.pdf", "corrupt")


def batch_bijbehara_night2(batch_dir: Path, truth: Truth) -> None:
    """A scanner PDF; a folder of PNG pages whose file number is only in the manifest."""
    key = ("bijbehara", "2026-11-21")
    name = "bijbehara/2026-11-21/"
    inheritance = RecordFile(
        "REV/TSL-05/1994/0310", "barcode", "Inheritance mutation No. 2210, Village Goriwan", "mutation", 1994,
        [
            cover_page(name + "cover-0310", tehsil="bijbehara", title="Inheritance mutation No. 2210, Village Goriwan",
                       record_type="mutation", year=1994, labels=[code128("REV/TSL-05/1994/0310")], skew=-0.9),
            typed_page(name + "mutation-sheet-2210", ENGLISH_MUTATION_SHEET_GORIWAN, language="eng", family="serif", points=11, skew=5.0),
            typed_page(name + "warasat-2210-urdu", URDU_WARASAT_GORIWAN, language="urd", skew=2.2),
        ],
    )
    pdf_name = "scan_20261121_0001.pdf"
    truth.add_stack(key, pdf_name, [inheritance], write_scanner_pdf(batch_dir, pdf_name, stack_pages([inheritance])))

    girdawari = RecordFile(
        "REV/TSL-05/1968/0019", "manifest", "Khasra Girdawari, Village Sirhama, Kharif 1968", "revenue-register", 1968,
        [
            untagged_cover_page(name + "cover-girdawari", tehsil="bijbehara",
                                lines_of_title=["KHASRA GIRDAWARI", "Village Sirhama", "Kharif 1968"]),
            typed_page(name + "girdawari-1968", ENGLISH_GIRDAWARI_SIRHAMA, language="eng", skew=-1.0, paper=FLAT),
        ],
    )
    truth.add_stack(key, "misl-0019", [girdawari], write_image_folder(batch_dir, "misl-0019", stack_pages([girdawari]), ".png"))

    write_manifest(batch_dir, [
        {"source": pdf_name, "file_number": "REV/TSL-05/1994/0310", "title": inheritance.title,
         "record_type": "mutation", "year": 1994, "operator": "Irfan Ahmad"},
        {"source": "misl-0019", "file_number": "REV/TSL-05/1968/19", "title": girdawari.title,
         "record_type": "revenue-register", "year": 1968, "operator": "Irfan Ahmad"},
    ])


def batch_kokernag_night1(batch_dir: Path, truth: Truth) -> None:
    """A Group 4 TIFF holding two record files and a separator; a born-digital PDF."""
    key = ("kokernag", "2026-11-20")
    name = "kokernag/2026-11-20/"
    larnoo = RecordFile(
        "REV/TSL-07/1985/0104", "barcode", "Mutation (Intiqal) No. 504, Village Larnoo", "mutation", 1985,
        [
            cover_page(name + "cover-0104", tehsil="kokernag", title="Mutation (Intiqal) No. 504, Village Larnoo",
                       record_type="mutation", year=1985, labels=[code128("REV/TSL-07/1985/0104")], dpi=300),
            typed_page(name + "intiqal-504-hindi", HINDI_INTIQAL_LARNOO, language="hin", dpi=300, skew=-3.0),
            typed_page(name + "patwari-report-504", ENGLISH_PATWARI_REPORT_LARNOO, language="eng", dpi=300, skew=7.5),
        ],
    )
    certificate = RecordFile(
        "REV/TSL-07/1999/0215", "barcode", "Permanent Resident Certificate, Village Vailoo", "certificate", 1999,
        [
            cover_page(name + "cover-0215", tehsil="kokernag", title="Permanent Resident Certificate, Village Vailoo",
                       record_type="certificate", year=1999, labels=[Label("code39", "REV/TSL-07/1999/0215", "REV/TSL-07/1999/0215")],
                       dpi=300, skew=2.0),
            typed_page(name + "certificate-hindi", HINDI_RESIDENT_CERTIFICATE, language="hin", dpi=300, skew=-4.0),
        ],
        separator_before=separator_page(name + "separator-1", dpi=300, skew=0.4),
    )
    records = [larnoo, certificate]
    truth.add_stack(key, "scan_0001.tif", records, write_tiff(batch_dir, "scan_0001.tif", stack_pages(records), "group4"))

    pdf_name = "jamabandi_extract_hangalgund.pdf"
    pages = write_born_digital_pdf(batch_dir, pdf_name, BORN_DIGITAL_JAMABANDI, "Computerised Jamabandi extract, Hangalgund")
    extract = RecordFile(
        "REV/TSL-07/2016/0088", "text", "Computerised Jamabandi extract, Village Hangalgund 2015-16", "revenue-register", 2016, pages
    )
    truth.add_stack(key, pdf_name, [extract], [(pdf_name, number) for number in range(1, len(pages) + 1)])


def batch_kokernag_night2(batch_dir: Path, truth: Truth) -> None:
    """An LZW TIFF court file; a JPEG folder numbered only in its text, with a noisy page; an empty file."""
    key = ("kokernag", "2026-11-21")
    name = "kokernag/2026-11-21/"
    court = RecordFile(
        "REV/TSL-07/2011/0342", "barcode", "Correction of entry, Khasra No. 88, Village Larnoo", "court-case", 2011,
        [
            cover_page(name + "cover-0342", tehsil="kokernag", title="Correction of entry, Khasra No. 88, Village Larnoo",
                       record_type="court-case", year=2011, labels=[qr("REV/TSL-07/2011/0342")], skew=-2.5, paper=FLAT),
            typed_page(name + "court-42-urdu", URDU_COURT_LARNOO, language="urd", skew=3.0, paper=FLAT),
            typed_page(name + "court-42-order", ENGLISH_COURT_ORDER_LARNOO, language="eng", skew=-1.2, paper=FLAT),
        ],
    )
    truth.add_stack(key, "scan_0002.tif", [court], write_tiff(batch_dir, "scan_0002.tif", stack_pages([court]), "tiff_lzw"))

    warasat = RecordFile(
        "REV/TSL-07/1991/0007", "text", "Inheritance mutation (Warasat), Village Dandipora", "mutation", 1991,
        [
            typed_page(name + "warasat-0007", ENGLISH_WARASAT_DANDIPORA, language="eng", skew=1.0),
            typed_page(name + "shajra-0007", ENGLISH_SHAJRA_DANDIPORA, language="eng", points=12.5, skew=-1.8, paper=NOISY_LOW_CONTRAST),
        ],
    )
    truth.add_stack(key, "misl-0007", [warasat], write_image_folder(batch_dir, "misl-0007", stack_pages([warasat]), ".jpg"))

    (batch_dir / "scan_0003.tif").write_bytes(b"")
    truth.add_quarantined("anantnag/kokernag/2026-11-21/scan_0003.tif", "empty")

    write_manifest(batch_dir, [
        {"source": "scan_0002.tif", "file_number": "REV/TSL-07/2011/0342", "title": court.title,
         "record_type": "court-case", "year": 2011, "operator": "Shazia Bano"},
        {"source": "misl-0007", "file_number": "", "title": warasat.title,
         "record_type": "mutation", "year": 1991, "operator": "Shazia Bano"},
    ])


SAMPLE_README = """\
# sample_scans

Generated by `scripts/make_sample_scans.py` (deterministic; rerun it rather than editing files here).
Ground truth for every page is in `truth.json` (its `_doc` field explains the fields).

Inbox layout: `inbox/<district>/<tehsil>/<batch>/`. District anantnag, tehsils bijbehara and kokernag,
batches 2026-11-20 and 2026-11-21; 28 scanned pages in 10 record files, plus two inputs to quarantine.

| batch | what is in it |
|---|---|
| bijbehara/2026-11-20 | loose JPEG pages `scan_0001.jpg`..`scan_0010.jpg` (200 dpi): one stack of three record files split by two `DAFTAR-SEPARATOR` sheets; Code128 and QR covers, a cover with two barcodes (QR file number + old Code128 `OLD-STORE-1123`), English and Urdu pages skewed up to 6.5 degrees, a blank back page with bleed-through, an Urdu page upside down; `scan_20261120_0002.pdf` is corrupt |
| bijbehara/2026-11-21 | `scan_20261121_0001.pdf`: image-only scanner PDF (3 JPEG pages); `misl-0019/`: PNG pages with no barcode, file number only in `manifest.csv` (written there un-padded, `.../19`) |
| kokernag/2026-11-20 | `scan_0001.tif`: Group 4 TIFF (300 dpi) with two record files and a separator, Hindi and English pages, a Code39 cover; `jamabandi_extract_hangalgund.pdf`: born-digital PDF with a text layer (not to be OCRed), file number only in its text |
| kokernag/2026-11-21 | `scan_0002.tif`: greyscale LZW TIFF court file (QR cover, Urdu, English); `misl-0007/`: JPEG pages whose file number is only in the typed text, one page noisy and low-contrast; `scan_0003.tif` is empty (0 bytes); `manifest.csv` |

Fonts: Noto Naskh Arabic (Urdu), Noto Serif Devanagari (Hindi), Noto Sans Mono / Noto Serif (English),
shaped by Pillow's libraqm layout. Names, places and cases are illustrative.
"""


BATCHES = {
    "bijbehara/2026-11-20": batch_bijbehara_night1,
    "bijbehara/2026-11-21": batch_bijbehara_night2,
    "kokernag/2026-11-20": batch_kokernag_night1,
    "kokernag/2026-11-21": batch_kokernag_night2,
}


def generate(out_dir: Path, batches: list[str] | None = None) -> Path:
    """Write the inbox and truth.json under out_dir (replacing a previous inbox there)."""
    if not features.check("raqm"):
        raise SystemExit("Pillow was built without libraqm: Urdu and Hindi would be shaped wrongly")
    inbox = out_dir / "inbox"
    if inbox.exists():
        shutil.rmtree(inbox)
    truth = Truth()
    for key, build in BATCHES.items():
        if batches and key not in batches:
            continue
        batch_dir = inbox / DISTRICT / key
        batch_dir.mkdir(parents=True)
        build(batch_dir, truth)
    truth.write(out_dir / "truth.json")
    (out_dir / "README.md").write_text(SAMPLE_README, encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "sample_scans")
    parser.add_argument("--batch", action="append", choices=sorted(BATCHES), help="only this batch (repeatable)")
    args = parser.parse_args(argv)
    generate(args.out_dir, args.batch)
    print(f"wrote {args.out_dir / 'inbox'} and {args.out_dir / 'truth.json'}")
    return 0


# --------------------------------------------------------------------------------------------
# The typed text of the pages (record-room documents; names and places are illustrative)
# --------------------------------------------------------------------------------------------

ENGLISH_MUTATION_ORDER = [
    heading("OFFICE OF THE TEHSILDAR BIJBEHARA"),
    heading("ORDER"),
    GAP,
    para("Mutation No. 1187 of village Waghama is attested in favour of Mohammad Yousuf son of Ghulam Rasool, "
         "resident of Waghama, on the basis of the sale deed dated 12-03-1987 executed by Ghulam Mohammad son of Abdul Ahad."),
    para("The land comprised in Khasra No. 245 measuring 4 kanals 10 marlas, entered in Khewat No. 31 of the "
         "Jamabandi for the year 1985-86, stands transferred to the vendee."),
    para("The Patwari Halqa Waghama has verified the possession on the spot and reported that no dispute exists. "
         "The Girdawar has attested the report."),
    para("The Patwari is directed to incorporate the mutation in the revenue record forthwith."),
    GAP,
    signature("Tehsildar Bijbehara"),
    line("Dated: 02-04-1987"),
]

ENGLISH_PARTITION_ORDER = [
    heading("IN THE COURT OF TEHSILDAR BIJBEHARA"),
    line("Case No. 17 of 1991: partition of joint holding"),
    line("Abdul Rashid Bhat and others, applicants"),
    line("versus Ghulam Nabi Bhat and others, respondents"),
    GAP,
    para("The applicants seek partition of the joint holding comprised in Khasra Nos. 77, 78 and 81 situated at "
         "village Arwani, measuring 12 kanals 6 marlas in total."),
    para("Notices were served upon the respondents, who appeared and did not object to the partition. The Naib "
         "Tehsildar was deputed to prepare the proposed mode of partition on the spot."),
    para("The mode of partition is approved. The Patwari shall record the separate shares in the Jamabandi and "
         "file a compliance report within fifteen days."),
    line("Announced in open court on 23-09-1991."),
    GAP,
    signature("Tehsildar Bijbehara"),
]

URDU_INTIQAL_WAGHAMA = [
    heading("دفتر تحصیلدار بجبہاڑہ"),
    heading("اندراج انتقال"),
    line("انتقال نمبر 1187 موضع واگہامہ تحصیل بجبہاڑہ ضلع اننت ناگ"),
    para("بروئے بیع نامہ مورخہ 12 مارچ 1987 غلام محمد ولد عبدالاحد ساکن واگہامہ نے اراضی خسرہ نمبر 245 "
         "رقبہ 4 کنال 10 مرلہ بحق محمد یوسف ولد غلام رسول فروخت کی۔"),
    para("پٹواری حلقہ نے موقع پر قبضہ کی تصدیق کی اور گرداور نے رپورٹ کی توثیق کی۔"),
    para("انتقال ہذا منظور کیا جاتا ہے اور جمع بندی میں درج کیا جائے۔"),
    GAP,
    signature("دستخط تحصیلدار بجبہاڑہ"),
]

URDU_JAMABANDI_MARHAMA = [
    heading("نقل جمع بندی"),
    heading("موضع مرہامہ تحصیل بجبہاڑہ سال 1979-80"),
    line("کھیوٹ نمبر 56 کھتونی نمبر 112"),
    para("نام مالک: عبدالغنی بٹ ولد محمد شعبان بٹ ساکن مرہامہ"),
    para("نام کاشتکار: خود کاشت"),
    para("خسرہ نمبر 310 اور 311 کل رقبہ 7 کنال 2 مرلہ، قسم زمین آبی اول، فصل شالی"),
    para("مالیہ سرکار 14 روپے 50 پیسے سالانہ"),
    para("نقل مطابق اصل ہے۔"),
    GAP,
    signature("پٹواری حلقہ مرہامہ"),
]

ENGLISH_MUTATION_SHEET_GORIWAN = [
    heading("MUTATION SHEET (INTIQAL)"),
    line("Village: Goriwan    Tehsil: Bijbehara    District: Anantnag"),
    line("Mutation No. 2210    Date of report: 18-07-1994"),
    line("Nature of transfer: Inheritance (Warasat)"),
    GAP,
    para("On the death of Mohammad Sultan Dar son of Habibullah Dar, his estate comprised in Khasra Nos. 412 and "
         "415 measuring 9 kanals devolves upon his legal heirs: Abdul Majid Dar (son), Mohammad Akbar Dar (son) "
         "and Sara Begum (daughter), in shares according to law."),
    para("The heirs were identified by the Lambardar and the Chowkidar in a public assembly (jalsa aam) held at "
         "the village, and no objection was raised."),
    para("Attested by the Naib Tehsildar after hearing the heirs."),
    GAP,
    signature("Naib Tehsildar Bijbehara"),
]

URDU_WARASAT_GORIWAN = [
    heading("انتقال وراثت"),
    line("انتقال نمبر 2210 موضع گوری وان تحصیل بجبہاڑہ"),
    para("بوجہ وفات محمد سلطان ڈار ولد حبیب اللہ ڈار اراضی خسرہ نمبر 412 اور 415 رقبہ 9 کنال بحق ورثاء "
         "عبدالمجید ڈار، محمد اکبر ڈار اور سارہ بیگم منتقل کی جاتی ہے۔"),
    para("ورثاء کی شناخت نمبردار اور چوکیدار نے جلسہ عام میں کی اور کسی نے اعتراض نہیں کیا۔"),
    para("انتقال ہذا بحق ورثاء حسب شرع تصدیق کیا جاتا ہے۔"),
    line("مورخہ 25 جولائی 1994"),
    GAP,
    signature("نائب تحصیلدار بجبہاڑہ"),
]

ENGLISH_GIRDAWARI_SIRHAMA = [
    heading("KHASRA GIRDAWARI, VILLAGE SIRHAMA, KHARIF 1968"),
    GAP,
    para("Inspection of crops recorded by the Patwari in the month of September 1968."),
    line("Khasra No. 101: Ghulam Qadir Wani, 3 kanals 4 marlas, paddy, good."),
    line("Khasra No. 102: Ghulam Qadir Wani, 1 kanal 12 marlas, maize, average."),
    line("Khasra No. 117: Mohammad Ramzan Ganie, 5 kanals, paddy, good."),
    line("Khasra No. 118: Mohammad Ramzan Ganie, 2 kanals 8 marlas, fallow."),
    line("Khasra No. 131: State land (Khalsa Sarkar), 6 kanals, grass."),
    GAP,
    para("The Girdawar checked twenty per cent of the entries on the spot and found them correct."),
    GAP,
    signature("Girdawar Circle Bijbehara"),
]

HINDI_INTIQAL_LARNOO = [
    heading("कार्यालय तहसीलदार कोकरनाग"),
    heading("इंतकाल पत्र"),
    line("इंतकाल संख्या 504 ग्राम लारनू तहसील कोकरनाग जिला अनंतनाग"),
    para("विक्रय पत्र दिनांक 5 मई 1985 के अनुसार अब्दुल रशीद पुत्र गुलाम मोहम्मद निवासी लारनू ने खसरा संख्या "
         "128 रकबा 3 कनाल 5 मरला भूमि श्री मोहम्मद अशरफ पुत्र अब्दुल अजीज को बेची।"),
    para("पटवारी हलका ने मौके पर कब्जे की जाँच की और गिरदावरी में इंद्राज सही पाया।"),
    para("इंतकाल स्वीकृत किया जाता है और जमाबंदी में दर्ज किया जाए।"),
    line("दिनांक 20 जून 1985"),
    GAP,
    signature("हस्ताक्षर तहसीलदार कोकरनाग"),
]

ENGLISH_PATWARI_REPORT_LARNOO = [
    heading("REPORT OF PATWARI HALQA LARNOO"),
    line("Subject: Mutation No. 504, village Larnoo."),
    GAP,
    para("Sir, in compliance with your orders I visited the spot on 14-06-1985 in the presence of the Lambardar "
         "and two respectable persons of the village."),
    para("Mohammad Ashraf son of Abdul Aziz is found in possession of the land comprised in Khasra No. 128 "
         "measuring 3 kanals 5 marlas. The field is under maize and has a walnut tree on its northern edge."),
    para("The seller Abdul Rashid admitted the sale and the receipt of the price before the witnesses. "
         "No other claimant came forward."),
    line("Submitted for orders."),
    GAP,
    signature("Patwari Halqa Larnoo"),
]

HINDI_RESIDENT_CERTIFICATE = [
    heading("स्थायी निवासी प्रमाण पत्र"),
    GAP,
    para("प्रमाणित किया जाता है कि श्री फारूक अहमद शेख पुत्र श्री गुलाम कादिर शेख निवासी ग्राम वैलू तहसील "
         "कोकरनाग जिला अनंतनाग जम्मू और कश्मीर राज्य के स्थायी निवासी हैं।"),
    para("यह प्रमाण पत्र राजस्व अभिलेख, पटवारी की रिपोर्ट और नंबरदार के बयान के आधार पर जारी किया गया है।"),
    para("यह प्रमाण पत्र केवल शिक्षा और सरकारी नौकरी के प्रयोजन के लिए मान्य है।"),
    line("दिनांक 8 मार्च 1999"),
    GAP,
    signature("तहसीलदार कोकरनाग"),
]

BORN_DIGITAL_JAMABANDI = [
    [
        heading("GOVERNMENT OF JAMMU AND KASHMIR"),
        heading("REVENUE DEPARTMENT, TEHSIL KOKERNAG"),
        heading("COMPUTERISED JAMABANDI EXTRACT"),
        GAP,
        line("File No. REV/TSL-07/2016/0088"),
        line("Village: Hangalgund    Patwar Halqa: Hangalgund    Year: 2015-16"),
        line("Khewat No. 14, Khatoni No. 27"),
        para("Owner: Abdul Hamid Rather son of Ghulam Mohiuddin Rather, resident of Hangalgund"),
        line("Khasra No. 233, area 5 kanals 7 marlas, irrigated (abi awal), crop paddy"),
        line("Khasra No. 240, area 2 kanals 1 marla, orchard, apple"),
        line("Khasra No. 251, area 16 marlas, residential house and courtyard"),
        line("Total area: 8 kanals 4 marlas"),
    ],
    [
        heading("REMARKS"),
        GAP,
        para("Mutation No. 877 of inheritance attested on 11-08-2014 is incorporated in this Jamabandi."),
        para("This extract is generated from the computerised land records and is valid without signature for "
             "information purposes only."),
        para("Certified copies may be obtained from the office of the Tehsildar Kokernag on payment of the prescribed fee."),
        line("Issued on 30-03-2016 by the Land Records Cell, Tehsil Kokernag."),
    ],
]

URDU_COURT_LARNOO = [
    heading("عدالت تحصیلدار کوکرناگ"),
    line("مقدمہ نمبر 42 سال 2011 بابت درستی اندراج"),
    para("سائل: بشیر احمد وانی ولد عبدالرحمن وانی ساکن لارنو"),
    para("بنام: سرکار بذریعہ پٹواری حلقہ لارنو"),
    para("سائل نے بیان کیا کہ خسرہ نمبر 88 کی جمع بندی میں اس کا نام غلط درج ہوا ہے اور اس کی درستی کی جائے۔"),
    para("ریکارڈ ملاحظہ کیا گیا، پٹواری کی رپورٹ طلب کی گئی اور گواہان کے بیانات قلمبند کیے گئے۔"),
    para("حکم ہوا کہ اندراج درست کیا جائے اور نقل حکم سائل کو دی جائے۔"),
    line("مورخہ 14 جون 2011"),
    GAP,
    signature("تحصیلدار کوکرناگ"),
]

ENGLISH_COURT_ORDER_LARNOO = [
    heading("IN THE COURT OF TEHSILDAR KOKERNAG"),
    line("Case No. 42 of 2011: Bashir Ahmad Wani versus State"),
    heading("ORDER"),
    para("The applicant prays that his name, wrongly entered as Bashir Ahmad Bhat in the Jamabandi of village "
         "Larnoo for Khasra No. 88, be corrected."),
    para("The Patwari has reported that the entry was made wrongly at the time of the last settlement, and the "
         "witnesses have confirmed the identity of the applicant."),
    para("The entry is ordered to be corrected to Bashir Ahmad Wani son of Abdul Rehman Wani. The file be "
         "consigned to the record room after compliance."),
    GAP,
    signature("Tehsildar Kokernag, 14-06-2011"),
]

ENGLISH_WARASAT_DANDIPORA = [
    heading("OFFICE OF THE TEHSILDAR KOKERNAG"),
    GAP,
    line("File No. REV/TSL-07/1991/0007"),
    line("Subject: Mutation of inheritance (Warasat), village Dandipora."),
    GAP,
    para("Consequent upon the death of Ghulam Hassan Khan son of Ali Mohammad Khan, resident of Dandipora, on "
         "03-01-1991, his land comprised in Khasra Nos. 56, 57 and 60 measuring 11 kanals 2 marlas is to devolve "
         "upon his legal heirs."),
    para("The Patwari Halqa Dandipora is directed to prepare the pedigree table (shajra nasab) of the deceased "
         "and to submit it along with the statements of the heirs."),
    GAP,
    signature("Naib Tehsildar Kokernag"),
    line("Dated 19-02-1991"),
]

ENGLISH_SHAJRA_DANDIPORA = [
    heading("PEDIGREE TABLE (SHAJRA NASAB)"),
    heading("OF GHULAM HASSAN KHAN"),
    GAP,
    line("Heirs of the deceased as reported by the Patwari:"),
    line("1. Mushtaq Ahmad Khan, son, resident of Dandipora"),
    line("2. Nazir Ahmad Khan, son, resident of Dandipora"),
    line("3. Hajra Begum, widow"),
    line("4. Shamima Akhter, daughter, married at Achabal"),
    GAP,
    para("The statements of the heirs were recorded in the presence of the Lambardar. No objection was received "
         "within the period of the public notice."),
    GAP,
    signature("Patwari Halqa Dandipora"),
]


if __name__ == "__main__":
    sys.exit(main())
