"""Getting archived record files into the index. The catalog remembers what is not indexed yet,
so an index that is down only delays search: the next run (or `daftar index --pending`) catches up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexers.base import Index, IndexUnavailable
from pipeline.archive import read_record
from pipeline.catalog import Catalog


@dataclass
class IndexOutcome:
    indexed: int
    pending: int
    error: str | None = None


def index_pending(catalog: Catalog, index: Index, home: Path) -> IndexOutcome:
    """Index every record file the catalog marks as not yet indexed, oldest first."""
    pending = catalog.pending_index()
    done = 0
    for archive_dir in pending:
        record = read_record(home, archive_dir)
        try:
            index.add(record)
        except IndexUnavailable as error:
            return IndexOutcome(done, len(pending) - done, str(error))
        catalog.mark_indexed(record.file_id)
        done += 1
    return IndexOutcome(done, 0)


def reindex_all(catalog: Catalog, index: Index, home: Path) -> IndexOutcome:
    """Put every archived record file into the index again (ids are stable: nothing doubles)."""
    for archive_dir in catalog.all_archive_dirs():
        catalog.mark_indexed(read_record(home, archive_dir).file_id, indexed=False)
    return index_pending(catalog, index, home)
