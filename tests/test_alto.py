"""A page's ALTO: written by the Tesseract run that reads the page, its words those of the
page's text, its spaces between their words on Urdu lines too, naming the scan the page came
from, and valid against the official ALTO schema."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from pipeline.alto import describe_source
from pipeline.ocr import ocr_page
from tests.test_text_layer import HINDI_LINES, URDU_LINES, page_image, words
from tests.xml_schemas import alto_errors

ALTO = "{http://www.loc.gov/standards/alto/ns-v3#}"


def alto_words(alto: Path) -> list[str]:
    return [string.get("CONTENT") for string in etree.parse(str(alto)).iter(f"{ALTO}String")]


def test_the_ocr_run_writes_the_pages_alto_with_its_words(tmp_path: Path):
    # GIVEN a Hindi page WHEN it is OCRed
    image = page_image(tmp_path / "page.png", HINDI_LINES, "NotoSerifDevanagari-Regular.ttf", "hi", "ltr")
    ocr = ocr_page(image, ("hin", "eng"), 3, 300, 120)
    # THEN the same run left its ALTO, in pixels, with the words of the page's text
    assert ocr.alto is not None and ocr.alto.is_file()
    tree = etree.parse(str(ocr.alto))
    assert tree.findtext(f".//{ALTO}MeasurementUnit") == "pixel"
    assert alto_words(ocr.alto) == words(ocr.text)


def test_spaces_on_an_urdu_line_lie_between_their_words(tmp_path: Path):
    # GIVEN an OCRed Urdu page (Tesseract 5.3 writes its spaces with negative widths)
    image = page_image(tmp_path / "page.png", URDU_LINES, "NotoNaskhArabic-Regular.ttf", "ur", "rtl")
    ocr = ocr_page(image, ("urd", "eng"), 6, 300, 120)
    spaces = list(etree.parse(str(ocr.alto)).iter(f"{ALTO}SP"))
    assert len(spaces) >= 10
    # THEN every space has a width of zero or more and lies in the gap between the words beside it
    for space in spaces:
        left, right = sorted((space.getprevious(), space.getnext()), key=lambda word: float(word.get("HPOS")))
        start, width = float(space.get("HPOS")), float(space.get("WIDTH"))
        assert width >= 0
        assert start == float(left.get("HPOS")) + float(left.get("WIDTH"))
        assert start + width == max(float(right.get("HPOS")), start)


def test_alto_names_the_scan_and_page_it_came_from_and_validates(tmp_path: Path):
    # GIVEN an OCRed page, the second page of a multi-page TIFF
    image = page_image(tmp_path / "page.png", HINDI_LINES, "NotoSerifDevanagari-Regular.ttf", "hi", "ltr")
    ocr = ocr_page(image, ("hin", "eng"), 3, 300, 120)
    # WHEN its source is named
    describe_source(ocr.alto, "scan_0001.tif", 2)
    tree = etree.parse(str(ocr.alto))
    # THEN its ALTO names that scan and page, not the temporary image Tesseract read
    assert tree.findtext(f".//{ALTO}fileName") == "scan_0001.tif"
    assert tree.find(f".//{ALTO}Page").get("PHYSICAL_IMG_NR") == "2"
    assert str(tmp_path) not in ocr.alto.read_text(encoding="utf-8")
    # AND it is valid against the official ALTO schema it declares
    assert alto_errors(ocr.alto) == []
