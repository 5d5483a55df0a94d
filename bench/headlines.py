"""Headlines and columns (issue 12): daftar's page segmentation choice against plain Tesseract.

On a newspaper page daftar's text once held 7 of 22 headlines where plain Tesseract's held 14. This
bench reads pages with columns and headlines both ways, with the same models:
  plain   Tesseract --psm 3 on the page as it came
  daftar  the page cleaned as the night cleans it, read with the page segmentation the night
          chooses for it (`pipeline.script.page_segmentation`)
and counts the headlines found (all their words, in order, in the page's text) and the body's
character error (headline lines left out of both texts), in reading order and with the lines
sorted (the order Tesseract takes blocks in does not count, a line read across columns does).

Pages: generated newspaper pages (`newspaper_page`: 2-4 columns of body text, bold headlines of
several sizes spanning one or more columns, rules, one with a ruled table; English, Hindi, Urdu),
and the corpus's pages with columns or headlines, their headlines read off the images by eye
(tests/headlines.json).

    .venv/bin/python bench/headlines.py [--quick] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.deskew import FONT_DIR, INK, PAPER, RIGHT_TO_LEFT, SENTENCES, blank_canvas, font, wrap_words  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
JUDGED = ROOT / "tests" / "headlines.json"
BOLD_FONTS = {
    "eng": [FONT_DIR / "noto/NotoSerif-Black.ttf", FONT_DIR / "dejavu/DejaVuSans-Bold.ttf"],
    "hin": [FONT_DIR / "noto/NotoSansDevanagari-Bold.ttf", FONT_DIR / "noto/NotoSerifDevanagari-Bold.ttf"],
    "urd": [FONT_DIR / "noto/NotoNaskhArabic-Bold.ttf"],
}
MASTHEADS = {"eng": "THE TEHSIL GAZETTE", "hin": "तहसील समाचार", "urd": "تحصیل اخبار"}
HEADLINES = {
    "eng": ["Tehsil Offices Move to e-Office", "Record Room Scanning Ahead of Deadline", "Revenue Camp Settles Mutation Cases",
            "Flood Relief Reaches Border Villages", "New Patwar Khana Opens in Bijbehara", "Deputy Commissioner Reviews Land Records",
            "Girdawari of Kharif Crops Completed", "Jamabandi Copies Now Issued Online", "Demarcation Drive in Forest Land",
            "Villagers Demand Link Road Repair", "Heavy Snow Closes Mughal Road", "Apple Growers Seek Better Prices"],
    "hin": ["तहसील कार्यालय में ई-ऑफिस शुरू", "भूमि रिकॉर्ड का डिजिटलीकरण तेज", "राजस्व शिविर में इंतकाल के मामले निपटे",
            "बाढ़ राहत सीमावर्ती गांवों तक पहुंची", "उपायुक्त ने भूमि रिकॉर्ड की समीक्षा की", "खरीफ फसलों की गिरदावरी पूरी",
            "जमाबंदी की प्रतियां अब ऑनलाइन", "वन भूमि में सीमांकन अभियान", "ग्रामीणों ने सड़क मरम्मत की मांग की",
            "भारी बर्फबारी से मुगल रोड बंद", "सेब उत्पादकों ने बेहतर दाम मांगे", "नए पटवार खाने का उद्घाटन"],
    "urd": ["تحصیل دفاتر میں ای آفس کا آغاز", "زمینی ریکارڈ کی ڈیجیٹل کاری تیز", "ریونیو کیمپ میں انتقال کے مقدمات نمٹائے گئے",
            "سیلاب سے متاثرہ دیہات تک امداد پہنچ گئی", "ڈپٹی کمشنر نے زمینی ریکارڈ کا جائزہ لیا", "خریف فصلوں کی گرداوری مکمل",
            "جمع بندی کی نقول اب آن لائن", "جنگلاتی زمین میں حد بندی مہم", "دیہاتیوں کا سڑک کی مرمت کا مطالبہ",
            "شدید برفباری سے مغل روڈ بند", "سیب کے کاشتکاروں کا بہتر قیمت کا مطالبہ", "نئے پٹوار خانے کا افتتاح"],
}
# A headline's words may be this many tokens apart in the page text and still count as found: a
# dateline or a kicker between its two lines, not another column's line.
HEADLINE_GAP = 4


@dataclass
class NewsPage:
    name: str
    image: np.ndarray  # grey
    dpi: int
    language: str  # eng, hin, urd: read with that language's models
    headlines: list[str]
    body: str | None  # the rest of the page's text in reading order; None where not known


# --- the generated pages ---------------------------------------------------------------------


def bold(language: str, size_px: int, variant: int = 0) -> ImageFont.FreeTypeFont:
    paths = [path for path in BOLD_FONTS[language] if path.exists()]
    return ImageFont.truetype(str(paths[variant % len(paths)]), size_px, layout_engine=ImageFont.Layout.RAQM)


@dataclass
class Sheet:
    """A page being laid out: its canvas, its columns (left to right) and what has been written."""

    draw: ImageDraw.ImageDraw
    language: str
    dpi: int
    columns: list[tuple[int, int]]
    headlines: list[str]
    body: list[str]

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"

    def reading_order(self) -> list[tuple[int, int]]:
        return self.columns[::-1] if self.direction == "rtl" else self.columns

    def write(self, lines: list[str], typeface: ImageFont.FreeTypeFont, left: int, right: int, top: int, step: int) -> int:
        """Lines top-down, aligned to the reading side of [left, right]; the next free y."""
        for line in lines:
            x = right - typeface.getlength(line, direction="rtl") if self.direction == "rtl" else left
            self.draw.text((x, top), line, fill=INK, font=typeface, direction=self.direction)
            top += step
        return top


def newspaper_page(language: str, columns: int = 3, dpi: int = 200, seed: int = 0, table: bool = False) -> NewsPage:
    """A newspaper page: a masthead over a rule, then rows of stories, each a bold headline (larger
    the more columns it spans) over its body text in one or more columns; with `table`, the last
    story's body is a small ruled table of figures."""
    rng = random.Random(seed)
    with_table = table
    canvas = blank_canvas(dpi)
    margin, gutter = round(0.6 * dpi), round(0.25 * dpi)
    width = (canvas.width - 2 * margin - (columns - 1) * gutter) / columns
    lefts = [round(margin + index * (width + gutter)) for index in range(columns)]
    sheet = Sheet(ImageDraw.Draw(canvas), language, dpi, [(left, round(left + width)) for left in lefts], [], [])
    masthead = bold(language, round(34 / 72 * dpi), seed)
    top = sheet.write([MASTHEADS[language]], masthead, margin, canvas.width - margin, margin, round(masthead.size * 1.4))
    sheet.headlines.append(MASTHEADS[language])
    sheet.draw.line([(margin, top), (canvas.width - margin, top)], fill=INK, width=max(2, dpi // 60))
    top += dpi // 8
    stories = HEADLINES[language][:]
    rng.shuffle(stories)
    body_font = font(language, round(10 / 72 * dpi), seed)
    while top < canvas.height - margin - 2 * dpi and stories:
        spans = rng.choice([[columns], [columns - 1, 1], [1, columns - 1], [1] * columns])
        lines_each = rng.randint(5, 9)
        bottoms, first = [], 0
        for span in spans:
            slot = sheet.reading_order()[first : first + span]
            first += span
            ruled = table and span == 1 and len(sheet.headlines) > 2  # one table, in a one-column story below the first row
            table = table and not ruled
            bottoms.append(story(sheet, stories.pop(), slot, top, lines_each, body_font, rng, ruled, seed))
            if not stories:
                break
        top = max(bottoms) + dpi // 6
    return NewsPage(f"{language} {columns} columns{' table' if with_table else ''}", np.asarray(canvas), dpi, language,
                    sheet.headlines, "\n".join(sheet.body))


def story(sheet: Sheet, headline: str, slot: list[tuple[int, int]], top: int, lines_each: int,
          body_font: ImageFont.FreeTypeFont, rng: random.Random, ruled: bool, seed: int) -> int:
    """One story in the columns `slot` (in reading order) from `top`; the y below it."""
    left, right = min(column[0] for column in slot), max(column[1] for column in slot)
    size_pt = 26 if len(slot) > 1 else 17
    typeface = bold(sheet.language, round(size_pt / 72 * sheet.dpi), seed + len(slot))
    wrapped = wrap_words(headline.split(), typeface, right - left, sheet.direction)
    sheet.headlines.append(headline)
    top = sheet.write(wrapped, typeface, left, right, top, round(typeface.size * 1.3)) + sheet.dpi // 20
    if ruled:
        return ruled_table(sheet, left, right, top, body_font, rng)
    step, bottom = round(body_font.size * 1.6), top
    for column_left, column_right in slot:
        lines: list[str] = []
        while len(lines) < lines_each:
            paragraph = " ".join(rng.choice(SENTENCES[sheet.language]) for _ in range(2))
            lines += wrap_words(paragraph.split(), body_font, column_right - column_left, sheet.direction)
        sheet.body += lines[:lines_each]
        bottom = max(bottom, sheet.write(lines[:lines_each], body_font, column_left, column_right, top, step))
    return bottom


def ruled_table(sheet: Sheet, left: int, right: int, top: int, typeface: ImageFont.FreeTypeFont, rng: random.Random) -> int:
    """A small ruled table of village figures (khasra, kanal, marla): the kind of box a district page prints."""
    row_height, cells = round(typeface.size * 2.0), 3
    rows = [[str(rng.randint(10, 999)), str(rng.randint(1, 40)), str(rng.randint(0, 19))] for _ in range(4)]
    stroke = max(1, sheet.dpi // 150)
    for index in range(len(rows) + 1):
        sheet.draw.line([(left, top + index * row_height), (right, top + index * row_height)], fill=INK, width=stroke)
    for index in range(cells + 1):
        x = round(left + index * (right - left) / cells)
        sheet.draw.line([(x, top), (x, top + len(rows) * row_height)], fill=INK, width=stroke)
    for number, row in enumerate(rows):
        order = row[::-1] if sheet.direction == "rtl" else row
        for index, cell in enumerate(order):
            x = round(left + index * (right - left) / cells + typeface.size / 2)
            sheet.draw.text((x, top + number * row_height + typeface.size // 3), cell, fill=INK, font=typeface)
        sheet.body.append(" ".join(row))
    return top + len(rows) * row_height


def generated_pages(quick: bool) -> list[NewsPage]:
    layouts = [(3, False), (2, True)] if quick else [(2, False), (3, False), (4, False), (3, True)]
    return [newspaper_page(language, columns, seed=71 + index, table=table)
            for language in ("eng", "hin", "urd") for index, (columns, table) in enumerate(layouts)]


def judged_pages() -> list[NewsPage]:
    """The corpus's pages with columns or headlines, with the headlines read off them by eye."""
    from pipeline.pages import iter_pages

    if not CORPUS.exists():
        return []
    pages = []
    for entry in json.loads(JUDGED.read_text(encoding="utf-8"))["pages"]:
        page = list(iter_pages(CORPUS / entry["path"], 300))[entry["page"] - 1]
        body = None
        if entry["truth"]:
            truth = (CORPUS / entry["truth"]).read_text(encoding="utf-8")
            body = without_headlines(truth, entry["headlines"])
        pages.append(NewsPage(f"{Path(entry['path']).name}#{entry['page']}", page.image, page.dpi, entry["language"],
                              entry["headlines"], body))
    return pages


# --- judging the text ------------------------------------------------------------------------


ARABIC_FOLDS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۀ": "ۂ"})


def tokens(text: str) -> list[str]:
    """Words compared case-blind, without punctuation around them or bidi marks; Arabic letters
    folded to their Urdu forms (Tesseract writes either)."""
    visible = "".join(char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) != "Cf")
    words = (re.sub(r"^\W+|\W+$", "", word) for word in visible.lower().translate(ARABIC_FOLDS).split())
    return [word for word in words if word]


def headline_found(headline: str, text: str | list[str]) -> bool:
    """All the headline's words, in order, in the text, each at most `HEADLINE_GAP` tokens after the one before."""
    wanted = tokens(headline)
    found = tokens(text) if isinstance(text, str) else text
    for start in (index for index, word in enumerate(found) if word == wanted[0]):
        position = start
        for word in wanted[1:]:
            window = found[position + 1 : position + 2 + HEADLINE_GAP]
            if word not in window:
                break
            position += 1 + window.index(word)
        else:
            return True
    return False


def headlines_found(headlines: list[str], text: str) -> int:
    found = tokens(text)
    return sum(headline_found(headline, found) for headline in headlines)


def without_headlines(text: str, headlines: list[str]) -> str:
    """The text without its lines that are (part of) a headline: the body, to measure CER on."""
    heads = [tokens(headline) for headline in headlines]

    def part_of_headline(line: list[str]) -> bool:
        return any(line == head[start : start + len(line)] for head in heads for start in range(len(head)))

    return "\n".join(line for line in text.splitlines() if tokens(line) and not part_of_headline(tokens(line)))


def sorted_lines(text: str) -> str:
    """The text's lines in sorted order: the order Tesseract takes a page's blocks in is not an
    error, a line read across two columns is."""
    return "\n".join(sorted(" ".join(tokens(line)) for line in text.splitlines() if tokens(line)))


# --- reading ---------------------------------------------------------------------------------


def read(page: NewsPage, image: np.ndarray, segmentation: int) -> str:
    """The page read the night's way (its models for the page's language), at one segmentation."""
    from domain.config import Settings
    from pipeline import ocr, urdu_model
    from pipeline.script import read_with

    models = urdu_model.reading_models(read_with([page.language], Settings().ocr.models))
    with tempfile.TemporaryDirectory(prefix="daftar-headlines-") as folder:
        path = Path(folder) / "page.png"
        cv2.imwrite(str(path), image)
        return ocr.ocr_page(path, models, segmentation, page.dpi, 600).text


def daftar_choice(page: NewsPage) -> tuple[np.ndarray, str, int]:
    """The OCR copy, layout and page segmentation the night chooses for the page."""
    from domain.config import Settings
    from pipeline.preprocess import clean_page
    from pipeline.script import page_segmentation

    settings = Settings()
    cleaned = clean_page(page.image, page.dpi, settings.cleaning, [page.language])
    chosen = page_segmentation(cleaned.script, cleaned.layout, settings.ocr.page_segmentation_arabic, settings.ocr.page_segmentation)
    return cleaned.image, cleaned.layout, chosen


def measure(page: NewsPage) -> dict:
    from bench.quality import error_rates

    image, layout, chosen = daftar_choice(page)
    row: dict = {"name": page.name, "layout": layout, "psm": chosen, "headlines": len(page.headlines)}
    for method, text in (("plain", read(page, page.image, 3)), ("daftar", read(page, image, chosen))):
        row[f"{method}_found"] = headlines_found(page.headlines, text)
        body = without_headlines(text, page.headlines)
        known = page.body is not None
        row[f"{method}_cer"] = error_rates(page.body, body)[0] if known else None
        row[f"{method}_sorted_cer"] = error_rates(sorted_lines(page.body), sorted_lines(body))[0] if known else None
    return row


def print_table(rows: list[dict]) -> None:
    print("headlines found (all words, in order) and body CER (in reading order / lines sorted):"
          " plain Tesseract --psm 3 as it came vs daftar's choice")
    print(f"  {'page':22} {'layout':8} {'psm':>3}  {'headlines plain':>15} {'daftar':>7}  {'body CER plain':>16} {'daftar':>15}")
    for row in rows:
        cells = [f"{100 * row[f'{method}_cer']:5.1f}% /{100 * row[f'{method}_sorted_cer']:5.1f}%" if row["plain_cer"] is not None else "-"
                 for method in ("plain", "daftar")]
        print(f"  {row['name'][:22]:22} {row['layout']:8} {row['psm']:3d}  {row['plain_found']:9d} of {row['headlines']:2d}"
              f" {row['daftar_found']:7d}  {cells[0]:>16} {cells[1]:>15}")
    totals = {method: sum(row[f"{method}_found"] for row in rows) for method in ("plain", "daftar")}
    lost = [row["name"] for row in rows if row["daftar_found"] < row["plain_found"]]
    print(f"all pages: plain {totals['plain']}, daftar {totals['daftar']} of {sum(row['headlines'] for row in rows)} headlines;"
          f" pages where daftar found fewer: {', '.join(lost) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two generated layouts a language")
    parser.add_argument("--jobs", type=int, default=1, help="pages read at once (one Tesseract each)")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    pages = generated_pages(args.quick) + ([] if args.skip_corpus else judged_pages())
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        print_table(list(pool.map(measure, pages)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
