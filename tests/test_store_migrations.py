"""Schema versions: an old home opens after an upgrade, a new migration applies once, a failed
one changes nothing, and a file written by a newer daftar is refused; on PostgreSQL, the same
migrations make every store, and a store's version is kept in its own table."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import store.catalog
from domain.errors import InstallationProblem
from domain.model import PageRecord, RecordFile
from indexers import embedded
from indexers.embedded import DEVANAGARI_MARKS, SCHEMA as INDEX_SCHEMA, EmbeddedIndex
from store import audit, eoffice, users
from store.audit import AuditLog
from store.catalog import Catalog
from store.database import DATABASE_URL, open_database, open_store
from store.eoffice import EOfficeLinks
from store.users import UserStore
from tests.postgres_fixtures import query

TOKEN = "dft_an-old-token"
RECORD = RecordFile(file_id="REV_TSL-05_1987_0042", file_number="REV/TSL-05/1987/0042", file_number_raw="REV/TSL-05/1987/0042",
                    file_number_source="barcode", district="anantnag", tehsil="kokernag", batch="2026-11-20", stack="a.tif",
                    pages=[PageRecord(1, "a.tif", 1)], processed_at="2026-11-21T02:10:00")

# What the previous release left in a home: each file made with the schema of the time (migration 1
# today) and no user_version, with rows written by that release's own statements.
OLD_HOME = {
    "catalog.sqlite": (store.catalog.MIGRATIONS[0], """
        INSERT INTO sources VALUES ('/inbox/anantnag/kokernag/2026-11-20/a.tif', 'anantnag', 'kokernag', '2026-11-20',
            'a.tif', 'ab12', 1000, 'done', NULL, '2026-11-21T02:10:00');
        INSERT INTO record_files VALUES ('REV_TSL-05_1987_0042', 'REV/TSL-05/1987/0042', 'barcode', 'anantnag', 'kokernag',
            '2026-11-20', 'a.tif', 'Mutation of Mohammad Yousuf', 'mutation', 1987, 3, 0, '["blank-pages: 2"]',
            'archive/anantnag/kokernag/REV_TSL-05_1987_0042', '2026-11-21T02:10:00', 1);
    """),
    "users.sqlite": (users.MIGRATIONS[0], f"""
        INSERT INTO users VALUES ('amina', 'keeper', '{PasswordHasher().hash("an old password")}', '["anantnag"]',
            '["anantnag/kokernag"]', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00');
        INSERT INTO api_tokens VALUES ('{hashlib.sha256(TOKEN.encode()).hexdigest()}', 'amina', '2026-01-01T00:00:00+00:00', NULL);
    """),
    "audit.sqlite": (audit.MIGRATIONS[0], """
        INSERT INTO audit (at, user, action, file_number, file_id, page, via, client)
            VALUES ('2026-11-21T09:00:00+00:00', 'amina', 'view', 'REV/TSL-05/1987/0042', 'REV_TSL-05_1987_0042', NULL, 'web', '10.0.0.7');
    """),
    "eoffice.sqlite": (eoffice.MIGRATIONS[0], """
        INSERT INTO efiles VALUES ('GAD-22011/15/2022-GAD', 'Mutation appeal', '2022-03-14', 'export.csv', '2026-11-01T00:00:00+00:00');
        INSERT INTO citations VALUES ('GAD-22011/15/2022-GAD', 'rev/tsl-05/1987/42', 'REV/TSL-05/1987/0042', 1);
    """),
    "index.sqlite": (INDEX_SCHEMA.format(marks=DEVANAGARI_MARKS), """
        INSERT INTO files VALUES ('REV_TSL-05_1987_0042', 'REV/TSL-05/1987/0042', 'anantnag', 'kokernag',
            'Mutation of Mohammad Yousuf', 'mutation', 1987, 'eng');
        INSERT INTO pages (text, file_id, page) VALUES ('Mutation of land in Kokernag', 'REV_TSL-05_1987_0042', 1);
    """),
}

# Every store, opened as daftar opens it, with the number of migrations it knows.
OPENERS: dict[str, tuple[Callable[[Path], object], int]] = {
    "catalog.sqlite": (Catalog.open, len(store.catalog.MIGRATIONS)),
    "users.sqlite": (UserStore.open, len(users.MIGRATIONS)),
    "audit.sqlite": (AuditLog.open, len(audit.MIGRATIONS)),
    "eoffice.sqlite": (EOfficeLinks, len(eoffice.MIGRATIONS)),
    "index.sqlite": (lambda home: EmbeddedIndex(home / "index.sqlite"), len(embedded.MIGRATIONS)),
}


def make_old_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    for name, (schema, rows) in OLD_HOME.items():
        db = sqlite3.connect(home / name)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)
        db.executescript(rows)
        db.close()
    return home


def version_of(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def test_an_old_home_opens_after_the_upgrade_with_its_rows_intact(tmp_path):
    # GIVEN a home the previous release wrote: every file at version 0, with rows in it
    home = make_old_home(tmp_path / "home")
    assert {name: version_of(home / name) for name in OLD_HOME} == dict.fromkeys(OLD_HOME, 0)
    # WHEN this release opens each store THEN every row is still there
    catalog = Catalog.open(home)
    row = catalog.record_file("REV/TSL-05/1987/0042")
    assert row is not None and row.flags == ("blank-pages: 2",) and row.indexed is True and row.pages == 3
    assert [source.state for source in catalog.sources()] == ["done"]
    catalog.close()
    user_store = UserStore.open(home)
    assert user_store.check_password("amina", "an old password").tehsils == ("anantnag/kokernag",)
    assert user_store.token_user(TOKEN).name == "amina"
    user_store.close()
    log = AuditLog.open(home)
    assert [(e.user, e.action, e.client) for e in log.entries()] == [("amina", "view", "10.0.0.7")]
    log.close()
    links = EOfficeLinks(home)
    assert [c.file_id for c in links.citing("REV/TSL-05/1987/0042")] == ["REV_TSL-05_1987_0042"]
    links.close()
    index = EmbeddedIndex(home / "index.sqlite")
    assert index.count() == 1 and index.lookup("REV/TSL-05/1987/0042").title == "Mutation of Mohammad Yousuf"
    index.close()
    # AND every file is at the newest version its store knows
    assert {name: version_of(home / name) for name in OLD_HOME} == {name: newest for name, (_, newest) in OPENERS.items()}


def stored_version(home: Path, name: str) -> int:
    """The schema version of a store as its engine keeps it."""
    if os.environ.get(DATABASE_URL):
        rows = query(f"SELECT version FROM {Path(name).stem}_schema_version")
        return rows[0][0] if rows else 0
    return version_of(home / name)


def test_a_new_postgresql_database_takes_every_store_at_its_newest_version(tmp_path, postgres_database):
    # GIVEN an empty PostgreSQL database WHEN every store is opened, twice
    stores = {name: opener for name, (opener, _) in OPENERS.items() if name != "index.sqlite"}
    for _ in range(2):
        for opener in stores.values():
            opener(tmp_path).close()
    # THEN each has its version table at the newest version, and no file was made in the home
    assert {name: stored_version(tmp_path, name) for name in stores} == {name: OPENERS[name][1] for name in stores}
    assert list(tmp_path.iterdir()) == []
    # AND what one connection writes, another reads back
    with closing(AuditLog.open(tmp_path)) as log:
        log.record("amina", "view", "REV/TSL-05/1987/0042", client="10.0.0.7")
    with closing(AuditLog.open(tmp_path)) as log:
        assert [(e.user, e.client) for e in log.entries()] == [("amina", "10.0.0.7")]


REVIEWS = ("CREATE TABLE reviews (file_id TEXT PRIMARY KEY REFERENCES record_files (file_id), reviewer TEXT NOT NULL);\n"
           "INSERT INTO reviews SELECT file_id, 'nobody; not yet' FROM record_files;")


def reviews_after_opening_twice(home: Path, monkeypatch) -> list[tuple]:
    """The catalog opened twice by a release that adds the migration REVIEWS; the reviews it made."""
    monkeypatch.setattr(store.catalog, "MIGRATIONS", [*store.catalog.MIGRATIONS, REVIEWS])
    for _ in range(2):
        catalog = Catalog.open(home)
        reviews = [tuple(r) for r in catalog.db.execute("SELECT file_id, reviewer FROM reviews").fetchall()]
        assert catalog.record_file("REV_TSL-05_1987_0042") is not None
        catalog.close()
    return reviews


def test_a_new_migration_applies_once(tmp_path, monkeypatch):
    # GIVEN an old home and a release that adds a second catalog migration; the CREATE TABLE
    # (no IF NOT EXISTS) would fail if it ran twice
    home = make_old_home(tmp_path / "home")
    # WHEN the catalog is opened twice THEN the migration ran once, on top of the others
    assert reviews_after_opening_twice(home, monkeypatch) == [("REV_TSL-05_1987_0042", "nobody; not yet")]
    assert version_of(home / "catalog.sqlite") == len(store.catalog.MIGRATIONS)


def test_a_new_migration_applies_once_to_a_catalog_of_this_release(tmp_path, monkeypatch, store_engine):
    # GIVEN a catalog of this release, on either engine, with a record file
    with closing(Catalog.open(tmp_path)) as catalog:
        catalog.record_done(RECORD, "archive/anantnag/kokernag/REV_TSL-05_1987_0042")
    # WHEN a release that adds a migration opens it twice THEN the migration ran once
    assert reviews_after_opening_twice(tmp_path, monkeypatch) == [("REV_TSL-05_1987_0042", "nobody; not yet")]
    assert stored_version(tmp_path, "catalog.sqlite") == len(store.catalog.MIGRATIONS)


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, store_engine):
    # GIVEN a store at version 1 and an upgrade whose second statement fails
    path = tmp_path / "things.sqlite"
    first = "CREATE TABLE IF NOT EXISTS things (name TEXT);"
    open_store(path, [first]).close()
    broken = "CREATE TABLE more_things (name TEXT); INSERT INTO nowhere VALUES (1);"
    # WHEN it is opened THEN the error is raised and nothing of the migration is left behind
    with pytest.raises(Exception, match="nowhere"):
        open_store(path, [first, broken])
    db = open_store(path, [first])
    assert stored_version(tmp_path, "things.sqlite") == 1
    assert db.execute("SELECT COUNT(*) FROM things").fetchone()[0] == 0
    with pytest.raises(Exception, match="more_things"):
        db.execute("SELECT COUNT(*) FROM more_things")
    db.close()


def test_a_migration_may_hold_triggers_comments_and_quoted_semicolons(tmp_path):
    migration = """
        CREATE TABLE notes (text TEXT NOT NULL);  -- a comment; with a semicolon
        CREATE TABLE note_count (n INTEGER NOT NULL);
        INSERT INTO note_count VALUES (0);
        CREATE TRIGGER notes_counted AFTER INSERT ON notes BEGIN
            UPDATE note_count SET n = n + 1;
        END;
        INSERT INTO notes VALUES ('one; two')
    """
    db = open_database(tmp_path / "x.sqlite", [migration])
    assert db.execute("SELECT text FROM notes").fetchone()[0] == "one; two"
    assert db.execute("SELECT n FROM note_count").fetchone()[0] == 1
    db.close()


@pytest.mark.parametrize("name", [name for name in OPENERS if name != "index.sqlite"])
def test_a_postgresql_store_from_a_newer_daftar_is_refused(tmp_path, postgres_database, name):
    # GIVEN a store a newer daftar upgraded
    opener, newest = OPENERS[name]
    opener(tmp_path).close()
    query(f"UPDATE {Path(name).stem}_schema_version SET version = %s", (newest + 1,))
    # WHEN this daftar opens it THEN it refuses, saying why, and leaves it alone
    with pytest.raises(InstallationProblem, match="newer daftar"):
        opener(tmp_path)
    assert stored_version(tmp_path, name) == newest + 1


@pytest.mark.parametrize("name", list(OPENERS))
def test_a_file_from_a_newer_daftar_is_refused(tmp_path, name):
    # GIVEN a home whose file was upgraded by a newer daftar
    home = make_old_home(tmp_path / "home")
    opener, newest = OPENERS[name]
    db = sqlite3.connect(home / name)
    db.execute(f"PRAGMA user_version = {newest + 1}")
    db.close()
    # WHEN this daftar opens it THEN it refuses, saying why, and leaves the file alone
    with pytest.raises(InstallationProblem, match="newer daftar"):
        opener(home)
    assert version_of(home / name) == newest + 1
