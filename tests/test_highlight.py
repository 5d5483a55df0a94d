"""Found on the page: the words a search matched, boxed on the page image from the page's ALTO
(scaled to percent of the page) and marked in its text, matched by the search's own analysis
(folded, stemmed, close matches); the page view with them, its zoom steps, and the search results'
thumbnails and links that carry the query."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web_fixtures import MARKUP_FILE, MUTATION, file_id, log_in
from web.highlight import AltoPage, AltoWord, found_on_page, marked_text, page_matcher, read_alto, word_boxes

ALTO_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout>
<Page WIDTH="2000" HEIGHT="1000" PHYSICAL_IMG_NR="1" ID="page_0"><PrintSpace><TextBlock><TextLine>
{strings}
</TextLine></TextBlock></PrintSpace></Page></Layout></alto>"""

# (word as OCR read it, HPOS, VPOS, WIDTH, HEIGHT) in the OCR image's pixels
WORDS = [("Mutations,", 200, 100, 400, 50), ("of", 620, 100, 40, 50), ("ज़िला", 700, 100, 200, 60),
         ("ورثاء", 1500, 300, 300, 80), ("KASHMIR", 100, 500, 500, 50), ("village", 700, 500, 300, 50),
         ("Mutation", 1900, 950, 200, 100)]  # the last one runs past the page's edge
TEXT = " ".join(word for word, *_ in WORDS)


def alto_file(path: Path, page_words=WORDS) -> Path:
    strings = "\n".join(f'<String HPOS="{x}" VPOS="{y}" WIDTH="{w}" HEIGHT="{h}" CONTENT="{word}"/>'
                        for word, x, y, w, h in page_words)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ALTO_PAGE.format(strings=strings), encoding="utf-8")
    return path


def boxes_for(query: str, tmp_path: Path) -> dict[str, tuple[float, float, float, float]]:
    page = read_alto(alto_file(tmp_path / "page.xml"))
    assert page is not None
    return {box.word: (box.left, box.top, box.width, box.height) for box in word_boxes(page, page_matcher(query, TEXT))}


def test_a_stemmed_match_is_boxed_in_percent_of_the_page(tmp_path: Path) -> None:
    # GIVEN a page with "Mutations," at x 200-600, y 100-150 of a 2000 x 1000 image
    # WHEN the search was "mutation" (stemmed, punctuation aside)
    boxes = boxes_for("mutation", tmp_path)
    # THEN both spellings are boxed, scaled to percent of the page, and the one past the edge stays on it
    assert boxes == {"Mutations,": (10.0, 10.0, 20.0, 5.0), "Mutation": (95.0, 95.0, 5.0, 5.0)}


def test_folded_hindi_and_urdu_words_are_boxed(tmp_path: Path) -> None:
    # GIVEN the page has ज़िला (with nukta) and ورثاء (with hamza); the keeper typed them without
    boxes = boxes_for("जिला ورثا", tmp_path)
    # THEN those words, and no other, are boxed where the ALTO has them
    assert boxes == {"ज़िला": (35.0, 10.0, 10.0, 6.0), "ورثاء": (75.0, 30.0, 15.0, 8.0)}


def test_a_word_the_page_does_not_have_is_matched_as_search_matched_it_closely(tmp_path: Path) -> None:
    # GIVEN "kashmr" (a letter missing) is on no page; the page has KASHMIR
    boxes = boxes_for("kashmr", tmp_path)
    # THEN KASHMIR is boxed, as search showed it as a close match; an unrelated word is not
    assert list(boxes) == ["KASHMIR"]
    assert boxes_for("village", tmp_path).keys() == {"village"}
    assert boxes_for("khasra", tmp_path) == {}


def test_the_text_is_marked_in_the_pages_own_words() -> None:
    matches = page_matcher("mutation", "Mutations of the land")
    assert marked_text("Mutations of the land", matches) == (("Mutations", True), (" of the land", False))
    assert marked_text("plain", None) == (("plain", False),)


def test_a_missing_or_broken_alto_gives_no_positions(tmp_path: Path) -> None:
    broken = tmp_path / "alto" / "page-0001.xml"
    broken.parent.mkdir()
    broken.write_text("<alto><Layout><Page WIDTH='x'", encoding="utf-8")
    assert read_alto(broken) is None
    assert read_alto(tmp_path / "none.xml") is None
    found = found_on_page(tmp_path, 1, "Mutation order", "mutation")
    assert not found.has_positions and found.boxes == () and found.text[0] == ("Mutation", True)
    # a page whose ALTO says nothing of its size cannot be scaled either
    assert word_boxes(AltoPage(2000, 1000, (AltoWord("Mutation", 0, 0, 0, 10),)), page_matcher("mutation", "")) == ()


# the page view and the search results, over a real night's archive ------------------------------


@pytest.fixture
def keeper(app_client: TestClient) -> TestClient:
    log_in(app_client, "bashir")
    return app_client


def test_the_page_view_boxes_the_searched_words_from_the_nights_alto(keeper: TestClient) -> None:
    # GIVEN the night's record file, its page 2 OCRed with ALTO
    html = keeper.get(f"/records/{file_id(MUTATION)}/pages/2", params={"q": "mutations"}).text
    # THEN "Mutation" and "mutation" are boxed on the image and marked in the text
    rects = re.findall(r'<rect(?: id="found")? x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>(\w+)</title>', html)
    assert sorted(word.lower() for *_, word in rects) == ["mutation", "mutation"]
    assert all(0 <= float(x) < 100 and 0 < float(w) < 30 for x, _, w, _, _ in rects)
    assert "<mark>Mutation</mark> No. 1187" in html and "2 words of your search are marked on the page." in html
    # AND the zoom steps keep the search
    assert f'href="/records/{file_id(MUTATION)}/pages/2?q=mutations&amp;zoom=150#found">Zoom in' in html
    zoomed = keeper.get(f"/records/{file_id(MUTATION)}/pages/2", params={"q": "mutations", "zoom": "150"}).text
    assert 'class="page-frame zoom-150"' in zoomed and "Zoom out" in zoomed
    assert 'class="page-frame zoom-100"' in keeper.get(f"/records/{file_id(MUTATION)}/pages/2?zoom=999").text


def test_a_page_without_alto_shows_without_boxes_its_text_marked_and_escaped(keeper: TestClient) -> None:
    # GIVEN a file archived without ALTO whose OCR text reads like markup
    html = keeper.get(f"/records/{file_id(MARKUP_FILE)}/pages/1", params={"q": "jamabandi"}).text
    assert "<svg" not in html and "This page has no word positions" in html
    assert "<mark>Jamabandi</mark> &lt;script&gt;" in html and "<script>alert" not in html


def test_search_results_show_a_thumbnail_and_link_the_page_with_the_query(keeper: TestClient) -> None:
    html = keeper.get("/search", params={"q": "Waghama"}).text
    mutation = file_id(MUTATION)
    assert f'<img src="/records/{mutation}/images/thumb/' in html
    assert f'<a href="/records/{mutation}/pages/2?q=Waghama">Page 2</a>' in html
    thumb = re.search(rf'<img src="(/records/{mutation}/images/thumb/\d+)"', html).group(1)
    image = keeper.get(thumb)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
