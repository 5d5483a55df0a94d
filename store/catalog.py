"""The catalog: what happened to every source file and record file, in SQLite under the home.

It is the source of truth for "nothing lost": every source seen is waiting, done or quarantined
(with a reason); every record file knows its archive folder and whether it still
waits to be indexed. The search index is derived from the archive and can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from store.database import open_database, transaction
from domain.model import RecordFile, SourceFile, Stack

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


@dataclass(frozen=True)
class SourceState:
    path: str
    district: str
    tehsil: str
    batch: str
    stack: str
    sha256: str | None
    size: int | None
    state: str
    reason: str | None
    updated_at: str


class Catalog:
    """A thin layer over `<home>/catalog.sqlite`. One connection per thread or process."""

    def __init__(self, path: Path):
        self.path = path
        self.db = open_database(path, SCHEMA)

    @classmethod
    def open(cls, home: Path) -> "Catalog":
        return cls(home / "catalog.sqlite")

    def close(self) -> None:
        self.db.close()

    # sources -----------------------------------------------------------------------------------

    def source(self, path: Path) -> SourceState | None:
        row = self.db.execute("SELECT * FROM sources WHERE path = ?", (str(path),)).fetchone()
        return SourceState(**dict(row)) if row else None

    def is_settled(self, stack: Stack) -> bool:
        """True when every source of the stack is already done or quarantined with this content:
        a rerun has nothing to do for it."""
        for source in stack.sources:
            known = self.source(source.path)
            if known is None or known.sha256 != source.sha256 or known.state not in ("done", "quarantined"):
                return False
        return True

    def mark_sources(self, stack: Stack, sources: Iterable[SourceFile], state: str, reason: str | None, when: dt.datetime) -> None:
        batch = stack.batch
        with transaction(self.db) as db:
            for source in sources:
                db.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (str(source.path), batch.district, batch.tehsil, batch.name, stack.name, source.sha256 or None,
                     source.size, state, reason, when.isoformat(timespec="seconds")),
                )

    def mark_waiting(self, district: str, tehsil: str, batch: str, stack: str, path: Path, reason: str, when: dt.datetime) -> None:
        """A source still being copied in. Never overwrites a finished source's state."""
        self.db.execute(
            "INSERT INTO sources (path, district, tehsil, batch, stack, state, reason, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at "
            "WHERE sources.state = 'waiting'",
            (str(path), district, tehsil, batch, stack, reason, when.isoformat(timespec="seconds")),
        )

    def sources(self, state: str | None = None, district: str | None = None, tehsil: str | None = None) -> list[SourceState]:
        sql, args = "SELECT * FROM sources WHERE 1=1", []
        for column, value in (("state", state), ("district", district), ("tehsil", tehsil)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        return [SourceState(**dict(row)) for row in self.db.execute(sql + " ORDER BY path", args)]

    # record files ------------------------------------------------------------------------------

    def record_done(self, record: RecordFile, archive_dir: str) -> None:
        with transaction(self.db) as db:
            db.execute(
                "INSERT OR REPLACE INTO record_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (record.file_id, record.file_number, record.file_number_source, record.district, record.tehsil,
                 record.batch, record.stack, record.title, record.record_type, record.year, len(record.pages),
                 sum(1 for page in record.pages if page.blank), json.dumps(record.flags), archive_dir,
                 record.processed_at),
            )

    def mark_indexed(self, file_id: str, indexed: bool = True) -> None:
        self.db.execute("UPDATE record_files SET indexed = ? WHERE file_id = ?", (int(indexed), file_id))

    def pending_index(self) -> list[str]:
        rows = self.db.execute("SELECT archive_dir FROM record_files WHERE indexed = 0 ORDER BY processed_at")
        return [row["archive_dir"] for row in rows]

    def all_archive_dirs(self) -> list[str]:
        return [row["archive_dir"] for row in self.db.execute("SELECT archive_dir FROM record_files ORDER BY file_id")]

    def record_file(self, file_number_or_id: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT * FROM record_files WHERE file_id = ? OR file_number = ? ORDER BY processed_at DESC LIMIT 1",
            (file_number_or_id, file_number_or_id),
        ).fetchone()

    def record_files(self, district: str | None = None, tehsil: str | None = None) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM record_files WHERE 1=1", []
        for column, value in (("district", district), ("tehsil", tehsil)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        return list(self.db.execute(sql + " ORDER BY processed_at, file_id", args))
