"""Generated record-room pages with known skew, orientation and text, and the deskew benchmark.

The generator draws real text (English; Urdu in Naskh or Nastaliq; Hindi in Devanagari) on an
A4 page at a chosen resolution, then damages it the way scanners do: a known skew, a quarter
turn, black borders, punch holes, specks, bleed-through, low contrast. Tests and
`bench/quality.py` use it because only generated pages have an exact angle and exact text.

    .venv/bin/python bench/deskew.py            # deskew error table on ~100 generated pages
    .venv/bin/python bench/deskew.py --blank    # blank-page precision and recall by threshold, resolution, bit depth
    .venv/bin/python bench/deskew.py --small-skew   # the smallest skew worth turning back
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "eng": [FONT_DIR / "dejavu/DejaVuSerif.ttf", FONT_DIR / "dejavu/DejaVuSans.ttf", FONT_DIR / "noto/NotoSerif-Regular.ttf"],
    "urd": [FONT_DIR / "noto/NotoNaskhArabic-Regular.ttf"],
    "urd-nastaliq": [FONT_DIR / "noto/NotoNastaliqUrdu-Regular.ttf"],
    "hin": [FONT_DIR / "noto/NotoSerifDevanagari-Regular.ttf", FONT_DIR / "lohit-devanagari/Lohit-Devanagari.ttf", FONT_DIR / "noto/NotoSansDevanagari-Regular.ttf"],
}
RIGHT_TO_LEFT = {"urd", "urd-nastaliq"}

# Sentences of the kind a tehsil's revenue and correspondence files hold.
SENTENCES = {
    "eng": [
        "The mutation of land in khasra number 412 of village Brakpora is hereby attested.",
        "Copy of the jamabandi for the year 1987 is enclosed for your kind perusal.",
        "The tehsildar has directed the patwari to submit the report within seven days.",
        "Notice is given to all concerned that objections may be filed before the office.",
        "The applicant has paid the prescribed fee vide receipt number 3381 dated 14 March 1991.",
        "Possession of the land was handed over in the presence of the lambardar and witnesses.",
        "The case is adjourned to the next date of hearing for want of the revenue record.",
        "Certified that the entries in the register are correct to the best of my knowledge.",
        "The girdawari of kharif crops shows paddy sown over an area of 8 kanals and 5 marlas.",
        "Forwarded to the Deputy Commissioner for information and necessary action please.",
        "The inheritance of the deceased owner shall devolve on his legal heirs in equal shares.",
        "A demarcation of the boundary between the two holdings was carried out on the spot.",
    ],
    "urd": [
        "تحصیلدار صاحب کے حکم سے انتقال اراضی کی تصدیق کر دی گئی ہے۔",
        "موضع کی جمع بندی کی نقل آپ کے ملاحظہ کے لیے منسلک ہے۔",
        "پٹواری کو ہدایت کی جاتی ہے کہ سات دن کے اندر رپورٹ پیش کرے۔",
        "تمام متعلقہ افراد کو اطلاع دی جاتی ہے کہ اعتراضات دفتر میں داخل کریں۔",
        "درخواست دہندہ نے مقررہ فیس خزانہ میں جمع کرا دی ہے۔",
        "نمبردار اور گواہوں کی موجودگی میں زمین کا قبضہ حوالے کیا گیا۔",
        "محکمہ مال کا ریکارڈ نہ ہونے کی وجہ سے مقدمہ اگلی تاریخ تک ملتوی کیا گیا۔",
        "تصدیق کی جاتی ہے کہ رجسٹر میں درج اندراجات درست ہیں۔",
        "خریف کی گرداوری کے مطابق دھان کی کاشت آٹھ کنال رقبہ پر کی گئی۔",
        "ضروری کارروائی کے لیے ڈپٹی کمشنر صاحب کی خدمت میں ارسال ہے۔",
        "متوفی مالک کی وراثت اس کے قانونی وارثان میں برابر تقسیم ہوگی۔",
        "دونوں کھیتوں کے درمیان حد بندی موقع پر کی گئی۔",
    ],
    "hin": [
        "तहसीलदार के आदेश से भूमि के इंतकाल का सत्यापन कर दिया गया है।",
        "गांव की जमाबंदी की प्रति आपके अवलोकन के लिए संलग्न है।",
        "पटवारी को निर्देश दिया जाता है कि सात दिन के भीतर रिपोर्ट प्रस्तुत करे।",
        "सभी संबंधित व्यक्तियों को सूचित किया जाता है कि आपत्तियां कार्यालय में दर्ज करें।",
        "आवेदक ने निर्धारित शुल्क कोषागार में जमा करा दिया है।",
        "नंबरदार और गवाहों की उपस्थिति में भूमि का कब्जा सौंपा गया।",
        "राजस्व रिकॉर्ड उपलब्ध न होने के कारण मामला अगली तारीख तक स्थगित किया गया।",
        "प्रमाणित किया जाता है कि रजिस्टर में दर्ज प्रविष्टियां सही हैं।",
        "खरीफ की गिरदावरी के अनुसार धान की खेती आठ कनाल क्षेत्र में की गई।",
        "आवश्यक कार्रवाई हेतु उपायुक्त महोदय की सेवा में प्रेषित है।",
        "मृत मालिक की विरासत उसके कानूनी वारिसों में बराबर बांटी जाएगी।",
        "दोनों खेतों के बीच सीमांकन मौके पर किया गया।",
    ],
}
SENTENCES["urd-nastaliq"] = SENTENCES["urd"]

A4_INCHES = (8.27, 11.69)
PAPER = 238  # slightly yellowed paper, as grey
INK = 25


@dataclass
class GeneratedPage:
    """A page image with everything known about how it was made."""

    image: np.ndarray  # greyscale uint8
    text: str  # ground truth, lines in reading (logical) order
    language: str  # eng, urd, urd-nastaliq, hin
    dpi: int
    skew_degrees: float = 0.0  # the page was turned this much counter-clockwise
    orientation: int = 0  # then this quarter turn counter-clockwise
    kind: str = "text"
    notes: list[str] = field(default_factory=list)


def font(language: str, size_px: int, variant: int = 0) -> ImageFont.FreeTypeFont:
    paths = [path for path in FONTS[language] if path.exists()]
    return ImageFont.truetype(str(paths[variant % len(paths)]), size_px, layout_engine=ImageFont.Layout.RAQM)


def wrap_words(words: list[str], typeface: ImageFont.FreeTypeFont, width_px: float, direction: str) -> list[str]:
    """Greedy line filling with the real shaped width of each candidate line."""
    lines: list[str] = []
    current: list[str] = []
    for word in words:
        candidate = " ".join(current + [word])
        if current and typeface.getlength(candidate, direction=direction) > width_px:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def blank_canvas(dpi: int, paper: int = PAPER) -> Image.Image:
    return Image.new("L", (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi)), paper)


def draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], language: str, typeface: ImageFont.FreeTypeFont, left: int, right: int, top: int, line_height: int, ink: int) -> int:
    """Draw lines top-down, right-aligned for right-to-left scripts; return the next free y."""
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    y = top
    for line in lines:
        if direction == "rtl":
            width = typeface.getlength(line, direction="rtl")
            draw.text((right - width, y), line, fill=ink, font=typeface, direction="rtl")
        else:
            draw.text((left, y), line, fill=ink, font=typeface)
        y += line_height
    return y


def text_page(language: str, dpi: int = 300, seed: int = 0, lines: int | None = None, size_pt: float = 12.0, ink: int = INK, paper: int = PAPER) -> GeneratedPage:
    """A full (or, with `lines`, sparse) page of running text in one language."""
    rng = random.Random(seed)
    canvas = blank_canvas(dpi, paper)
    draw = ImageDraw.Draw(canvas)
    size_px = round(size_pt / 72 * dpi)
    nastaliq = language == "urd-nastaliq"
    typeface = font(language, size_px, variant=seed)
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    margin = dpi  # one inch
    width = canvas.width - 2 * margin
    line_height = round(size_px * (2.3 if nastaliq else 1.7 if language != "eng" else 1.45))
    max_lines = (canvas.height - 2 * margin) // line_height
    wanted = min(lines or max_lines, max_lines)
    text_lines: list[str] = []
    while len(text_lines) < wanted:
        paragraph = " ".join(rng.choice(SENTENCES[language]) for _ in range(rng.randint(2, 4)))
        text_lines += wrap_words(paragraph.split(), typeface, width, direction)
    text_lines = text_lines[:wanted]
    draw_lines(draw, text_lines, language, typeface, margin, canvas.width - margin, margin, line_height, ink)
    return GeneratedPage(np.asarray(canvas), "\n".join(text_lines), language, dpi, kind="sparse" if lines else "text")


def table_page(dpi: int = 300, seed: int = 0) -> GeneratedPage:
    """A ruled register (jamabandi-like): grid lines and short cell entries."""
    rng = random.Random(seed)
    canvas = blank_canvas(dpi)
    draw = ImageDraw.Draw(canvas)
    size_px = round(10 / 72 * dpi)
    typeface = font("eng", size_px)
    margin = dpi
    columns = [0, 0.12, 0.42, 0.62, 0.8, 1.0]
    width = canvas.width - 2 * margin
    row_height = round(size_px * 2.2)
    rows = 24
    lines_out = []
    for row in range(rows + 1):
        y = margin + row * row_height
        draw.line([(margin, y), (margin + width, y)], fill=INK, width=max(1, dpi // 150))
    for fraction in columns:
        x = margin + round(fraction * width)
        draw.line([(x, margin), (x, margin + rows * row_height)], fill=INK, width=max(1, dpi // 150))
    for row in range(rows):
        cells = [str(row + 1), rng.choice(["Ghulam Nabi", "Abdul Rashid", "Ram Lal", "Mohd Yousuf", "Sham Singh"]), f"Khasra {rng.randint(10, 999)}", f"{rng.randint(1, 20)} K {rng.randint(0, 19)} M", rng.choice(["Maqbuza", "Shamilat", "Banjar"])]
        for cell, fraction in zip(cells, columns):
            x = margin + round(fraction * width) + size_px // 2
            draw.text((x, margin + row * row_height + size_px // 2), cell, fill=INK, font=typeface)
        lines_out.append(" ".join(cells))
    return GeneratedPage(np.asarray(canvas), "\n".join(lines_out), "eng", dpi, kind="table")


def add_photo(page: GeneratedPage, seed: int = 0) -> GeneratedPage:
    """Paste a dark, textured 'photograph' (a pasted ID photo or a map) into the text."""
    rng = np.random.default_rng(seed)
    image = page.image.copy()
    dpi = page.dpi
    h, w = int(1.8 * dpi), int(1.5 * dpi)
    y, x = int(2.5 * dpi), image.shape[1] - dpi - w
    gradient = np.linspace(40, 180, w)[None, :] + np.linspace(0, 50, h)[:, None]
    photo = np.clip(gradient + rng.normal(0, 30, (h, w)), 0, 255).astype(np.uint8)
    image[y : y + h, x : x + w] = photo
    return GeneratedPage(image, page.text, page.language, dpi, kind="photo", notes=["photo covers some text"])


def add_stamp(page: GeneratedPage, seed: int = 0) -> GeneratedPage:
    """An office stamp: a ring with text, itself pressed at a slant, as stamps are."""
    rng = random.Random(seed)
    dpi = page.dpi
    size = int(1.6 * dpi)
    stamp = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(stamp)
    draw.ellipse([4, 4, size - 4, size - 4], outline=255, width=max(2, dpi // 60))
    draw.ellipse([size // 5, size // 5, size - size // 5, size - size // 5], outline=255, width=max(1, dpi // 100))
    typeface = font("eng", round(9 / 72 * dpi))
    draw.text((size // 2, size // 2), "TEHSILDAR", fill=255, font=typeface, anchor="mm")
    stamp = stamp.rotate(rng.uniform(-40, 40), resample=Image.BILINEAR)
    mask = np.asarray(stamp) > 128
    image = page.image.copy()
    y, x = image.shape[0] - int(3.2 * dpi), image.shape[1] - int(3.0 * dpi)
    region = image[y : y + size, x : x + size]
    region[mask] = np.minimum(region[mask], 70)
    return GeneratedPage(image, page.text, page.language, dpi, kind="stamp")


def skew_page(page: GeneratedPage, degrees: float, paper: int | None = None) -> GeneratedPage:
    """Turn the page counter-clockwise by `degrees` inside the same scan frame, as a page laid
    askew on the glass: the frame's uncovered corners show the scanner lid (paper-coloured)."""
    image = page.image
    h, w = image.shape
    fill = PAPER if paper is None else paper
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)  # positive = counter-clockwise
    turned = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)
    return GeneratedPage(turned, page.text, page.language, page.dpi, page.skew_degrees + degrees, page.orientation, page.kind, page.notes)


