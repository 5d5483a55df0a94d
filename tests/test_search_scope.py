"""Scope inside the query: a keeper of one tehsil among 200 gets full, correctly counted pages of
results, on both backends, and exactly the files the access rule lets them see.

The archive is synthetic (record files written straight to the catalog and the index): 200 tehsils,
each with an unrestricted mutation and a restricted court case of 11 pages, and the keeper's own
tehsil with 15 one-page court cases, all sharing the word searched, the others' pages ranked first.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.config import ElasticsearchSettings, IndexSettings, Settings
from indexers import SearchQuery
from indexers.elasticsearch import connect
from store.access import may_see
from store.catalog import Catalog
from store.users import User
from tests.es_fixtures import delete_everything_under
from tests.web_fixtures import record_file
from web import finder
from web.stores import Stores

TEHSILS = [f"tehsil-{n:03d}" for n in range(200)]
KEEPER = User("amina", "keeper", tehsils=("anantnag/tehsil-137",))
OWN_CASES = 15  # court cases in the keeper's tehsil (restricted, visible to the keeper)


def archive() -> list:
    records = []
    for n, tehsil in enumerate(TEHSILS):
        records.append(record_file(f"REV/T{n:03d}/1990/0001", tehsil, "mutation", 1990, "Mutation",
                                   [f"Mutation of khasra {n} in {tehsil}."]))
        if tehsil == "tehsil-137":  # the keeper's own: one page each, ranked below the others' pages
            texts = [f"Court case about khasra {n} of the village, with the statements of the witnesses."]
            records += [record_file(f"REV/T{n:03d}/1991/{c + 2:04d}", tehsil, "court-case", 1991, "Court case", texts)
                        for c in range(OWN_CASES)]
        else:  # others': more matching pages, all ranked first, than a search used to read (2,000)
            records.append(record_file(f"REV/T{n:03d}/1991/0002", tehsil, "court-case", 1991, "Court case",
                                       ["khasra khasra khasra in dispute."] * 11))
    return records


def make_stores(home: Path, settings: Settings) -> Stores:
    catalog = Catalog.open(home)
    stores = Stores(home, settings)
    index = stores.index()
    try:
        for record in archive():
            catalog.record_done(record, f"anantnag/{record.tehsil}/{record.file_id}")
            index.add(record)
    finally:
        catalog.close()
    if hasattr(index, "refresh"):
        index.refresh()
    return stores


@pytest.fixture(scope="module")
def embedded_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    stores = make_stores(tmp_path_factory.mktemp("scope") / "home", Settings.load())
    yield stores
    stores.close()


@pytest.fixture(scope="module")
def elasticsearch_stores(es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    es = ElasticsearchSettings(url=es_url, index_prefix=f"daftartest-scope-{uuid.uuid4().hex[:8]}")
    settings = Settings.load().model_copy(update={"index": IndexSettings(backend="elasticsearch", elasticsearch=es)})
    stores = make_stores(tmp_path_factory.mktemp("scope-es") / "home", settings)
    yield stores
    stores.close()
    client = connect(es)
    try:
        delete_everything_under(client, es.index_prefix)
    finally:
        client.close()


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def stores(request: pytest.FixtureRequest) -> Stores:
    return request.getfixturevalue(f"{request.param}_stores")


def walk(stores: Stores, user: User, **filters) -> tuple[list[finder.FileResults], set[str]]:
    """Every results page of a search, and the files on them."""
    query = SearchQuery(text="khasra", **filters)
    pages = [finder.find_files(stores, user, query, 1)]
    while pages[-1].page < pages[-1].page_count:
        pages.append(finder.find_files(stores, user, query, pages[-1].page + 1))
    return pages, {f.file_number for page in pages for f in page.files}


def test_a_keeper_of_one_tehsil_among_200_gets_full_correctly_counted_pages(stores: Stores) -> None:
    # GIVEN 200 tehsils of mutations and restricted court cases, and a keeper of one of them
    # WHEN the keeper searches a word every file has, narrowed to court cases
    pages, files = walk(stores, KEEPER, record_type="court-case")
    # THEN only the keeper's own court cases come, counted exactly, ten to a full page
    assert [len(page.files) for page in pages] == [10, OWN_CASES - 10]
    assert all(page.total == OWN_CASES and not page.capped for page in pages)
    assert {number.split("/")[1] for number in files} == {"T137"}


def test_every_file_the_rule_allows_is_found_and_no_other(stores: Stores) -> None:
    # GIVEN the same archive, WHEN the keeper walks every page of an unfiltered search
    pages, files = walk(stores, KEEPER)
    # THEN the files found are exactly those store.access lets the keeper see
    catalog = stores.catalog()
    allowed = {row.file_number for row in catalog.record_files() if may_see(KEEPER, row, stores.settings)}
    assert files == allowed and len(allowed) == len(TEHSILS) + OWN_CASES
    assert pages[0].total == len(allowed) and len(pages) == -(-len(allowed) // finder.FILES_PER_PAGE)
    assert all(len(page.files) == finder.FILES_PER_PAGE for page in pages[:-1])


def test_a_dc_sees_the_whole_district_and_an_admin_everything(stores: Stores) -> None:
    everything = len(TEHSILS) * 2 + OWN_CASES - 1
    for user in (User("dc", "dc", districts=("anantnag",)), User("root", "admin")):
        assert finder.find_files(stores, user, SearchQuery(text="khasra")).total == everything
    outsider = User("other", "dc", districts=("jammu",))
    assert finder.find_files(stores, outsider, SearchQuery(text="khasra")).total == len(TEHSILS)
