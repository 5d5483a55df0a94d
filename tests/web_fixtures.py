"""Fixtures for the web tests: an archive home with record files, users, e-Office links, and
the app over it.

The record files are written the way the nightly batch writes them (pipeline.archive.write_record,
the catalog, the index from open_index) with a small real PDF made by reportlab, so the pages,
thumbnails and PDFs served are real. Settings are the repository's configs (district anantnag,
tehsils bijbehara and kokernag; court-case files restricted).

Use from a test module with `from tests.web_fixtures import app_client, web_archive  # noqa: F401`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexers import open_index
from pipeline.archive import write_record
from pipeline.catalog import Catalog
from pipeline.config import Settings
from pipeline.model import PageRecord, RecordFile
from pipeline.users import add_user
from web.app import create_app

PASSWORD = "correct horse battery staple"

# (file number, tehsil, record type, year, title, page texts)
RECORD_FILES = [
    ("REV/TSL-05/1987/0042", "bijbehara", "mutation", 1987, "Mutation of khasra 112, village Sirhama",
     ["Cover: mutation file of khasra 112.",
      "Mutation of khasra number 112 in village Sirhama in favour of Ghulam Rasool Dar.",
      "انتقال اراضی خسرہ نمبر ۱۱۲ موضع سرہامہ بحق غلام رسول ڈار"]),
    ("REV/TSL-05/1990/0007", "bijbehara", "court-case", 1990, "Tehsildar court: boundary dispute",
     ["Tehsildar court case: boundary dispute over khasra 440, village Sirhama."]),
    ("REV/TSL-07/1992/0108", "kokernag", "court-case", 1992, "Tehsildar court: partition of land",
     ["Tehsildar court case on partition of land in village Daksum between brothers.",
      "Statement of the witness Abdul Ahad Wani recorded in court."]),
    ("REV/TSL-07/2001/0311", "kokernag", "certificate", 2001, "Domicile certificate",
     ["Domicile certificate issued to Shabnam Akhtar of village Daksum.",
      "निवास प्रमाण पत्र ग्राम दकसुम"]),
    ("REV/TSL-05/1979/0003", "bijbehara", "revenue-register", 1979, "<b>Jamabandi</b> register",
     ["Jamabandi <script>alert('xss')</script> <img src=x onerror=alert(1)> register of village Arwani."]),
]


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
        printable = text if text.isascii() else "(text in Urdu or Hindi)"
        pdf.drawString(72, 740, printable[:90])
        pdf.showPage()
    pdf.save()
    return path


def record_file(number: str, tehsil: str, record_type: str | None, year: int, title: str, texts: list[str]) -> RecordFile:
    file_id = "".join(c if c.isalnum() or c in "-." else "_" for c in number)
    languages = sorted({"urd" if any("\u0600" <= c <= "\u06ff" for c in t) else "hin" if any("\u0900" <= c <= "\u097f" for c in t) else "eng" for t in texts})
    pages = [PageRecord(number=i, source=f"{file_id}.tif", source_page=i, text=text, confidence=91.0,
                        language="urd" if any("\u0600" <= c <= "\u06ff" for c in text) else "eng")
             for i, text in enumerate(texts, start=1)]
    return RecordFile(file_id=file_id, file_number=number, file_number_raw=number.lower(), file_number_source="barcode",
                      district="anantnag", tehsil=tehsil, batch="2026-11-20", stack=file_id, title=title,
                      record_type=record_type, year=year, languages=languages, pages=pages,
                      flags=["low-confidence-page: 2"] if number.endswith("0042") else [],
                      processed_at="2026-11-21T02:00:00")


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


def build_archive(home: Path, settings: Settings) -> None:
    for number, tehsil, record_type, year, title, texts in RECORD_FILES:
        archive_record(home, settings, record_file(number, tehsil, record_type, year, title, texts))
    add_user(home, "bashir", "keeper", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "kulsum", "keeper", ["anantnag/kokernag"], [], PASSWORD, settings)
    add_user(home, "dc-anantnag", "dc", [], ["anantnag"], PASSWORD, settings)
    add_user(home, "admin", "admin", [], [], PASSWORD, settings)


@pytest.fixture(scope="module")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> WebArchive:
    """One archive per test module: building it costs a few Argon2 hashes and PDFs."""
    home = tmp_path_factory.mktemp("home")
    settings = Settings.load()
    build_archive(home, settings)
    return WebArchive(home, settings)


@pytest.fixture
def app_client(web_archive: WebArchive) -> Iterator[TestClient]:
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        yield client


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"name": name, "password": password, "next": "/"})
    assert response.status_code == 303, response.text


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
