"""The search pages and API over a real Elasticsearch (DAFTAR_ES_URL; scripts/test.sh starts one):
the same promises as over the embedded index. The archive is the real batch's (tests/web_fixtures.py),
indexed into Elasticsearch from its record files as a reindex does. Skipped, saying why, when no
server is given."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexers import open_index
from domain.config import ElasticsearchSettings, IndexSettings, Settings
from indexers.elasticsearch import connect
from store.archive import read_record
from store.catalog import Catalog
from tests.es_fixtures import delete_everything_under
from tests.web_fixtures import COURT_CASE, HINDI_MUTATION, KOKERNAG_CASE, MUTATION, CERTIFICATE, WebArchive, log_in
from web.app import create_app

pytestmark = pytest.mark.elasticsearch


@pytest.fixture(scope="module")
def es_archive(es_url: str, batch_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebArchive]:
    es = ElasticsearchSettings(url=es_url, index_prefix=f"daftartest-web-{uuid.uuid4().hex[:8]}")
    loaded = Settings.load()
    settings = loaded.model_copy(update={"index": IndexSettings(backend="elasticsearch", elasticsearch=es)})
    home = tmp_path_factory.mktemp("es-home") / "home"
    shutil.copytree(batch_home, home)
    catalog = Catalog.open(home)
    index = open_index(home, settings)
    try:
        for archive_dir in catalog.all_archive_dirs():
            index.add(read_record(home, archive_dir))
    finally:
        index.close()
        catalog.close()
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
    english = es_client.get("/search", params={"q": "Waghama"}).text
    assert file_numbers(english) == [MUTATION]
    assert "<mark>Waghama</mark>" in english and '<a href="/records/REV_TSL-05_1987_0042/pages/2?q=Waghama">Page 2</a>' in english
    urdu = es_client.get("/search", params={"q": "غلام رسول"}).text
    assert file_numbers(urdu) == [MUTATION]
    assert "<mark>غلام</mark>" in urdu


def test_hindi_words_find_the_hindi_page(es_client: TestClient) -> None:
    log_in(es_client, "kulsum")
    assert file_numbers(es_client.get("/search", params={"q": "स्थायी निवासी"}).text) == [CERTIFICATE]


def test_restricted_files_outside_the_scope_are_left_out(es_client: TestClient) -> None:
    log_in(es_client, "kulsum")
    found = file_numbers(es_client.get("/search", params={"q": "court"}).text)
    assert KOKERNAG_CASE in found and COURT_CASE not in found
    api = es_client.get("/api/search", params={"q": "court"}).json()
    api_found = [f["file_number"] for f in api["files"]]
    assert KOKERNAG_CASE in api_found and COURT_CASE not in api_found


def test_filters_and_exact_numbers_work_the_same(es_client: TestClient) -> None:
    log_in(es_client, "admin")
    by_type = file_numbers(es_client.get("/search", params={"q": "Anantnag", "record_type": "mutation"}).text)
    assert set(by_type) == {MUTATION, HINDI_MUTATION}
    exact = es_client.get("/search", params={"q": "rev/tsl-05/1987/42"})
    assert exact.status_code == 303 and exact.headers["location"] == f"/files/{MUTATION}"


def test_markup_in_ocr_text_stays_text(es_client: TestClient) -> None:
    log_in(es_client, "bashir")
    html = es_client.get("/search", params={"q": "Arwani onerror"}).text
    assert file_numbers(html)  # the page with the markup was found, so its snippet is shown
    assert "<script>" not in html and "&lt;script&gt;" in html
