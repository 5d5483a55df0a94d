"""Headlines and columns lose nothing against plain Tesseract (issue 12): a newspaper page is read
with automatic page segmentation whatever its script, so every headline and column comes through;
a short Urdu letter is still read as one block."""

from __future__ import annotations

from bench.headlines import daftar_choice, headline_found, headlines_found, newspaper_page, read, without_headlines
from domain.config import CleaningSettings, OcrSettings
from pipeline.pages import iter_pages
from pipeline.preprocess import clean_page
from pipeline.script import page_segmentation
from tests.conftest import SAMPLES


def test_generated_newspaper_page_keeps_every_headline():
    # GIVEN a three-column English newspaper page: a masthead, headlines over one to three columns, a ruled table
    page = newspaper_page("eng", 3, seed=74, table=True)
    # WHEN it is cleaned and read as the night reads it (real Tesseract)
    image, layout, segmentation = daftar_choice(page)
    text = read(page, image, segmentation)
    # THEN every headline is in its text, all its words in order
    assert segmentation == 3
    assert [headline for headline in page.headlines if not headline_found(headline, text)] == []


def test_urdu_newspaper_is_read_in_columns_not_across_them():
    # GIVEN an Urdu newspaper page in three columns (Urdu pages of one column are read as one block)
    page = newspaper_page("urd", 3, seed=72)
    # WHEN the night chooses its page segmentation and reads it
    image, layout, segmentation = daftar_choice(page)
    text = read(page, image, segmentation)
    # THEN it is read as columns, and its headlines as plain Tesseract finds them on the page as it came
    assert (layout, segmentation) == ("columns", 3)
    assert headlines_found(page.headlines, text) >= headlines_found(page.headlines, read(page, page.image, 3)) > 0


def test_short_urdu_letter_is_still_read_as_one_block():
    # GIVEN the sample Urdu letter whose word spaces line up over two strips of lines
    letter = next(iter_pages(SAMPLES / "inbox/anantnag/bijbehara/2026-11-20/scan_0003.jpg", 300))
    # WHEN it is cleaned
    cleaned = clean_page(letter.image, letter.dpi, CleaningSettings(), ["urd", "eng"])
    # THEN it is not taken for columns, and it is read as one block (automatic segmentation drops lines of such pages)
    settings = OcrSettings()
    assert (cleaned.script, cleaned.layout) == ("Arabic", "text")
    assert page_segmentation(cleaned.script, cleaned.layout, settings.page_segmentation_arabic, settings.page_segmentation) == 6


def test_a_headline_is_found_only_with_all_its_words_in_order():
    text = "IBM: A WORK\nAUGUST 9, 1993\nIN PROGRESS\nthe charge will cover plant"
    assert headline_found("IBM: A Work in Progress", text)  # a dateline between its two lines
    assert not headline_found("Progress in IBM", text)
    assert not headline_found("IBM will cover", "IBM " + "word " * 12 + "will cover")  # another column's line between
    assert without_headlines(text, ["IBM: A WORK IN PROGRESS"]) == "AUGUST 9, 1993\nthe charge will cover plant"
