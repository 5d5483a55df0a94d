"""Found on the page, in a real browser (Debian's headless Chromium through Playwright, against the
app on loopback over a real night's archive): a search shows each file's page thumbnail; its page
opens with the matched words boxed where the night's ALTO has them, over the word's ink on the
image as the browser draws it, in English (stemmed) and Urdu (folded), and still after zooming in."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from indexers.analysis import term
from tests.test_search_browser import CHROMIUM, browser, image_loaded, log_in, page, search, server  # noqa: F401 (browser, page, server: fixtures)
from tests.web_fixtures import MUTATION, WebArchive, file_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]

MUTATION_ID = file_id(MUTATION)
INK = 110  # grey level under which a screenshot pixel is ink (under the box's tint too)


def alto_boxes(home: Path, page_number: int, word_term: str) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) as fractions of the page of the ALTO words with this term."""
    alto = next(home.glob(f"archive/*/*/{MUTATION_ID}/alto/page-{page_number:04d}.xml"))
    tree = etree.parse(str(alto))
    size = next(tree.iter("{*}Page"))
    width, height = float(size.get("WIDTH")), float(size.get("HEIGHT"))
    return [(float(s.get("HPOS")) / width, float(s.get("VPOS")) / height,
             float(s.get("WIDTH")) / width, float(s.get("HEIGHT")) / height)
            for s in tree.iter("{*}String") if term(s.get("CONTENT").strip(".,:;()")) == word_term]


def shown_boxes(tab) -> list[tuple[float, float, float, float]]:
    """The boxes as the browser laid them out, as fractions of the page image."""
    return tab.evaluate("""() => {
        const image = document.querySelector('img.page-image').getBoundingClientRect();
        return [...document.querySelectorAll('svg.found-words rect')].map(rect => {
            const box = rect.getBoundingClientRect();
            return [(box.left - image.left) / image.width, (box.top - image.top) / image.height,
                    box.width / image.width, box.height / image.height];
        });
    }""")


def dark_share(image) -> float:
    counts = image.convert("L").histogram()
    return sum(counts[:INK]) / sum(counts)


def ink_under_first_box(tab) -> float:
    """The share of ink pixels in a screenshot of the first box, as the reader sees it."""
    box = tab.locator("svg.found-words rect").first
    box.scroll_into_view_if_needed()
    return dark_share(Image.open(BytesIO(box.screenshot())))


def ink_of_the_page(tab) -> float:
    """The share of ink pixels on the whole page image the browser shows."""
    source = tab.locator("img.page-image").get_attribute("src")
    return dark_share(Image.open(BytesIO(tab.context.request.get(source).body())))


def open_page_of_hit(tab, link_name: str, page_number: int, query_string: str) -> None:
    hit = tab.locator("li.hit", has=tab.locator("a.number", has_text=MUTATION))
    tab.wait_for_load_state("networkidle")
    assert image_loaded(tab, f"li.hit .hit-thumb img[src^='/records/{MUTATION_ID}/images/thumb/']")
    hit.get_by_role("link", name=link_name).click()
    tab.wait_for_url(f"**/records/{MUTATION_ID}/pages/{page_number}?{query_string}")
    tab.wait_for_load_state("networkidle")
    assert image_loaded(tab, "img.page-image")


def assert_boxes_lie_over(tab, expected: list[tuple[float, float, float, float]]) -> None:
    shown = shown_boxes(tab)
    assert len(shown) == len(expected) > 0
    for box, want in zip(sorted(shown), sorted(expected)):
        assert all(abs(a - b) < 0.004 for a, b in zip(box, want)), (box, want)
    # over the word's ink: far more of it than the page has on average (mostly paper)
    under_box = ink_under_first_box(tab)
    assert under_box > 0.08 and under_box > 3 * ink_of_the_page(tab)


def test_a_search_shows_thumbnails_and_the_page_boxes_the_stemmed_word(page, web_archive: WebArchive) -> None:
    # GIVEN a keeper searching "mutations": the pages say "Mutation"
    log_in(page)
    search(page, "mutations")
    # WHEN they open the file's page 2 from its hit (a thumbnail beside it)
    open_page_of_hit(page, "Page 2", 2, "q=mutations")
    # THEN both "Mutation"s are boxed where the night's ALTO has them, over their ink
    assert page.locator("svg.found-words rect").count() == 2
    assert_boxes_lie_over(page, alto_boxes(web_archive.home, 2, "mutat"))
    assert page.locator(".ocr-text mark").first.inner_text() == "Mutation"

    # AND zoomed in, the image is wider than its column and the boxes still lie over the words
    column = page.locator(".page-scroll").bounding_box()["width"]
    page.get_by_role("link", name="Zoom in").click()
    page.wait_for_url("**/pages/2?q=mutations&zoom=150#found")
    page.wait_for_load_state("networkidle")
    assert page.locator(".page-frame").bounding_box()["width"] > 1.4 * column
    assert_boxes_lie_over(page, alto_boxes(web_archive.home, 2, "mutat"))


def test_an_urdu_search_boxes_the_folded_word_on_the_urdu_page(page, web_archive: WebArchive) -> None:
    # GIVEN a keeper typing بيع with an Arabic yeh; the page's OCR has بیع (Farsi yeh)
    log_in(page)
    search(page, "بيع نامہ")
    open_page_of_hit(page, "Page 3", 3, "q=%D8%A8%D9%8A%D8%B9+%D9%86%D8%A7%D9%85%DB%81")
    # THEN both words are boxed where the ALTO has them, over their ink
    expected = alto_boxes(web_archive.home, 3, term("بيع")) + alto_boxes(web_archive.home, 3, term("نامہ"))
    assert_boxes_lie_over(page, expected)
