"""The search pages a record keeper uses: one box, filters, paged results with highlighted pages,
a record file's page with thumbnails and PDF, the permanent address by file number, the audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import web.search
from pipeline.audit import AuditLog
from pipeline.config import ElasticsearchSettings, IndexSettings
from tests.web_fixtures import app_client, web_archive  # noqa: F401 (fixtures)
from tests.web_fixtures import WebArchive, archive_record, log_in, record_file
from web.app import create_app


def file_numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/files/[^"]+" class="number">([^<]+)</a>', html)


def test_pages_need_a_log_in_and_come_back_after_it(app_client: TestClient) -> None:
    # GIVEN a record keeper following a link before logging in
    response = app_client.get("/files/REV/TSL-05/1987/0042")
    # THEN the log-in form is shown, and after it the file
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ffiles%2FREV%2FTSL-05%2F1987%2F0042"
    form = app_client.get(response.headers["location"])
    assert 'name="next" value="/files/REV/TSL-05/1987/0042"' in form.text
    logged_in = app_client.post("/login", data={"name": "bashir", "password": "correct horse battery staple",
                                                "next": "/files/REV/TSL-05/1987/0042"})
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/files/REV/TSL-05/1987/0042"
    assert app_client.get("/files/REV/TSL-05/1987/0042").status_code == 200


def test_english_words_find_the_file_with_the_page_highlighted(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    response = app_client.get("/search", params={"q": "Ghulam Rasool"})
    assert response.status_code == 200
    assert file_numbers(response.text) == ["REV/TSL-05/1987/0042"]
    assert '<a href="/records/REV_TSL-05_1987_0042/pages/2">Page 2</a>' in response.text
    assert "<mark>Ghulam</mark> <mark>Rasool</mark>" in response.text
    assert "Mutation of khasra 112, village Sirhama" in response.text  # the title
    assert "bijbehara, anantnag · 1987 · mutation" in response.text


def test_urdu_words_find_the_urdu_page_shown_right_to_left(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    # typed with Arabic yeh and kaf: folding makes it match the OCRed Farsi yeh and keheh
    response = app_client.get("/search", params={"q": "غلام رسول"})
    assert file_numbers(response.text) == ["REV/TSL-05/1987/0042"]
    snippet = re.search(r'<a href="/records/REV_TSL-05_1987_0042/pages/3">Page 3</a>\s*<span class="snippet" dir="auto">(.*?)</span>',
                        response.text, re.S)
    assert snippet and "<mark>غلام</mark>" in snippet.group(1)


def test_hindi_words_find_the_hindi_page(app_client: TestClient) -> None:
    log_in(app_client, "kulsum")
    response = app_client.get("/search", params={"q": "प्रमाण"})
    assert file_numbers(response.text) == ["REV/TSL-07/2001/0311"]


def test_filters_narrow_the_results(app_client: TestClient) -> None:
    log_in(app_client, "admin")
    everything = file_numbers(app_client.get("/search", params={"q": "village"}).text)
    assert len(everything) == 5
    by_tehsil = file_numbers(app_client.get("/search", params={"q": "village", "tehsil": "kokernag"}).text)
    assert sorted(by_tehsil) == ["REV/TSL-07/1992/0108", "REV/TSL-07/2001/0311"]
    by_type = file_numbers(app_client.get("/search", params={"q": "village", "record_type": "court-case"}).text)
    assert sorted(by_type) == ["REV/TSL-05/1990/0007", "REV/TSL-07/1992/0108"]
    by_years = file_numbers(app_client.get("/search", params={"q": "village", "year_from": "1988", "year_to": "1995"}).text)
    assert sorted(by_years) == ["REV/TSL-05/1990/0007", "REV/TSL-07/1992/0108"]
    by_language = file_numbers(app_client.get("/search", params={"q": "village", "language": "hin"}).text)
    assert by_language == ["REV/TSL-07/2001/0311"]
    # a year that is not a number is no filter, not an error
    assert app_client.get("/search", params={"q": "village", "year_from": "nineteen"}).status_code == 200


def test_results_are_paged_with_links_keeping_the_filters(app_client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(web.search, "FILES_PER_PAGE", 2)
    log_in(app_client, "admin")
    first = app_client.get("/search", params={"q": "village", "district": "anantnag"})
    assert "5 record files found · page 1 of 3." in first.text
    assert len(file_numbers(first.text)) == 2
    assert 'href="/search?q=village&amp;district=anantnag&amp;page=2"' in first.text
    pages = [file_numbers(app_client.get("/search", params={"q": "village", "district": "anantnag", "page": n}).text) for n in (1, 2, 3)]
    seen = [number for page in pages for number in page]
    assert len(seen) == 5 and len(set(seen)) == 5


def test_an_exact_file_number_goes_straight_to_the_file(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    for typed in ("REV/TSL-05/1987/0042", "rev/tsl-05/1987/42", " REV - TSL-05 - 1987 - 0042 ", "REV/TSL-05/۱۹۸۷/۰۰۴۲",
                  "REV_TSL-05_1987_0042"):
        response = app_client.get("/search", params={"q": typed})
        assert response.status_code == 303, typed
        assert response.headers["location"] == "/files/REV/TSL-05/1987/0042"


def test_a_number_not_yet_archived_says_so(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    response = app_client.get("/search", params={"q": "REV/TSL-05/2020/0999"})
    assert response.status_code == 200
    assert "File REV/TSL-05/2020/0999 is not in the archive (yet)." in response.text


def test_any_spelling_of_a_number_redirects_to_its_permanent_address(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    for spelling in ("rev/tsl-05/1987/42", "REV-TSL-05-1987-0042", "REV_TSL-05_1987_0042", "REV%2FTSL-05%2F1987%2F0042"):
        response = app_client.get(f"/files/{spelling}")
        if spelling.startswith("REV%2F"):  # an encoded slash is a slash: already the normalized address
            assert response.status_code == 200
            continue
        assert response.status_code == 301, spelling
        assert response.headers["location"] == "/files/REV/TSL-05/1987/0042"


def test_record_file_page_shows_metadata_thumbnails_pdf_and_flags(app_client: TestClient, web_archive: WebArchive) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/files/REV/TSL-05/1987/0042").text
    assert "<h1 class=\"number\">REV/TSL-05/1987/0042" in html
    assert "Mutation of khasra 112, village Sirhama" in html
    assert "low-confidence-page: 2" in html  # quality flag
    assert 'href="/records/REV_TSL-05_1987_0042/pdf"' in html
    assert 'href="/records/REV_TSL-05_1987_0042/pdf?download=1"' in html
    thumbs = re.findall(r'src="(/records/REV_TSL-05_1987_0042/images/thumb/\d+)"', html)
    assert len(thumbs) == 3
    for link in thumbs:
        image = app_client.get(link)
        assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"
    # rendered once, then served from the cache under <home>/thumbs
    cached = sorted(p.name for p in (web_archive.home / "thumbs" / "REV_TSL-05_1987_0042").iterdir())
    assert cached == ["thumb-1.jpg", "thumb-2.jpg", "thumb-3.jpg"]


def test_each_page_is_viewable_with_its_text(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/records/REV_TSL-05_1987_0042/pages/3").text
    assert '<div class="ocr-text" dir="auto">انتقال اراضی خسرہ نمبر ۱۱۲' in html
    assert 'src="/records/REV_TSL-05_1987_0042/images/page/3"' in html
    assert 'rel="prev" href="/records/REV_TSL-05_1987_0042/pages/2"' in html
    image = app_client.get("/records/REV_TSL-05_1987_0042/images/page/3")
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    assert app_client.get("/records/REV_TSL-05_1987_0042/pages/4").status_code == 404
    assert app_client.get("/records/REV_TSL-05_1987_0042/images/page/0").status_code == 404
    assert app_client.get("/records/REV_TSL-05_1987_0042/images/huge/1").status_code == 404


def test_pdf_opens_inline_and_downloads_as_attachment(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    opened = app_client.get("/records/REV_TSL-05_1987_0042/pdf")
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF-")
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline")
    saved = app_client.get("/records/REV_TSL-05_1987_0042/pdf", params={"download": "1"})
    assert saved.headers["content-disposition"] == 'attachment; filename="REV_TSL-05_1987_0042.pdf"'
    assert saved.content == opened.content


def test_every_view_and_download_is_in_the_audit_log(app_client: TestClient, web_archive: WebArchive) -> None:
    log_in(app_client, "kulsum")
    app_client.get("/files/REV/TSL-07/2001/0311")
    app_client.get("/records/REV_TSL-07_2001_0311/pages/2")
    app_client.get("/records/REV_TSL-07_2001_0311/images/page/2")
    app_client.get("/records/REV_TSL-07_2001_0311/pdf")
    app_client.get("/records/REV_TSL-07_2001_0311/pdf?download=1")
    log = AuditLog.open(web_archive.home)
    entries = log.entries(user="kulsum")
    log.close()
    assert [(e.action, e.file_number, e.page) for e in reversed(entries)][-5:] == [
        ("view", "REV/TSL-07/2001/0311", None),
        ("page", "REV/TSL-07/2001/0311", 2),
        ("page-image", "REV/TSL-07/2001/0311", 2),
        ("pdf", "REV/TSL-07/2001/0311", None),
        ("download", "REV/TSL-07/2001/0311", None),
    ]
    assert all(e.at and e.via == "web" for e in entries)


def test_the_permanent_address_survives_losing_the_index(app_client: TestClient, web_archive: WebArchive) -> None:
    # GIVEN a file archived and then the index deleted (as before a rebuild)
    record = record_file("REV/TSL-05/1995/0500", "bijbehara", "mutation", 1995, "Reindexed file", ["Page of a reindexed file."])
    archive_record(web_archive.home, web_archive.settings, record)
    index_path = web_archive.home / "index.sqlite"
    backup = index_path.read_bytes()
    for suffix in ("", "-wal", "-shm"):
        (web_archive.home / f"index.sqlite{suffix}").unlink(missing_ok=True)
    try:
        log_in(app_client, "bashir")
        # THEN the file still opens by its number: the address reads the catalog and archive
        response = app_client.get("/files/REV/TSL-05/1995/0500")
        assert response.status_code == 200 and "Reindexed file" in response.text
        assert app_client.get("/api/files/REV/TSL-05/1995/0500").json()["title"] == "Reindexed file"
    finally:
        index_path.write_bytes(backup)


def test_pages_work_on_a_phone(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    html = app_client.get("/").text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "autofocus" in html  # a barcode scanner types into the box without a click
    css = app_client.get("/static/style.css").text
    assert "@media (max-width: 40rem)" in css


def test_paging_reads_the_index_only_as_far_as_the_page_needs(app_client: TestClient, monkeypatch) -> None:
    # GIVEN an index read two hits at a time and two files per results page
    monkeypatch.setattr(web.search, "FILES_PER_PAGE", 2)
    monkeypatch.setattr(web.search, "HITS_PER_FETCH", 2)
    log_in(app_client, "admin")
    # WHEN following "Next" from the first page to the last
    seen, url = [], "/search?q=village"
    while url:
        html = app_client.get(url).text
        seen += file_numbers(html)
        following = re.search(r'rel="next" href="([^"]+)"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
    # THEN every file shows up exactly once
    assert len(seen) == 5 and len(set(seen)) == 5


def test_a_search_matching_too_many_pages_says_it_shows_only_the_best(app_client: TestClient, monkeypatch) -> None:
    monkeypatch.setattr(web.search, "HITS_PER_FETCH", 1)
    monkeypatch.setattr(web.search, "MAX_HITS", 2)
    log_in(app_client, "admin")
    html = app_client.get("/search", params={"q": "village"}).text
    assert "Only the best matches are shown." in html
    assert 'rel="next"' not in html


def test_with_the_index_down_files_still_open_by_number(web_archive: WebArchive) -> None:
    # GIVEN the installation pointed at an Elasticsearch that is not running
    dead = web_archive.settings.model_copy(update={"index": IndexSettings(
        backend="elasticsearch", elasticsearch=ElasticsearchSettings(url="http://127.0.0.1:9", index_prefix="daftar-down"))})
    with TestClient(create_app(web_archive.home, dead), follow_redirects=False) as client:
        log_in(client, "bashir")
        # THEN search says so plainly, and the file opens by its number all the same
        words = client.get("/search", params={"q": "khasra"})
        assert words.status_code == 503 and "Opening a file by its number still works." in words.text
        assert client.get("/search", params={"q": "rev/tsl-05/1987/42"}).headers["location"] == "/files/REV/TSL-05/1987/0042"
        assert client.get("/files/REV/TSL-05/1987/0042").status_code == 200
        assert client.get("/api/search", params={"q": "khasra"}).status_code == 503
