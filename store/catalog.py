"""The catalog: what happened to every source file and record file, in SQLite under the home (or in
PostgreSQL, see `store.database`).

It is the source of truth for "nothing lost": every source seen is waiting, done or quarantined
(with a reason); every record file knows its archive folder and whether it still
waits to be indexed. The search index is derived from the archive and can be rebuilt.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.config import name_key
from domain.model import RecordFile
from store.corrections import CORRECTIONS, INDEX_REMOVALS, CorrectionRecords
from store.database import Database, PerEngine, open_store, open_store_read_only, transaction
from store.leases import LEASES
from store.record_rows import write_record_row
from store.sources import RESCANS, SOURCE_FAILURES, SourceState, SourceStates

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,          -- absolute path of the scanner's file
    district TEXT NOT NULL,
    tehsil TEXT NOT NULL,
    batch TEXT NOT NULL,
    stack TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'done', 'quarantined')),
    reason TEXT,                    -- why it is quarantined or waiting
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_tehsil ON sources (district, tehsil, state);

CREATE TABLE IF NOT EXISTS record_files (
    file_id TEXT PRIMARY KEY,       -- archive folder name (FileNumber.slug)
    file_number TEXT NOT NULL,      -- normalized
    file_number_source TEXT NOT NULL,
    district TEXT NOT NULL,
    tehsil TEXT NOT NULL,
    batch TEXT NOT NULL,
    stack TEXT NOT NULL,
    title TEXT,
    record_type TEXT,
    year INTEGER,
    pages INTEGER NOT NULL,
    blank_pages INTEGER NOT NULL,
    flags TEXT NOT NULL,            -- JSON list of review flags
    archive_dir TEXT NOT NULL,      -- relative to the home
    processed_at TEXT NOT NULL,     -- ISO timestamp of the night that produced it
    indexed INTEGER NOT NULL DEFAULT 0  -- 0: waiting for the index
);
CREATE INDEX IF NOT EXISTS record_files_number ON record_files (file_number);
CREATE INDEX IF NOT EXISTS record_files_tehsil ON record_files (district, tehsil);
"""

# Record file ids, each claimed once for the record file it names (`Catalog.claim_file_ids`), and
# the record files of an older release that share a number, flagged as the night now flags them.
UNIQUE_IDS = """
CREATE TABLE record_ids (
    file_id TEXT PRIMARY KEY,       -- the archive folder name, never given twice
    origin TEXT UNIQUE              -- where the record file came from; NULL for ids from before
);
INSERT OR IGNORE INTO record_ids (file_id) SELECT file_id FROM record_files;
UPDATE record_files SET flags = json_insert(flags, '$[#]', 'duplicate-file-number')
 WHERE file_number IN (SELECT file_number FROM record_files GROUP BY file_number HAVING COUNT(*) > 1)
   AND NOT EXISTS (SELECT 1 FROM json_each(record_files.flags) WHERE value = 'duplicate-file-number');
"""

# PostgreSQL has no rowid (the order ids were claimed in, `_NEWEST_FIRST`): the table has one of its
# own there. Nothing to carry over: a PostgreSQL catalog begins with the release that has this list.
RECORD_IDS_POSTGRESQL = """
CREATE TABLE record_ids (
    file_id TEXT PRIMARY KEY,
    origin TEXT UNIQUE,
    rowid BIGINT GENERATED ALWAYS AS IDENTITY
);
"""

# In order, never edited once released (see store.database).
MIGRATIONS = [SCHEMA, PerEngine(sqlite=UNIQUE_IDS, postgresql=RECORD_IDS_POSTGRESQL), SOURCE_FAILURES, CORRECTIONS,
              INDEX_REMOVALS, RESCANS, LEASES]

DUPLICATE_FLAG = "duplicate-file-number"


@dataclass(frozen=True)
class CatalogedFile:
    """A record file as the catalog knows it (a row of `record_files`)."""

    file_id: str
    file_number: str
    file_number_source: str
    district: str
    tehsil: str
    batch: str
    stack: str
    title: str | None
    record_type: str | None
    year: int | None
    pages: int
    blank_pages: int
    flags: tuple[str, ...]  # review flags
    archive_dir: str  # relative to the home
    processed_at: str
    indexed: bool


@dataclass(frozen=True)
class SourceCount:
    """How many sources of one tehsil are in one state for one reason."""

    district: str
    tehsil: str
    state: str
    reason: str | None
    count: int


@dataclass(frozen=True)
class HourlyOutput:
    """The record files of one tehsil processed within one hour (`processed_at` cut to the hour, as written)."""

    district: str
    tehsil: str
    hour: str  # "YYYY-MM-DDTHH"
    files: int
    pages: int
    flagged: int  # files with at least one review flag


@dataclass(frozen=True)
class FlagCount:
    """How many record files of one tehsil carry one review flag (as written, details included)."""

    district: str
    tehsil: str
    flag: str
    count: int


