"""The one way daftar opens its SQLite files (catalog, index, users, audit, e-Office links).

Every file carries its schema version in `PRAGMA user_version`: the number of migrations applied.
Each store lists its migrations in order; migration 1 is the schema as the first release wrote it,
in `CREATE ... IF NOT EXISTS` form, so a file from before versions existed (version 0, tables
already there) takes it without harm. A migration is never edited once released: a change to a
schema is a new migration at the end of the list.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from domain.errors import InstallationProblem


def open_database(path: Path, migrations: Sequence[str], private: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL (readers never wait for the nightly writer),
    a generous busy timeout, foreign keys on and the schema brought up to date (see `migrate`).
    `private` creates the file readable by its owner only (SQLite gives its -wal and -shm files
    the same permissions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if private and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=60000")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db, path, migrations)
    except BaseException:
        db.close()
        raise
    return db


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[str]) -> None:
    """Apply the migrations the file has not had, all in one transaction with the new version
    number, so a failed upgrade leaves the file as it was. A file newer than this code is refused:
    an older daftar must not write to a schema it does not know."""
    newest = len(migrations)
    if _checked_version(db, path, newest) == newest:
        return  # the usual case: no write lock taken
    with transaction(db):
        current = _checked_version(db, path, newest)  # again under the lock: another process may have upgraded it
        for migration in migrations[current:]:
            for statement in _statements(migration):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {newest:d}")


def _checked_version(db: sqlite3.Connection, path: Path, newest: int) -> int:
    version = schema_version(db)
    if version > newest:
        raise InstallationProblem(
            f"{path} has schema version {version}, but this daftar knows versions up to {newest}: "
            "it was written by a newer daftar; install that version to use this home"
        )
    return version


def _statements(script: str) -> Iterator[str]:
    """The statements of a SQL script, one by one. (`executescript` would commit the open
    transaction first.) `sqlite3.complete_statement` knows quotes, comments and trigger bodies."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \t\r\n;"):
                yield statement
            statement = ""
    if statement.strip(" \t\r\n;"):
        yield statement[:-1]  # the last statement had no semicolon; SQLite reports any error in it


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
