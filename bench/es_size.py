"""Bytes per page in Elasticsearch, and what 200 million pages need, from one measured index.

Indexes bench/index.py's generated corpus (record files of ~1,500-character pages in English,
Urdu and Hindi, `bench/index_corpus.py`) through the night's own `Index.add_all`, then reads the
primary store size and document counts of the page and record-file indices from `_stats`: once as
the load left them (segments still merging) and once force-merged to one segment, the archive at
rest. The indices are deleted afterwards.

    export DAFTAR_ES_URL=$(bash scripts/elasticsearch.sh start | tail -1)
    .venv/bin/python bench/es_size.py [--pages 100000] [--pages-per-file 25]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index import FILES_PER_LOAD, settled  # noqa: E402
from bench.index_corpus import Corpus, record_files  # noqa: E402
from domain.config import ElasticsearchSettings  # noqa: E402
from indexers.elasticsearch import ElasticsearchIndex, connect  # noqa: E402
from tests.es_fixtures import delete_everything_under  # noqa: E402

STATE_PAGES = 200_000_000
STORE_STATS_SECONDS = 11


def primaries(index: ElasticsearchIndex) -> dict[str, tuple[int, int, int]]:
    """Per alias (pages, files): primary store bytes, documents, segments."""
    # Elasticsearch caches an index's store size for index.store.stats_refresh_interval (10 s)
    time.sleep(STORE_STATS_SECONDS)
    figures = {}
    for alias in (index.names.pages_alias, index.names.files_alias):
        stats = index.client.indices.stats(index=alias, metric="store,docs,segments")["_all"]["primaries"]
        figures[alias] = (stats["store"]["size_in_bytes"], stats["docs"]["count"], stats["segments"]["count"])
    return figures


def load(index: ElasticsearchIndex, corpus: Corpus) -> tuple[int, int, float]:
    """Every record file of the corpus into the index: (pages, characters of page text, seconds)."""
    pages = chars = 0
    started = time.perf_counter()
    records = record_files(corpus)
    while batch := list(itertools.islice(records, FILES_PER_LOAD)):
        for record in index.add_all(batch):
            pages += len(record.pages)
            chars += sum(len(page.text) for page in record.pages)
        print(f"  {pages} pages", file=sys.stderr, flush=True)
    return pages, chars, time.perf_counter() - started


def report(index: ElasticsearchIndex, pages: int, chars: int, seconds: float) -> None:
    print(f"{pages} pages ({chars / pages:.0f} characters of text a page) indexed in {seconds:.0f} s")
    settled(index)
    as_loaded = primaries(index)
    # Blocking, and minutes on a large index: far beyond the client's usual time-out
    index.client.options(request_timeout=3600).indices.forcemerge(index=[index.names.pages_alias, index.names.files_alias], max_num_segments=1)
    at_rest = primaries(index)
    print(f"{'index':34} {'docs':>8} {'segments':>9} {'bytes as loaded':>16} {'segments':>9} {'bytes merged':>13} "
          f"{'merged/page':>12}")
    for alias, (size, docs, segments) in as_loaded.items():
        merged, _, merged_segments = at_rest[alias]
        print(f"{alias.rsplit('-', 1)[1]:34} {docs:8d} {segments:9d} {size:16d} {merged_segments:9d} {merged:13d} "
              f"{merged / pages:12.0f}")
    per_page = sum(size for size, _, _ in at_rest.values()) / pages
    loaded_per_page = sum(size for size, _, _ in as_loaded.values()) / pages
    print(f"all indices: {per_page:.0f} bytes a page merged ({loaded_per_page:.0f} as loaded), "
          f"{per_page / (chars / pages):.2f} bytes per character of text")
    primary = per_page * STATE_PAGES
    print(f"at {STATE_PAGES:,} pages: primary store {primary / 1e9:.0f} GB, with one replica {2 * primary / 1e9:.0f} GB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--pages-per-file", type=int, default=25, help="mean pages per record file (default 25, the plan's)")
    parser.add_argument("--es-url", default=os.environ.get("DAFTAR_ES_URL"), help="default: $DAFTAR_ES_URL")
    parser.add_argument("--corpus-cache", type=Path, default=Path(tempfile.gettempdir()) / "daftar-bench-corpus")
    args = parser.parse_args()
    if not args.es_url:
        sys.exit("no --es-url or DAFTAR_ES_URL (bash scripts/elasticsearch.sh start prints one)")
    settings = ElasticsearchSettings(url=args.es_url, index_prefix=f"daftarbench-size-{uuid.uuid4().hex[:8]}")
    index = ElasticsearchIndex(settings)
    try:
        report(index, *load(index, Corpus(args.pages, args.pages_per_file, cache=args.corpus_cache)))
    finally:
        index.close()
        client = connect(settings)
        delete_everything_under(client, settings.index_prefix)
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