class Catalog(SourceStates, CorrectionRecords):
    """A thin layer over `<home>/catalog.sqlite` (or the catalog in PostgreSQL). One connection per
    thread or process."""

    def __init__(self, path: Path, db: Database | None = None):
        self.path = path
        self.db = db if db is not None else open_store(path, MIGRATIONS)

    @classmethod
    def open(cls, home: Path) -> "Catalog":
        return cls(home / "catalog.sqlite")

    @classmethod
    def open_read_only(cls, home: Path) -> "Catalog | None":
        """The home's catalog for reading only (`daftar check` writes nothing), or None if there is none yet."""
        path = home / "catalog.sqlite"
        db = open_store_read_only(path)
        return None if db is None else cls(path, db)

    def close(self) -> None:
        self.db.close()

    # sources -----------------------------------------------------------------------------------

    def sources(self, state: str | None = None, district: str | None = None, tehsil: str | None = None) -> list[SourceState]:
        where, args = _where(state=state, district=district, tehsil=tehsil)
        return [SourceState(**dict(row)) for row in self.db.execute(f"SELECT * FROM sources {where} ORDER BY path", args)]

    def quarantined_sources(self, district: str, tehsil: str, limit: int) -> tuple[list[SourceState], int]:
        """A tehsil's quarantined sources, the latest first, at most `limit`, and how many there are in all."""
        where, args = _where(district=district, tehsil=tehsil, state="quarantined")
        where += " AND replaced_by IS NULL"  # a re-scan done closed it
        total = self.db.execute(f"SELECT COUNT(*) FROM sources {where}", args).fetchone()[0]
        rows = self.db.execute(f"SELECT * FROM sources {where} ORDER BY updated_at DESC, path LIMIT ?", [*args, limit])
        return [SourceState(**dict(row)) for row in rows], total

    # record files ------------------------------------------------------------------------------

    def record_done(self, record: RecordFile, archive_dir: str) -> None:
        with transaction(self.db) as db:
            write_record_row(db, record, archive_dir)

    def claim_file_ids(self, claims: list[tuple[str, str]]) -> list[str]:
        """An id for each (origin, wanted id): the one its origin already holds (a stack done again
        keeps its ids), else `wanted` if no record file ever had it, else `wanted~2`, `wanted~3`...
        Claimed in one transaction, so two stacks finishing at once never get the same id."""
        ids: list[str] = []
        with transaction(self.db) as db:
            for origin, wanted in claims:
                row = db.execute("SELECT file_id FROM record_ids WHERE origin = ?", (origin,)).fetchone()
                if row is None:
                    # LIKE's "_" matches any character: a few more ids than needed, compared exactly below.
                    taken = {r[0] for r in db.execute("SELECT file_id FROM record_ids WHERE file_id = ? OR file_id LIKE ?",
                                                      (wanted, f"{wanted}~%"))}
                    candidates = (wanted if n == 1 else f"{wanted}~{n}" for n in itertools.count(1))
                    file_id = next(c for c in candidates if c not in taken)
                    db.execute("INSERT INTO record_ids VALUES (?, ?)", (file_id, origin))
                    ids.append(file_id)
                else:
                    ids.append(row[0])
        return ids

    def same_number(self, file_number: str) -> list[CatalogedFile]:
        """Every record file with this (normalized) number, the newest first."""
        rows = self.db.execute(f"SELECT * FROM record_files WHERE file_number = ? ORDER BY {_NEWEST_FIRST}", (file_number,))
        return [_cataloged(row) for row in rows]

    def set_flags(self, file_id: str, flags: list[str]) -> None:
        self.db.execute("UPDATE record_files SET flags = ? WHERE file_id = ?", (json.dumps(sorted(set(flags))), file_id))

    def mark_indexed(self, file_id: str, indexed: bool = True) -> None:
        self.db.execute("UPDATE record_files SET indexed = ? WHERE file_id = ?", (int(indexed), file_id))

    def pending_index(self) -> list[str]:
        rows = self.db.execute("SELECT archive_dir FROM record_files WHERE indexed = 0 ORDER BY processed_at")
        return [row["archive_dir"] for row in rows]

    def all_archive_dirs(self) -> list[str]:
        return [row["archive_dir"] for row in self.db.execute("SELECT archive_dir FROM record_files ORDER BY file_id")]

    def record_file(self, file_number_or_id: str) -> CatalogedFile | None:
        """The record file with this archive folder name or (normalized) number; the latest if several."""
        row = self.db.execute(
            f"SELECT * FROM record_files WHERE file_id = ? OR file_number = ? ORDER BY {_NEWEST_FIRST} LIMIT 1",
            (file_number_or_id, file_number_or_id),
        ).fetchone()
        return _cataloged(row) if row else None

    def known_as(self, file_number_or_id: str) -> CatalogedFile | None:
        """`record_file`, else the record file this number named before a correction."""
        row = self.record_file(file_number_or_id)
        if row is None and (file_id := self.former_number(file_number_or_id)) is not None:
            row = self.record_file_by_id(file_id)
        return row

    def record_file_by_id(self, file_id: str) -> CatalogedFile | None:
        row = self.db.execute("SELECT * FROM record_files WHERE file_id = ?", (file_id,)).fetchone()
        return _cataloged(row) if row else None

    def record_files_by_id(self, file_ids: Iterable[str]) -> dict[str, CatalogedFile]:
        ids = sorted(set(file_ids))
        found: dict[str, CatalogedFile] = {}
        for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
            chunk = ids[start:start + 500]
            rows = self.db.execute(f"SELECT * FROM record_files WHERE file_id IN ({','.join('?' * len(chunk))})", chunk)
            found.update((row["file_id"], _cataloged(row)) for row in rows)
        return found

    def record_files(self, district: str | None = None, tehsil: str | None = None) -> list[CatalogedFile]:
        where, args = _where(district=district, tehsil=tehsil)
        rows = self.db.execute(f"SELECT * FROM record_files {where} ORDER BY processed_at, file_id", args)
        return [_cataloged(row) for row in rows]

    def flagged_files(self, district: str, tehsil: str, limit: int) -> tuple[list[CatalogedFile], int]:
        """A tehsil's record files with review flags, the latest first, at most `limit`, and how many in all."""
        where, args = _where(district=district, tehsil=tehsil)
        where += " AND json_array_length(flags) > 0"
        total = self.db.execute(f"SELECT COUNT(*) FROM record_files {where}", args).fetchone()[0]
        rows = self.db.execute(
            f"SELECT * FROM record_files {where} ORDER BY processed_at DESC, file_number LIMIT ?", [*args, limit]
        )
        return [_cataloged(row) for row in rows], total

    def review_files(self, district: str, tehsil: str) -> list[CatalogedFile]:
        """A tehsil's record files with open review flags, the oldest first: the review queue."""
        where, args = _where(district=district, tehsil=tehsil)
        rows = self.db.execute(f"SELECT * FROM record_files {where} AND json_array_length(flags) > 0 "
                               "ORDER BY processed_at, file_id", args)
        return [_cataloged(row) for row in rows]

    def places(self) -> list[tuple[str, str, str | None]]:
        """Every (district, tehsil, record type) the record files hold."""
        rows = self.db.execute("SELECT DISTINCT district, tehsil, record_type FROM record_files")
        return [(row["district"], row["tehsil"], row["record_type"]) for row in rows]

    # counts, for the progress figures --------------------------------------------------------------

    def source_counts(self, district: str | None = None) -> list[SourceCount]:
        where, args = _where(district=district)
        rows = self.db.execute(  # a source replaced by its re-scan is counted once: as its re-scan
            f"SELECT district, tehsil, state, reason, COUNT(*) AS count FROM sources {where} AND replaced_by IS NULL "
            "GROUP BY district, tehsil, state, reason", args
        )
        return [SourceCount(**dict(row)) for row in rows]

    def hourly_output(self, district: str | None = None) -> list[HourlyOutput]:
        # By the hour, so that a catalog written with a real clock stays a few rows per night.
        where, args = _where(district=district)
        rows = self.db.execute(
            "SELECT district, tehsil, substr(processed_at, 1, 13) AS hour, COUNT(*) AS files, "
            "CAST(COALESCE(SUM(pages), 0) AS INTEGER) AS pages, "
            "CAST(COALESCE(SUM(CASE WHEN json_array_length(flags) > 0 THEN 1 ELSE 0 END), 0) AS INTEGER) AS flagged "
            f"FROM record_files {where} GROUP BY district, tehsil, substr(processed_at, 1, 13)", args
        )
        return [HourlyOutput(**dict(row)) for row in rows]

    def flag_counts(self, district: str | None = None) -> list[FlagCount]:
        where, args = _where(district=district)
        rows = self.db.execute(
            "SELECT district, tehsil, flag.value AS flag, COUNT(*) AS count "
            f"FROM record_files, json_each(record_files.flags) AS flag {where} GROUP BY district, tehsil, flag.value", args
        )
        return [FlagCount(**dict(row)) for row in rows]


# Record files by night, and within a night by the order their ids were claimed.
_NEWEST_FIRST = ("processed_at DESC, (SELECT rowid FROM record_ids WHERE record_ids.file_id = record_files.file_id) DESC, "
                 "file_id DESC")

# Compared by their keys (`domain.config.name_key`): a tehsil is one whichever way a folder spelt it.
_NAMES = ("district", "tehsil")


def _where(**equal: str | None) -> tuple[str, list[str]]:
    """A WHERE clause for the columns given a value (None: no filter), and its arguments.
    The column names are ours, never a user's."""
    given = {column: value for column, value in equal.items() if value is not None}
    clause = " AND ".join(f"name_key({column}) = ?" if column in _NAMES else f"{column} = ?" for column in given)
    args = [name_key(value) if column in _NAMES else value for column, value in given.items()]
    return f"WHERE {clause or '1=1'}", args


def _cataloged(row) -> CatalogedFile:
    values = dict(row)
    return CatalogedFile(**{**values, "flags": tuple(json.loads(values["flags"])), "indexed": bool(values["indexed"])})
