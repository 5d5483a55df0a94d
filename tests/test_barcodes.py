"""Barcodes: the real corpus images (../shared/corpus), generated skewed and noisy cover pages,
and the CLI's per-page view."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from bench.barcodes import CORPUS, corpus_cases, score
from bench.file_numbers import Condition, make_cover_page, make_label
from extractors.barcodes import read_barcodes, read_with_pyzbar, read_with_zxing
from extractors.code39 import code39_raw_form, expand_code39_full_ascii
from night.checks import describe_barcodes

needs_corpus = pytest.mark.skipif(not (CORPUS / "MANIFEST.csv").exists(), reason="../shared/corpus is not here")


@needs_corpus
def test_corpus_default_reads_at_least_each_decoder_alone_and_nothing_wrong() -> None:
    table = score(corpus_cases(), {"pyzbar": read_with_pyzbar, "zxing-cpp": read_with_zxing, "default": read_barcodes})
    default = table["default"]
    assert default["total"].wrong == 0
    assert default["negative"].false_positive == 0
    for alone in ("pyzbar", "zxing-cpp"):
        assert default["total"].read >= table[alone]["total"].read, alone
        for symbology, row in table[alone].items():
            assert default[symbology].read >= row.read, (alone, symbology)
    # measured: 72 of 73 (one DataMatrix no decoder reads); pyzbar 56, zxing-cpp 70
    assert default["total"].read >= 71


@needs_corpus
def test_corpus_code39_full_ascii_is_expanded_whichever_decoder_reads_it() -> None:
    cases = [case for case in corpus_cases() if case.name.startswith("zxingcpp_code39-2")]
    assert cases  # the corpus's Full-ASCII Code39 images
    for case in cases:
        image = case.load()
        assert case.expected in [b.value for b in read_barcodes(image)]
        assert case.expected in [b.value for b in read_with_pyzbar(image)]  # zbar gives "12+A+B"; expanded


def test_full_ascii_expansion() -> None:
    assert expand_code39_full_ascii("12+A+B") == "12ab"
    assert expand_code39_full_ascii("E+X+T+E+N+D+E+D /A%J/J/C") == "Extended !?*#"
    assert expand_code39_full_ascii("REV/TSL-05/1987/0042") is None  # "/T", "/1": standard Code39
    assert expand_code39_full_ascii("PLAIN-123") is None
    assert code39_raw_form("12ab") == "12+A+B"
    assert code39_raw_form("Extended !?*#") == "E+X+T+E+N+D+E+D /A%J/J/C"
    assert code39_raw_form("REV-05") is None


# Generated covers: (symbology, dpi, angle, blur mm, noise, faded label, JPEG quality)
COVERS = [
    ("code128", 200, 8.5, 0.05, 8.0, False, 75),
    ("code128", 150, -6.0, 0.1, 14.0, True, 75),
    ("code39", 300, -9.5, 0.0, 4.0, False, 90),
    ("code39", 150, 6.3, 0.15, 0.0, False, 75),  # narrow bars blurred together: the bar profile reads it
    ("qrcode", 300, 7.0, 0.1, 14.0, True, 0),
    ("datamatrix", 200, -4.0, 0.05, 8.0, False, 90),
]


@pytest.mark.parametrize("symbology, dpi, angle, blur, noise, faded, jpeg", COVERS)
def test_skewed_noisy_covers(symbology: str, dpi: int, angle: float, blur: float, noise: float, faded: bool, jpeg: int) -> None:
    value = "REV/TSL-05/1987/0042"
    page = make_cover_page(value, Condition(symbology, dpi, angle, blur, noise, faded, jpeg, distractor=True), seed=3)
    barcodes = read_barcodes(page)
    assert sorted(b.value for b in barcodes) == sorted([value, "004518870023"])
    label = next(b for b in barcodes if b.value == value)
    assert label.symbology == symbology
    left, top, width, height = label.box
    assert 0 <= left and 0 <= top and left + width <= page.shape[1] + 2 and top + height <= page.shape[0] + 2 and width > 0 and height > 0


def test_short_code39_read_of_a_tilted_label_is_not_reported() -> None:
    # Both decoders alone read the tail "7/2005/5805" of this label on the full page: a scan line
    # entering the tilted code through its edge. The default checks every Code39 reading.
    value = "LND/CRT-07/2005/5805"
    page = make_cover_page(value, Condition("code39", 300, -5.69, 0.0, 0.0, False, 75, False), seed=34)
    assert [b.value for b in read_barcodes(page)] == [value]


def test_every_code_on_a_page_once_top_to_bottom_with_its_position() -> None:
    dpi, px_per_mm = 200, 200 / 25.4
    page = np.full((int(297 * px_per_mm), int(210 * px_per_mm)), 240, np.uint8)
    placed = {"DAFTAR-SEPARATOR": (150, 120, "code128"), "REV/TSL-05/1987/0042": (200, 900, "code39"), "GAD/MUT-01/2001/0007": (300, 1500, "qrcode")}
    for value, (left, top, symbology) in placed.items():
        label = make_label(value, symbology, dpi, random.Random(1))
        page[top : top + label.shape[0], left : left + label.shape[1]] = (240 - label * 220).astype(np.uint8)
    barcodes = read_barcodes(page)
    assert [b.value for b in barcodes] == list(placed)  # each once, in reading order
    for barcode in barcodes:
        left, top, _ = placed[barcode.value]
        assert abs(barcode.box[0] - left) < 60 and abs(barcode.box[1] - top) < 60, barcode
        assert barcode.symbology == placed[barcode.value][2]
        assert barcode.decoder in ("zxing-cpp", "pyzbar")


def test_text_page_without_barcodes_gives_nothing() -> None:
    for seed, noise in enumerate([0.0, 14.0]):
        page = make_cover_page(None, Condition("code128", 300, 3.0, 0.05, noise, False, 90, False), seed=seed)
        assert read_barcodes(page) == []


def test_colour_input_is_read_as_grey() -> None:
    page = make_cover_page("REV/TSL-05/1987/0042", Condition("code128", 150, 2.0, 0.0, 0.0, False, 0, False), seed=1)
    assert [b.value for b in read_barcodes(cv2.cvtColor(page, cv2.COLOR_GRAY2BGR))] == ["REV/TSL-05/1987/0042"]


def test_describe_barcodes_page_by_page(tmp_path: Path) -> None:
    values = ["REV/TSL-05/1987/0042", None, "DAFTAR-SEPARATOR"]
    symbologies = ["code128", "code128", "qrcode"]
    pages = [make_cover_page(value, Condition(symbology, 150, 3.0, 0.0, 0.0, False, 0, False), seed=index) for index, (value, symbology) in enumerate(zip(values, symbologies))]
    tiff, pdf, broken = tmp_path / "stack.tif", tmp_path / "stack.pdf", tmp_path / "broken.pdf"
    frames = [Image.fromarray(page) for page in pages]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(150, 150))
    frames[0].save(pdf, save_all=True, append_images=frames[1:], resolution=150)
    broken.write_bytes(b"%PDF-1.4\n%%EOF\n")

    described = describe_barcodes([tiff, pdf, broken], dpi=150)
    for entry, path in zip(described[:2], (tiff, pdf)):
        assert entry["path"] == str(path)
        assert [page["page"] for page in entry["pages"]] == [1, 2, 3]
        assert [[b["value"] for b in page["barcodes"]] for page in entry["pages"]] == [[values[0]], [], [values[2]]]
        flat = entry["barcodes"]
        assert [(b["value"], b["symbology"], b["page"]) for b in flat] == [(values[0], "code128", 1), (values[2], "qrcode", 3)]
        assert all(len(b["box"]) == 4 and b["decoder"] in ("zxing-cpp", "pyzbar") for b in flat)
    assert described[2]["barcodes"] == [] and described[2]["error"]
