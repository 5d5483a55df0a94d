"""A record file's row of the catalog (`record_files`), written from its archived record: by the
night (`Catalog.record_done`) and by a split or a join (`Catalog.reshape_record_files`)."""

from __future__ import annotations

import json

from domain.model import RecordFile
from store.database import Database, replace_row


def write_record_row(db: Database, record: RecordFile, archive_dir: str) -> None:
    """The record file's row as its archived record says, waiting to be indexed; its id claimed
    (however it was named), so no later record file gets it. Inside a transaction."""
    db.execute("INSERT OR IGNORE INTO record_ids (file_id) VALUES (?)", (record.file_id,))
    replace_row(db, "record_files", "file_id", {
        "file_id": record.file_id, "file_number": record.file_number, "file_number_source": record.file_number_source,
        "district": record.district, "tehsil": record.tehsil, "batch": record.batch, "stack": record.stack,
        "title": record.title, "record_type": record.record_type, "year": record.year, "pages": len(record.pages),
        "blank_pages": sum(1 for page in record.pages if page.blank), "flags": json.dumps(record.flags),
        "archive_dir": archive_dir, "processed_at": record.processed_at, "indexed": 0,
    })
