"""What a district's PostgreSQL does to the stores and the night, on a real server: a restart
(`scripts/postgres.sh stop && start`) between two calls of the catalog, the user store and the web
pages, which answer again on a new connection; a transaction whose connection is cut, which fails
and is not sent again; and a full disk on the server, which ends the night as a full disk here does
(exit 11, nothing half-written), the rerun completing once there is room.

The server is this module's own (scripts/postgres.sh with a data folder of its own, given as
`postgres_server` to tests/postgres_fixtures.py's `postgres_database`): its tests restart it and
give it a tablespace on a tiny file system, which the session's server, used by every other
test, must never see."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from domain.errors import DiskFull, ExitCode, InstallationProblem, is_database_server_full, is_disk_full
from night.run import run_inbox
from store.catalog import Catalog
from store.database import DATABASE_URL, transaction
from store.record_rows import write_record_row
from store.users import UserStore, add_user
from tests.conftest import SAMPLES, copy_stack
from tests.postgres_fixtures import SCRIPT, query
from tests.test_night_postgres import NIGHT
from tests.web_fixtures import archive_record, record_file
from web.app import create_app

PDF = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"
EMPTY_SCAN = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-21" / "scan_0003.tif"
MUTATION = "REV/TSL-05/1987/0042"


@pytest.fixture(scope="module")
def own_server() -> Iterator[dict[str, str]]:
    """The environment that makes scripts/postgres.sh start, stop and restart this module's server.
    Its folder is under the system's temporary folder: the server's user (not root) must reach it."""
    if not (os.environ.get("DAFTAR_PG_BIN") or glob.glob("/usr/lib/postgresql/*/bin/postgres")):
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): apt install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="daftar-pg-recovery-"))
    env = {**os.environ, "DAFTAR_PG_RUN": str(folder)}
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_server(own_server: dict[str, str]) -> str:
    """This module's server, in place of the session's one, for `postgres_database`."""
    return _script("start", own_server)


def _script(command: str, env: dict[str, str]) -> str:
    done = subprocess.run(["bash", str(SCRIPT), command], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def restart(own_server: dict[str, str], postgres_server: str) -> None:
    """`scripts/postgres.sh stop && start`: every connection of the old server is cut."""
    assert _script("stop", own_server) == "stopped"
    assert _script("start", own_server) == postgres_server  # the same port: the clients' URL still holds


def test_the_catalog_and_the_user_store_answer_again_after_postgresql_restarts(tmp_path, own_server, postgres_server,
                                                                            postgres_database, settings):
    # GIVEN a catalog with a record file and a user store with a user, both open on PostgreSQL
    home = tmp_path / "home"
    archive_record(home, settings, record_file(MUTATION, "bijbehara", "mutation", 1987, "Mutation", ["khasra 112"]))
    add_user(home, "bashir", "keeper", ["bijbehara"], [], "correct horse battery staple", settings)
    with closing(Catalog.open(home)) as catalog, closing(UserStore.open(home)) as users:
        assert catalog.record_file(MUTATION) is not None and users.user("bashir") is not None
        before = {catalog.db.connection.info.backend_pid, users.db.connection.info.backend_pid}

        # WHEN the server restarts between two calls of each
        restart(own_server, postgres_server)

        # THEN the next call of each answers, on a new connection
        assert catalog.record_file(MUTATION).file_number == MUTATION
        assert users.user("bashir").role == "keeper"
        assert not before & {catalog.db.connection.info.backend_pid, users.db.connection.info.backend_pid}
        # AND after another restart, a write in a transaction goes through too (its BEGIN is sent again)
        restart(own_server, postgres_server)
        second = record_file("REV/TSL-05/1987/0043", "bijbehara", "mutation", 1987, "Mutation", ["khasra 113"])
        catalog.record_done(second, "archive/anantnag/bijbehara/REV_TSL-05_1987_0043")
        assert catalog.record_file_by_id(second.file_id).file_number == second.file_number


def test_a_transaction_whose_connection_is_cut_fails_and_is_not_sent_again(tmp_path, postgres_database):
    # GIVEN the catalog, and a transaction of it that has written a record file's row
    record = record_file(MUTATION, "bijbehara", "mutation", 1987, "Mutation", ["khasra 112"])
    with closing(Catalog.open(tmp_path)) as catalog:
        with pytest.raises(InstallationProblem, match="lost in a transaction of the catalog store, which is not sent again"):
            with transaction(catalog.db) as db:
                write_record_row(db, record, "archive/anantnag/bijbehara/REV_TSL-05_1987_0042")
                # WHEN the server cuts its connection (as an administrator ending the session does)
                query("SELECT pg_terminate_backend(%s)", (db.connection.info.backend_pid,))
                db.execute("UPDATE record_files SET flags = ? WHERE file_id = ?", ("[]", record.file_id))
        # THEN nothing of it was kept, and the catalog answers again outside a transaction
        assert catalog.record_file_by_id(record.file_id) is None
        # AND a transaction that fails of itself is rolled back on the same connection, as before
        pid = catalog.db.connection.info.backend_pid
        with pytest.raises(ValueError):
            with transaction(catalog.db) as db:
                write_record_row(db, record, "archive/anantnag/bijbehara/REV_TSL-05_1987_0042")
                raise ValueError("the caller's own failure")
        assert catalog.record_file_by_id(record.file_id) is None and catalog.db.connection.info.backend_pid == pid


def test_the_web_pages_answer_after_postgresql_restarts(tmp_path, own_server, postgres_server, postgres_database, settings):
    # GIVEN the web app over a home whose stores are on PostgreSQL, a keeper's token, a record file
    home = tmp_path / "home"
    archive_record(home, settings, record_file(MUTATION, "bijbehara", "mutation", 1987, "Mutation", ["khasra 112"]))
    add_user(home, "bashir", "keeper", ["bijbehara"], [], "correct horse battery staple", settings)
    with closing(UserStore.open(home)) as users:
        token = {"Authorization": f"Bearer {users.add_token('bashir')}"}
    with TestClient(create_app(home, settings)) as client:
        # AND the app's threads hold their stores' connections, opened by the first requests
        for _ in range(3):
            assert client.get(f"/api/files/{MUTATION}", headers=token).status_code == 200
        # WHEN the server restarts
        restart(own_server, postgres_server)
        # THEN the same requests answer, with the record file
        for _ in range(3):
            answer = client.get(f"/api/files/{MUTATION}", headers=token)
            assert answer.status_code == 200, answer.text
            assert answer.json()["file_number"] == MUTATION


def test_a_real_disk_full_error_of_postgresql_is_a_full_disk(postgres_database):
    # GIVEN the errors PostgreSQL itself raises: disk_full (53100), and its neighbours of class 53,
    # out of file handles (53000) and out of memory (53200), which freeing disk does not cure
    def raised(sqlstate: str) -> psycopg.Error:
        with psycopg.connect(postgres_database, autocommit=True) as db, pytest.raises(psycopg.Error) as caught:
            db.execute(f"DO $$ BEGIN RAISE EXCEPTION 'could not extend file' USING ERRCODE = '{sqlstate}'; END $$")
        return caught.value

    full = raised("53100")
    assert isinstance(full, psycopg.errors.DiskFull)
    # WHEN they are judged THEN disk_full is a full disk, the server's, also when it caused another error
    assert is_disk_full(full) and is_database_server_full(full)
    try:
        raise RuntimeError("recording a stack failed") from full
    except RuntimeError as wrapped:
        assert is_disk_full(wrapped) and is_database_server_full(wrapped)
    # AND the others are not, nor is a full disk on this machine the server's
    assert not any(is_disk_full(raised(sqlstate)) for sqlstate in ("53000", "53200", "23505"))
    assert not is_database_server_full(OSError(28, "No space left on device"))


@pytest.fixture
def tiny_tablespace(postgres_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DAFTAR_DATABASE_URL with the stores' tables in a tablespace on a 2 MiB file system."""
    mount = Path(tempfile.mkdtemp(prefix="daftar-pg-tiny-"))
    owner = os.environ.get("DAFTAR_PG_USER", "daftar-pg")  # the server's user, as scripts/postgres.sh runs it as root
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size=2m,mode=0700,uid={owner}", "tmpfs",
                                            str(mount)], capture_output=True).returncode != 0:
        mount.rmdir()
        pytest.skip("a small file system needs root and mount")
    space = f"tiny_{mount.name.rsplit('-', 1)[-1].lower()}"
    try:
        query(f"CREATE TABLESPACE {space} LOCATION '{mount}'")
        monkeypatch.setenv(DATABASE_URL, f"{postgres_database}%20-cdefault_tablespace%3D{space}")
        yield space
    finally:
        # emptied, so that it can go (postgres_database drops the schema after)
        for (table,) in query("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace "
                              "WHERE t.spcname = %s AND c.relkind = 'r'", (space,)):
            query(f"DROP TABLE IF EXISTS {table} CASCADE")
        query(f"DROP TABLESPACE IF EXISTS {space}")
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()


