"""Page cleaning never makes a page worse than reading it as it came (issue 12): it never paints
the archived image, refuses whitening that erases writing, calls nothing with text blank at any
resolution or bit depth, turns a page only when it then reads better, leaves level pages level,
reads only the district's scripts, and flags junk OCR as no text. `daftar inspect` names every
input `daftar run` would quarantine with the same reason."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest
from typer.testing import CliRunner

from bench.damage import add_shaded_edge, at_resolution, in_colour, sheet_music
from bench.deskew import PAPER, GeneratedPage, skew_page, table_page, text_page, turn_page
from domain.config import CleaningSettings
from domain.errors import UnreadableSource
from pipeline import ocr
from pipeline.intake import readable_pages
from pipeline.legibility import no_text
from pipeline.pages import iter_pages
from pipeline.preprocess import MIN_DESKEW_DEGREES, clean_page, languages_for_page, turn_like

SETTINGS = CleaningSettings()


def corpus_page(corpus: Path, name: str, index: int = 0):
    return list(iter_pages(corpus / name, 300))[index]


def dark(image: np.ndarray) -> int:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return int(np.count_nonzero(grey < 128))


def test_shaded_two_column_page_keeps_all_its_ink_in_the_archived_image(corpus):
    # GIVEN the corpus's two-column page with a dark shading over the ends of its right column's lines
    linn = corpus_page(corpus, "scans/ocrmypdf/linn.png")
    scan = add_shaded_edge(GeneratedPage(linn.image, "", "eng", 300)).image
    # WHEN it is cleaned and the archived image is made from the scan
    cleaned = clean_page(scan, 300, SETTINGS, ["eng"])
    archived = turn_like(scan, cleaned)
    # THEN whitening the shading was refused, and every dark pixel of the scan is in the archive and the OCR copy
    assert "borders" in cleaned.uncertain
    assert dark(archived) == dark(scan)
    assert dark(cleaned.image) == dark(scan)


def test_shaded_skewed_page_keeps_its_ink_when_turned_level(corpus):
    linn = corpus_page(corpus, "scans/ocrmypdf/linn.png")
    scan = skew_page(add_shaded_edge(GeneratedPage(linn.image, "", "eng", 300)), 3.0).image
    cleaned = clean_page(scan, 300, SETTINGS, ["eng"])
    archived = turn_like(scan, cleaned)
    assert abs(cleaned.skew_degrees - 3.0) < 0.1
    assert abs(dark(archived) - dark(scan)) < 0.005 * dark(scan)  # turned, not painted


@pytest.mark.parametrize("depth", ["grey", "colour", "1-bit"])
def test_archived_image_is_laid_exactly_where_the_ocr_copy_is(depth):
    # GIVEN a page fed sideways and askew, scanned in colour, grey or black-and-white
    page = turn_page(skew_page(text_page("eng", 200, seed=3, lines=20), 4.0), 90)
    grey = np.where(page.image < 128, 0, 255).astype(np.uint8) if depth == "1-bit" else page.image
    scan = in_colour(GeneratedPage(grey, "", "eng", 200)) if depth == "colour" else grey
    # WHEN it is cleaned from its grey copy and the scan is turned like the OCR copy
    if depth == "colour":
        grey = cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY)
    cleaned = clean_page(grey, 200, SETTINGS, ["eng"])
    archived = turn_like(scan, cleaned)
    # THEN both have one geometry, so the text layer made on one lies over the other
    assert (cleaned.orientation, round(cleaned.skew_degrees)) == (90, 4)
    assert archived.shape[:2] == cleaned.image.shape == (cleaned.canvas[1], cleaned.canvas[0])
    differ = np.count_nonzero((cv2.cvtColor(archived, cv2.COLOR_BGR2GRAY) if depth == "colour" else archived) < 128) - dark(cleaned.image)
    assert abs(differ) < 0.002 * dark(cleaned.image)
    if depth == "1-bit":
        assert set(np.unique(archived)) <= {0, 255}  # a bilevel page stays bilevel


def test_turn_like_refuses_an_image_of_another_size():
    page = text_page("eng", 150, seed=4, lines=8)
    cleaned = clean_page(page.image, 150, SETTINGS)
    with pytest.raises(ValueError):
        turn_like(page.image[:-10], cleaned)


@pytest.mark.parametrize(("dpi", "depth"), [(72, "1-bit"), (72, "colour"), (150, "1-bit")])
def test_low_resolution_page_with_text_is_not_blank(corpus, dpi, depth):
    linn = corpus_page(corpus, "scans/ocrmypdf/linn.png")
    page = at_resolution(GeneratedPage(linn.image, "", "eng", 300), dpi, 1 if depth == "1-bit" else 8)
    image = in_colour(page) if depth == "colour" else page.image
    cleaned = clean_page(image, dpi, SETTINGS)
    assert not cleaned.blank and "blank" not in cleaned.uncertain


def test_one_line_at_72_dpi_in_black_and_white_is_not_blank():
    page = at_resolution(text_page("eng", 300, seed=5, lines=1), 72, 1)
    assert not clean_page(page.image, 72, SETTINGS).blank


def test_a_page_near_the_blank_threshold_is_read_and_flagged_not_skipped():
    # GIVEN a white page with one small mark: a little under the blank threshold's ink
    page = np.full((1754, 1240), PAPER, np.uint8)
    page[800:820, 600:622] = 20
    # WHEN it is cleaned THEN it is not called blank, and the blank decision is flagged uncertain
    cleaned = clean_page(page, 150, SETTINGS)
    assert cleaned.ink_ratio < SETTINGS.blank_ink_ratio
    assert not cleaned.blank and "blank" in cleaned.uncertain


def test_rotated_register_with_table_rules_is_turned():
    page = turn_page(skew_page(table_page(200, seed=6), 1.5), 270)
    cleaned = clean_page(page.image, 200, SETTINGS, ["eng"])
    assert cleaned.orientation == 270 and "turn" not in cleaned.uncertain


@pytest.mark.parametrize("name", ["text/devanagari_sanskrit/imagessan__p001.png", "text/devanagari_sanskrit/imagessan__p002.png",
                                  "scans/ocrmypdf/linn.png", "scans/ocrmypdf/jbig2.pdf"])
def test_level_page_is_not_tilted(corpus, name):
    page = corpus_page(corpus, name)
    cleaned = clean_page(page.image, page.dpi, SETTINGS, ["hin" if "devanagari" in name else "eng"])
    assert (cleaned.skew_degrees, cleaned.orientation) == (0.0, 0)
    assert np.array_equal(cleaned.image, page.image)  # read exactly as it came


def test_small_skew_is_left_as_it_is():
    page = skew_page(text_page("eng", 200, seed=7), MIN_DESKEW_DEGREES / 2)
    cleaned = clean_page(page.image, 200, SETTINGS)
    assert cleaned.skew_degrees == 0.0 and np.array_equal(cleaned.image, page.image)


@pytest.mark.parametrize("name", ["scans/ocrmypdf/jbig2.pdf", "scans/ocrmypdf/ccitt.pdf", "scans/ocrmypdf/c02-22.pdf",
                                  "text/hindi/imageshin__hin001.png", "text/devanagari_sanskrit/imagessan__p001.png"])
def test_english_only_district_never_yields_devanagari_or_arabic(corpus, name):
    page = corpus_page(corpus, name)
    cleaned = clean_page(page.image, page.dpi, SETTINGS, ["eng"])
    assert cleaned.script in (None, "Latin")
    assert languages_for_page(cleaned.script, ["eng"]) == ["eng"]
    if "ocrmypdf" in name:
        assert cleaned.orientation == 0  # an upright English page is never turned upside down


def test_sheet_music_is_no_text_and_weak_real_pages_are_text(corpus):
    pages = [(sheet_music(300, seed=2).image, 300, "urd", True),
             (corpus_page(corpus, "text/urdu/tessdata_contrib__1.jpg").image, 300, "urd", False),
             (corpus_page(corpus, "text/devanagari_sanskrit/imagessan__gudakesa-001.png").image, 300, "hin", False)]
    with tempfile.TemporaryDirectory() as folder:
        for index, (image, dpi, language, junk) in enumerate(pages):
            path = Path(folder) / f"page-{index}.png"
            cv2.imwrite(str(path), image)
            read = ocr.ocr_page(path, (language,), 3, dpi, 120)
            assert no_text(read.text, read.confidence) == junk, (index, read.text[:80], read.confidence)


def test_inspect_names_every_unreadable_input_with_the_reason_run_gives(corpus, tmp_path):
    from cli import app

    # GIVEN an encrypted PDF, a damaged one, an image that is not one, and a good page
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.open(corpus / "scans/ocrmypdf/skew.pdf") as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    broken_image = tmp_path / "broken.png"
    broken_image.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    inputs = [encrypted, corpus / "scans/ocrmypdf/invalid.pdf", broken_image]
    reasons = []
    for path in inputs:
        with pytest.raises(UnreadableSource) as refused:
            readable_pages(path, 2 * 1024**3)
        reasons.append(str(refused.value))
    # WHEN inspect is asked about them all
    result = CliRunner().invoke(app, ["inspect", "--json", *map(str, inputs), str(corpus / "scans/ocrmypdf/linn.png")])
    # THEN it exits 3 with each reason, no traceback, and still reports the good page
    assert result.exit_code == 3 and isinstance(result.exception, SystemExit), result.output
    report = json.loads(result.stdout)
    assert [entry.get("error") for entry in report] == [*reasons, None]
    assert len(report[-1]["pages"]) == 1


def test_columns_and_registers_get_automatic_segmentation_running_urdu_one_block(corpus):
    from domain.config import OcrSettings
    from pipeline.script import page_segmentation

    ocr_settings = OcrSettings()
    linn = corpus_page(corpus, "scans/ocrmypdf/linn.png")
    pages = {"two columns": clean_page(linn.image, 300, SETTINGS, ["eng"]),
             "register": clean_page(table_page(200, seed=8).image, 200, SETTINGS, ["urd", "eng"]),
             "urdu": clean_page(text_page("urd", 200, seed=8).image, 200, SETTINGS, ["urd", "eng"])}
    assert {name: page.layout for name, page in pages.items()} == {"two columns": "columns", "register": "table", "urdu": "text"}
    chosen = {name: page_segmentation(page.script, page.layout, ocr_settings.page_segmentation_arabic, ocr_settings.page_segmentation)
              for name, page in pages.items()}
    assert chosen == {"two columns": 3, "register": 3, "urdu": 6}


def test_hindi_numbers_keep_all_their_digits():
    from bench.segmentation import number_page, numbers_kept
    from domain.config import OcrSettings
    from pipeline.script import read_with

    # GIVEN a Hindi revenue page with years and khasra numbers in ASCII digits ("1985", "128")
    image, numbers = number_page("hin", own_digits=False, seed=9)
    # WHEN it is read with the model the settings choose for Hindi
    models = read_with(["hin"], OcrSettings().models)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.png"
        cv2.imwrite(str(path), image)
        read = ocr.ocr_page(path, models, 3, 300, 120)
    # THEN every number is read whole (Debian's fast hin model alone kept 28% of them)
    assert models == ("Devanagari", "hin")
    assert numbers_kept(read.text, numbers) == 1.0, read.text


def test_a_night_flags_junk_as_no_text_and_a_doubtful_blank_as_uncertain(tmp_path, settings):
    import datetime as dt

    from night.run import run_inbox

    # GIVEN a stack of a page of sheet music and a page with one small mark (near the blank threshold)
    stack = tmp_path / "inbox" / "anantnag" / "bijbehara" / "2026-11-20" / "scan_0009"  # eng+urd
    stack.mkdir(parents=True)
    cv2.imwrite(str(stack / "p1.png"), sheet_music(300, seed=2).image)
    mark = np.full((2338, 1654), PAPER, np.uint8)
    mark[1100:1128, 800:830] = 20
    cv2.imwrite(str(stack / "p2.png"), mark)
    # WHEN the night runs
    run_inbox(tmp_path / "inbox", tmp_path / "home", settings, dt.datetime(2026, 11, 20, 23, 30))
    # THEN the music indexes no text and is flagged, and the doubtful page was read, flagged, not skipped
    record = json.loads(next((tmp_path / "home" / "archive").rglob("record.json")).read_text(encoding="utf-8"))
    assert "no-text: page 1" in record["flags"] and record["pages"][0]["text"] == "", {k: record["pages"][0].get(k) for k in ("text", "confidence", "language")}
    assert "uncertain-cleaning: page 2: blank" in record["flags"] and not record["pages"][1]["blank"]
