"""An Urdu user in a real browser (Debian's Chromium driven by Playwright, the app served by
uvicorn): the log-in page in the browser's language, the user's own Urdu after log-in, the whole
interface laid out right to left, while file numbers keep reading left to right."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.config import Settings
from tests.test_search_browser import CHROMIUM, browser, served  # noqa: F401 (browser: a fixture)
from tests.web_fixtures import MUTATION, PASSWORD, archive_record, record_file
from store.users import add_user
from web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home: Path = tmp_path_factory.mktemp("urdu") / "home"
    settings = Settings.load()
    archive_record(home, settings, record_file(MUTATION, "bijbehara", "mutation", 1987, "انتقال اراضی موضع اروانی",
                                               ["Mutation order of village Arwani"]))
    add_user(home, "farooq", "keeper", ["anantnag/bijbehara"], [], PASSWORD, settings, language="ur")
    with served(create_app(home, settings)) as url:
        yield url


@pytest.fixture
def page(browser, server: str):  # noqa: F811 (the browser fixture)
    context = browser.new_context(base_url=server, locale="en-US")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def test_an_urdu_user_sees_the_interface_right_to_left(page) -> None:
    # an English browser: the log-in page in English, left to right
    page.goto("/login")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.locator("main h1").inner_text() == "Log in"
    page.fill("input[name=name]", "farooq")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    # farooq's own language: Urdu, the page right to left, the navigation in Urdu
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ur", "rtl"]
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    nav = page.locator("header nav")
    assert "تلاش" in nav.inner_text() and "لاگ آؤٹ" in nav.inner_text()
    # right to left for real: the search button sits left of the search box
    box, button = page.locator("input[name=q]").bounding_box(), page.locator("main form button").bounding_box()
    assert button["x"] + button["width"] <= box["x"] + 1
    # the record page: Urdu labels, the file number read left to right, the record's title as it is
    page.fill("input[name=q]", MUTATION)
    page.click("main form button")
    page.wait_for_url(f"**/files/{MUTATION}")
    assert page.locator("h1.number").inner_text().startswith(MUTATION)
    assert page.evaluate("getComputedStyle(document.querySelector('dl.metadata')).direction") == "rtl"
    assert "انتقال اراضی موضع اروانی" in page.locator("p.title").inner_text()
    assert "صفحات" in page.locator("article.record").inner_text()
    # a switch to English at the foot of the page is farooq's from now on
    page.click("footer button[value=en]")
    page.wait_for_url(f"**/files/{MUTATION}")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["en", "ltr"]
    page.reload()
    assert page.evaluate("document.documentElement.lang") == "en"
