"""A re-scan in a real browser (Debian's Chromium driven by Playwright, the app served by uvicorn):
a real night quarantined an empty scan; a scanner names its re-scan, already dropped into the
inbox, on the review page; after the next real night search, `daftar show`, the permanent address,
the audit log and progress say so, and the review queue has no quarantined scan left."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from domain.config import Settings
from night.run import run_inbox
from store.audit import audit_entries
from store.users import add_user
from tests.test_rescan import EMPTY, RESCAN_NUMBER, daftar, drop_rescan, night, tehsil_progress  # noqa: F401 (night: a fixture)
from tests.test_search_browser import CHROMIUM, browser, served, search  # noqa: F401 (browser: a fixture)
from tests.web_fixtures import PASSWORD, browser_tab, log_in_tab
from web.app import create_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture
def server(night, settings: Settings) -> Iterator[str]:
    _, home = night
    add_user(home, "samina", "scanner", ["kokernag"], [], PASSWORD, settings)
    with served(create_app(home, Settings.load())) as url:
        yield url


@pytest.fixture
def page(browser, server: str):  # noqa: F811 (the browser fixture)
    with browser_tab(browser, server) as tab:
        log_in_tab(tab, "samina")
        yield tab


def name_rescan(page, rescan: str, reason: str) -> None:
    entry = page.locator("li.quarantined-scan", has_text="scan_0003.tif")
    entry.locator("input[name=rescan]").fill(rescan)
    entry.locator("input[name=reason]").fill(reason)
    entry.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_scanner_names_a_rescan_in_the_browser_and_the_next_night_takes_it(night, page, settings: Settings) -> None:
    inbox, home = night
    rescan = drop_rescan(inbox)
    # GIVEN the tehsil's review queue, from the navigation, with the quarantined scan
    page.click("header nav >> text=Review")
    page.click("text=anantnag/kokernag")
    # WHEN a file that is not there is named, the form says so and notes nothing
    name_rescan(page, "2026-11-22/missing.pdf", "fed again")
    assert "missing.pdf is not there" in page.locator("li.quarantined-scan [role=alert]").inner_text()
    assert str(inbox) not in page.content()  # no server path on the page
    # AND the re-scan dropped into the inbox is named: the entry shows it pending
    name_rescan(page, f"2026-11-22/{rescan.name}", "fed again, flat")
    assert f"Re-scan 2026-11-22/{rescan.name} named by samina" in page.locator("li.quarantined-scan p.pending").inner_text()
    # WHEN the next night runs
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    # THEN the queue has no quarantined scan; search and the permanent address have the re-scan's file
    page.reload()
    assert page.locator("li.quarantined-scan").count() == 0
    page.goto("/")
    search(page, "Hangalgund")
    assert RESCAN_NUMBER in page.locator("li.hit").first.inner_text()
    page.goto(f"/files/{RESCAN_NUMBER}")
    assert RESCAN_NUMBER in page.locator("h1").inner_text()
    # AND `daftar show`, the audit log and progress agree: the scan counted once, as its re-scan
    assert json.loads(daftar(home, "show", RESCAN_NUMBER, "--json").output)["sources"][0]["path"] == rescan.name
    assert [(e.user, e.action, e.file_number, e.via) for e in audit_entries(home) if e.action == "requeue"] == [
        ("samina", "requeue", EMPTY, "web")]
    progress = tehsil_progress(home)
    assert (progress["quarantined"], progress["sources_done"], progress["files_done"]) == (0, 1, 1)
