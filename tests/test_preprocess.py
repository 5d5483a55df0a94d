"""Page cleaning on generated pages with known skew, orientation and script, and on real scans.

Generated pages (bench/deskew.py) draw real English, Urdu (Naskh and Nastaliq) and Hindi text,
then turn and soil them by known amounts; the corpus pages are OCRmyPDF's own test scans.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest

from bench.deskew import (
    PAPER,
    add_black_border,
    add_noise,
    add_punch_holes,
    add_stamp,
    blank_back_page,
    low_contrast,
    skew_page,
    table_page,
    text_page,
    turn_page,
)
from domain.config import CleaningSettings
from pipeline.pages import iter_pages
from night.checks import inspect_pages
from pipeline.preprocess import clean_page, languages_for_page

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SCANS = CORPUS / "scans" / "ocrmypdf"
needs_corpus = pytest.mark.skipif(not SCANS.exists(), reason="../shared/corpus is not here")
SETTINGS = CleaningSettings()


def test_deskew_is_accurate_on_text_in_three_scripts_tables_and_stamps():
    cases = [
        (text_page("eng", 300, seed=1), 7.3),
        (text_page("urd", 300, seed=2), -11.8),
        (text_page("hin", 300, seed=3), 3.1),
        (text_page("urd-nastaliq", 300, seed=4), -2.6),
        (table_page(300, seed=5), 14.2),
        (add_stamp(text_page("eng", 300, seed=6), seed=6), -0.7),
        (text_page("hin", 300, seed=7, lines=4), -14.6),
    ]
    errors = []
    for page, angle in cases:
        cleaned = clean_page(skew_page(page, angle).image, 300, SETTINGS)
        errors.append(abs(cleaned.skew_degrees - angle))
        assert cleaned.orientation == 0
    assert statistics.median(errors) <= 0.05, errors
    assert max(errors) <= 0.15, errors


def test_cleaned_page_is_level_and_keeps_all_its_text():
    page = text_page("eng", 300, seed=8)
    cleaned = clean_page(skew_page(page, 12.0).image, 300, SETTINGS)
    again = clean_page(cleaned.image, 300, SETTINGS)
    assert abs(again.skew_degrees) < 0.1  # cleaning its own output finds nothing left to do
    ink_before = np.count_nonzero(page.image < 128)
    ink_after = np.count_nonzero(cleaned.image < 128)
    assert ink_after > 0.95 * ink_before  # corners grew the canvas rather than losing text


def test_upright_page_is_left_alone():
    page = text_page("urd", 300, seed=9)
    cleaned = clean_page(page.image, 300, SETTINGS)
    assert cleaned.skew_degrees == 0.0 and cleaned.orientation == 0
    assert cleaned.image.shape == page.image.shape
    assert np.array_equal(cleaned.image, page.image)


@pytest.mark.parametrize(
    ("language", "orientation", "script"),
    [("eng", 180, "Latin"), ("urd", 180, "Arabic"), ("hin", 180, "Devanagari"), ("urd-nastaliq", 180, "Arabic"), ("eng", 90, "Latin"), ("hin", 270, "Devanagari")],
)
def test_upside_down_and_sideways_pages_are_turned_upright(language, orientation, script):
    page = turn_page(skew_page(text_page(language, 200, seed=10), 2.0), orientation)
    cleaned = clean_page(page.image, 200, SETTINGS)
    assert cleaned.orientation == orientation
    assert cleaned.orientation_confidence >= 0.5
    assert abs(cleaned.skew_degrees - 2.0) < 0.1
    assert cleaned.script == script


def test_black_border_and_punch_holes_are_whitened_without_touching_text():
    page = add_punch_holes(add_black_border(text_page("eng", 300, seed=11), seed=11))
    cleaned = clean_page(page.image, 300, SETTINGS)
    image = cleaned.image
    dpi = 300
    assert image[:, : dpi // 10].mean() > PAPER - 10  # left margin no longer black
    assert image[-dpi // 10 :, :].mean() > PAPER - 10  # nor the bottom
    hole_band = image[:, dpi // 20 : dpi // 4]  # where the punch holes were
    assert hole_band.min() > 128
    text_area = image[2 * dpi : 4 * dpi, 2 * dpi : 5 * dpi]
    assert np.count_nonzero(text_area < 128) > 0.02 * text_area.size  # the text is still there


def test_blank_backs_with_bleed_through_and_dust_are_blank():
    for seed in range(3):
        back = add_noise(blank_back_page(300, seed=seed), seed=seed, specks=800)
        cleaned = clean_page(back.image, 300, SETTINGS)
        assert cleaned.blank, cleaned.ink_ratio
        assert cleaned.blank_confidence > 0.9


def test_sparse_pages_are_not_blank():
    for language in ("eng", "urd", "hin"):
        cleaned = clean_page(text_page(language, 300, seed=12, lines=3).image, 300, SETTINGS)
        assert not cleaned.blank, (language, cleaned.ink_ratio)
    # One faint line is text too, at the threshold measured on the generated set (0.0003).
    one_line = low_contrast(text_page("urd", 300, seed=13, lines=1))
    cleaned = clean_page(one_line.image, 300, CleaningSettings(blank_ink_ratio=0.0003))
    assert not cleaned.blank, cleaned.ink_ratio


def test_switches_in_settings_are_obeyed():
    page = turn_page(skew_page(text_page("eng", 200, seed=14), 5.0), 180)
    cleaned = clean_page(page.image, 200, CleaningSettings(deskew=False, fix_orientation=False))
    assert cleaned.skew_degrees == 0.0 and cleaned.orientation == 0
    assert np.array_equal(cleaned.image, page.image)


def test_noise_with_no_text_is_not_turned():
    rng = np.random.default_rng(15)
    noise = np.clip(rng.normal(200, 40, (1600, 1200)), 0, 255).astype(np.uint8)
    cleaned = clean_page(noise, 150, SETTINGS)
    assert cleaned.skew_degrees == 0.0 and cleaned.orientation == 0


@needs_corpus
def test_cardinal_pages_are_each_turned_upright():
    found = [clean_page(page.image, page.dpi, SETTINGS) for page in iter_pages(SCANS / "cardinal.pdf", 300)]
    # Checked by OCR: each cleaned page reads "The LinnSequencer / 32 Track MIDI Sequence Recorder".
    assert [page.orientation for page in found] == [0, 270, 180, 90]
    assert all(page.orientation_confidence >= 0.5 for page in found)
    assert all(page.script == "Latin" for page in found)


@needs_corpus
@pytest.mark.parametrize(("name", "angle"), [("skew.pdf", -1.9), ("rotated_skew.pdf", 2.77)])
def test_corpus_skewed_scans_are_deskewed(name, angle):
    page = next(iter_pages(SCANS / name, 150))
    cleaned = clean_page(page.image, page.dpi, SETTINGS)
    assert cleaned.skew_confidence >= 0.9
    assert abs(cleaned.skew_degrees - angle) < 0.1
    assert abs(clean_page(cleaned.image, page.dpi, SETTINGS).skew_degrees) < 0.15  # real scan, 150 dpi


@pytest.mark.parametrize("paper", [0, 40])
def test_a_page_with_no_paper_visible_is_dark_never_blank(paper):
    # GIVEN an all-black page, and a dark grey one with faint words on it
    page = np.full((300, 450), paper, np.uint8)
    page[100:120, 50:400] = paper + 15
    # WHEN it is cleaned
    cleaned = clean_page(page, 150, SETTINGS)
    # THEN it is not blank but dark, and left as it was for OCR
    assert (cleaned.blank, cleaned.dark) == (False, True)
    assert np.array_equal(cleaned.image, page)


def test_a_page_mostly_covered_in_ink_is_dark_never_blank():
    # GIVEN a page whose ink covers nine tenths of it (a thick photocopy)
    page = np.full((300, 450), 20, np.uint8)
    page[:30] = PAPER
    # WHEN it is cleaned THEN it is dark, not blank
    assert clean_page(page, 150, SETTINGS).dark


def test_a_white_page_is_blank_and_not_dark():
    cleaned = clean_page(np.full((300, 450), PAPER, np.uint8), 150, SETTINGS)
    assert (cleaned.blank, cleaned.dark) == (True, False)


@needs_corpus
def test_corpus_blank_page_is_blank_and_text_page_is_not():
    blank = next(iter_pages(SCANS / "blank.pdf", 100))
    assert clean_page(blank.image, blank.dpi, SETTINGS).blank
    text = next(iter_pages(SCANS / "linn.png", 300))
    assert not clean_page(text.image, text.dpi, SETTINGS).blank


@needs_corpus
def test_inspect_reports_every_page():
    report = inspect_pages([SCANS / "cardinal.pdf"], SETTINGS)
    assert report[0]["path"].endswith("cardinal.pdf")
    pages = report[0]["pages"]
    assert [page["page"] for page in pages] == [1, 2, 3, 4]
    assert set(pages[0]) == {"page", "skew_degrees", "skew_confidence", "orientation", "orientation_confidence", "blank", "blank_confidence", "script", "script_confidence", "uncertain"}


def test_languages_follow_the_page_script():
    urdu_tehsil = ["urd", "eng"]
    assert languages_for_page("Latin", urdu_tehsil) == ["eng"]  # an English page in an Urdu tehsil
    assert languages_for_page("Arabic", urdu_tehsil) == ["urd"]  # urd+eng read Urdu worse than urd
    assert languages_for_page(None, urdu_tehsil) == ["urd", "eng"]
    assert languages_for_page("Latin", ["hin", "eng"]) == ["eng"]
    # Never a language the district does not read: a script outside them keeps the defaults.
    assert languages_for_page("Devanagari", urdu_tehsil) == ["urd", "eng"]
    assert languages_for_page("Arabic", ["eng"]) == ["eng"]
