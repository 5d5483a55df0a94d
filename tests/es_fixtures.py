"""Fixtures for tests against a real Elasticsearch (scripts/elasticsearch.sh start).

The tests read DAFTAR_ES_URL and are skipped, with the reason said, only when it is unset.
Each test gets its own index prefix, so tests never see each other's documents, and everything
made under that prefix (indices, templates) is deleted afterwards.

Use from a test module with `from tests.es_fixtures import es_index, es_settings, es_url`, or for
the whole suite with `pytest_plugins = ["tests.es_fixtures"]` in tests/conftest.py.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from domain.config import ElasticsearchSettings
from indexers.elasticsearch import ElasticsearchIndex, IndexNames, connect, load_templates

SESSION = uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def es_url() -> str:
    url = os.environ.get("DAFTAR_ES_URL")
    if not url:
        pytest.skip("DAFTAR_ES_URL is not set: start a server with "
                    "`export DAFTAR_ES_URL=$(scripts/elasticsearch.sh start | tail -n1)`")
    return url


@pytest.fixture
def es_settings(es_url: str) -> Iterator[ElasticsearchSettings]:
    """Settings for one test: the server under test, with a prefix no other test uses."""
    yield from cleaned_up(ElasticsearchSettings(url=es_url, index_prefix=f"daftartest-{SESSION}-{uuid.uuid4().hex[:6]}"))


def cleaned_up(settings: ElasticsearchSettings) -> Iterator[ElasticsearchSettings]:
    """The settings, for a fixture to yield; afterwards everything made under their prefix is deleted."""
    yield settings
    client = connect(settings)
    try:
        delete_everything_under(client, settings.index_prefix)
    finally:
        client.close()


@pytest.fixture
def es_index(es_settings: ElasticsearchSettings) -> Iterator[ElasticsearchIndex]:
    index = ElasticsearchIndex(es_settings)
    yield index
    index.close()


def delete_everything_under(client: Elasticsearch, prefix: str) -> None:
    # Names, not a wildcard: servers refuse wildcard deletes (action.destructive_requires_name).
    names = IndexNames(prefix)
    indices = list(client.indices.get(index=f"{prefix}-files-v*,{prefix}-pages-v*"))
    if indices:
        client.indices.delete(index=",".join(indices), ignore_unavailable=True)
    components, index_templates = load_templates(names.prefix)
    for name in index_templates:
        client.options(ignore_status=404).indices.delete_index_template(name=name)
    for name in components:
        client.options(ignore_status=404).cluster.delete_component_template(name=name)
