"""Security: OCR text is shown as text, no address reaches outside the archive, and a record
keeper cannot see or download another tehsil's restricted file by URL or by API (its pages say it
is restricted, and nothing else of it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from store.audit import AuditLog
from store.catalog import Catalog
from domain.config import Settings
from store.users import issue_token
from tests.web_fixtures import CERTIFICATE, COURT_CASE, KOKERNAG_CASE, MARKUP_FILE, MUTATION, PASSWORD, WebArchive, log_in
from web.app import create_app

SCRIPT = "<script>alert('xss')</script>"

# bijbehara's court case: court cases are restricted (configs/districts/anantnag.yaml), so only
# bijbehara's keepers (bashir), the district's DC and administrators may see it; not kulsum (kokernag)
RESTRICTED = (COURT_CASE, "REV_TSL-05_1991_0113")
OTHER_UNRESTRICTED = (MUTATION, "REV_TSL-05_1987_0042")  # bijbehara's, unrestricted: kulsum may see it


# OCR text is text -------------------------------------------------------------------------------


def test_html_in_ocr_text_and_titles_is_shown_as_text(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    pages = [
        app_client.get("/search", params={"q": "Arwani onerror"}),
        app_client.get(f"/files/{MARKUP_FILE}"),
        app_client.get("/records/REV_TSL-05_1979_0003/pages/1"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SCRIPT not in response.text and "<img src=x" not in response.text and "<b>Jamabandi" not in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in pages[2].text
    assert "&lt;b&gt;Jamabandi&lt;/b&gt; register" in pages[1].text


def test_a_search_for_markup_highlights_it_as_text(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/search", params={"q": "script alert"}).text
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(" in html
    assert "<script>" not in html


def test_the_search_box_echoes_the_query_as_text(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


# Path traversal ---------------------------------------------------------------------------------

TRAVERSALS = [
    "/records/..%2F..%2Fsecret.key/pdf",
    "/records/%2e%2e/pdf",
    "/records/..%2f..%2fusers.sqlite/pdf",
    "/records/REV_TSL-05_1987_0042%2F..%2F..%2F..%2F..%2Fsecret.key/pdf",
    "/records/REV_TSL-05_1987_0042/pdf%2F..%2F..%2F..%2Fsecret.key",
    "/records/..%5C..%5Csecret.key/pdf",
    "/records/REV_TSL-05_1987_0042/images/thumb/..%2F..%2F..%2Fsecret.key",
    "/records/REV_TSL-05_1987_0042/images/..%2F..%2Fsecret.key/1",
    "/records/REV_TSL-05_1987_0042/images/thumb/1%2F..%2F..%2Fsecret.key",
    "/records/REV_TSL-05_1987_0042/pages/..%2F..%2Fsecret.key",
    "/records/%2Fetc%2Fpasswd/pdf",
    "/files/..%2F..%2F..%2Fsecret.key",
    "/files/%2Fetc%2Fpasswd",
    "/static/..%2Fsecret.key",
    "/static/..%2F..%2F..%2Fweb%2Fauth.py",
    "/static/%2e%2e/%2e%2e/secret.key",
    "/api/files/..%2F..%2Fsecret.key",
    "/api/records/..%2F..%2Fsecret.key/pages/1",
    "/api/records/REV_TSL-05_1987_0042/pages/..%2F1",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_in_any_address_is_refused(app_client: TestClient, web_archive: WebArchive, path: str) -> None:
    log_in(app_client, "admin")
    response = app_client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    secret = (web_archive.home / "secret.key").read_bytes().strip()
    assert secret not in response.content and b"root:" not in response.content


def test_an_archive_record_pointing_outside_the_archive_serves_nothing(batch_home: Path, tmp_path: Path) -> None:
    # GIVEN a copy of the archive whose record.json and catalog were tampered with to point outside it
    home = tmp_path / "home"
    shutil.copytree(batch_home, home)
    settings = Settings.load()
    folder = home / "archive" / "anantnag" / "bijbehara" / "REV_TSL-05_1987_0042"
    record = json.loads((folder / "record.json").read_text())
    record["pdf"] = "../" * 6 + "etc/passwd"
    (folder / "record.json").write_text(json.dumps(record))
    catalog = Catalog.open(home)
    catalog.db.execute("UPDATE record_files SET archive_dir = '../..' WHERE file_id = 'REV_TSL-05_1979_0231'")
    catalog.close()
    # and the PDF of another file replaced by a link to a file outside the archive
    other = home / "archive" / "anantnag" / "kokernag" / "REV_TSL-07_1999_0215"
    (other / "REV_TSL-07_1999_0215.pdf").unlink()
    (other / "REV_TSL-07_1999_0215.pdf").symlink_to(home / "secret.key")
    with TestClient(create_app(home, settings), follow_redirects=False) as client:
        log_in(client, "admin")
        # THEN nothing outside the archive is served
        assert client.get("/records/REV_TSL-05_1987_0042/pdf").status_code == 404
        assert client.get("/records/REV_TSL-05_1987_0042/images/thumb/1").status_code == 404
        assert client.get("/files/REV/TSL-05/1979/0231").status_code == 404
        assert client.get(f"/files/{CERTIFICATE}").status_code == 200  # the record itself is fine
        assert client.get("/records/REV_TSL-07_1999_0215/pdf").status_code == 404


# Scope -------------------------------------------------------------------------------------------


def test_a_keeper_cannot_open_another_tehsils_restricted_file_by_url(app_client: TestClient) -> None:
    log_in(app_client, "kulsum")  # keeper of kokernag
    number, file_id = RESTRICTED
    for path in (f"/files/{number}", f"/records/{file_id}", f"/records/{file_id}/pdf", f"/records/{file_id}/pdf?download=1",
                 f"/records/{file_id}/pages/1", f"/records/{file_id}/pages/2", f"/records/{file_id}/images/thumb/1",
                 f"/records/{file_id}/images/page/2", "/files/rev-tsl-05-1991-113"):
        response = app_client.get(path, follow_redirects=True)
        assert response.status_code == 403, path
        assert b"%PDF" not in response.content and b"\xff\xd8\xff" not in response.content[:3]
        assert "joint holding" not in response.text
        # restricted, not missing: the file with that number exists, and nothing more of it is shown
        assert "<h1>Restricted</h1>" in response.text and number in response.text and "Not found" not in response.text, path
    missing = app_client.get("/files/REV/TSL-05/1991/0999")
    assert missing.status_code == 404 and "Restricted" not in missing.text


def test_a_keeper_cannot_find_another_tehsils_restricted_file_by_search(app_client: TestClient) -> None:
    log_in(app_client, "kulsum")
    html = app_client.get("/search", params={"q": "court"}).text
    assert KOKERNAG_CASE in html  # her own tehsil's court file
    assert COURT_CASE not in html and "joint holding" not in html
    # an exact number does not jump to it either
    assert app_client.get("/search", params={"q": COURT_CASE}).status_code == 200


def test_a_keeper_cannot_open_another_tehsils_restricted_file_by_api(app_client: TestClient, web_archive: WebArchive) -> None:
    headers = {"Authorization": f"Bearer {issue_token(web_archive.home, 'kulsum')}"}
    number, file_id = RESTRICTED
    assert app_client.get(f"/api/files/{number}", headers=headers).status_code == 404
    assert app_client.get(f"/api/records/{file_id}/pages/2", headers=headers).status_code == 404
    assert app_client.get(f"/records/{file_id}/pdf", headers=headers).status_code == 403
    assert app_client.get(f"/records/{file_id}/pdf?download=1", headers=headers).status_code == 403
    found = [f["file_number"] for f in app_client.get("/api/search", params={"q": "court"}, headers=headers).json()["files"]]
    assert KOKERNAG_CASE in found and COURT_CASE not in found
    assert app_client.get("/api/search", params={"q": number}, headers=headers).json()["exact"] is None


def test_unrestricted_files_of_other_tehsils_are_open(app_client: TestClient) -> None:
    log_in(app_client, "kulsum")
    assert app_client.get(f"/files/{OTHER_UNRESTRICTED[0]}").status_code == 200
    assert app_client.get(f"/records/{OTHER_UNRESTRICTED[1]}/pdf").status_code == 200


@pytest.mark.parametrize("name", ["bashir", "dc-anantnag", "admin"])
def test_the_restricted_file_is_open_inside_its_scope(web_archive: WebArchive, name: str) -> None:
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        log_in(client, name, PASSWORD)
        assert client.get(f"/files/{RESTRICTED[0]}").status_code == 200
        assert client.get(f"/records/{RESTRICTED[1]}/pdf?download=1").content.startswith(b"%PDF-")
        assert COURT_CASE in client.get("/search", params={"q": "joint holding"}).text


def test_refused_attempts_are_in_the_audit_log(app_client: TestClient, web_archive: WebArchive) -> None:
    log_in(app_client, "kulsum")
    app_client.get(f"/records/{RESTRICTED[1]}/pdf?download=1")
    log = AuditLog.open(web_archive.home)
    entry = log.entries(user="kulsum", limit=1)[0]
    log.close()
    assert (entry.action, entry.file_number) == ("denied", RESTRICTED[0])
