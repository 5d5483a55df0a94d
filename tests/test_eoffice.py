"""e-Office links: import of exports (CSV and JSON), citations of files not yet scanned, the report;
the links on either engine (tests/postgres_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from domain.config import Settings
from domain.file_numbers import file_number_spellings, normalize_any
from store.eoffice import EOfficeLinks, import_eoffice_export
from tests.web_fixtures import WebArchive, archive_record, log_in, record_file

CSV_EXPORT = """\ufeffE-File Number,Subject,Date,Cited Legacy File Numbers
GAD-22011/15/2022-GAD,Mutation appeal of Mohammad Yousuf,14-03-2022,rev/tsl-05/1987/42; REV-TSL-05-1991-0113
REV-31/7/2023-ANT,Correction of entry Larnoo,2023-07-01,REV/TSL-07/2011/0342|REV/TSL-07/2024/0900
REV-31/7/2023-ANT,Partition suit Daksum,2023-07-01,NOT A NUMBER
,row without an e-file number,2023-01-01,REV/TSL-05/1987/0042
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_export_links_citations_and_reports_what_is_not_archived(web_archive: WebArchive, tmp_path: Path) -> None:
    report = import_eoffice_export(write(tmp_path / "export.csv", CSV_EXPORT), web_archive.home, web_archive.settings)
    assert report.efiles == 2
    assert report.citations == 5 and report.linked == 3
    assert sorted(c.cited_number for c in report.unmatched) == ["NOT A NUMBER", "REV/TSL-07/2024/0900"]
    assert {c.cited_number: c.recognized for c in report.unmatched} == {"NOT A NUMBER": False, "REV/TSL-07/2024/0900": True}
    assert report.skipped == ["row 4: no e-file number"]
    links = EOfficeLinks(web_archive.home)
    try:
        citing = links.citing("REV/TSL-05/1987/0042")
        assert [(c.efile_number, c.subject, c.date, c.file_id) for c in citing] == [
            ("GAD-22011/15/2022-GAD", "Mutation appeal of Mohammad Yousuf", "2022-03-14", "REV_TSL-05_1987_0042")]
        assert citing[0].cited_raw == "rev/tsl-05/1987/42"
    finally:
        links.close()


def test_json_export_and_reimport_change_nothing_twice(web_archive: WebArchive, tmp_path: Path) -> None:
    export = write(tmp_path / "export.json", json.dumps({"efiles": [
        {"efile_number": "DC-ANT/2024/77", "subject": "Domicile verification", "date": "2024-02-02",
         "legacy_file_numbers": ["REV/TSL-07/1999/0215", "REV/TSL-07/1999/0215"]},
    ]}))
    first = import_eoffice_export(export, web_archive.home, web_archive.settings)
    second = import_eoffice_export(export, web_archive.home, web_archive.settings)
    assert (first.efiles, first.citations, first.linked) == (second.efiles, second.citations, second.linked) == (1, 1, 1)
    links = EOfficeLinks(web_archive.home)
    try:
        assert [c.efile_number for c in links.citing("REV/TSL-07/1999/0215")] == ["DC-ANT/2024/77"]
    finally:
        links.close()


def test_a_citation_of_a_file_not_yet_scanned_links_when_it_is_archived(web_archive: WebArchive, tmp_path: Path) -> None:
    # GIVEN an e-file citing a legacy file that is not scanned yet
    export = write(tmp_path / "later.csv", "efile_number,subject,date,legacy_file_numbers\n"
                                          "LATE-1/2025,Old land record,2025-01-05,REV/TSL-05/1960/0001\n")
    report = import_eoffice_export(export, web_archive.home, web_archive.settings)
    assert [c.cited_number for c in report.unmatched] == ["REV/TSL-05/1960/0001"]
    # WHEN the nightly batch archives that file
    archive_record(web_archive.home, web_archive.settings,
                   record_file("REV/TSL-05/1960/0001", "bijbehara", "revenue-register", 1960, "Old register", ["An old register."]))
    # THEN the citation is linked, with no second import
    links = EOfficeLinks(web_archive.home)
    try:
        assert [c.file_id for c in links.citing("REV/TSL-05/1960/0001")] == ["REV_TSL-05_1960_0001"]
        assert "REV/TSL-05/1960/0001" not in [c.cited_number for c in links.unmatched()]
    finally:
        links.close()


