"""How well a page reads: the evidence for two decisions that pixels alone cannot make safely.

- A quarter turn is applied only when a band of the page, read by Tesseract turned and turned the
  opposite way, reads better turned (`reads_better`): a page the wrong way up reads as junk, and
  a wrong turn costs the whole page's text. (Not against the page as it came: Tesseract reads
  sideways lines as vertical text about as well as level ones, but not upside-down ones.)
- A page whose OCR is mostly junk (sheet music, a drawing, a stamp read as letters) has no text
  (`no_text`): it is flagged and indexes nothing rather than thousands of junk words.
"""

from __future__ import annotations

import csv
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipeline import tesseract

SURE_WORD_CONFIDENCE = 70  # Tesseract's word confidence (0-100) of a word it read with its dictionary's help
TURN_MIN_SURE_WORDS = 3  # a turned band must read at least this many sure words...
TURN_MARGIN = 1.25  # ...and this many times more than the band as it came
CHECK_TIMEOUT = 30.0
BAND_INCHES = (0.8, 4.0)  # (tall, wide) the strip read both ways: 3-5 lines of ordinary type
# A page reads as no text when Tesseract was unsure of it and few of its tokens are words or
# numbers, or when hardly one is. Measured by bench/legibility.py on every text page of the corpus
# (41 read) against sheet music, line drawings, a map-like page, stamps and signatures and a
# halftone photo read as English, Urdu and Hindi districts read them (Urdu by urd_nastaliq): text
# pages below 58 mean confidence read 64-97% words, at least 7 of them (a map's labels, 51.8),
# Nastaliq Urdu as low as 38.8 (95% words); pages without text at most 45.9 there, with 0-44%
# words or at most 4 (music read as four Urdu words, 36.4). Confidence alone cannot separate them
# (music read as Hindi 34.1; a line drawing read as Urdu 66.4, one word in three tokens, where the
# fewest words on a text page were a one-word label's 1 in 1 and a photo's 2 in 3, at 96).
NO_TEXT_CONFIDENCE = 58.0  # text pages of few words (a graph's labels, 29%) read at 64.9 or more, no-text pages of 2+ words at 36.4 or less
NO_TEXT_WORD_SHARE = 0.57  # below NO_TEXT_CONFIDENCE: text pages 64% words or more, no-text pages 50% or less (music read as Urdu, --seeds 2)
NO_TEXT_MIN_WORDS = 6  # below NO_TEXT_CONFIDENCE: text pages 7 words or more, no-text pages 4 or fewer
LONE_WORD = 1  # at any confidence, a page reading this many words or fewer, less than NO_TEXT_WORD_SHARE of its tokens, is no text


@dataclass(frozen=True)
class Reading:
    words: int  # words Tesseract read
    sure_words: int  # of them, words of letters read with a confidence of SURE_WORD_CONFIDENCE or more


def densest_band(grey: np.ndarray, dpi: float) -> np.ndarray:
    """The `BAND_INCHES` strip of a small grey page that holds the most ink: a few lines to
    judge by, at a fraction of the cost of reading the page."""
    ink = grey < int(np.percentile(grey, 80)) - 60
    height, width = (min(side, round(inches * dpi)) for side, inches in zip(grey.shape, BAND_INCHES))
    top = int(np.argmax(np.convolve(ink.sum(axis=1), np.ones(height), mode="valid")))
    left = int(np.argmax(np.convolve(ink[top : top + height].sum(axis=0), np.ones(width), mode="valid")))
    return grey[top : top + height, left : left + width]


def read_band(band: np.ndarray, dpi: float, languages: Sequence[str]) -> Reading:
    """Tesseract's words on a strip of a page."""
    with tempfile.TemporaryDirectory(prefix="daftar-legibility-") as folder:
        png = Path(folder) / "band.png"
        cv2.imwrite(str(png), band)
        base = Path(folder) / "band"
        if tesseract.ocr_to_files(png, base, tuple(languages), 6, round(dpi), CHECK_TIMEOUT) is not None:
            return Reading(0, 0)
        words = list(_tsv_words(base.with_suffix(".tsv")))
    sure = sum(1 for text, confidence in words if confidence >= SURE_WORD_CONFIDENCE and is_word(text))
    return Reading(len(words), sure)


def _tsv_words(tsv: Path):
    with tsv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if row.get("level") == "5" and text and float(row["conf"]) >= 0:
                yield text, float(row["conf"])


def reads_better(turned: Reading, as_it_came: Reading) -> bool:
    return turned.sure_words >= TURN_MIN_SURE_WORDS and turned.sure_words > TURN_MARGIN * as_it_came.sure_words


def is_word(token: str) -> bool:
    """Two or more letters (marks included: Devanagari vowel signs, Arabic harakat), punctuation
    around them allowed, digits not."""
    core = _core(token)
    letters = sum(1 for char in core if char.isalpha())
    marks = sum(1 for char in core if unicodedata.category(char).startswith("M"))
    return letters >= 2 and letters + marks == len(core)


def is_number(token: str) -> bool:
    """Two or more digits of any script, with the separators of dates and file numbers."""
    core = _core(token)
    digits = sum(1 for char in core if char.isdigit())
    return digits >= 2 and all(char.isdigit() or char in "/-.,:" for char in core)


def _core(token: str) -> str:
    """The token without bidi marks and the punctuation around it."""
    visible = "".join(char for char in token if unicodedata.category(char) != "Cf")
    return visible.strip(".,;:!?'\"()[]{}«»“”‘’-–—|।॥،؛؟")


def no_text(text: str, confidence: float | None) -> bool:
    """Whether a page's OCR is junk, not text: Tesseract was unsure of it (mean word confidence
    below NO_TEXT_CONFIDENCE) and fewer than NO_TEXT_WORD_SHARE of its tokens, or fewer than
    NO_TEXT_MIN_WORDS of them, are words or numbers; or, however sure, a lone word among junk
    (`LONE_WORD`: calling it no text keeps one word out of search at most). A page with nothing
    read is not called no-text here (it has no junk to keep out of the index)."""
    tokens, words = word_count(text)
    if not tokens or confidence is None:
        return False
    junk = words / tokens < NO_TEXT_WORD_SHARE
    return (confidence < NO_TEXT_CONFIDENCE and (junk or words < NO_TEXT_MIN_WORDS)) or (junk and words <= LONE_WORD)


def word_count(text: str) -> tuple[int, int]:
    """How many tokens a page's OCR has, and how many of them are words or numbers."""
    tokens = text.split()
    return len(tokens), sum(1 for token in tokens if is_word(token) or is_number(token))
