"""Split and join: a record file a missing separator sheet ran together is split in two, two files
an extra sheet cut apart are joined; afterwards search, `show`, the permanent address, the PDF,
the history, the audit log and progress say so, and nothing of the original scans changed.

The home holds record files written as the nightly batch writes them (`archive_record`: archive
with a real PDF, catalog, embedded index); Elasticsearch is checked too when DAFTAR_ES_URL is set."""

from __future__ import annotations

import dataclasses
import json
from contextlib import closing
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import app as cli_app
from domain.config import ElasticsearchSettings, Settings
from indexers import SearchQuery, open_index
from night.split_join import join
from store.audit import audit_entries
from store.catalog import Catalog
from store.users import add_user
from tests.web_fixtures import PASSWORD, archive_record, file_id, log_in, record_file
from web.app import create_app

RUN_TOGETHER = "REV/TSL-05/1987/0042"  # its last page is the cover of 0043: no separator sheet between them
LABEL = "REV/TSL-05/1987/0043"
FIRST_HALF = "REV/TSL-05/1991/0113"  # an extra separator sheet cut it before its page 3
SECOND_HALF = "REV/TSL-05/1991/0114"  # misread on the sheet's back: the second half got a number of its own
KOKERNAG = "REV/TSL-07/1999/0300"


def split_join_home(tmp_path: Path, settings: Settings | None = None) -> Path:
    home = tmp_path / "home"
    settings = settings or Settings.load()
    together = record_file(RUN_TOGETHER, "bijbehara", "mutation", 1987, "Mutation of khasra 245",
                           ["Intiqal order of khasra 245.", "Faint copy of the order.", "Cover: jamabandi of Arwani.",
                            "Jamabandi register Arwani village."])
    together.pages[2].barcodes = [{"value": LABEL, "symbology": "code128", "box": [10, 10, 200, 40], "decoder": "zxing-cpp"}]
    together.sources = [{"path": page.source, "sha256": "a" * 64, "size": 1000} for page in together.pages[:1]]
    archive_record(home, settings, dataclasses.replace(together, flags=["low-ocr-confidence: pages 2, 4"]))
    archive_record(home, settings, record_file(FIRST_HALF, "bijbehara", "court-case", 1991, "Court case of Ghulam Nabi",
                                               ["Plaint of Ghulam Nabi.", "Written statement."]))
    second = record_file(SECOND_HALF, "bijbehara", None, 1991, "", ["Judgment in the suit of Ghulam Nabi.", ""])
    second.pages[1].blank = True
    archive_record(home, settings, dataclasses.replace(second, flags=["blank-pages", "file-number-from-text-only"]))
    archive_record(home, settings, record_file(KOKERNAG, "kokernag", "certificate", 1999, "Certificate", ["Certificate."]))
    add_user(home, "samina", "scanner", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "bashir", "keeper", ["bijbehara"], [], PASSWORD, settings)
    return home


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return split_join_home(tmp_path)


def daftar(home: Path, *args: str):
    return CliRunner().invoke(cli_app, [*args, "--home", str(home)])


