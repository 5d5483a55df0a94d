"""The progress dashboard in a real browser: Debian's headless Chromium, driven by Playwright,
against a running server over a catalog built by real nightly runs.

The numbers on the page must be the catalog's figures; the page must fit a phone and print on one
page. A screenshot for review is written to test-artifacts/dashboard.png.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from store.catalog import Catalog
from domain.config import Settings
from pipeline.progress import DistrictProgress, district_progress, flagged_files, progress_csv
from tests.test_progress import SAMPLE_INBOX, build_nights_once

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
if not SAMPLE_INBOX.is_dir():
    pytest.skip("sample_scans/inbox not generated", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no server at {url}")


def has_serve_command() -> bool:
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "serve", "--help"], capture_output=True, cwd=ROOT)
    return result.returncode == 0


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """Three real nights of the sample scans (see tests/test_progress.py), shared with its tests."""
    return build_nights_once(tmp_path_factory)[0]


DC_NAME, DC_PASSWORD = "dc-anantnag", "chinar-leaves-2026"


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    """`daftar serve` when the CLI has it, with a Deputy Commissioner of the district as its user;
    else the dashboard router on a bare app under uvicorn."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if has_serve_command():
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DAFTAR_PASSWORD": DC_PASSWORD}
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "user", "add", DC_NAME, "--role", "dc", "--district", "anantnag",
                        "--home", str(home)], cwd=ROOT, env=env, check=True, capture_output=True)
        process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", "--home", str(home), "--port", str(port)],
                                   cwd=ROOT, env=env)
        try:
            wait_until_serving(base + "/progress")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
        return
    import uvicorn
    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from web.app import STATIC
    from web.progress import router

    app = FastAPI()
    app.state.home, app.state.settings = home, Settings.load()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")  # the dashboard's stylesheet
    app.include_router(router)
    uvicorn_server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    try:
        wait_until_serving(base + "/progress")
        yield base
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser(chromium, server):
    """A browser session of the district's Deputy Commissioner (logged in where the app has log-in)."""
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    if page.goto(server + "/login?next=/progress").status == 200:
        page.fill('input[name="name"]', DC_NAME)
        page.fill('input[name="password"]', DC_PASSWORD)
        page.click('button[type="submit"]')
        assert page.url.endswith("/progress"), page.url
    page.close()
    yield context
    context.close()


def figures(home: Path) -> DistrictProgress:
    # The server reads the figures as of its own today; so do we.
    catalog = Catalog.open(home)
    try:
        [district] = district_progress(catalog, Settings.load(), dt.date.today(), "anantnag")
        return district
    finally:
        catalog.close()


def shown_int(text: str) -> int:
    return int(text.strip().replace(",", ""))


def test_dashboard_shows_the_catalog_figures(server, home, browser):
    # GIVEN a catalog built by three real nights WHEN the district page is opened
    expected = figures(home)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/progress/anantnag")
    # THEN each tehsil row shows its figures
    for tehsil in expected.tehsils:
        row = page.locator(f'tr[data-tehsil="{tehsil.tehsil}"]')
        for name in ("files_done", "target_files", "pages_done", "quarantined", "flagged", "waiting"):
            assert shown_int(row.locator(f'[data-field="{name}"]').inner_text()) == getattr(tehsil, name), (tehsil.tehsil, name)
        assert row.locator('[data-field="pace_files_per_day"]').inner_text() == f"{tehsil.pace_files_per_day:.1f}"
        assert row.locator('[data-field="projected_completion"]').get_attribute("data-value") == (
            tehsil.projected_completion.isoformat() if tehsil.projected_completion else "")
        assert row.locator('[data-field="deadline"]').get_attribute("data-value") == tehsil.deadline.isoformat()
        # the status is written out, not only coloured
        assert row.locator('[data-field="status"]').inner_text().strip().endswith(tehsil.status.label)
    # AND the total row is the district's, which is the sum of the rows above it
    total = page.locator('tr[data-total="anantnag"]')
    for name in ("files_done", "pages_done", "quarantined", "flagged", "waiting"):
        assert shown_int(total.locator(f'[data-field="{name}"]').inner_text()) == getattr(expected, name), name
    assert expected.files_done > 0 and expected.quarantined > 0
    # AND the chart has a bar a day, as many pages as the nights, and the required line
    chart = page.locator('svg[data-chart="anantnag"]')
    bars = chart.locator("rect[data-pages]")
    shown_pages = {bars.nth(i).get_attribute("data-day"): int(bars.nth(i).get_attribute("data-pages")) for i in range(bars.count())}
    assert {day: pages for day, pages in shown_pages.items() if pages} == {
        night.date.isoformat(): night.pages for night in expected.nights if night.pages}
    assert chart.locator("line.required").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.close()


def test_flagged_files_link_to_their_record_files(server, home, browser):
    catalog = Catalog.open(home)
    try:
        flagged = {t: flagged_files(catalog, "anantnag", t)[0] for t in ("bijbehara", "kokernag")}
    finally:
        catalog.close()
    page = browser.new_page()
    page.goto(server + "/progress/anantnag")
    for tehsil, files in flagged.items():
        assert files, f"the nights left no flagged file in {tehsil}: nothing to link"
        links = page.locator(f'[data-detail="{tehsil}"] .file-list a')
        assert links.count() == len(files)
        for n, file in enumerate(files):
            assert links.nth(n).inner_text() == file.file_number
            assert httpx.URL(server + links.nth(n).get_attribute("href")).path == "/files/" + file.file_number
    page.close()


def test_overview_and_csv_agree_with_the_catalog(server, home, browser):
    expected = figures(home)
    page = browser.new_page()
    page.goto(server + "/progress")
    summary = page.locator('[data-summary="anantnag"]')
    assert shown_int(summary.locator('[data-field="files_done"]').inner_text()) == expected.files_done
    assert shown_int(summary.locator('[data-field="target_files"]').inner_text()) == expected.target_files
    with page.expect_download() as download:
        page.locator("a[download]").click()
    assert Path(download.value.path()).read_text(encoding="utf-8") == progress_csv([expected])
    page.close()


def test_dashboard_fits_a_phone_and_prints_on_one_page(server, browser):
    import pikepdf

    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(server + "/progress/anantnag")
    # nothing wider than the screen: no sideways scrolling on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    phone.close()
    page = browser.new_page()
    page.goto(server + "/progress/anantnag")
    pdf = ARTIFACTS / "dashboard-print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    with pikepdf.open(pdf) as document:
        assert len(document.pages) == 1
    page.close()


def test_unknown_district_is_not_found(server, browser):
    page = browser.new_page()
    assert page.goto(server + "/progress/nowhere").status == 404
    page.close()
