"""Nothing lost: a run killed at any point and rerun finishes the job, with every source
accounted for, nothing indexed twice and no half-written file in the archive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from indexers import open_index
from store.catalog import Catalog
from tests.conftest import ROOT, SAMPLES, copy_stack

NIGHT = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20"


def start_run(inbox: Path, home: Path) -> subprocess.Popen:
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", str(inbox), "--settle-seconds", "0", "--json"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def record_files_in(home: Path) -> int:
    try:
        with sqlite3.connect(home / "catalog.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM record_files").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_run_killed_mid_batch_then_rerun_accounts_for_every_source(tmp_path, settings):
    # GIVEN a night with a two-file TIFF stack and a born-digital PDF
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    for source in NIGHT.iterdir():
        copy_stack(source, inbox / "anantnag" / "kokernag" / "2026-11-20")

    # WHEN the run is killed (SIGKILL, no chance to clean up) once the first record file is in
    run = start_run(inbox, home)
    deadline = time.time() + 300
    while record_files_in(home) == 0 and run.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    killed_at = record_files_in(home)
    assert killed_at < 3, "the run finished before it could be killed"

    # AND the run is started again
    rerun = start_run(inbox, home)
    assert rerun.wait(timeout=600) == 0

    # THEN every source is done, every record file is archived whole and indexed exactly once
    catalog = Catalog.open(home)
    sources = catalog.sources()
    records = catalog.record_files()
    catalog.close()
    assert {Path(s.path).name for s in sources} == {p.name for p in (inbox / "anantnag" / "kokernag" / "2026-11-20").iterdir()}
    assert all(s.state == "done" for s in sources)
    assert len(records) == 3
    assert all(r.indexed for r in records)
    index = open_index(home, settings)
    assert index.count() == 3
    index.close()
    for row in records:
        folder = home / row.archive_dir
        assert (folder / "record.json").is_file() and (folder / f"{row.file_id}.pdf").is_file()
    leftovers = [p for p in (home / "archive").rglob("*") if ".tmp-" in p.name]
    assert leftovers == []
    assert not (home / "work").exists() or not any((home / "work").iterdir())
