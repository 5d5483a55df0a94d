"""The one way daftar opens its SQLite files (catalog, index, users, audit, e-Office links)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def open_database(path: Path, schema: str, private: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL (readers never wait for the nightly writer),
    a generous busy timeout, foreign keys on and the schema applied. `private` creates the file
    readable by its owner only (SQLite gives its -wal and -shm files the same permissions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if private and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA busy_timeout=60000")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(schema)
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing; the write lock is taken at the start, so two writers never deadlock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
