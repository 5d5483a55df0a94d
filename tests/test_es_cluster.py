"""A three-node Elasticsearch cluster on loopback (scripts/elasticsearch.sh start --nodes 3): the
node holding the pages' primary shard stops in the middle of a night's indexing, the night
finishes, and every page is found; then the node comes back.

One cluster for the module, started by the project's script (and stopped again unless it was
running before). Skipped, like every Elasticsearch test, only when DAFTAR_ES_URL is unset.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from commands.doctor import _index_check
from domain.config import ElasticsearchSettings, IndexSettings, Settings
from domain.model import PageRecord, RecordFile
from indexers.base import SearchQuery
from indexers.elasticsearch import BulkPolicy, ElasticsearchIndex, IndexNames, connect
from tests.es_fixtures import cleaned_up, es_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.elasticsearch

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "elasticsearch.sh"
NODES = 3
FILES, PAGES = 24, 10


def cluster_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args, "--nodes", str(NODES)], capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def cluster_url(es_url: str) -> Iterator[str]:  # noqa: F811 (the fixture)
    """Node 1's URL, as `start --nodes 3` prints it."""
    was_running = cluster_script("status").returncode == 0
    started = cluster_script("start")
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        cluster_script("stop")


@pytest.fixture
def cluster_settings(cluster_url: str) -> Iterator[ElasticsearchSettings]:
    """Every node's URL, so the client goes on through the others when one stops."""
    client = connect(ElasticsearchSettings(url=cluster_url))
    nodes = client.nodes.info(metric="http")["nodes"].values()
    client.close()
    urls = ",".join(sorted(f"http://{node['http']['publish_address']}" for node in nodes))
    yield from cleaned_up(ElasticsearchSettings(url=urls, index_prefix=f"daftartest-cluster-{uuid.uuid4().hex[:8]}"))


def night() -> list[RecordFile]:
    """A small night: FILES record files of PAGES pages, each page with one word no other page has."""
    return [RecordFile(
        file_id=f"REV_TSL-07_2026_{f:04d}", file_number=f"REV/TSL-07/2026/{f:04d}", file_number_raw="",
        file_number_source="barcode", district="Anantnag", tehsil="Kokernag", batch="2026-11-22",
        stack=f"stack-{f}", title="", record_type="mutation", year=1991, languages=["eng"],
        pages=[PageRecord(number=p, source=f"scan-{p:03d}.tif", source_page=1,
                          text=f"Mutation of khasra {f}{p} in village Sagam, entry q{f:02d}p{p:02d}.")
               for p in range(1, PAGES + 1)],
    ) for f in range(1, FILES + 1)]


def node_with_pages_primary(client, names: IndexNames) -> int:
    shards = client.cat.shards(index=names.pages_alias, format="json")
    primary = next(shard for shard in shards if shard["prirep"] == "p")
    return int(primary["node"].removeprefix("node-"))


def test_a_node_stopped_mid_night_loses_nothing_and_comes_back(cluster_settings: ElasticsearchSettings) -> None:
    # GIVEN a night's record files and an index on the three-node cluster, one replica per shard
    records = night()
    index = ElasticsearchIndex(cluster_settings, policy=BulkPolicy(max_docs=PAGES * 2, backoff_seconds=1.0))
    client = index.client
    indexed = index.add_all(records)
    done = [next(indexed) for _ in range(FILES // 3)]
    names = IndexNames(cluster_settings.index_prefix)
    settings = client.indices.get_settings(index=f"{names.files_alias},{names.pages_alias}")
    assert {body["settings"]["index"]["number_of_replicas"] for body in settings.values()} == {"1"}

    # AND those files are on both copies of each shard: a node stopped while its shards' replicas
    # are still being built (the index was made a second ago) takes the only copy with it
    health = client.cluster.health(index=f"{names.files_alias},{names.pages_alias}", wait_for_status="green", timeout="120s")
    assert not health["timed_out"], health

    # WHEN the node holding the pages' primary shard stops, after some files are in and before the rest
    stopped = node_with_pages_primary(client, names)
    assert cluster_script("stop", "--node", str(stopped)).returncode == 0
    done += list(indexed)
    index.refresh()

    # THEN the night finished: every file was indexed, every page is found, and the cluster
    # serves them all from the two nodes left (yellow, not red)
    assert [record.file_id for record in done] == [record.file_id for record in records]
    assert client.count(index=names.pages_alias)["count"] == FILES * PAGES
    for f in range(1, FILES + 1):
        for p in range(1, PAGES + 1):
            hits = index.search(SearchQuery(text=f"q{f:02d}p{p:02d}")).hits
            assert [(hit.file_number, hit.page) for hit in hits] == [(f"REV/TSL-07/2026/{f:04d}", p)]
    health = client.cluster.health()
    assert health["status"] in ("yellow", "green") and health["number_of_nodes"] == NODES - 1
    # AND `daftar doctor` says so
    settings = Settings.load().model_copy(update={"index": IndexSettings(backend="elasticsearch", elasticsearch=cluster_settings)})
    name, ok, detail = _index_check(Path("/nonexistent"), settings)
    assert ok and f"{FILES} record files; cluster daftar-cluster {health['status']}, {NODES - 1} nodes" in detail, detail

    # WHEN the node comes back, THEN the cluster is whole again and still finds every file
    assert cluster_script("start").returncode == 0
    health = client.cluster.health(wait_for_status="green", wait_for_nodes=str(NODES), timeout="120s")
    assert not health["timed_out"] and health["status"] == "green"
    assert index.count() == FILES
    assert index.search(SearchQuery(text="Sagam", limit=1)).total == FILES * PAGES
    index.close()
