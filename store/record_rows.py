"""A record file's row of the catalog (`record_files`), written from its archived record: by the
night (`Catalog.record_done`) and by a split or a join (`Catalog.reshape_record_files`)."""

from __future__ import annotations

import json
import sqlite3

from domain.model import RecordFile


def write_record_row(db: sqlite3.Connection, record: RecordFile, archive_dir: str) -> None:
    """The record file's row as its archived record says, waiting to be indexed; its id claimed
    (however it was named), so no later record file gets it."""
    db.execute("INSERT OR IGNORE INTO record_ids (file_id) VALUES (?)", (record.file_id,))
    db.execute(
        "INSERT OR REPLACE INTO record_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (record.file_id, record.file_number, record.file_number_source, record.district, record.tehsil,
         record.batch, record.stack, record.title, record.record_type, record.year, len(record.pages),
         sum(1 for page in record.pages if page.blank), json.dumps(record.flags), archive_dir,
         record.processed_at),
    )
