"""Getting archived record files into the index. The catalog remembers what is not indexed yet,
so an index that is down only delays search: the next run (or `daftar index`) catches up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from domain.config import Settings
from indexers import Index, IndexUnavailable, open_index
from store.archive import read_record
from store.catalog import Catalog


@dataclass
class IndexOutcome:
    indexed: int
    pending: int
    error: str | None = None


def index_pending(catalog: Catalog, index: Index, home: Path) -> IndexOutcome:
    """Index every record file the catalog marks as not yet indexed, oldest first, after taking
    out those joined into others."""
    for file_id in catalog.pending_removals():
        try:
            index.remove(file_id)
        except IndexUnavailable as error:
            return IndexOutcome(0, len(catalog.pending_index()), str(error))
        catalog.removal_done(file_id)
    pending = catalog.pending_index()
    done = 0
    try:
        # Many files to a request: each is marked indexed once everything of it is in.
        for record in index.add_all(read_record(home, archive_dir) for archive_dir in pending):
            catalog.mark_indexed(record.file_id)
            done += 1
    except IndexUnavailable as error:
        return IndexOutcome(done, len(pending) - done, str(error))
    return IndexOutcome(done, 0)


def reindex_all(catalog: Catalog, index: Index, home: Path) -> IndexOutcome:
    """Put every archived record file into the index again (ids are stable: nothing doubles)."""
    for archive_dir in catalog.all_archive_dirs():
        catalog.mark_indexed(read_record(home, archive_dir).file_id, indexed=False)
    return index_pending(catalog, index, home)


class NightIndexer:
    """Indexes record files as their stacks finish, so search fills during the night. After the
    first failure it stops trying until the end of the run (no waiting on a dead server per
    stack); the catalog keeps everything not indexed for the next run."""

    def __init__(self, catalog: Catalog, home: Path, settings: Settings):
        self.catalog, self.home, self.settings = catalog, home, settings
        self.failed = False

    def catch_up(self) -> None:
        if not self.failed:
            self.failed = self._try().error is not None

    def finish(self) -> IndexOutcome:
        return self._try()

    def _try(self) -> IndexOutcome:
        try:
            index = open_index(self.home, self.settings)
        except IndexUnavailable as error:
            return IndexOutcome(0, len(self.catalog.pending_index()), str(error))
        try:
            return index_pending(self.catalog, index, self.home)
        finally:
            index.close()
