"""The search pages and API over a real Elasticsearch (DAFTAR_ES_URL; scripts/test.sh starts one):
the same promises as over the embedded index. Skipped, saying why, when no server is given."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from indexers.elasticsearch import connect
from pipeline.config import ElasticsearchSettings, IndexSettings, Settings
from tests.es_fixtures import delete_everything_under
from tests.web_fixtures import WebArchive, build_archive, log_in
from web.app import create_app

pytestmark = pytest.mark.elasticsearch


@pytest.fixture(scope="module")
def es_archive(es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebArchive]:
    es = ElasticsearchSettings(url=es_url, index_prefix=f"daftartest-web-{uuid.uuid4().hex[:8]}")
    loaded = Settings.load()
    settings = loaded.model_copy(update={"index": IndexSettings(backend="elasticsearch", elasticsearch=es)})
    home = tmp_path_factory.mktemp("es-home")
    build_archive(home, settings)
    yield WebArchive(home, settings)
    client = connect(es)
    try:
        delete_everything_under(client, es.index_prefix)
    finally:
        client.close()


@pytest.fixture
def es_client(es_archive: WebArchive) -> Iterator[TestClient]:
    with TestClient(create_app(es_archive.home, es_archive.settings), follow_redirects=False) as client:
        yield client


def file_numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/files/[^"]+" class="number">([^<]+)</a>', html)


def test_english_and_urdu_words_find_the_file_with_highlighted_pages(es_client: TestClient) -> None:
    log_in(es_client, "bashir")
    english = es_client.get("/search", params={"q": "Ghulam Rasool"}).text
    assert file_numbers(english) == ["REV/TSL-05/1987/0042"]
    assert "<mark>Ghulam</mark>" in english and '<a href="/records/REV_TSL-05_1987_0042/pages/2">Page 2</a>' in english
    urdu = es_client.get("/search", params={"q": "غلام رسول"}).text
    assert file_numbers(urdu) == ["REV/TSL-05/1987/0042"]
    assert "<mark>غلام</mark>" in urdu


def test_restricted_files_outside_the_scope_are_left_out(es_client: TestClient) -> None:
    log_in(es_client, "bashir")
    assert sorted(file_numbers(es_client.get("/search", params={"q": "court"}).text)) == ["REV/TSL-05/1990/0007"]
    api = es_client.get("/api/search", params={"q": "court"}).json()
    assert [f["file_number"] for f in api["files"]] == ["REV/TSL-05/1990/0007"]


def test_filters_and_exact_numbers_work_the_same(es_client: TestClient) -> None:
    log_in(es_client, "admin")
    by_tehsil = file_numbers(es_client.get("/search", params={"q": "village", "tehsil": "kokernag"}).text)
    assert sorted(by_tehsil) == ["REV/TSL-07/1992/0108", "REV/TSL-07/2001/0311"]
    exact = es_client.get("/search", params={"q": "rev/tsl-05/1987/42"})
    assert exact.status_code == 303 and exact.headers["location"] == "/files/REV/TSL-05/1987/0042"


def test_markup_in_ocr_text_stays_text(es_client: TestClient) -> None:
    log_in(es_client, "bashir")
    html = es_client.get("/search", params={"q": "Arwani"}).text
    assert "<script>" not in html and "&lt;script&gt;" in html
