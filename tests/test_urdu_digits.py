"""Numbers printed in Urdu digits (khasra ۱۲۸, the year ۱۹۸۵) are read whole on an Urdu page.

Debian's `urd` keeps about a third of them whole on Naskh pages and fewer on Nastaliq ones;
daftar reads every Urdu page with its own `urd_nastaliq` (pipeline/urdu_model.py), which keeps
most, not all: 93% on Naskh pages, 49% on Nastaliq ones in an unseen font (bench/segmentation.py
--urdu-digits 3). On this page, with other damage (render seeds 8 and 10: heavier blur and fading),
it keeps 4-6 of its 9, and the ۰ of a zero-padded date (۰۶-۰۷-۱۹۹۱) is often lost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2

from bench.segmentation import numbers_kept, urdu_numbers
from domain.config import OcrSettings
from pipeline import ocr, urdu_model
from pipeline.script import read_with

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts" / "nastaliq"))

import render  # noqa: E402  (the Nastaliq recipe's page maker: text2image and scan damage)

# A mutation, a jamabandi and an order, their numbers in Urdu digits.
LINES = [
    "انتقال نمبر ۴۵۶۷ بابت اراضی خسرہ نمبر ۱۲۸ واقع موضع بٹہ مالو",
    "جمع بندی سال ۱۹۸۵ رقبہ ۱۲ کنال ۳ مرلہ کھیوٹ نمبر ۸۹ کھتونی نمبر ۲۱۰",
    "حکم تحصیلدار نمبر ۷۳۰ مورخہ ۱۹۹۱: انتقال منظور کیا جاتا ہے۔",
]


def test_urdu_digit_numbers_on_a_naskh_page_are_read_whole(tmp_path: Path) -> None:
    # GIVEN a damaged scan-like page of record lines in Nafees, a Naskh font the model never saw
    tif = render.render(render.PageJob("page", LINES, "Nafees", 300, 12, seed=9), tmp_path, lstmf=False)
    assert tif is not None, "text2image could not set Nafees (fonts-nafees)"
    png = tmp_path / "page.png"
    cv2.imwrite(str(png), cv2.imread(str(tif), cv2.IMREAD_GRAYSCALE))
    # WHEN it is read as daftar reads an Urdu page: its models, one uniform block
    settings = OcrSettings()
    models = urdu_model.reading_models(read_with(["urd"], settings.models))
    read = ocr.ocr_page(png, models, settings.page_segmentation_arabic, 300, 120)
    # THEN every number comes out whole (Debian's urd alone keeps 5 of these 9)
    assert models == (urdu_model.NASTALIQ_MODEL,)
    assert numbers_kept(read.text, urdu_numbers("\n".join(LINES))) == 1.0, read.text
