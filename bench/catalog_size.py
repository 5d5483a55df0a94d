"""The catalog's bytes and write rate per record file, on SQLite and on PostgreSQL: the figures
behind docs/capacity.md's database sizing.

    export DAFTAR_DATABASE_URL=$(bash scripts/postgres.sh start | tail -n1)   # for the PostgreSQL row
    .venv/bin/python bench/catalog_size.py [--files 20000]

Writes --files generated record files (bench/index_corpus.py: 25 pages each, in English, Urdu and
Hindi) into a fresh catalog as the night does (`Catalog.record_done` for the file, `mark_sources`
for its scan), one transaction each, and prints bytes per record file (the SQLite file with its
WAL; on PostgreSQL the size of a schema of its own, tables and indexes) and record files written
per second; then the catalog of 8 million record files (200 million pages at 25 a file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_corpus import Corpus, record_files  # noqa: E402
from domain.model import Batch, SourceFile, Stack  # noqa: E402
from store.catalog import Catalog  # noqa: E402
from store.database import DATABASE_URL  # noqa: E402

STATE_FILES = 8_000_000


def write_files(home: Path, count: int) -> float:
    """Seconds to write `count` record files and their scans into the home's catalog."""
    now = dt.datetime.now(dt.timezone.utc)
    catalog = Catalog.open(home)
    started = time.perf_counter()
    try:
        for n, record in enumerate(itertools.islice(record_files(Corpus(pages=count * 25, pages_per_file=25, page_chars=80)), count)):
            batch = Batch(record.district, record.tehsil, record.batch, home / "inbox" / record.district / record.tehsil / record.batch)
            scan = SourceFile(batch.path / f"scan-{n:07d}.tif", f"{n:064x}", 250_000 * len(record.pages))
            stack = Stack(batch, scan.path.name, (scan,))
            catalog.mark_sources(stack, stack.sources, "done", None, now)
            catalog.record_done(record, f"archive/{record.district}/{record.tehsil}/{record.file_id}")
    finally:
        catalog.close()
    return time.perf_counter() - started


def sqlite_bytes(home: Path) -> int:
    return sum(path.stat().st_size for path in home.glob("catalog.sqlite*"))


def postgres_bytes(url: str, schema: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        return int(db.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                              "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                              (schema,)).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.pop(DATABASE_URL, None)
    rows = []
    with tempfile.TemporaryDirectory(prefix="daftar-catalog-") as tmp:
        seconds = write_files(Path(tmp) / "sqlite", args.files)
        rows.append(("SQLite (embedded)", sqlite_bytes(Path(tmp) / "sqlite"), seconds))
        if url:
            import psycopg

            schema = f"bench_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(url, autocommit=True) as db:
                db.execute(f"CREATE SCHEMA {schema}")
            os.environ[DATABASE_URL] = f"{url}?options=-csearch_path%3D{schema}"
            try:
                seconds = write_files(Path(tmp) / "postgres", args.files)
                rows.append(("PostgreSQL", postgres_bytes(url, schema), seconds))
            finally:
                with psycopg.connect(url, autocommit=True) as db:
                    db.execute(f"DROP SCHEMA {schema} CASCADE")
    print(f"{args.files:,} record files of 25 pages, one scan each, one transaction each")
    print(f"  {'catalog':20} {'bytes/file':>11} {'files/s':>9} {'at 8M files':>12}")
    for name, size, seconds in rows:
        print(f"  {name:20} {size / args.files:11.0f} {args.files / seconds:9.0f} {size / args.files * STATE_FILES / 1e9:9.1f} GB")
    if not url:
        print("  (PostgreSQL not measured: DAFTAR_DATABASE_URL is not set)")


if __name__ == "__main__":
    main()
