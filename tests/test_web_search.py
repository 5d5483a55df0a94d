"""The search pages a record keeper uses, over an archive made by the real nightly batch: one box,
filters, paged results with highlighted pages, a record file's page with thumbnails and PDF, the
permanent address by file number, the audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import web.finder
from store.audit import AuditLog
from domain.config import ElasticsearchSettings, IndexSettings
from tests.web_fixtures import (
    BATCH_FILES,
    CERTIFICATE,
    COURT_CASE,
    HINDI_MUTATION,
    KOKERNAG_CASE,
    MARKUP_FILE,
    MUTATION,
    WebArchive,
    archive_record,
    log_in,
    record_file,
)
from web.app import create_app

MUTATION_ID = "REV_TSL-05_1987_0042"


def file_numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/files/[^"]+" class="number">([^<]+)</a>', html)


def test_pages_need_a_log_in_and_come_back_after_it(app_client: TestClient) -> None:
    # GIVEN a record keeper following a link before logging in
    response = app_client.get(f"/files/{MUTATION}")
    # THEN the log-in form is shown, and after it the file
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ffiles%2FREV%2FTSL-05%2F1987%2F0042"
    form = app_client.get(response.headers["location"])
    assert f'name="next" value="/files/{MUTATION}"' in form.text
    logged_in = app_client.post("/login", data={"name": "bashir", "password": "correct horse battery staple",
                                                "next": f"/files/{MUTATION}"})
    assert logged_in.status_code == 303 and logged_in.headers["location"] == f"/files/{MUTATION}"
    assert app_client.get(f"/files/{MUTATION}").status_code == 200


def test_english_words_find_the_file_with_the_page_highlighted(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    response = app_client.get("/search", params={"q": '"Ghulam Rasool"'})
    assert response.status_code == 200
    assert file_numbers(response.text) == [MUTATION]
    assert f'<a href="/records/{MUTATION_ID}/pages/2?q=%22Ghulam+Rasool%22">Page 2</a>' in response.text
    assert "<mark>Ghulam Rasool</mark>" in response.text or "<mark>Ghulam</mark> <mark>Rasool</mark>" in response.text
    assert "bijbehara, anantnag · 1987 · mutation" in response.text


def test_urdu_words_find_the_urdu_page_shown_right_to_left(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    # typed with Arabic yeh: folding makes it match the OCRed Farsi yeh
    response = app_client.get("/search", params={"q": "بيع نامہ"})
    assert file_numbers(response.text) == [MUTATION]
    snippet = re.search(rf'<a href="/records/{MUTATION_ID}/pages/3\?q=[^"]+">Page 3</a>\s*<span class="snippet" dir="auto">(.*?)</span>',
                        response.text, re.S)
    assert snippet and "<mark>" in snippet.group(1) and "بیع" in snippet.group(1)


def test_hindi_words_find_the_hindi_page(app_client: TestClient) -> None:
    log_in(app_client, "kulsum")
    response = app_client.get("/search", params={"q": "स्थायी निवासी"})
    assert file_numbers(response.text) == [CERTIFICATE]
    assert re.search(r'<span class="snippet" dir="auto"><mark>स्थाय', response.text)


def test_a_misspelt_word_finds_close_matches_and_the_page_says_so(app_client: TestClient) -> None:
    # GIVEN covers that say KASHMIR, WHEN a keeper types it with a letter missing
    log_in(app_client, "bashir")
    response = app_client.get("/search", params={"q": "kashmr"})
    # THEN the files are found, the page says it shows close matches, and the word is marked as the page has it
    assert MUTATION in file_numbers(response.text)
    assert 'Showing close matches for <span dir="auto">kashmr</span>' in response.text
    assert "<mark>KASHMIR</mark>" in response.text
    # AND a word found as typed says nothing of the kind
    assert "close matches" not in app_client.get("/search", params={"q": "kashmir"}).text


def test_the_api_says_which_words_matched_approximately(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    body = app_client.get("/api/search", params={"q": "kashmr waghama"}).json()
    assert body["close_matches"] == ["kashmr"] and [f["file_number"] for f in body["files"]] == [MUTATION]
    assert app_client.get("/api/search", params={"q": "kashmir"}).json()["close_matches"] == []


def test_filters_narrow_the_results(app_client: TestClient) -> None:
    log_in(app_client, "admin")
    everything = file_numbers(app_client.get("/search", params={"q": "Anantnag"}).text)
    assert set(everything) == BATCH_FILES  # every cover names the district
    by_tehsil = file_numbers(app_client.get("/search", params={"q": "Anantnag", "tehsil": "kokernag"}).text)
    assert set(by_tehsil) == {HINDI_MUTATION, CERTIFICATE, KOKERNAG_CASE}
    by_type = file_numbers(app_client.get("/search", params={"q": "Anantnag", "record_type": "mutation"}).text)
    assert set(by_type) == {MUTATION, HINDI_MUTATION}
    by_years = file_numbers(app_client.get("/search", params={"q": "Anantnag", "year_from": "1980", "year_to": "1995"}).text)
    assert set(by_years) == {MUTATION, COURT_CASE, HINDI_MUTATION}
    by_language = file_numbers(app_client.get("/search", params={"q": "Anantnag", "language": "hin"}).text)
    assert set(by_language) == {HINDI_MUTATION, CERTIFICATE}
    # a year that is not a number is no filter, not an error
    assert app_client.get("/search", params={"q": "Anantnag", "year_from": "nineteen"}).status_code == 200


def test_results_are_paged_with_links_keeping_the_filters(app_client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(web.finder, "FILES_PER_PAGE", 2)
    log_in(app_client, "admin")
    first = app_client.get("/search", params={"q": "Anantnag", "district": "anantnag"})
    assert "6 record files found · page 1 of 3." in first.text
    assert len(file_numbers(first.text)) == 2
    assert 'href="/search?q=Anantnag&amp;district=anantnag&amp;page=2"' in first.text
    pages = [file_numbers(app_client.get("/search", params={"q": "Anantnag", "district": "anantnag", "page": n}).text)
             for n in (1, 2, 3)]
    seen = [number for page in pages for number in page]
    assert sorted(seen) == sorted(BATCH_FILES)


def test_paging_reads_the_index_only_as_far_as_the_page_needs(app_client: TestClient, monkeypatch) -> None:
    # GIVEN an index read two hits at a time and two files per results page
    monkeypatch.setattr(web.finder, "FILES_PER_PAGE", 2)
    monkeypatch.setattr(web.finder, "HITS_PER_FETCH", 2)
    index = app_client.app.state.stores.index()
    search, reads = index.search, []

    def counted(query):
        result = search(query)
        reads.append((query.offset + len(result.hits), result.total))
        return result

    monkeypatch.setattr(index, "search", counted)
    log_in(app_client, "admin")
    # WHEN following "Next" from the first page to the last
    seen, url, read_per_page = [], "/search?q=Anantnag", []
    while url:
        reads.clear()
        html = app_client.get(url).text
        seen += file_numbers(html)
        read_per_page.append(reads[-1])
        following = re.search(r'rel="next" href="([^"]+)"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
    # THEN every file shows up exactly once
    assert sorted(seen) == sorted(BATCH_FILES)
    # AND the first page stopped reading hits long before the last match; only the last page read them all
    (first_read, total), *_ = read_per_page
    assert len(read_per_page) == 3 and first_read < total
    assert read_per_page[-1] == (total, total)


def test_a_search_matching_too_many_pages_says_it_shows_only_the_best(app_client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(web.finder, "HITS_PER_FETCH", 1)
    monkeypatch.setattr(web.finder, "MAX_HITS", 2)
    log_in(app_client, "admin")
    html = app_client.get("/search", params={"q": "Anantnag"}).text
    assert "Only the best matches are shown." in html
    assert 'rel="next"' not in html


def test_an_exact_file_number_goes_straight_to_the_file(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    for typed in (MUTATION, "rev/tsl-05/1987/42", " REV - TSL-05 - 1987 - 0042 ", "REV/TSL-05/۱۹۸۷/۰۰۴۲", MUTATION_ID):
        response = app_client.get("/search", params={"q": typed})
        assert response.status_code == 303, typed
        assert response.headers["location"] == f"/files/{MUTATION}"


def test_a_number_not_yet_archived_says_so(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    response = app_client.get("/search", params={"q": "REV/TSL-05/2020/0999"})
    assert response.status_code == 200
    assert "File REV/TSL-05/2020/0999 is not in the archive (yet)." in response.text


def test_any_spelling_of_a_number_redirects_to_its_permanent_address(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    for spelling in ("rev/tsl-05/1987/42", "REV-TSL-05-1987-0042", MUTATION_ID, f"{MUTATION}/"):
        response = app_client.get(f"/files/{spelling}")
        assert response.status_code == 301, spelling
        assert response.headers["location"] == f"/files/{MUTATION}"
    # an encoded slash is a slash: already the normalized address
    assert app_client.get("/files/REV%2FTSL-05%2F1987%2F0042").status_code == 200


def test_record_file_page_shows_metadata_thumbnails_pdf_and_flags(app_client: TestClient, web_archive: WebArchive) -> None:
    log_in(app_client, "bashir")
    html = app_client.get(f"/files/{COURT_CASE}").text
    assert f'<h1 class="number">{COURT_CASE} <span class="badge">restricted</span>' in html
    assert "<dt>Record type</dt><dd>court-case</dd>" in html and "<dt>Year</dt><dd>1991</dd>" in html
    assert "<dt>Number read from</dt><dd>barcode" in html
    assert '<li data-flag="blank-pages">blank pages</li>' in html  # quality flag: the blank back page
    assert 'href="/records/REV_TSL-05_1991_0113/pdf"' in html
    assert 'href="/records/REV_TSL-05_1991_0113/pdf?download=1"' in html
    thumbs = re.findall(r'src="(/records/REV_TSL-05_1991_0113/images/thumb/\d+)"', html)
    assert len(thumbs) == 3
    assert "Page 3 · blank" in html
    for link in thumbs:
        image = app_client.get(link)
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"
    # rendered once from the archival PDF, then served from the cache under <home>/thumbs
    cached = sorted(p.name for p in (web_archive.home / "thumbs" / "REV_TSL-05_1991_0113").iterdir())
    assert cached == ["thumb-1.jpg", "thumb-2.jpg", "thumb-3.jpg"]


def test_each_page_is_viewable_with_its_text(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get(f"/records/{MUTATION_ID}/pages/3").text
    assert re.search(r'<div class="ocr-text" dir="auto">[^<]*انتقال نمبر 1187', html)
    assert f'src="/records/{MUTATION_ID}/images/page/3"' in html
    assert f'rel="prev" href="/records/{MUTATION_ID}/pages/2"' in html
    image = app_client.get(f"/records/{MUTATION_ID}/images/page/3")
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    assert app_client.get(f"/records/{MUTATION_ID}/pages/4").status_code == 404
    assert app_client.get(f"/records/{MUTATION_ID}/images/page/0").status_code == 404
    assert app_client.get(f"/records/{MUTATION_ID}/images/huge/1").status_code == 404


def test_pdf_opens_inline_and_downloads_as_attachment(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    opened = app_client.get(f"/records/{MUTATION_ID}/pdf")
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF-")
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline")
    saved = app_client.get(f"/records/{MUTATION_ID}/pdf", params={"download": "1"})
    assert saved.headers["content-disposition"] == f'attachment; filename="{MUTATION_ID}.pdf"'
    assert saved.content == opened.content


def test_every_view_and_download_is_in_the_audit_log(app_client: TestClient, web_archive: WebArchive) -> None:
    log_in(app_client, "kulsum")
    app_client.get(f"/files/{CERTIFICATE}")
    app_client.get("/records/REV_TSL-07_1999_0215/pages/2")
    app_client.get("/records/REV_TSL-07_1999_0215/images/page/2")
    app_client.get("/records/REV_TSL-07_1999_0215/pdf")
    app_client.get("/records/REV_TSL-07_1999_0215/pdf?download=1")
    log = AuditLog.open(web_archive.home)
    entries = log.entries(user="kulsum")
    log.close()
    assert [(e.action, e.file_number, e.page) for e in reversed(entries)][-5:] == [
        ("view", CERTIFICATE, None),
        ("page", CERTIFICATE, 2),
        ("page-image", CERTIFICATE, 2),
        ("pdf", CERTIFICATE, None),
        ("download", CERTIFICATE, None),
    ]
    assert all(e.at and e.via == "web" and e.client for e in entries)


def test_the_permanent_address_survives_losing_the_index(app_client: TestClient, web_archive: WebArchive) -> None:
    # GIVEN a file archived and then the index deleted (as before a rebuild)
    record = record_file("REV/TSL-05/1995/0500", "bijbehara", "mutation", 1995, "Reindexed file", ["Page of a reindexed file."])
    archive_record(web_archive.home, web_archive.settings, record)
    index_files = {suffix: web_archive.home / f"index.sqlite{suffix}" for suffix in ("", "-wal", "-shm")}
    backup = {suffix: path.read_bytes() for suffix, path in index_files.items() if path.exists()}
    for path in index_files.values():
        path.unlink(missing_ok=True)
    try:
        log_in(app_client, "bashir")
        # THEN the file still opens by its number: the address reads the catalog and archive
        response = app_client.get("/files/REV/TSL-05/1995/0500")
        assert response.status_code == 200 and "Reindexed file" in response.text
        assert app_client.get("/api/files/REV/TSL-05/1995/0500").json()["title"] == "Reindexed file"
    finally:
        for suffix, data in backup.items():
            index_files[suffix].write_bytes(data)


def test_with_the_index_down_files_still_open_by_number(web_archive: WebArchive) -> None:
    # GIVEN the installation pointed at an Elasticsearch that is not running
    dead = web_archive.settings.model_copy(update={"index": IndexSettings(
        backend="elasticsearch", elasticsearch=ElasticsearchSettings(url="http://127.0.0.1:9", index_prefix="daftar-down"))})
    with TestClient(create_app(web_archive.home, dead), follow_redirects=False) as client:
        log_in(client, "bashir")
        # THEN search says so plainly, and the file opens by its number all the same
        words = client.get("/search", params={"q": "khasra"})
        assert words.status_code == 503 and "Opening a file by its number still works." in words.text
        assert client.get("/search", params={"q": "rev/tsl-05/1987/42"}).headers["location"] == f"/files/{MUTATION}"
        assert client.get(f"/files/{MUTATION}").status_code == 200
        assert client.get("/api/search", params={"q": "khasra"}).status_code == 503


def test_pages_work_on_a_phone(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "autofocus" in html  # a barcode scanner types into the box without a click
    css = app_client.get("/static/style.css").text
    assert "@media (max-width: 40rem)" in css


def test_the_crafted_markup_file_is_in_the_archive(app_client: TestClient) -> None:
    # guards the security tests: they rely on this file being searchable
    log_in(app_client, "bashir")
    assert file_numbers(app_client.get("/search", params={"q": "Arwani onerror"}).text) == [MARKUP_FILE]


def test_the_navigation_leads_to_the_progress_dashboard(app_client: TestClient) -> None:
    # GIVEN a Deputy Commissioner signed in
    log_in(app_client, "dc-anantnag")
    # WHEN the search page is opened THEN its navigation links to the dashboard
    html = app_client.get("/").text
    navigation = re.search(r"<nav>(.*?)</nav>", html, re.S)
    assert navigation and '<a href="/progress">Progress</a>' in navigation.group(1)
    # AND following the link renders the dashboard in the same layout, with the same security headers
    dashboard = app_client.get("/progress")
    assert dashboard.status_code == 200
    assert 'data-summary="anantnag"' in dashboard.text and "Scanning progress" in dashboard.text
    assert '<a href="/progress">Progress</a>' in dashboard.text and "Log out" in dashboard.text
    assert "default-src 'self'" in dashboard.headers["content-security-policy"]
    # nothing the policy would block: the stylesheet is a file, no inline style
    assert "<style" not in dashboard.text and " style=" not in dashboard.text
    assert '<link rel="stylesheet" href="/static/dashboard.css">' in dashboard.text
    assert app_client.get("/static/dashboard.css").status_code == 200


def test_the_log_in_page_shows_no_navigation(app_client: TestClient) -> None:
    assert 'href="/progress"' not in app_client.get("/login").text
