"""The stores on PostgreSQL in earnest: the same small night run with DAFTAR_DATABASE_URL makes the
same record files, and `daftar show`, search and progress answer the same, as the embedded run;
two processes writing one catalog and audit log at once lose nothing, on either engine."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from typer.testing import CliRunner

from cli import app as cli_app
from night.run import run_inbox
from store.audit import AuditLog
from store.catalog import Catalog
from store.database import DATABASE_URL
from tests.conftest import ROOT, SAMPLES, copy_stack

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
INBOX = SAMPLES / "inbox" / "anantnag"
STACKS = [  # a born-digital PDF, two scanned pages to OCR, and an empty scan to quarantine
    (INBOX / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf", ("kokernag", "2026-11-20")),
    (INBOX / "bijbehara" / "2026-11-21" / "misl-0019", ("bijbehara", "2026-11-21")),
    (INBOX / "kokernag" / "2026-11-21" / "scan_0003.tif", ("kokernag", "2026-11-21")),
]


def daftar(home: Path, *args: str) -> str:
    result = CliRunner().invoke(cli_app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.output.replace(str(home), "<home>")


def untimed(record: dict) -> dict:
    """A record without the seconds each step took (they differ from run to run)."""
    return {key: value for key, value in record.items() if key != "timings"}


def answers(home: Path) -> dict[str, object]:
    """What the night left, as a record keeper and the figures see it."""
    records = {str(path.relative_to(home)): untimed(json.loads(path.read_text(encoding="utf-8")))
               for path in sorted((home / "archive").rglob("record.json"))}
    numbers = sorted(record["file_number"] for record in records.values())
    return {
        "records": records,
        "show": {number: untimed(json.loads(daftar(home, "show", number, "--json"))) for number in numbers},
        "search": [json.loads(daftar(home, "search", words, "--json")) for words in ("khasra", "REV/TSL-07/2016/0088")],
        "progress": json.loads(daftar(home, "progress", "--format", "json")),
        "quarantine": sorted(str(path.relative_to(home)) for path in (home / "quarantine").rglob("*") if path.is_file()),
    }


def test_a_night_on_postgresql_makes_and_answers_what_the_embedded_night_does(tmp_path, settings, postgres_database,
                                                                               monkeypatch):
    # GIVEN one inbox of three stacks
    inbox = tmp_path / "inbox"
    for source, (tehsil, batch) in STACKS:
        copy_stack(source, inbox / "anantnag" / tehsil / batch)
    # WHEN the same night runs once with the stores in the home, once with them in PostgreSQL
    monkeypatch.delenv(DATABASE_URL)
    embedded = run_inbox(inbox, tmp_path / "embedded", settings, NIGHT)
    embedded_answers = answers(tmp_path / "embedded")
    monkeypatch.setenv(DATABASE_URL, postgres_database)
    on_postgres = run_inbox(inbox, tmp_path / "postgres", settings, NIGHT)
    # THEN the reports, the record files and every answer are the same
    assert {**on_postgres.to_json(), "seconds": None} == {**embedded.to_json(), "seconds": None}
    assert len(embedded.done) == 2 and len(embedded.quarantined) == 1
    assert answers(tmp_path / "postgres") == embedded_answers
    assert len(embedded_answers["records"]) == 2 and all(embedded_answers["search"])  # something to compare
    # AND the stores were in PostgreSQL, not in the home (the embedded index is a file in both)
    assert {path.name for path in (tmp_path / "postgres").glob("*.sqlite")} == {"index.sqlite"}
    # AND a second night finds nothing to do
    again = run_inbox(inbox, tmp_path / "postgres", settings, NIGHT)
    assert again.skipped_stacks == 3 and not again.done


# One writer: each of its rounds counts a failure of one shared stack (a read, then a write), claims
# an id that every round wants, and writes a line of the audit log.
WRITER = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from domain.model import Batch, SourceFile, Stack
    from store.audit import AuditLog
    from store.catalog import Catalog

    home, who, rounds, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    batch = Batch("anantnag", "kokernag", "2026-11-20", Path("/inbox/anantnag/kokernag/2026-11-20"))
    stack = Stack(batch, "scan_0001.tif", (SourceFile(batch.path / "scan_0001.tif", "0" * 64, 10),))
    catalog, audit = Catalog.open(home), AuditLog.open(home)
    (home / f"ready-{who}").touch()
    while not go.exists():
        time.sleep(0.01)
    for n in range(rounds):
        catalog.mark_failed(stack, "RuntimeError", "a bug of ours", dt.datetime(2026, 11, 20, 23, 30))
        catalog.claim_file_ids([(f"{who}-{n}", "REV_TSL-05_1987_0042")])
        audit.record(who, "view", "REV/TSL-05/1987/0042")
""")


def test_two_processes_writing_at_once_lose_nothing(tmp_path, store_engine):
    # GIVEN two processes ready to write the same catalog and audit log, started together
    home, rounds, go = tmp_path / "home", 60, tmp_path / "go"
    home.mkdir()
    Catalog.open(home).close()  # made before the race
    AuditLog.open(home).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(home), who, str(rounds), str(go)], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True)
               for who in ("first", "second")]
    while not all((home / f"ready-{who}").exists() for who in ("first", "second")):
        assert all(writer.poll() is None for writer in writers), [writer.communicate()[1] for writer in writers]
    go.touch()
    # WHEN both have written
    errors = [writer.communicate(timeout=300)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    # THEN every failure was counted, every claim got an id of its own, every audit line is there
    with closing(Catalog.open(home)) as catalog:
        [source] = catalog.sources()
        ids = catalog.db.execute("SELECT origin, file_id FROM record_ids").fetchall()
    assert source.failures == 2 * rounds
    assert len({file_id for _, file_id in ids}) == len(ids) == 2 * rounds
    assert {file_id for _, file_id in ids} == {"REV_TSL-05_1987_0042", *(f"REV_TSL-05_1987_0042~{n}" for n in range(2, 2 * rounds + 1))}
    with closing(AuditLog.open(home)) as log:
        assert sorted(e.user for e in log.entries()) == ["first"] * rounds + ["second"] * rounds

