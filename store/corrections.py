"""The catalog's corrections: what a person changed on a record file after the night (its number,
title, record type, year, a flag cleared, a split or a join), who did it, when and why, and the
numbers and ids a record file was once known by, so that an address made with an old one still finds it.
`store.catalog.Catalog` has these methods; this module only keeps them apart from the night's."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from domain.model import RecordFile
from store.database import Database, replace_row, transaction
from store.record_rows import write_record_row

# The history of every record file's corrections, and its former numbers (provisional or wrong).
CORRECTIONS = """
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,               -- ISO timestamp, UTC
    user TEXT NOT NULL,
    file_id TEXT NOT NULL,
    field TEXT NOT NULL,            -- file_number, title, record_type, year or flag (split, join: see reshape_record_files)
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX corrections_file ON corrections (file_id, id);
CREATE TABLE former_numbers (
    file_number TEXT PRIMARY KEY,   -- normalized, as it was written before the correction
    file_id TEXT NOT NULL           -- the record file that carries it now under its corrected number
);
"""

# Record files joined into another: their documents leave the index (now, or when it is back).
INDEX_REMOVALS = """
CREATE TABLE index_removals (
    file_id TEXT PRIMARY KEY
);
"""

# The columns of `record_files` a correction may change, with the name it has in the history.
CORRECTABLE = ("file_number", "title", "record_type", "year")


@dataclass(frozen=True)
class CorrectionEntry:
    """One change of one field of a record file (a row of `corrections`)."""

    id: int
    at: str
    user: str
    file_id: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str


@dataclass(frozen=True)
class Change:
    """A field's value before and after a correction; the flags list for `flag`."""

    field: str
    old_value: str | None
    new_value: str | None


class CorrectionRecords:
    """The correction methods of the catalog, over its connection."""

    db: Database

    def correct_record_file(self, file_id: str, values: dict[str, object], flags: list[str], changes: list[Change],
                            user: str, reason: str, when: dt.datetime | None = None) -> None:
        """Write a correction in one transaction: the row's new values and flags, waiting to be
        indexed again; each change in the history; an old number kept as a former number."""
        unknown = set(values) - set(CORRECTABLE)
        if unknown:
            raise ValueError(f"not correctable: {sorted(unknown)}")
        at = (when or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        assignments = "".join(f"{column} = ?, " for column in values)
        with transaction(self.db) as db:
            db.execute(f"UPDATE record_files SET {assignments}flags = ?, indexed = 0 WHERE file_id = ?",
                       [*values.values(), json.dumps(sorted(set(flags))), file_id])
            for change in changes:
                db.execute("INSERT INTO corrections (at, user, file_id, field, old_value, new_value, reason) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (at, user, file_id, change.field, change.old_value, change.new_value, reason))
                if change.field == "file_number" and change.old_value:
                    replace_row(db, "former_numbers", "file_number", {"file_number": change.old_value, "file_id": file_id})
            if "file_number" in values:  # the number is this file's own again, if it once was another's
                db.execute("DELETE FROM former_numbers WHERE file_number = ?", (values["file_number"],))

    def corrections(self, file_id: str) -> list[CorrectionEntry]:
        """A record file's history of corrections, the oldest first."""
        rows = self.db.execute("SELECT * FROM corrections WHERE file_id = ? ORDER BY id", (file_id,))
        return [CorrectionEntry(**dict(row)) for row in rows]

    def former_number(self, file_number: str) -> str | None:
        """The id of the record file that was known by this number before a correction."""
        row = self.db.execute("SELECT file_id FROM former_numbers WHERE file_number = ?", (file_number,)).fetchone()
        return row[0] if row else None

    def reshape_record_files(self, written: list[tuple[RecordFile, str]], history: list[tuple[str, Change]],
                             user: str, reason: str, joined: RecordFile | None = None,
                             when: dt.datetime | None = None) -> None:
        """Write a split or a join in one transaction: the rows of the record files as archived now
        (with their archive folders), each waiting to be indexed, and the history (file id, change).
        A record file `joined` into the first one leaves the catalog and the index; its number and
        id (and the numbers that led to it) lead to the first one from now on."""
        at = (when or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        with transaction(self.db) as db:
            for record, archive_dir in written:
                write_record_row(db, record, archive_dir)
            if joined is not None:
                into = written[0][0]
                db.execute("DELETE FROM record_files WHERE file_id = ?", (joined.file_id,))
                db.execute("UPDATE former_numbers SET file_id = ? WHERE file_id = ?", (into.file_id, joined.file_id))
                for old in {joined.file_number, joined.file_id}:
                    replace_row(db, "former_numbers", "file_number", {"file_number": old, "file_id": into.file_id})
                db.execute("INSERT OR IGNORE INTO index_removals VALUES (?)", (joined.file_id,))
            for record, _ in written:  # a number is its own file's, never a former one
                db.execute("DELETE FROM former_numbers WHERE file_number IN (?, ?)", (record.file_number, record.file_id))
            for file_id, change in history:
                db.execute("INSERT INTO corrections (at, user, file_id, field, old_value, new_value, reason) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (at, user, file_id, change.field, change.old_value, change.new_value, reason))

    def pending_removals(self) -> list[str]:
        """The ids of record files joined into others whose documents the index may still hold."""
        return [row[0] for row in self.db.execute("SELECT file_id FROM index_removals ORDER BY file_id")]

    def removal_done(self, file_id: str) -> None:
        self.db.execute("DELETE FROM index_removals WHERE file_id = ?", (file_id,))
