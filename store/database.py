"""The one way daftar opens its databases: the stores (catalog, users, audit log, e-Office links) and
the embedded search index.

A store lives in a SQLite file in the home (`open_store(home / "catalog.sqlite", ...)`), or, when
DAFTAR_DATABASE_URL names a PostgreSQL database (`postgresql://...`), in that database, where every
machine of a district reads and writes the same catalog (`store.postgres`). The stores are written
once, in SQLite's SQL, against what both connections offer (`execute`, `executemany`, rows read by
position, by column name and with `dict(row)`, `transaction`); what PostgreSQL needs differently
is translated in `store.postgres` and nowhere else. The embedded index is SQLite's own (FTS5) and
always a file (`open_database`).

Every database carries each store's schema version: the number of migrations applied (SQLite:
`PRAGMA user_version`; PostgreSQL: a table per store). Each store lists its migrations in order;
migration 1 is the schema as the first release wrote it, in `CREATE ... IF NOT EXISTS` form, so a
file from before versions existed (version 0, tables already there) takes it without harm. A
migration is never edited once released: a change to a schema is a new migration at the end of the
list. The rare migration whose SQL cannot be the same on both engines is a `PerEngine`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from domain.config import name_key
from domain.errors import InstallationProblem

if TYPE_CHECKING:  # psycopg takes a quarter of a second to import: only where it is used
    from store.postgres import PostgresDatabase

DATABASE_URL = "DAFTAR_DATABASE_URL"

# A store's connection, either engine; rows of both read as `sqlite3.Row` does.
Database = Union[sqlite3.Connection, "PostgresDatabase"]


@dataclass(frozen=True)
class PerEngine:
    """A migration written once per engine: what SQLite has (data of older releases to carry
    over, SQLite's own functions) that a PostgreSQL database, new with this release, does not."""

    sqlite: str
    postgresql: str


Migration = Union[str, PerEngine]


def database_url() -> str | None:
    """The PostgreSQL database DAFTAR_DATABASE_URL names, or None: the stores are SQLite files."""
    url = os.environ.get(DATABASE_URL, "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise InstallationProblem(f"{DATABASE_URL} must be a postgresql:// URL, not {url.split(':', 1)[0]!r}")
    return url


def open_store(path: Path, migrations: Sequence[Migration], private: bool = False) -> Database:
    """A store's database, its schema up to date: the SQLite file `path` (owner-only if `private`),
    or with DAFTAR_DATABASE_URL set the store `path.stem` ("catalog", "users"...) in PostgreSQL."""
    url = database_url()
    if url is not None:
        from store import postgres

        return postgres.open_store(url, path.stem, [list(_statements(_for(m, "postgresql"))) for m in migrations])
    db = open_database(path, [_for(m, "sqlite") for m in migrations], private)
    db.create_function("name_key", 1, name_key, deterministic=True)
    return db


def open_store_read_only(path: Path) -> Database | None:
    """A store for reading only (`daftar check` writes nothing), or None if there is none yet."""
    url = database_url()
    if url is not None:
        from store import postgres

        return postgres.open_read_only(url, path.stem)
    if not path.is_file():
        return None
    # Without a write-ahead log no run is writing and everything is in the file itself: read it as
    # immutable, so that SQLite leaves no -shm or -wal beside it. With one, a run is on: read through it.
    mode = "mode=ro" if path.with_name(path.name + "-wal").exists() else "immutable=1"
    db = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=60, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.create_function("name_key", 1, name_key, deterministic=True)
    return db


def stores_check(home: Path) -> tuple[bool, str]:
    """Where the stores of this home are, and whether they can be reached (`daftar doctor`)."""
    try:
        url = database_url()
        if url is None:
            return True, f"SQLite files in {home}"
        from store import postgres

        return True, f"PostgreSQL {postgres.server_version(url)} at {postgres.describe(url)}"
    except InstallationProblem as error:
        return False, str(error)


def open_database(path: Path, migrations: Sequence[str], private: bool = False) -> sqlite3.Connection:
    """A SQLite connection in autocommit mode with WAL (readers never wait for the nightly writer),
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
    if checked_version(schema_version(db), str(path), newest) == newest:
        return  # the usual case: no write lock taken
    with transaction(db):
        # again under the lock: another process may have upgraded it
        current = checked_version(schema_version(db), str(path), newest)
        for migration in migrations[current:]:
            for statement in _statements(migration):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {newest:d}")


def checked_version(version: int, where: str, newest: int) -> int:
    if version > newest:
        raise InstallationProblem(
            f"{where} has schema version {version}, but this daftar knows versions up to {newest}: "
            "it was written by a newer daftar; install that version to use this home"
        )
    return version


def _for(migration: Migration, engine: str) -> str:
    return getattr(migration, engine) if isinstance(migration, PerEngine) else migration


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


def replace_row(db: Database, table: str, key: str, row: dict[str, object]) -> None:
    """SQLite's INSERT OR REPLACE in SQL both engines speak: the row with this key (if any) goes and
    this one comes, its columns not named at their defaults. Inside `transaction`, so that no other
    writer comes between the two."""
    db.execute(f"DELETE FROM {table} WHERE {key} = ?", (row[key],))
    db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """All or nothing; the store's write lock is taken at the start, so two writers never deadlock
    and a read-then-write inside never races another process's."""
    if not isinstance(db, sqlite3.Connection):
        with db.transaction():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
