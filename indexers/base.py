"""The one small interface every index implements: the embedded default and Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from domain.errors import IndexUnavailable  # noqa: F401 (what every Index raises when it cannot serve)
from domain.model import RecordFile


@dataclass(frozen=True)
class Visibility:
    """Which record files a search may return, as plain data the index filters on: every file
    except those of a restricted record type outside the user's own places. Computed from the
    access rule (store.access) by the caller; None in a SearchQuery means everything."""

    restricted: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (district, record types it restricts)
    districts: tuple[str, ...] = ()  # whole districts where restricted files are visible too
    tehsils: tuple[tuple[str, str], ...] = ()  # (district, tehsil) where restricted files are visible too


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    district: str | None = None
    tehsil: str | None = None
    record_type: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    language: str | None = None
    visibility: Visibility | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class SearchHit:
    """A page that matched. `snippet` marks matches with [[ and ]] (plain text, never HTML)."""

    file_id: str
    file_number: str
    district: str
    tehsil: str
    page: int
    snippet: str
    title: str = ""
    year: int | None = None
    record_type: str | None = None
    score: float = 0.0


@dataclass
class SearchResult:
    """`total` counts matching pages, `files` the record files they belong to (an estimate when
    `files_estimated`; `total` too on the embedded index, past its exact count). `close_matches`
    are the typed words that matched nothing as typed and were matched approximately; `also_close`
    the typed words that pages have as typed and that matched other pages approximately too (OCR
    misread them there): those pages come after the ones with every word as typed."""

    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    files: int = 0
    files_estimated: bool = False
    close_matches: tuple[str, ...] = ()
    also_close: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexHealth:
    """What `daftar doctor` says of an index: whether it can serve every document it holds, and
    what was found (record files; for Elasticsearch the cluster's status and nodes)."""

    ok: bool
    detail: str


class Index(Protocol):
    def add(self, record: RecordFile) -> None:
        """Index the record file and its pages. Idempotent: adding the same file_id twice
        replaces, never duplicates."""

    def add_all(self, records: Iterable[RecordFile]) -> Iterator[RecordFile]:
        """Index many record files as `add` does, as fast as the index allows, and yield each
        one, in the order given, once it is wholly indexed (the caller marks it so)."""

    def remove(self, file_id: str) -> None:
        """Take a record file and its pages out of the index (a file joined into another).
        Removing a file the index does not hold does nothing."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Pages matching the words (and filters), best first, with snippets."""

    def lookup(self, file_number: str) -> SearchHit | None:
        """Exact lookup by normalized file number."""

    def count(self) -> int:
        """Number of record files in the index."""

    def health(self) -> IndexHealth: ...

    def close(self) -> None: ...