def turn_page(page: GeneratedPage, orientation: int) -> GeneratedPage:
    """Turn the page counter-clockwise by 90, 180 or 270 degrees (a page fed sideways)."""
    turned = np.ascontiguousarray(np.rot90(page.image, k=orientation // 90))
    return GeneratedPage(turned, page.text, page.language, page.dpi, page.skew_degrees, (page.orientation + orientation) % 360, page.kind, page.notes)


def add_black_border(page: GeneratedPage, seed: int = 0) -> GeneratedPage:
    """Black scanner margins: the page is smaller than the glass and the lid was open."""
    rng = random.Random(seed)
    image = page.image.copy()
    h, w = image.shape
    dpi = page.dpi
    top, bottom = rng.randint(0, dpi // 4), rng.randint(dpi // 10, dpi // 3)
    left, right = rng.randint(dpi // 10, dpi // 3), rng.randint(0, dpi // 5)
    frame = np.full((h + top + bottom, w + left + right), 12, np.uint8)
    frame[top : top + h, left : left + w] = image
    return GeneratedPage(frame, page.text, page.language, page.dpi, page.skew_degrees, page.orientation, page.kind, page.notes + ["black border"])


def add_punch_holes(page: GeneratedPage) -> GeneratedPage:
    """Two filing punch holes near the left edge, scanned as dark discs."""
    image = page.image.copy()
    h, w = image.shape
    dpi = page.dpi
    radius = round(3 / 25.4 * dpi)  # 6 mm holes
    x = round(12 / 25.4 * dpi)
    for y in (h // 2 - round(40 / 25.4 * dpi), h // 2 + round(40 / 25.4 * dpi)):
        cv2.circle(image, (x, y), radius, 30, -1)
    return GeneratedPage(image, page.text, page.language, page.dpi, page.skew_degrees, page.orientation, page.kind, page.notes + ["punch holes"])


def add_noise(page: GeneratedPage, seed: int = 0, specks: int = 400, sigma: float = 12.0) -> GeneratedPage:
    """Scanner noise: grain over the whole page and dark specks of dust (1-3 px)."""
    rng = np.random.default_rng(seed)
    image = page.image.astype(np.float32) + rng.normal(0, sigma, page.image.shape)
    h, w = page.image.shape
    for _ in range(specks):
        y, x = int(rng.integers(0, h - 3)), int(rng.integers(0, w - 3))
        size = int(rng.integers(1, 3))
        image[y : y + size, x : x + size] = rng.integers(20, 90)
    return GeneratedPage(np.clip(image, 0, 255).astype(np.uint8), page.text, page.language, page.dpi, page.skew_degrees, page.orientation, page.kind, page.notes + ["noise"])


def add_bleed_through(page: GeneratedPage, back: GeneratedPage, strength: float = 0.22) -> GeneratedPage:
    """The mirrored text of the back of the sheet showing through thin paper as faint grey."""
    mirrored = np.ascontiguousarray(back.image[:, ::-1])
    if mirrored.shape != page.image.shape:
        mirrored = cv2.resize(mirrored, (page.image.shape[1], page.image.shape[0]))
    darkening = (255 - mirrored.astype(np.float32)) * strength
    darkening = cv2.GaussianBlur(darkening, (0, 0), max(1.0, page.dpi / 200))
    image = np.clip(page.image.astype(np.float32) - darkening, 0, 255).astype(np.uint8)
    return GeneratedPage(image, page.text, page.language, page.dpi, page.skew_degrees, page.orientation, page.kind, page.notes + ["bleed-through"])


def low_contrast(page: GeneratedPage, ink: int = 135, paper: int = 205) -> GeneratedPage:
    """Faded ribbon or carbon copy on yellowed paper: ink and paper close in grey."""
    scaled = paper - (PAPER - page.image.astype(np.float32)) * (paper - ink) / (PAPER - INK)
    return GeneratedPage(np.clip(scaled, 0, 255).astype(np.uint8), page.text, page.language, page.dpi, page.skew_degrees, page.orientation, page.kind, page.notes + ["low contrast"])


def blank_back_page(dpi: int = 300, seed: int = 0, bleed: bool = True, specks: int = 300) -> GeneratedPage:
    """The back of a sheet: nothing written, but dust specks and the front showing through."""
    page = GeneratedPage(np.asarray(blank_canvas(dpi)), "", "none", dpi, kind="blank")
    if bleed:
        page = add_bleed_through(page, text_page(["eng", "urd", "hin"][seed % 3], dpi, seed=seed), strength=0.18)
    return add_noise(page, seed=seed, specks=specks, sigma=6.0)


# --- the deskew benchmark -------------------------------------------------------------------


def deskew_cases(count: int, dpi: int = 300, seed: int = 1) -> list[GeneratedPage]:
    """A mix of text pages in three scripts, tables, sparse pages, photos and stamps, each
    turned by a random angle within +-15 degrees (a few exactly upright)."""
    rng = random.Random(seed)
    makers = [
        lambda s: text_page("eng", dpi, s),
        lambda s: text_page("urd", dpi, s),
        lambda s: text_page("hin", dpi, s),
        lambda s: text_page("urd-nastaliq", dpi, s),
        lambda s: table_page(dpi, s),
        lambda s: text_page(["eng", "urd", "hin"][s % 3], dpi, s, lines=4),
        lambda s: add_photo(text_page("eng", dpi, s), s),
        lambda s: add_stamp(text_page(["eng", "urd", "hin"][s % 3], dpi, s), s),
    ]
    pages = []
    for index in range(count):
        page = makers[index % len(makers)](index)
        angle = 0.0 if index % 10 == 9 else round(rng.uniform(-15, 15), 2)
        pages.append(skew_page(page, angle))
    return pages


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from domain.config import CleaningSettings
    from pipeline.preprocess import clean_page

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=96)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--blank", action="store_true", help="only the blank-page tables (bench/blank.py)")
    parser.add_argument("--small-skew", action="store_true", help="only the smallest skew worth turning back (bench/skew_threshold.py)")
    args = parser.parse_args(argv)
    if args.blank or args.small_skew:
        from bench import blank, skew_threshold

        if args.blank:
            blank.print_blank_tables([0.002, 0.001, 0.0003, 0.0001])
        else:
            skew_threshold.print_small_skew_table()
        return 0
    settings = CleaningSettings()
    cv2.setNumThreads(1)  # the pipeline runs one page per core: time one core's work
    errors: dict[str, list[float]] = {}
    times = []
    worse = osd_pages = 0
    for page in deskew_cases(args.pages, args.dpi):
        before = os.times()  # CPU time, ours and Tesseract OSD's: other work on the machine does not count
        cleaned = clean_page(page.image, page.dpi, settings)
        after = os.times()
        osd_time = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        times.append(after.user - before.user + after.system - before.system + osd_time)
        osd_pages += osd_time > 0
        # The page was turned by +skew; cleaning should find the same angle and turn it back.
        error = abs(cleaned.skew_degrees - page.skew_degrees)
        errors.setdefault(page.kind + ("" if page.language in ("eng", "none") or page.kind != "text" else f"-{page.language}"), []).append(error)
        worse += error > abs(page.skew_degrees) + 0.05
    everything = [e for values in errors.values() for e in values]
    print(f"{'kind':18} {'pages':>5} {'median':>8} {'p95':>8} {'max':>8}")
    for kind, values in sorted(errors.items()) + [("all", everything)]:
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        print(f"{kind:18} {len(values):5d} {statistics.median(values):8.3f} {p95:8.3f} {values[-1]:8.3f}")
    print(f"pages made worse: {worse}; clean_page CPU time median {1000 * statistics.median(times):.0f} ms, mean {1000 * statistics.mean(times):.0f} ms, max {1000 * max(times):.0f} ms (one thread, OSD included); Tesseract OSD asked on {osd_pages} of {len(times)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