def shown(home: Path, number: str) -> dict:
    result = daftar(home, "show", number, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def searched(home: Path, words: str, settings: Settings | None = None) -> set[str]:
    index = open_index(home, settings or Settings.load())
    try:
        return {hit.file_number for hit in index.search(SearchQuery(text=words)).hits}
    finally:
        index.close()


def flags(record: dict) -> list[str]:
    """The review flags, but `not-pdfa`: the test's PDFs (reportlab's) are no PDF/A to begin with."""
    return [flag for flag in record["flags"] if not flag.startswith("not-pdfa")]


def pdf_pages(home: Path, record: dict) -> int:
    with pikepdf.open(home / record["pdf"]) as pdf:
        return len(pdf.pages)


def files_done(home: Path) -> int:
    progress = json.loads(daftar(home, "progress", "--format", "json").output)
    rows = progress["tehsils"] if isinstance(progress, dict) else progress
    return sum(row["files_done"] for row in rows)


def test_a_split_makes_two_record_files_numbered_by_the_second_ones_cover(home: Path) -> None:
    before = files_done(home)
    # WHEN the run-together file is split before its page 3 (the second file's cover)
    result = daftar(home, "split", RUN_TOGETHER, "--at-page", "3", "--reason", "no separator sheet before 0043",
                    "--by", "samina")
    assert result.exit_code == 0, result.output
    # THEN show knows two files, each with its own pages, flags and PDF
    first, second = shown(home, RUN_TOGETHER), shown(home, LABEL)
    assert (len(first["pages"]), len(second["pages"])) == (2, 2) and pdf_pages(home, first) == pdf_pages(home, second) == 2
    assert second["file_number_source"] == "barcode" and [p["number"] for p in second["pages"]] == [1, 2]
    assert flags(first) == flags(second) == ["low-ocr-confidence: pages 2"]
    assert first["sources"] == [{"path": first["pages"][0]["source"], "sha256": "a" * 64, "size": 1000}]
    # AND search finds each file's own words; progress counts one file more
    assert searched(home, "jamabandi Arwani") == {LABEL} and searched(home, "khasra 245") == {RUN_TOGETHER}
    assert files_done(home) == before + 1
    # AND the history and the audit log say who split it and why; the web page shows it
    with closing(Catalog.open(home)) as catalog:
        [entry] = catalog.corrections(file_id(RUN_TOGETHER))
        assert (entry.user, entry.field, entry.reason) == ("samina", "split", "no separator sheet before 0043")
        assert "pages 3-4 are now " + LABEL in (entry.new_value or "")
    assert [e.action for e in audit_entries(home, LABEL)] == ["split"]
    page = TestClient(create_app(home, Settings.load()), follow_redirects=False)
    log_in(page, "bashir")
    assert "no separator sheet before 0043" in page.get(f"/files/{LABEL}").text
    assert "Jamabandi register Arwani village." in page.get(f"/records/{file_id(LABEL)}/pages/2").text


def test_a_split_with_no_number_on_the_cover_waits_in_the_review_queue(home: Path) -> None:
    result = daftar(home, "split", FIRST_HALF, "--at-page", "2", "--reason", "two files")
    assert result.exit_code == 0, result.output
    [queue] = json.loads(daftar(home, "review", "--tehsil", "bijbehara", "--json").output)
    [provisional] = [f for f in queue["files"] if f["file_number_source"] == "provisional"]
    assert flags(provisional) == ["no-file-number"] and provisional["file_number"].startswith("PROV-")
    # the provisional number is corrected like the night's
    corrected = daftar(home, "correct", provisional["file_number"], "--file-number", "REV/TSL-05/1991/0120",
                       "--reason", "label found inside")
    assert corrected.exit_code == 0, corrected.output
    assert searched(home, "statement") == {"REV/TSL-05/1991/0120"}


@pytest.mark.parametrize("args, says", [
    (["--at-page", "1"], "split it at a page from 2 to 4"),
    (["--at-page", "5"], "split it at a page from 2 to 4"),
    (["--at-page", "3", "--file-number", RUN_TOGETHER], "the number of the first part"),
    (["--at-page", "3", "--file-number", FIRST_HALF], "already the number of record file"),
    (["--at-page", "3", "--reason", " "], "say why"),
])
def test_a_wrong_split_is_refused_and_changes_nothing(home: Path, args: list[str], says: str) -> None:
    reason = [] if "--reason" in args else ["--reason", "checking"]
    result = daftar(home, "split", RUN_TOGETHER, *args, *reason)
    assert result.exit_code == 2 and says in result.output, result.output
    assert len(shown(home, RUN_TOGETHER)["pages"]) == 4 and pdf_pages(home, shown(home, RUN_TOGETHER)) == 4
    assert daftar(home, "show", LABEL).exit_code == 5


def test_a_join_keeps_the_first_number_and_the_second_leads_there(home: Path) -> None:
    before = files_done(home)
    with closing(Catalog.open(home)) as catalog:
        sources = catalog.sources()
    # WHEN the two halves are joined
    result = daftar(home, "join", FIRST_HALF, SECOND_HALF.lower(), "--reason", "extra separator sheet", "--by", "samina")
    assert result.exit_code == 0, result.output
    # THEN one record file holds all four pages; the second number shows it
    joined = shown(home, FIRST_HALF)
    assert len(joined["pages"]) == 4 and pdf_pages(home, joined) == 4
    assert [p["number"] for p in joined["pages"]] == [1, 2, 3, 4] and flags(joined) == ["blank-pages"]
    assert shown(home, SECOND_HALF)["file_number"] == FIRST_HALF
    assert searched(home, "judgment Ghulam") == {FIRST_HALF} and files_done(home) == before - 1
    assert not (home / "archive" / "anantnag" / "bijbehara" / file_id(SECOND_HALF)).exists()
    # AND the old addresses (number and archive id) redirect to the joined file
    page = TestClient(create_app(home, Settings.load()), follow_redirects=False)
    log_in(page, "bashir")
    assert page.get(f"/files/{SECOND_HALF}").headers["location"] == f"/files/{FIRST_HALF}"
    assert page.get(f"/records/{file_id(SECOND_HALF)}").headers["location"] == f"/records/{file_id(FIRST_HALF)}"
    assert "extra separator sheet" in page.get(f"/files/{FIRST_HALF}").text
    # AND history and audit keep it; the scans' rows did not change
    assert [e.action for e in audit_entries(home, SECOND_HALF)] == ["join"]
    with closing(Catalog.open(home)) as catalog:
        assert [c.field for c in catalog.corrections(file_id(FIRST_HALF))] == ["join"]
        assert catalog.sources() == sources


def test_a_join_of_files_not_scanned_together_is_refused(home: Path) -> None:
    result = daftar(home, "join", FIRST_HALF, KOKERNAG, "--reason", "x")
    assert result.exit_code == 2 and "only record files of one batch are joined" in result.output
    assert daftar(home, "join", FIRST_HALF, FIRST_HALF, "--reason", "x").exit_code == 2
    assert len(shown(home, KOKERNAG)["pages"]) == 1


def test_a_scanner_splits_and_joins_only_within_its_tehsils_on_the_web(home: Path) -> None:
    keeper = TestClient(create_app(home, Settings.load()), follow_redirects=False)
    log_in(keeper, "bashir")
    assert keeper.get(f"/records/{file_id(RUN_TOGETHER)}/split").status_code == 403
    assert keeper.post(f"/records/{file_id(RUN_TOGETHER)}/split", data={"page": "3", "reason": "x"}).status_code == 403
    scanner = TestClient(create_app(home, Settings.load()), follow_redirects=False)
    log_in(scanner, "samina")
    assert scanner.get(f"/records/{file_id(KOKERNAG)}/split").status_code == 403
    form = scanner.get(f"/records/{file_id(FIRST_HALF)}/join").text
    csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    refused = scanner.post(f"/records/{file_id(FIRST_HALF)}/join", data={"csrf": csrf, "second": KOKERNAG, "reason": "x"})
    assert refused.status_code == 403 and len(shown(home, KOKERNAG)["pages"]) == 1
    sent = scanner.post(f"/records/{file_id(FIRST_HALF)}/join", data={"csrf": csrf, "second": SECOND_HALF, "reason": "sheet"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/files/{FIRST_HALF}"


def test_a_join_takes_the_second_file_out_of_elasticsearch(tmp_path: Path, es_settings: ElasticsearchSettings) -> None:
    settings = Settings.load()
    settings = settings.model_copy(update={"index": settings.index.model_copy(
        update={"backend": "elasticsearch", "elasticsearch": es_settings})})
    home = split_join_home(tmp_path, settings)
    assert searched(home, "judgment", settings) == {SECOND_HALF}
    done = join(home, settings, "samina", FIRST_HALF, SECOND_HALF, "extra separator sheet")
    assert done.indexed and searched(home, "judgment", settings) == {FIRST_HALF}
    index = open_index(home, settings)
    try:
        assert index.lookup(SECOND_HALF) is None and index.count() == 3
    finally:
        index.close()