def test_a_full_disk_on_the_postgresql_server_ends_the_night_as_a_full_disk_and_the_rerun_completes(
        tmp_path, tiny_tablespace, settings):
    # GIVEN a night of a born-digital PDF and an empty scan, a catalog on PostgreSQL in a tablespace
    # whose disk a table of the district's has filled up
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(PDF, inbox / "anantnag" / "kokernag" / "2026-11-20")
    copy_stack(EMPTY_SCAN, inbox / "anantnag" / "kokernag" / "2026-11-21")
    Catalog.open(home).close()
    query("CREATE TABLE filler (pad TEXT)")
    with pytest.raises(psycopg.errors.DiskFull, match="could not extend file"):
        while True:
            query("INSERT INTO filler SELECT md5(n::text) || repeat('x', 900) FROM generate_series(1, 200) AS n")

    # WHEN the night runs
    with pytest.raises(DiskFull) as stopped:
        run_inbox(inbox, home, settings, NIGHT)
    # THEN it ends as on a full disk here, with exit 11, saying whose disk to make room on
    assert stopped.value.exit_code == ExitCode.DISK_FULL
    assert "no room left on the disk of the PostgreSQL database's server" in str(stopped.value)
    assert is_database_server_full(stopped.value)
    # AND nothing half-written is left: the archive holds no record file the catalog lacks
    with closing(Catalog.open(home)) as catalog:
        assert catalog.all_archive_dirs() == [] == list((home / "archive").rglob("record.json"))

    # WHEN room is made on the server and the night runs again, THEN it completes
    query("DROP TABLE filler")
    report = run_inbox(inbox, home, settings, NIGHT)
    assert len(report.done) == 1 and len(report.quarantined) == 1, report.summary()
    with closing(Catalog.open(home)) as catalog:
        assert {source.state for source in catalog.sources()} == {"done", "quarantined"}