def test_links_import_and_read_alike_on_either_engine(tmp_path: Path, store_engine: str) -> None:
    # GIVEN a home with one archived file, its stores on either engine
    home, settings = tmp_path / "home", Settings.load()
    archive_record(home, settings, record_file("REV/TSL-05/1960/0001", "bijbehara", "revenue-register", 1960,
                                               "Old register", ["An old register."]))
    # WHEN an export citing it (once by an e-file without a date) and a file not scanned is imported twice
    export = write(tmp_path / "export.csv", "efile_number,subject,date,legacy_file_numbers\n"
                                            "UNDATED-1,No date,,rev/tsl-05/1960/1\n"
                                            "LATE-1/2025,Old land record,2025-01-05,REV/TSL-05/1960/0001;REV/TSL-05/1960/0002\n")
    for _ in range(2):
        report = import_eoffice_export(export, home, settings)
    # THEN the same links come back: the dated e-file first, the one without a date last, as SQLite orders them
    assert (report.efiles, report.citations, report.linked) == (2, 3, 2)
    assert [c.cited_number for c in report.unmatched] == ["REV/TSL-05/1960/0002"]
    links = EOfficeLinks(home)
    try:
        assert [(c.efile_number, c.date, c.file_id) for c in links.citing("REV/TSL-05/1960/0001")] == [
            ("LATE-1/2025", "2025-01-05", "REV_TSL-05_1960_0001"), ("UNDATED-1", None, "REV_TSL-05_1960_0001")]
    finally:
        links.close()


def test_record_pages_and_api_show_the_citing_efiles(app_client: TestClient, web_archive: WebArchive, tmp_path: Path) -> None:
    import_eoffice_export(write(tmp_path / "export.csv", CSV_EXPORT), web_archive.home, web_archive.settings)
    log_in(app_client, "bashir")
    html = app_client.get("/files/REV/TSL-05/1987/0042").text
    assert '<a href="/eoffice/GAD-22011/15/2022-GAD">GAD-22011/15/2022-GAD</a>' in html
    api = app_client.get("/api/files/REV/TSL-05/1987/0042").json()
    assert api["eoffice"][0]["efile_number"] == "GAD-22011/15/2022-GAD"
    assert api["eoffice"][0]["url"] == "/eoffice/GAD-22011/15/2022-GAD"


def test_the_efile_page_links_to_its_legacy_files(app_client: TestClient, web_archive: WebArchive, tmp_path: Path) -> None:
    import_eoffice_export(write(tmp_path / "export.csv", CSV_EXPORT), web_archive.home, web_archive.settings)
    log_in(app_client, "kulsum")
    html = app_client.get("/eoffice/REV-31/7/2023-ANT").text
    assert '<a href="/files/REV/TSL-07/2011/0342">REV/TSL-07/2011/0342</a>' in html
    assert "REV/TSL-07/2024/0900 <span class=\"hint\">— not in the archive yet</span>" in html
    api = app_client.get("/api/eoffice/REV-31/7/2023-ANT").json()
    assert {c["cited_number"]: c["archived"] for c in api["cites"]} == {
        "REV/TSL-07/2011/0342": True, "REV/TSL-07/2024/0900": False, "NOT A NUMBER": False}
    # a file not yet scanned: its permanent address already names the e-files waiting for it
    waiting = app_client.get("/files/REV/TSL-07/2024/0900")
    assert waiting.status_code == 404 and "REV-31/7/2023-ANT" in waiting.text


def test_restricted_files_of_another_tehsil_read_as_not_archived_on_efile_pages(
    app_client: TestClient, web_archive: WebArchive, tmp_path: Path
) -> None:
    import_eoffice_export(write(tmp_path / "export.csv", CSV_EXPORT), web_archive.home, web_archive.settings)
    log_in(app_client, "kulsum")  # kokernag: REV/TSL-05/1991/0113 is a bijbehara court case
    html = app_client.get("/eoffice/GAD-22011/15/2022-GAD").text
    assert 'href="/files/REV/TSL-05/1991/0113"' not in html
    assert '<a href="/files/REV/TSL-05/1987/0042">REV/TSL-05/1987/0042</a>' in html
    api = app_client.get("/api/eoffice/GAD-22011/15/2022-GAD").json()
    assert {c["cited_number"]: c["archived"] for c in api["cites"]} == {"REV/TSL-05/1987/0042": True, "REV/TSL-05/1991/0113": False}


def test_legacy_numbers_are_read_with_the_districts_patterns(web_archive: WebArchive) -> None:
    settings = web_archive.settings
    assert normalize_any("rev / tsl-05 / 1987 / 42", settings) == "REV/TSL-05/1987/0042"
    assert normalize_any("REV/TSL-05/۱۹۸۷/۴۲", settings) == "REV/TSL-05/1987/0042"
    # an e-Office number: no pattern reads it (it is read generically, not recognized)
    assert [(n.normalized, n.pattern) for n in file_number_spellings("GAD-22011/15/2022-GAD", settings)] == [("GAD-22011/15/2022-GAD", None)]
