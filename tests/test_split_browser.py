"""Split and join in a real browser (Debian's Chromium driven by Playwright, the app served by
uvicorn): a scanner splits a run-together file at the second file's cover and joins two halves an
extra separator sheet cut apart; search, the permanent addresses and the history then say so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.config import Settings
from tests.test_search_browser import CHROMIUM, browser, served, search  # noqa: F401 (browser: a fixture)
from tests.test_split_join import FIRST_HALF, LABEL, RUN_TOGETHER, SECOND_HALF, split_join_home
from tests.web_fixtures import browser_tab, log_in_tab
from web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = split_join_home(tmp_path_factory.mktemp("split"))
    with served(create_app(home, Settings.load())) as url:
        yield url


@pytest.fixture
def page(browser, server: str):  # noqa: F811 (the browser fixture)
    with browser_tab(browser, server) as tab:
        log_in_tab(tab, "samina")
        yield tab


def test_a_scanner_splits_a_run_together_file_in_the_browser(page) -> None:
    page.goto(f"/files/{RUN_TOGETHER}")
    page.click("p.actions >> text=Split")
    page.check("#split input[name=page][value='3']")
    page.fill("#split input[name=reason]", "no separator sheet before 0043")
    page.click("#split button[type=submit]")
    page.wait_for_url(f"**/files/{LABEL}")
    assert "pages 3-4 of " + RUN_TOGETHER in page.locator("section.history").inner_text()
    page.goto("/")
    search(page, "jamabandi Arwani")
    assert LABEL in page.locator("li.hit").first.inner_text()
    page.goto(f"/files/{RUN_TOGETHER}")
    assert "Pages\n2" in page.locator("dl.metadata").inner_text()


def test_a_scanner_joins_two_halves_in_the_browser(page) -> None:
    page.goto(f"/files/{FIRST_HALF}")
    page.click("p.actions >> text=Join")
    page.select_option("#join select[name=second]", label=page.locator("#join option", has_text=SECOND_HALF).inner_text())
    page.fill("#join input[name=reason]", "extra separator sheet")
    page.click("#join button[type=submit]")
    page.wait_for_url(f"**/files/{FIRST_HALF}")
    assert "extra separator sheet" in page.locator("section.history").inner_text()
    page.goto(f"/files/{SECOND_HALF}")
    assert page.url.endswith(f"/files/{FIRST_HALF}")
    page.goto("/")
    search(page, "judgment Ghulam")
    assert FIRST_HALF in page.locator("li.hit").first.inner_text()
