"""Fixtures for the stores on a real PostgreSQL (scripts/postgres.sh start).

`store_engine` runs a test once on each engine: "sqlite", the stores as files in the home (no
DAFTAR_DATABASE_URL), and "postgresql", DAFTAR_DATABASE_URL naming a database of the test's own (a
schema made for it and dropped after it, first on the search path), so tests never see each
other's rows. The server is the one scripts/postgres.sh starts once per session (and stops after,
unless it was running before). Skipped, with the reason, only where PostgreSQL's programs are
absent (`apt install postgresql`; scripts/setup.sh installs it).

Used for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import glob
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from store.database import DATABASE_URL

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgres.sh"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of the session's PostgreSQL server."""
    if not (os.environ.get("DAFTAR_PG_BIN") or glob.glob("/usr/lib/postgresql/*/bin/postgres")):
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): apt install postgresql")
    was_running = subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True).returncode == 0
    started = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr[-3000:]
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True)


@pytest.fixture
def postgres_database(postgres_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DAFTAR_DATABASE_URL set to a new, empty database of this test's own (its URL)."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    url = f"{postgres_server}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv(DATABASE_URL, url)
    yield url
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine the stores are on for this run of the test (see the module's docstring)."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_database")
    else:
        monkeypatch.delenv(DATABASE_URL, raising=False)
    return request.param


def query(sql: str, args: tuple = ()) -> list[tuple]:
    """Rows of a query on the database DAFTAR_DATABASE_URL names now, read past daftar's stores."""
    with psycopg.connect(os.environ[DATABASE_URL], autocommit=True) as db:
        cursor = db.execute(sql, args)
        return cursor.fetchall() if cursor.description else []
