"""The text layer people copy from: an Urdu page's numbers and words, a Hindi page's words, come
back out of the page's PDF with pdftotext and pdfplumber as the record's text has them."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import img2pdf
import pdfplumber
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont, features

from night.run import run_inbox
from pipeline.ocr import PageOcr, ocr_page
from pipeline.text_layer import Word, placed_runs
from store.archive import read_record
from tests.conftest import SAMPLES, copy_stack

NOTO = Path("/usr/share/fonts/truetype/noto")
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
URDU_LINES = ["دفتر تحصیلدار بجبہاڑہ", "انتقال نمبر 1187 موضع واگہامہ", "اراضی خسرہ نمبر 245 رقبہ 4 کنال", "مورخہ 12 مارچ 1987 کو منظور ہوا"]
HINDI_LINES = ["इंतकाल संख्या 504 ग्राम लारनू", "तहसील कोकरनाग जिला अनंतनाग"]


def page_image(path: Path, lines: list[str], font: str, language: str, direction: str) -> Path:
    """A clean 300 dpi page of `lines`, shaped by libraqm as a typed page prints them."""
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm cannot shape Urdu or Hindi")
    face = ImageFont.truetype(str(NOTO / font), 40)  # about 10 pt at 300 dpi
    image = Image.new("L", (1500, 300 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        anchor, x = ("ra", 1400) if direction == "rtl" else ("la", 100)
        draw.text((x, 150 + 90 * number), line, font=face, fill=0, anchor=anchor, direction=direction, language=language)
    image.save(path, dpi=(300, 300))
    return path


def page_pdf(image: Path, ocr: PageOcr, out: Path) -> Path:
    """The page as the archive lays it: the image, the text layer over it."""
    with pikepdf.open(io.BytesIO(img2pdf.convert(str(image)))) as pdf, pikepdf.open(ocr.text_layer) as layer:
        pdf.pages[0].add_overlay(layer.pages[0])
        pdf.save(out)
    return out


def words(text: str) -> list[str]:
    """The words of a text; bidi marks part words too (pdftotext wraps a number on an Urdu line
    in an embedding and moves the space beside it inside)."""
    return BIDI_MARKS.sub(" ", text).split()


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def urdu_page(tmp_path_factory) -> tuple[PageOcr, Path]:
    work = tmp_path_factory.mktemp("urdu")
    image = page_image(work / "page.png", URDU_LINES, "NotoNaskhArabic-Regular.ttf", "ur", "rtl")
    ocr = ocr_page(image, ("urd", "eng"), 6, 300, 120)
    assert ocr.error is None
    return ocr, page_pdf(image, ocr, work / "archived.pdf")


def test_urdu_numbers_copy_out_as_printed_with_pdftotext(urdu_page):
    # GIVEN an OCRed Urdu page with numbers WHEN pdftotext reads its PDF
    ocr, pdf = urdu_page
    assert {"1187", "245", "1987"} <= set(words(ocr.text)), ocr.text  # the OCR read the numbers
    extracted = words(pdftotext(pdf))
    # THEN the numbers come out as printed, never reversed, and every word in the record's order
    assert {"1187", "245", "1987"} <= set(extracted)
    assert not {"7811", "542", "7891"} & set(extracted)
    assert extracted == words(ocr.text)


def test_urdu_words_extract_as_words_with_pdfplumber(urdu_page):
    # GIVEN the same page WHEN pdfplumber reads it
    ocr, pdf = urdu_page
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        found = [word["text"] for word in page.extract_words()]
        right_to_left = page.extract_text(char_dir="rtl", char_dir_render="ltr")
    # THEN its words are the record's words, not one-letter pieces, numbers as printed
    assert len(found) == len(words(ocr.text))
    assert {"1187", "245", "1987"} <= set(found)
    # AND read right to left (pdfplumber's way for Arabic script) it is the record's text, in order
    assert words(right_to_left) == words(ocr.text)


def test_hindi_words_extract_in_order_with_both_tools(tmp_path: Path):
    # GIVEN an OCRed Hindi page (conjuncts and vowel signs)
    image = page_image(tmp_path / "page.png", HINDI_LINES, "NotoSerifDevanagari-Regular.ttf", "hi", "ltr")
    ocr = ocr_page(image, ("hin", "eng"), 3, 300, 120)
    assert "504" in words(ocr.text)
    pdf = page_pdf(image, ocr, tmp_path / "archived.pdf")
    # WHEN pdftotext and pdfplumber read its PDF THEN both give the record's words, in order
    with pdfplumber.open(pdf) as document:
        plumbed = document.pages[0].extract_text()
    assert words(pdftotext(pdf)) == words(ocr.text)
    assert words(plumbed) == words(ocr.text)


def test_a_right_to_left_word_lays_its_letters_right_to_left_and_its_digits_left_to_right():
    # GIVEN a word of Arabic letters with a year in it, 80 pixels wide
    word = Word("سال1987ء", left=0, width=80)
    # WHEN its glyphs are placed THEN each letter has its own glyph, right to left in reading
    # order, and the number is one glyph, printed left of the word's first letters
    placed = placed_runs(word)
    assert [text for _, _, text in placed] == ["ء", "1987", "ل", "ا", "س"]
    assert [left for left, _, _ in placed] == sorted(left for left, _, _ in placed)
    assert placed[0][0] == 0 and placed[-1][0] + placed[-1][1] == pytest.approx(80)


def test_a_nights_urdu_page_copies_out_its_number_and_carries_its_alto(tmp_path: Path, settings):
    # GIVEN a night of a cover and the sample Urdu mutation page (انتقال نمبر 1187)
    batch = tmp_path / "inbox" / "anantnag" / "bijbehara" / "2026-11-20"
    for name in ("scan_0001.jpg", "scan_0003.jpg"):
        copy_stack(SAMPLES / "inbox" / "anantnag" / "bijbehara" / "2026-11-20" / name, batch)
    # WHEN it runs
    report = run_inbox(tmp_path / "inbox", tmp_path / "home", settings)
    assert len(report.done) == 1
    folder = next((tmp_path / "home" / "archive").rglob("record.json")).parent
    record = read_record(tmp_path / "home", str(folder.relative_to(tmp_path / "home")))
    # THEN the archived PDF's Urdu page gives pdftotext the number as printed
    urdu = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "home" / record.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "1187" in words(urdu) and "7811" not in words(urdu)
    # AND each page's ALTO lies in the record folder, naming the scan it came from
    for page in record.pages:
        alto = (folder / "alto" / f"page-{page.number:04d}.xml").read_text(encoding="utf-8")
        assert f"<fileName>{page.source}</fileName>" in alto
