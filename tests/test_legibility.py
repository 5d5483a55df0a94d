"""The no-text decision keeps the weakest real pages of the corpus as text and keeps what is not
writing (music, drawings, maps, stamps and signatures) out of the index (issue 12), each page read
as the night reads it with real Tesseract."""

from __future__ import annotations

import pytest

from bench.damage import sheet_music
from bench.legibility import Sample, read
from bench.nontext import line_drawing, stamps_and_signatures
from pipeline.legibility import no_text
from pipeline.pages import iter_pages

# The real pages that read least surely (bench/legibility.py): a 90 dpi photo of a curved page,
# Nastaliq Urdu, old Devanagari print, a map's labels, a typewritten page in Dutch.
WEAK_TEXT_PAGES = [("scans/leptonica/pedante.079.jpg", 0, "eng"), ("text/urdu/tessdata_contrib__1.jpg", 0, "urd"),
                   ("text/devanagari_sanskrit/imagessan__gudakesa-001.png", 0, "hin"), ("scans/ocrmypdf/3small.pdf", 0, "eng"),
                   ("scans/ocrmypdf/typewriter.png", 0, "eng")]


@pytest.mark.parametrize(("name", "index", "language"), WEAK_TEXT_PAGES)
def test_weak_real_page_is_kept_as_text(corpus, name, index, language):
    page = list(iter_pages(corpus / name, 300))[index]
    row = read(Sample(name, True, page.image, page.dpi, [language]))
    assert row["confidence"] is not None and not row["no_text"], row


@pytest.mark.parametrize(("make", "languages"), [(lambda: sheet_music(300, seed=1).image, ["urd", "eng"]),
                                                 (lambda: line_drawing(300, seed=1), ["urd", "eng"]),
                                                 (lambda: line_drawing(300, seed=1), ["hin", "eng"]),
                                                 (lambda: stamps_and_signatures(300, seed=1), ["hin", "eng"])],
                         ids=["music urd", "drawing urd", "drawing hin", "stamps hin"])
def test_page_without_writing_indexes_nothing(make, languages):
    row = read(Sample("no text", False, make(), 300, languages))
    # THEN it is flagged no-text, or cleaning found no ink worth reading at all
    assert row.get("read") == "blank" or row["confidence"] is None or row["no_text"], row


def test_no_text_needs_junk_not_just_few_words():
    assert no_text("~ = | ;: ae", 35.0)
    assert not no_text("Linn Electronics, Inc.", 88.0)
    assert not no_text("", None)


def test_a_lone_word_among_junk_is_no_text_however_sure():
    assert no_text("~ Linn |", 90.0)
    assert not no_text("Linn", 96.0)  # a one-word label is text
    assert not no_text("wet day ~", 96.0)
