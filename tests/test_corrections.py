"""The morning after: the review queue, corrections and cleared flags, from the command line and
the web, each checked by what search, `show`, the permanent address, the history and the audit
log say afterwards; the scanner role's scope; an old e-Office link after a number is corrected.

The home holds record files written as the nightly batch writes them (`archive_record`: archive,
catalog, embedded index) with the flags the night gives, and a quarantined scan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import app as cli_app
from domain.config import Settings
from domain.model import Batch, SourceFile, Stack
from indexers import SearchQuery, open_index
from store.audit import audit_entries
from store.catalog import Catalog
from store.eoffice import import_eoffice_export
from store.users import SCHEMA as USERS_V1, UserStore, add_user
from tests.web_fixtures import PASSWORD, archive_record, log_in, record_file
from web.app import create_app

PROVISIONAL = "PROV-ANANTNAG-BIJBEHARA-2026-11-22-SCAN-0009-1-0A1B2C3D"
WRONG = "REV/TSL-05/1987/0077"  # misread: the cover says 0078
RIGHT = "REV/TSL-05/1987/0078"
KOKERNAG = "REV/TSL-07/1999/0300"
NUMBERED = "REV/TSL-05/1990/0011"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return review_home(tmp_path)


@pytest.fixture
def any_home(tmp_path: Path, store_engine: str) -> Path:
    """The same home with its stores on either engine (tests/postgres_fixtures.py)."""
    return review_home(tmp_path)


def review_home(tmp_path: Path) -> Path:
    """A home with a provisional, a misread and a clean record file of bijbehara, a flagged one of
    kokernag, a quarantined bijbehara scan, and a scanner, a keeper, a DC and an administrator."""
    home = tmp_path / "home"
    settings = Settings.load()
    provisional = record_file(PROVISIONAL, "bijbehara", "mutation", 1987, "Intigal of Ghulam Rasool", ["Intiqal order."])
    archive_record(home, settings, dataclasses.replace(provisional, file_number_source="provisional", file_number_raw="",
                                                       flags=["no-file-number"], processed_at="2026-11-21T02:00:00"))
    wrong = record_file(WRONG, "bijbehara", "mutation", 1987, "Mutation of khasra 245", ["Order.", "Faint copy."])
    archive_record(home, settings, dataclasses.replace(wrong, flags=["low-ocr-confidence: pages 2"],
                                                       processed_at="2026-11-22T02:00:00"))
    archive_record(home, settings, record_file(NUMBERED, "bijbehara", "mutation", 1990, "Intiqal of Abdul Ahad", ["Order."]))
    kokernag = record_file(KOKERNAG, "kokernag", "certificate", 1999, "Certificate of residence", ["Certificate."])
    archive_record(home, settings, dataclasses.replace(kokernag, flags=["blank-pages"]))
    batch = Batch("anantnag", "bijbehara", "2026-11-22", tmp_path / "inbox" / "anantnag" / "bijbehara" / "2026-11-22")
    source = SourceFile(batch.path / "scan_0004.pdf", "0" * 64, 120)
    with closing(Catalog.open(home)) as catalog:
        catalog.mark_sources(Stack(batch, "scan_0004.pdf", (source,)), [source], "quarantined", "the PDF is encrypted",
                             dt.datetime(2026, 11, 22, 2, 0))
    add_user(home, "samina", "scanner", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "bashir", "keeper", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "dc-anantnag", "dc", [], ["anantnag"], PASSWORD, settings)
    add_user(home, "admin", "admin", [], [], PASSWORD, settings)
    return home


def daftar(home: Path, *args: str):
    return CliRunner().invoke(cli_app, [*args, "--home", str(home)])


def client(home: Path) -> TestClient:
    return TestClient(create_app(home, Settings.load()), follow_redirects=False)


def searched(home: Path, words: str) -> set[str]:
    index = open_index(home, Settings.load())
    try:
        return {hit.file_number for hit in index.search(SearchQuery(text=words)).hits}
    finally:
        index.close()


def form(page: TestClient, file_id: str) -> str:
    html = page.get(f"/records/{file_id}/correct").text
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


# the review queue ----------------------------------------------------------------------------------


def test_the_review_queue_lists_a_tehsils_flags_and_quarantined_scans_oldest_first(any_home: Path) -> None:
    result = daftar(any_home, "review", "--tehsil", "bijbehara", "--json")
    assert result.exit_code == 0, result.output
    [queue] = json.loads(result.output)
    assert [f["file_number"] for f in queue["files"]] == [PROVISIONAL, WRONG]  # the clean NUMBERED file is not there
    assert queue["files"][1]["page"] == 2  # the page the flag is about
    assert [(q["batch"], q["reason"]) for q in queue["quarantined"]] == [("2026-11-22", "the PDF is encrypted")]
    assert daftar(any_home, "review", "--tehsil", "nowhere").exit_code == 5

    page = client(any_home)
    log_in(page, "samina")
    html = page.get("/review/anantnag/bijbehara").text
    assert html.index(PROVISIONAL) < html.index(WRONG) and KOKERNAG not in html
    assert f'src="/records/{WRONG.replace("/", "_")}/images/thumb/2"' in html and "Intigal of Ghulam Rasool" in html
    assert "scan_0004.pdf" in html and str(any_home) not in html
    assert 'href="/review/anantnag/bijbehara"' in page.get("/review").text


# corrections from the command line ---------------------------------------------------------------------


def test_a_corrected_number_is_the_permanent_address_and_the_old_one_leads_there(any_home: Path) -> None:
    # WHEN the misread number is corrected on the command line
    result = daftar(any_home, "correct", WRONG, "--file-number", "rev/tsl-05/1987/78", "--reason", "cover label reads 0078",
                    "--by", "samina")
    assert result.exit_code == 0, result.output
    # THEN show, search and the address know the right number; the old address redirects to it
    shown = daftar(any_home, "show", RIGHT, "--json")
    assert shown.exit_code == 0 and json.loads(shown.output)["file_number_source"] == "correction"
    assert json.loads(daftar(any_home, "show", WRONG, "--json").output)["file_number"] == RIGHT
    assert RIGHT in searched(any_home, "khasra 245") and WRONG not in searched(any_home, "khasra 245")
    page = client(any_home)
    log_in(page, "bashir")
    old = page.get(f"/files/{WRONG}")
    assert old.status_code == 301 and old.headers["location"] == f"/files/{RIGHT}"
    now = page.get(f"/files/{RIGHT}").text
    assert "cover label reads 0078" in now and "samina" in now  # the history: who and why
    # AND the history and audit log have who, when and why
    with closing(Catalog.open(any_home)) as catalog:
        [entry] = catalog.corrections(WRONG.replace("/", "_"))
    assert (entry.user, entry.field, entry.old_value, entry.new_value) == ("samina", "file_number", WRONG, RIGHT)
    assert [(e.user, e.action) for e in audit_entries(any_home, RIGHT) if e.action == "correct"] == [("samina", "correct")]


def test_a_provisional_number_corrected_leaves_its_flag_and_its_address_behind(home: Path) -> None:
    result = daftar(home, "correct", PROVISIONAL.lower(), "--file-number", "REV/TSL-05/1987/0101", "--title",
                    "Intiqal of Ghulam Rasool", "--reason", "number written inside the cover")
    assert result.exit_code == 0, result.output
    shown = json.loads(daftar(home, "show", "REV/TSL-05/1987/0101", "--json").output)
    assert shown["flags"] == [] and shown["title"] == "Intiqal of Ghulam Rasool"
    assert "REV/TSL-05/1987/0101" in searched(home, "Intiqal Ghulam")
    page = client(home)
    log_in(page, "bashir")
    assert page.get(f"/files/{PROVISIONAL}").headers["location"] == "/files/REV/TSL-05/1987/0101"
    assert "REV/TSL-05/1987/0101" not in daftar(home, "review", "--json").output


@pytest.mark.parametrize("option, value, says", [
    ("--file-number", "REV/TSL-05/1787/0078", "not a file number of anantnag"),  # year outside the pattern's
    ("--file-number", "khasra 12", "not a file number of anantnag"),
    ("--file-number", NUMBERED, "already the number of record file"),
    ("--year", "2999", "outside"),
    ("--type", "recipe", "not one of anantnag's"),
    ("--title", "   ", "a title is 1 to"),
])
def test_a_correction_is_checked_as_the_night_checks_and_changes_nothing_when_wrong(
        home: Path, option: str, value: str, says: str) -> None:
    result = daftar(home, "correct", WRONG, option, value, "--reason", "checking")
    assert result.exit_code == 2 and says in result.output, result.output
    assert json.loads(daftar(home, "show", WRONG, "--json").output)["file_number"] == WRONG
    with closing(Catalog.open(home)) as catalog:
        assert catalog.corrections(WRONG.replace("/", "_")) == []


def test_a_flag_cleared_leaves_the_queue_with_its_reason_in_the_history(any_home: Path) -> None:
    assert daftar(any_home, "flag", "clear", WRONG, "blank-pages", "--reason", "x").exit_code == 2  # it has no such flag
    assert daftar(any_home, "flag", "clear", WRONG, "low-ocr-confidence", "--reason", "").exit_code == 2  # no reason given
    result = daftar(any_home, "flag", "clear", WRONG, "low-ocr-confidence", "--reason", "page 2 read by eye: text is right")
    assert result.exit_code == 0, result.output
    assert json.loads(daftar(any_home, "show", WRONG, "--json").output)["flags"] == []
    [queue] = json.loads(daftar(any_home, "review", "--tehsil", "bijbehara", "--json").output)
    assert [f["file_number"] for f in queue["files"]] == [PROVISIONAL]
    assert [e.action for e in audit_entries(any_home, WRONG)] == ["flag-clear"]
    progress = json.loads(daftar(any_home, "progress", "--format", "json").output)
    assert "low-ocr-confidence" not in json.dumps(progress)


# corrections on the web, and who may make them ----------------------------------------------------------


def test_a_scanner_corrects_on_the_web_and_an_old_eoffice_link_still_resolves(any_home: Path, tmp_path: Path) -> None:
    # GIVEN an e-file that cites the misread number, imported before the correction
    export = tmp_path / "export.csv"
    export.write_text(f"efile_number,subject,date,legacy_file_numbers\nREV-9/2026-ANT,Appeal,2026-11-24,{WRONG}\n",
                      encoding="utf-8")
    import_eoffice_export(export, any_home, Settings.load())
    page = client(any_home)
    log_in(page, "samina")
    file_id = WRONG.replace("/", "_")
    # WHEN the scanner corrects number, type and year with the form
    sent = page.post(f"/records/{file_id}/correct", data={
        "csrf": form(page, file_id), "file_number": RIGHT, "title": "Mutation of khasra 245", "record_type": "mutation",
        "year": "1988", "reason": "label reads 0078; order dated 1988"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/files/{RIGHT}"
    # THEN the e-file's link and its page lead to the corrected file
    efile = page.get("/eoffice/REV-9/2026-ANT").text
    assert f'href="/files/{WRONG}"' in efile and "not in the archive yet" not in efile
    assert page.get(f"/files/{WRONG}").headers["location"] == f"/files/{RIGHT}"
    assert json.loads(daftar(any_home, "show", RIGHT, "--json").output)["year"] == 1988
    # AND a wrong value is refused on the form, saying why
    refused = page.post(f"/records/{file_id}/correct", data={"csrf": form(page, file_id), "file_number": RIGHT,
                                                             "year": "19x8", "reason": "typo"})
    assert refused.status_code == 400 and "is not a number" in refused.text


def test_a_keeper_cannot_correct_and_a_scanner_not_outside_its_tehsils(home: Path) -> None:
    keeper = client(home)
    log_in(keeper, "bashir")
    file_id = WRONG.replace("/", "_")
    assert keeper.get(f"/records/{file_id}/correct").status_code == 403
    assert keeper.post(f"/records/{file_id}/correct", data={"file_number": RIGHT, "reason": "x"}).status_code == 403
    assert keeper.get("/review").status_code == 403
    assert 'href="/review"' not in keeper.get("/").text
    scanner = client(home)
    log_in(scanner, "samina")
    other = KOKERNAG.replace("/", "_")
    assert scanner.get(f"/records/{other}/correct").status_code == 403
    assert scanner.post(f"/records/{other}/flags/clear", data={"kind": "blank-pages", "reason": "x"}).status_code == 403
    assert scanner.get("/review/anantnag/kokernag").status_code == 403
    # a form without this session's token changes nothing
    assert scanner.post(f"/records/{file_id}/correct", data={"csrf": "forged", "title": "X", "reason": "x"}).status_code == 403
    assert json.loads(daftar(home, "show", KOKERNAG, "--json").output)["flags"] == ["blank-pages"]
    assert json.loads(daftar(home, "show", WRONG, "--json").output)["title"] == "Mutation of khasra 245"


def test_every_page_has_the_header_log_out_and_the_same_security_headers(home: Path) -> None:
    page = client(home)
    log_in(page, "dc-anantnag")
    home_page = page.get("/").text
    assert 'href="/progress"' in home_page and 'href="/review"' not in home_page and 'href="/users"' not in home_page
    for path in ("/", "/progress", "/progress/anantnag", "/eoffice", f"/files/{NUMBERED}", "/review"):
        response = page.get(path)
        assert "Content-Security-Policy" in response.headers and response.headers["X-Frame-Options"] == "DENY", path
        if response.status_code == 200:
            assert 'action="/logout"' in response.text, path
    admin = client(home)
    log_in(admin, "admin")
    assert "samina" in admin.get("/users").text and 'href="/users"' in admin.get("/").text
    assert page.get("/users").status_code == 403


def test_a_users_file_from_before_scanners_keeps_its_users_sessions_and_tokens(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "users.sqlite")
    db.executescript(USERS_V1 + "PRAGMA user_version = 1;")
    db.execute("INSERT INTO users VALUES ('bashir', 'keeper', 'hash', '[]', '[\"anantnag/bijbehara\"]', 't', 't')")
    db.execute("INSERT INTO sessions VALUES ('s', 'bashir', 1, 1, 1e12)")
    db.execute("INSERT INTO api_tokens VALUES ('t', 'bashir', 'now', NULL)")
    db.commit()
    db.close()
    store = UserStore(tmp_path / "users.sqlite")
    try:
        assert [u.name for u in store.users()] == ["bashir"]
        assert store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
        assert store.db.execute("SELECT COUNT(*) FROM api_tokens").fetchone()[0] == 1
        store.insert(dataclasses.replace(store.users()[0], name="samina", role="scanner"), PASSWORD)
        assert store.user("samina").may_correct("anantnag", "bijbehara") and not store.user("bashir").may_correct("anantnag", "bijbehara")
    finally:
        store.close()
