"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against the app
served by uvicorn on loopback. Log in, search in English and in Urdu, open the hit's page and the
PDF, look a file up by its number, follow a link from e-Office."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from store.eoffice import import_eoffice_export
from tests.web_fixtures import PASSWORD, WebArchive
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a free port, as `daftar serve` would; its base URL."""
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def server(web_archive: WebArchive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn in a thread, as `daftar serve` would, with an e-Office export imported."""
    export = tmp_path_factory.mktemp("eoffice") / "export.csv"
    export.write_text("efile_number,subject,date,legacy_file_numbers\n"
                      "GAD-22011/15/2022-GAD,Mutation appeal of Ghulam Rasool Dar,2022-03-14,rev/tsl-05/1987/42\n",
                      encoding="utf-8")
    import_eoffice_export(export, web_archive.home, web_archive.settings)
    with served(create_app(web_archive.home, web_archive.settings)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str):
    context = browser.new_context(base_url=server, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page, name: str = "bashir") -> None:
    page.goto("/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def search(page, words: str) -> None:
    box = page.locator("input[name=q]")
    box.fill(words)
    box.press("Enter")
    page.wait_for_load_state()


def image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_log_in_search_english_open_the_page_and_the_pdf(page, server: str) -> None:
    log_in(page)
    search(page, "Ghulam Rasool")
    hit = page.locator("li.hit").first
    assert hit.locator("a.number").inner_text() == "REV/TSL-05/1987/0042"
    assert hit.locator("mark").first.inner_text() == "Ghulam"
    assert hit.locator(".snippet").first.evaluate("el => getComputedStyle(el).direction") == "ltr"

    # the hit's page: its image and its text
    hit.get_by_role("link", name="Page 2").click()
    page.wait_for_url("**/records/REV_TSL-05_1987_0042/pages/2?q=*")
    page.wait_for_load_state("networkidle")
    assert image_loaded(page, "img.page-image")
    assert "son of Ghulam Rasool" in page.locator(".ocr-text").inner_text()

    # the record file, its thumbnails, and its PDF
    page.get_by_role("link", name="‹ REV/TSL-05/1987/0042").click()
    page.wait_for_url("**/files/REV/TSL-05/1987/0042")
    page.wait_for_load_state("networkidle")
    assert page.locator("ol.thumbs img").count() == 3
    assert image_loaded(page, "ol.thumbs li:first-child img")
    with page.expect_download() as saving:
        page.get_by_role("link", name="Download PDF").click()
    download = saving.value
    assert download.suggested_filename == "REV_TSL-05_1987_0042.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    # "Open PDF" opens it in a new tab (headless Chromium hands a PDF over as a download)
    with page.context.expect_page() as opening:
        page.get_by_role("link", name="Open PDF").click()
    pdf_tab = opening.value
    pdf_tab.wait_for_load_state()
    response = page.context.request.get(f"{server}/records/REV_TSL-05_1987_0042/pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF-")


def test_search_in_urdu_shows_the_snippet_right_to_left(page) -> None:
    log_in(page)
    search(page, "غلام رسول")
    hit = page.locator("li.hit").first
    assert hit.locator("a.number").inner_text() == "REV/TSL-05/1987/0042"
    snippet = hit.locator("li", has=page.get_by_role("link", name="Page 3")).locator(".snippet")
    assert snippet.locator("mark").first.inner_text() == "غلام"
    assert snippet.evaluate("el => getComputedStyle(el).direction") == "rtl"
    hit.get_by_role("link", name="Page 3").click()
    page.wait_for_url("**/records/REV_TSL-05_1987_0042/pages/3?q=*")
    assert page.locator(".ocr-text").evaluate("el => getComputedStyle(el).direction") == "rtl"


def test_a_file_number_typed_or_scanned_opens_the_file(page) -> None:
    log_in(page)
    search(page, "rev/tsl-05/1987/42")  # as a barcode scanner would type it, ending with Enter
    page.wait_for_url("**/files/REV/TSL-05/1987/0042")
    assert page.locator("h1.number").inner_text().startswith("REV/TSL-05/1987/0042")


def test_a_link_from_eoffice_opens_the_file_after_log_in(page) -> None:
    # e-Office links by the number as its clerk typed it; the reader is not logged in yet
    page.goto("/files/rev-tsl-05-1987-42")
    assert "/login" in page.url
    page.fill("input[name=name]", "bashir")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/files/REV/TSL-05/1987/0042")
    # the file names the e-file that cites it, and the e-file links back
    page.get_by_role("link", name="GAD-22011/15/2022-GAD").click()
    page.wait_for_url("**/eoffice/GAD-22011/15/2022-GAD")
    assert "Mutation appeal of Ghulam Rasool Dar" in page.content()
    page.get_by_role("link", name="REV/TSL-05/1987/0042").click()
    page.wait_for_url("**/files/REV/TSL-05/1987/0042")


def test_pages_fit_a_phone_screen(browser, server: str) -> None:
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    try:
        log_in(phone)
        search(phone, "Waghama")
        for url in (phone.url, "/files/REV/TSL-05/1987/0042", "/records/REV_TSL-05_1987_0042/pages/2"):
            phone.goto(url)
            phone.wait_for_load_state("networkidle")
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{url} scrolls sideways by {overflow}px on a phone"
    finally:
        context.close()
