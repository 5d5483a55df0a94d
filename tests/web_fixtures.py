"""Fixtures for the web tests: an archive made by a real nightly batch, users, and the app over it.

Once per test session, `flows.batch.run_inbox` processes a subset of `sample_scans/` (bijbehara's
night of 2026-11-20 and two kokernag stacks: English, Urdu and Hindi pages, barcoded covers,
separator sheets, a corrupt PDF) into a home: real deskew, OCR, archival PDFs, catalog and the
embedded index. Each test module gets its own copy of that home, so what one module adds (an
e-Office import, a user) never leaks into another.

The sample scans hold no page whose text is HTML; one crafted record file (`MARKUP_FILE`) is added
for the security tests the way the batch writes its output (`store.archive.write_record`, the
catalog, the index), with a small real PDF. `archive_record` does the same for tests that need a
file arriving after the batch.

For the browser tests (`browser` and `served()` are in tests/test_search_browser.py):
`browser_tab` opens a fresh browser (its own cookies) on the served app, `log_in_tab` signs in
with the log-in form as a person does.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexers import open_index
from store.archive import write_record
from store.catalog import Catalog
from domain.config import Settings
from domain.model import PageRecord, RecordFile
from store.users import add_user
from web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = ROOT / "sample_scans" / "inbox"
# (tehsil, batch, stack or None for the whole batch)
SAMPLE_STACKS = [("bijbehara", "2026-11-20", None), ("kokernag", "2026-11-20", "scan_0001.tif"),
                 ("kokernag", "2026-11-21", "scan_0002.tif")]
PASSWORD = "correct horse battery staple"

# What the batch makes of those scans (sample_scans/truth.json):
MUTATION = "REV/TSL-05/1987/0042"  # bijbehara mutation: English order (p. 2), Urdu entry (p. 3)
COURT_CASE = "REV/TSL-05/1991/0113"  # bijbehara court case: restricted to bijbehara; blank back page
JAMABANDI = "REV/TSL-05/1979/0231"  # bijbehara revenue register, Urdu
HINDI_MUTATION = "REV/TSL-07/1985/0104"  # kokernag mutation, Hindi and English
CERTIFICATE = "REV/TSL-07/1999/0215"  # kokernag certificate, Hindi
KOKERNAG_CASE = "REV/TSL-07/2011/0342"  # kokernag court file, Urdu and English
BATCH_FILES = {MUTATION, COURT_CASE, JAMABANDI, HINDI_MUTATION, CERTIFICATE, KOKERNAG_CASE}
# Crafted: OCR text and a title that read like markup.
MARKUP_FILE = "REV/TSL-05/1979/0003"


def file_id(number: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "_" for c in number)


@dataclass
class WebArchive:
    home: Path
    settings: Settings


def make_pdf(path: Path, texts: list[str]) -> Path:
    """A small real PDF, one page per text (Latin text drawn; other scripts as a placeholder:
    the archive's text lives in record.json, the PDF only has to render)."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, text in enumerate(texts, start=1):
        pdf.setFont("Helvetica-Bold", 20)
        pdf.drawString(72, 770, f"Page {number}")
        pdf.setFont("Helvetica", 12)
        pdf.drawString(72, 740, (text if text.isascii() else "(text in Urdu or Hindi)")[:90])
        pdf.showPage()
    pdf.save()
    return path


def record_file(number: str, tehsil: str, record_type: str | None, year: int, title: str, texts: list[str]) -> RecordFile:
    """A record file as the batch would describe it, for files the tests add themselves."""
    pages = [PageRecord(number=i, source=f"{file_id(number)}.tif", source_page=i, text=text, confidence=91.0, language="eng")
             for i, text in enumerate(texts, start=1)]
    return RecordFile(file_id=file_id(number), file_number=number, file_number_raw=number, file_number_source="barcode",
                      district="anantnag", tehsil=tehsil, batch="2026-11-22", stack=file_id(number), title=title,
                      record_type=record_type, year=year, languages=["eng"], pages=pages,
                      processed_at="2026-11-23T02:00:00")


def archive_record(home: Path, settings: Settings, record: RecordFile) -> None:
    """Write a record file as the nightly batch does: PDF and JSON into the archive, catalog, index."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = make_pdf(Path(tmp) / f"{record.file_id}.pdf", [page.text for page in record.pages])
        archive_dir = write_record(home, record, pdf)
    catalog = Catalog.open(home)
    index = open_index(home, settings)
    try:
        catalog.record_done(record, archive_dir)
        index.add(record)
        catalog.mark_indexed(record.file_id)
    finally:
        index.close()
        catalog.close()


def run_sample_batch(home: Path, inbox: Path) -> None:
    """The real nightly batch over the sample stacks above."""
    from flows.batch import run_inbox

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    old = time.time() - 3600  # settled: written an hour ago
    for tehsil, batch, stack in SAMPLE_STACKS:
        source = SAMPLE_INBOX / "anantnag" / tehsil / batch
        target = inbox / "anantnag" / tehsil / batch
        if stack is None:
            shutil.copytree(source, target)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / stack, target / stack)
        for path in [target, *target.rglob("*")]:
            os.utime(path, (old, old))
    loaded = Settings.load()
    settings = loaded.model_copy(update={"workers": 2, "intake": loaded.intake.model_copy(update={"settle_seconds": 0})})
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 21, 2, 0))
    done = {item["what"] for item in report.to_json()["done"]}
    assert done == BATCH_FILES, f"the batch made {sorted(done)}"


def add_users(home: Path, settings: Settings) -> None:
    add_user(home, "bashir", "keeper", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "kulsum", "keeper", ["anantnag/kokernag"], [], PASSWORD, settings)
    add_user(home, "dc-anantnag", "dc", [], ["anantnag"], PASSWORD, settings)
    add_user(home, "admin", "admin", [], [], PASSWORD, settings)


def markup_record() -> RecordFile:
    return record_file(MARKUP_FILE, "bijbehara", "revenue-register", 1979, "<b>Jamabandi</b> register",
                       ["Jamabandi <script>alert('xss')</script> <img src=x onerror=alert(1)> register of village Arwani."])


@pytest.fixture(scope="session")
def batch_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real batch per test session (about a minute on two cores), then users and the crafted file."""
    if not SAMPLE_INBOX.is_dir():
        pytest.skip("sample_scans/inbox is missing: run scripts/make_sample_scans.py")
    work = tmp_path_factory.mktemp("batch")
    home = work / "home"
    run_sample_batch(home, work / "inbox")
    settings = Settings.load()
    archive_record(home, settings, markup_record())
    add_users(home, settings)
    return home


@pytest.fixture(scope="module")
def web_archive(batch_home: Path, tmp_path_factory: pytest.TempPathFactory) -> WebArchive:
    """This module's own copy of the batch's home."""
    home = tmp_path_factory.mktemp("home") / "home"
    shutil.copytree(batch_home, home)
    return WebArchive(home, Settings.load())


@pytest.fixture
def app_client(web_archive: WebArchive) -> Iterator[TestClient]:
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        yield client


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"name": name, "password": password, "next": "/"})
    assert response.status_code == 303, response.text


@contextmanager
def browser_tab(browser, base_url: str, **options) -> Iterator:
    """A tab of a fresh browser context (no cookies yet) on the served app; `options` for the
    context (a `locale`, say)."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in_tab(tab, name: str, password: str = PASSWORD) -> None:
    """Sign in with the log-in form, as a person does; on the search page it leads to."""
    tab.goto("/login")
    tab.fill("input[name=name]", name)
    tab.fill("input[name=password]", password)
    tab.press("input[name=password]", "Enter")
    tab.wait_for_url("**/")
