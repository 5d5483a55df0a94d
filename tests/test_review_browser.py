"""The morning after in a real browser (Debian's Chromium driven by Playwright, the app served by
uvicorn): a scanner opens the review queue from the navigation, corrects a misread number with the
form and clears a flag; search, the permanent address, the old address and the history then say so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.config import Settings
from tests.test_corrections import RIGHT, WRONG, review_home
from tests.test_search_browser import CHROMIUM, browser, served, search  # noqa: F401 (browser: a fixture)
from tests.web_fixtures import browser_tab, log_in_tab
from web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = review_home(tmp_path_factory.mktemp("review"))
    with served(create_app(home, Settings.load())) as url:
        yield url


@pytest.fixture
def page(browser, server: str):  # noqa: F811 (the browser fixture)
    with browser_tab(browser, server) as tab:
        yield tab


def test_a_scanner_reviews_corrects_and_clears_a_flag_in_the_browser(page) -> None:
    log_in_tab(page, "samina")
    # the queue, from the navigation
    page.click("header nav >> text=Review")
    page.click("text=anantnag/bijbehara")
    item = page.locator("li.review-item", has_text=WRONG)
    image = item.locator("img")
    image.scroll_into_view_if_needed()
    image.element_handle().wait_for_element_state("visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    item.locator("text=Correct").click()
    # the correction
    page.fill("input[name=file_number]", RIGHT)
    page.fill("#correct input[name=reason]", "the cover label reads 0078")
    page.click("#correct button[type=submit]")
    page.wait_for_url(f"**/files/{RIGHT}")
    assert "the cover label reads 0078" in page.locator("section.history").inner_text()
    # the old address leads to it; search finds it by its new number and words
    page.goto(f"/files/{WRONG}")
    assert page.url.endswith(f"/files/{RIGHT}")
    page.goto("/")
    search(page, "khasra 245")
    assert RIGHT in page.locator("li.hit").first.inner_text()
    # a flag cleared with its reason
    page.goto(f"/records/{WRONG.replace('/', '_')}/correct")
    form = page.locator("form.flag-clear", has_text="low OCR confidence")
    form.locator("input[name=reason]").fill("page 2 read by eye")
    form.locator("button").click()
    page.wait_for_load_state()
    assert page.locator("form.flag-clear").count() == 0
    assert "page 2 read by eye" in page.locator("section.history").inner_text()
