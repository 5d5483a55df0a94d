"""The judged query set (tests/search_queries.json) over the sample night, on both backends: every
query finds the files it must, both backends find the same files, and a word matched
approximately is said to be.

The night is the web fixtures' real batch (tests/web_fixtures.py) and one more real night of the
Goriwan inheritance file (its Urdu page has ورثاء), indexed into the embedded index by the batch
and into Elasticsearch from the archived record files, as a reindex does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.config import ElasticsearchSettings, Settings
from indexers import Index, SearchQuery
from indexers.elasticsearch import ElasticsearchIndex, connect
from indexers.embedded import EmbeddedIndex
from store.archive import read_record
from store.catalog import Catalog
from tests.es_fixtures import delete_everything_under
from tests.web_fixtures import SAMPLE_INBOX

JUDGED = json.loads((Path(__file__).parent / "search_queries.json").read_text(encoding="utf-8"))
NAMES: dict[str, str] = JUDGED["names"]
QUERIES: list[dict] = JUDGED["queries"]
INHERITANCE_SCAN = SAMPLE_INBOX / "anantnag" / "bijbehara" / "2026-11-21" / "scan_20261121_0001.pdf"


@pytest.fixture(scope="module")
def search_home(batch_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web fixtures' night, and a real night of the inheritance file on top of it."""
    from night.run import run_inbox

    work = tmp_path_factory.mktemp("search-night")
    home = work / "home"
    shutil.copytree(batch_home, home)
    batch = work / "inbox" / "anantnag" / "bijbehara" / "2026-11-21"
    batch.mkdir(parents=True)
    shutil.copy2(INHERITANCE_SCAN, batch)
    settled = time.time() - 3600
    for path in [batch, *batch.iterdir()]:
        os.utime(path, (settled, settled))
    loaded = Settings.load()
    settings = loaded.model_copy(update={"workers": 2, "intake": loaded.intake.model_copy(update={"settle_seconds": 0})})
    report = run_inbox(work / "inbox", home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    assert [item["what"] for item in report.to_json()["done"]] == [NAMES["inheritance"]]
    return home


@pytest.fixture(scope="module")
def embedded(search_home: Path) -> Iterator[EmbeddedIndex]:
    index = EmbeddedIndex(search_home / "index.sqlite")
    yield index
    index.close()


@pytest.fixture(scope="module")
def elasticsearch(es_url: str, search_home: Path) -> Iterator[ElasticsearchIndex]:
    settings = ElasticsearchSettings(url=es_url, index_prefix=f"daftartest-judged-{uuid.uuid4().hex[:8]}")
    index = ElasticsearchIndex(settings)
    catalog = Catalog.open(search_home)
    try:
        for archive_dir in catalog.all_archive_dirs():
            index.add(read_record(search_home, archive_dir))
    finally:
        catalog.close()
    index.refresh()
    yield index
    index.close()
    client = connect(settings)
    try:
        delete_everything_under(client, settings.index_prefix)
    finally:
        client.close()


def found(index: Index, query: str) -> tuple[set[str], bool, bool]:
    """The short names of the files a query finds, whether it matched a word no page has
    approximately, and whether it matched a word pages have approximately too."""
    result = index.search(SearchQuery(text=query, limit=1000))
    numbers = {number: name for name, number in NAMES.items()}
    files = {numbers.get(hit.file_number, hit.file_number) for hit in result.hits}
    return files, bool(result.close_matches), bool(result.also_close)


def judged(index: Index) -> list[str]:
    """Every query that misses a file it must find, finds one it must not, or does not say
    (or wrongly says) it matched approximately."""
    wrong = []
    for judged_query in QUERIES:
        files, close, also_close = found(index, judged_query["query"])
        missing = set(judged_query["files"]) - files
        unwanted = set(judged_query.get("not", [])) & files
        if missing or unwanted or (close, also_close) != (judged_query.get("close", False), judged_query.get("also_close", False)):
            wrong.append(f"{judged_query['query']}: missing {sorted(missing)}, unwanted {sorted(unwanted)}, "
                         f"close={close}, also_close={also_close}")
    return wrong


def test_the_judged_set_has_40_queries_in_three_scripts_with_the_reported_misses() -> None:
    queries = [q["query"] for q in QUERIES]
    assert len(queries) >= 40
    assert {"ज़िला", "क़ब्ज़े", "फ़ारूक़", "जांच", "ورثا", "mutations", "kashmr"} <= set(queries)
    scripts = {"latin": str.isascii, "urdu": lambda q: any("\u0600" <= c <= "\u06ff" for c in q),
               "hindi": lambda q: any("\u0900" <= c <= "\u097f" for c in q)}
    assert all(sum(map(test, queries)) >= 10 for test in scripts.values())


def test_every_judged_query_finds_its_files_on_the_embedded_index(embedded: EmbeddedIndex) -> None:
    assert judged(embedded) == []


@pytest.mark.elasticsearch
def test_every_judged_query_finds_its_files_on_elasticsearch(elasticsearch: ElasticsearchIndex) -> None:
    assert judged(elasticsearch) == []


@pytest.mark.elasticsearch
def test_both_backends_find_the_same_files_for_every_query(embedded: EmbeddedIndex, elasticsearch: ElasticsearchIndex) -> None:
    # GIVEN the same night in both indices, WHEN every judged query is asked of each
    differ = {q["query"]: (found(embedded, q["query"]), found(elasticsearch, q["query"])) for q in QUERIES}
    # THEN each finds the same files and matches approximately the same words
    assert {query: both for query, both in differ.items() if both[0] != both[1]} == {}


@pytest.mark.elasticsearch
def test_snippets_show_the_words_of_the_page_on_both_backends(embedded: EmbeddedIndex, elasticsearch: ElasticsearchIndex) -> None:
    # GIVEN the Urdu mutation entry, whose page reads "نے" (yeh barree; folded it would be "نی")
    for index in (embedded, elasticsearch):
        # WHEN a user types the hamza-less spelling of ورثاء, and a Hindi word with a nukta
        urdu = index.search(SearchQuery(text="ورثا")).hits[0].snippet
        hindi = index.search(SearchQuery(text="क़ब्ज़े")).hits[0].snippet
        mutation = index.search(SearchQuery(text="غلام رسول")).hits[0].snippet
        # THEN the snippets mark the page's own spelling, never the folded one
        assert "[[ورثاء]]" in urdu
        assert "[[कब्जे]]" in hindi
        assert "[[رسول]]" in mutation and "نے" in mutation and "نی " not in mutation


@pytest.mark.elasticsearch
def test_a_word_misread_on_some_pages_finds_them_after_the_pages_that_have_it(
        embedded: EmbeddedIndex, elasticsearch: ElasticsearchIndex) -> None:
    # GIVEN "INTIQAL" on the inheritance page, and "Intigal" (an OCR misreading) on the mutation covers
    for index in (embedded, elasticsearch):
        # WHEN a user types the word as it is spelled
        result = index.search(SearchQuery(text="intiqal", limit=100))
        # THEN the page with the word as typed comes first, the misread pages after it, marked, and said so
        assert result.hits[0].file_number == NAMES["inheritance"]
        assert {hit.file_number for hit in result.hits[1:]} == {NAMES["mutation"], NAMES["hindi-mutation"]}
        assert all("[[Intigal]]" in hit.snippet for hit in result.hits[1:])
        assert (result.close_matches, result.also_close) == ((), ("intiqal",))


def test_numbers_are_never_matched_approximately(embedded: EmbeddedIndex) -> None:
    # GIVEN khasra 245 on the mutation's pages, WHEN khasra 246 is asked for
    result = embedded.search(SearchQuery(text="khasra 246"))
    # THEN nothing is found: a number close to another is another number
    assert (result.hits, result.close_matches) == ([], ())


def test_the_search_command_says_it_shows_close_matches(search_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli import app

    monkeypatch.setenv("DAFTAR_INDEX", "embedded")
    # WHEN a word no page has is searched from the command line
    result = CliRunner().invoke(app, ["search", "kashmr", "--home", str(search_home)])
    # THEN the close matches are shown, and it says so
    assert result.exit_code == 0, result.output
    assert "showing close matches for kashmr" in result.output and "KASHMIR" in result.output
