"""The JSON API: search, record file by number, page text, with API tokens and OpenAPI docs."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from store.audit import AuditLog
from store.users import issue_token
from tests.web_fixtures import KOKERNAG_CASE, MUTATION, WebArchive, archive_record, log_in, record_file
from web.app import create_app


def bearer(web_archive: WebArchive, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(web_archive.home, name)}"}


def test_the_api_refuses_calls_without_a_token(app_client: TestClient) -> None:
    for path in ("/api/search?q=Waghama", "/api/files/REV/TSL-05/1987/0042", "/api/records/REV_TSL-05_1987_0042/pages/1"):
        response = app_client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    assert app_client.get("/api/search?q=Waghama", headers={"Authorization": "Bearer dft_not-a-token"}).status_code == 401


def test_search_returns_files_with_matching_pages(app_client: TestClient, web_archive: WebArchive) -> None:
    response = app_client.get("/api/search", params={"q": "Waghama"}, headers=bearer(web_archive, "bashir"))
    assert response.status_code == 200
    body = response.json()
    assert [f["file_number"] for f in body["files"]] == [MUTATION]
    hit = body["files"][0]
    assert hit["url"] == f"/files/{MUTATION}" and hit["api_url"] == f"/api/files/{MUTATION}"
    assert hit["tehsil"] == "bijbehara" and hit["year"] == 1987 and hit["record_type"] == "mutation"
    page = next(p for p in hit["pages"] if p["page"] == 2)
    assert "[[Waghama]]" in page["snippet"] and "[[" not in page["text"] and "Waghama" in page["text"]
    assert page["url"] == "/records/REV_TSL-05_1987_0042/pages/2"
    assert body["exact"] is None and body["total"] == 1 and body["more"] is False


def test_search_by_number_names_the_exact_file(app_client: TestClient, web_archive: WebArchive) -> None:
    body = app_client.get("/api/search", params={"q": "rev/tsl-05/1987/42"}, headers=bearer(web_archive, "bashir")).json()
    assert body["exact"] == "/api/files/REV/TSL-05/1987/0042"


def test_record_file_by_number_with_pdf_pages_and_links(app_client: TestClient, web_archive: WebArchive) -> None:
    headers = bearer(web_archive, "bashir")
    body = app_client.get("/api/files/REV/TSL-05/1987/0042", headers=headers).json()
    assert body["file_number"] == "REV/TSL-05/1987/0042" and body["file_id"] == "REV_TSL-05_1987_0042"
    assert body["pdf_url"] == "/records/REV_TSL-05_1987_0042/pdf"
    assert body["page_count"] == 3 and body["restricted"] is False and body["file_number_source"] == "barcode"
    assert body["languages"] == ["eng", "urd"] and body["batch"] == "2026-11-20"
    assert body["pages"][2]["text_url"] == "/api/records/REV_TSL-05_1987_0042/pages/3"
    # the PDF address works with the same token
    pdf = app_client.get(body["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_any_spelling_redirects_to_the_normalized_api_address(app_client: TestClient, web_archive: WebArchive) -> None:
    response = app_client.get("/api/files/rev-tsl-05-1987-42", headers=bearer(web_archive, "bashir"))
    assert response.status_code == 301 and response.headers["location"] == "/api/files/REV/TSL-05/1987/0042"
    assert app_client.get("/api/files/REV/TSL-05/2020/0999", headers=bearer(web_archive, "bashir")).status_code == 404


def test_a_number_seen_twice_lists_the_other_record_files_the_user_may_see(web_archive: WebArchive, tmp_path: Path) -> None:
    # GIVEN the mutation's number seen again, on a restricted court file of kokernag (a home of its own)
    home = tmp_path / "home"
    shutil.copytree(web_archive.home, home)
    again = dataclasses.replace(record_file(MUTATION, "kokernag", "court-case", 1987, "Again", ["Same number, other file"]),
                                file_id="REV_TSL-05_1987_0042-kokernag")
    archive_record(home, web_archive.settings, again)
    with TestClient(create_app(home, web_archive.settings), follow_redirects=False) as client:
        # WHEN the district collector, who may see both, asks for the number
        both = client.get(f"/api/files/{MUTATION}", headers={"Authorization": f"Bearer {issue_token(home, 'dc-anantnag')}"}).json()
        # AND bijbehara's keeper, who may not see kokernag's court files, does too
        own = client.get(f"/api/files/{MUTATION}", headers={"Authorization": f"Bearer {issue_token(home, 'bashir')}"}).json()
    # THEN the collector gets the newest and the other one listed with its address
    assert both["file_id"] == again.file_id
    assert both["same_number"] == [{"file_id": "REV_TSL-05_1987_0042", "tehsil": "bijbehara", "batch": "2026-11-20",
                                    "url": "/records/REV_TSL-05_1987_0042"}]
    # AND the keeper gets only the one he may see, with no other listed
    assert own["file_id"] == "REV_TSL-05_1987_0042" and own["same_number"] == []


def test_page_text_in_logical_order(app_client: TestClient, web_archive: WebArchive) -> None:
    body = app_client.get("/api/records/REV_TSL-05_1987_0042/pages/3", headers=bearer(web_archive, "bashir")).json()
    assert "انتقال نمبر 1187" in body["text"] and "غلام رسول" in body["text"]
    assert body["page"] == 3 and body["language"].startswith("urd") and body["confidence"] > 50
    assert app_client.get("/api/records/REV_TSL-05_1987_0042/pages/9", headers=bearer(web_archive, "bashir")).status_code == 404


def test_api_reads_are_audited_as_api(app_client: TestClient, web_archive: WebArchive) -> None:
    headers = bearer(web_archive, "dc-anantnag")
    app_client.get(f"/api/files/{KOKERNAG_CASE}", headers=headers)
    app_client.get("/api/records/REV_TSL-07_2011_0342/pages/2", headers=headers)
    log = AuditLog.open(web_archive.home)
    entries = log.entries(user="dc-anantnag", limit=2)
    log.close()
    assert [(e.action, e.file_number, e.page, e.via) for e in entries] == [
        ("page", KOKERNAG_CASE, 2, "api"), ("view", KOKERNAG_CASE, None, "api")]


def test_a_browser_session_also_opens_the_api(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    assert app_client.get("/api/files/REV/TSL-05/1987/0042").status_code == 200


def test_openapi_describes_the_api_and_docs_need_no_cdn(app_client: TestClient) -> None:
    spec = app_client.get("/openapi.json").json()
    assert {"/api/search", "/api/files/{number}", "/api/records/{file_id}/pages/{page}", "/api/eoffice/{efile_number}"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = app_client.get("/docs")
    assert docs.status_code == 200 and "GET /api/search" in docs.text
    assert not re.search(r'(src|href)="(https?:)?//', docs.text), "the docs page loads nothing from elsewhere"
