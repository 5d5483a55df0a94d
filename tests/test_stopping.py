"""Stopping is clean: a SIGTERM records every finished stack and exits 10, a SIGKILL leaves no
program of the run behind, a second run on the same home is refused at once, a full disk ends
the night with exit 11; and each time the next run finishes the job, redoing nothing.

Real `daftar run` processes on five one-page stacks. Every program a run starts inherits its
environment, so a mark put there finds whatever of it is still alive."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from domain.config import Settings
from domain.model import Batch, Stack
from domain.report import BatchReport
from night.outcome import record_result
from night.run import run_inbox
from night.stack import StackResult
from store.archive import write_record
from store.catalog import Catalog
from tests.conftest import ROOT, SAMPLES, copy_stack
from tests.web_fixtures import make_pdf, record_file

PAGES = SAMPLES / "inbox" / "anantnag" / "bijbehara" / "2026-11-20"
PAGES_WITHOUT_BARCODES = ("0002", "0003", "0006", "0007", "0010")  # one record file each


def five_stacks(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    for number in PAGES_WITHOUT_BARCODES:
        stack = tmp_path / "stacks" / f"page-{number}"
        stack.mkdir(parents=True)
        (stack / f"scan_{number}.jpg").write_bytes((PAGES / f"scan_{number}.jpg").read_bytes())
        copy_stack(stack, inbox / "anantnag" / "bijbehara" / "2026-11-20")
    return inbox


class Run:
    """A `daftar run` in its own process, its programs marked by an environment variable."""

    def __init__(self, inbox: Path, home: Path, logs: Path):
        self.mark = uuid.uuid4().hex
        self.stderr_path = logs / f"stderr-{self.mark}.txt"
        env = {**os.environ, "DAFTAR_HOME": str(home), "DAFTAR_TEST_RUN": self.mark}
        with self.stderr_path.open("w") as stderr:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "run", str(inbox), "--settle-seconds", "0", "--json"],
                                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def survivors(self, grace: float = 10.0) -> list[str]:
        """The run's programs still alive `grace` seconds after it ended (their command lines)."""
        deadline = time.monotonic() + grace
        while True:
            alive = _marked(f"DAFTAR_TEST_RUN={self.mark}")
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.2)


def _marked(entry: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and entry.encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass
    return found


def wait_until(condition, run: Run, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert run.process.poll() is None, f"the run ended early: {run.stderr[-2000:]}"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def lock_held(home: Path) -> bool:
    if not (home / "run.lock").exists():
        return False
    with (home / "run.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


def cataloged(home: Path) -> set[str]:
    try:
        catalog = Catalog.open(home)
    except Exception:  # not created yet
        return set()
    try:
        return set(catalog.all_archive_dirs())
    finally:
        catalog.close()


def archived(home: Path) -> dict[str, float]:
    """Archive folders holding a record, with the time their record was written."""
    return {str(record.parent.relative_to(home)): record.stat().st_mtime for record in (home / "archive").rglob("record.json")}


def assert_all_done(home: Path, inbox: Path) -> None:
    catalog = Catalog.open(home)
    try:
        sources = [s for s in catalog.sources() if Path(s.path).suffix == ".jpg"]
        assert sorted(Path(s.path).name for s in sources) == sorted(f"scan_{n}.jpg" for n in PAGES_WITHOUT_BARCODES)
        assert all(s.state == "done" for s in sources)
        assert len(catalog.record_files()) == len(PAGES_WITHOUT_BARCODES)
    finally:
        catalog.close()
    assert set(archived(home)) == cataloged(home)
    assert [p for p in home.rglob("*") if ".tmp-" in p.name] == []


def test_sigterm_records_every_finished_stack_exits_10_and_a_second_run_is_refused_at_once(tmp_path):
    # GIVEN a night of five stacks, running
    inbox, home = five_stacks(tmp_path), tmp_path / "home"
    first = Run(inbox, home, tmp_path)
    wait_until(lambda: lock_held(home), first)

    # WHEN a second run starts on the same home
    started = time.monotonic()
    second = Run(inbox, home, tmp_path)
    # THEN it is refused at once: exit 9, a message, no traceback
    assert second.wait(timeout=60) == 9
    refused_in = time.monotonic() - started
    assert refused_in < 20, f"refused after {refused_in:.0f}s"
    assert "another daftar run" in second.stderr and "Traceback" not in second.stderr

    # WHEN the first run gets SIGTERM once a stack is recorded
    wait_until(lambda: cataloged(home), first)
    first.process.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    # THEN it ends within seconds with exit 10 and says so; every stack in the archive is in the catalog
    assert first.wait(timeout=60) == 10, first.stderr[-2000:]
    assert time.monotonic() - stopped < 15
    assert "error: stopped (by SIGTERM)" in first.stderr and "Traceback" not in first.stderr
    before = archived(home)
    assert before and set(before) == cataloged(home)
    assert first.survivors() == []

    # WHEN the night is run again
    rerun = Run(inbox, home, tmp_path)
    assert rerun.wait(timeout=300) == 0, rerun.stderr[-2000:]
    # THEN everything is done, and what the first run recorded was not redone
    assert_all_done(home, inbox)
    after = archived(home)
    assert {folder: after[folder] for folder in before} == before
    assert rerun.survivors() == []


def test_sigkill_at_random_moments_leaves_no_program_behind_and_the_rerun_finishes(tmp_path):
    # GIVEN a night of five stacks
    inbox, home = five_stacks(tmp_path), tmp_path / "home"
    seed = random.randrange(1 << 16)
    moments = random.Random(seed).uniform(1, 6), random.Random(seed + 1).uniform(0, 4)
    for kill, moment in enumerate(moments):
        # WHEN a run is killed with SIGKILL (the first one early, the second once a stack is recorded)
        run = Run(inbox, home, tmp_path)
        if kill:
            wait_until(lambda: len(cataloged(home)) > 0, run)
        time.sleep(moment)
        run.process.kill()
        run.wait(timeout=30)
        # THEN none of its programs (Tesseract, Prefect's server, ...) outlives it
        assert run.survivors() == [], f"seed {seed}, kill {kill} at {moment:.1f}s"

    # WHEN the night is run again, THEN it finishes the job
    rerun = Run(inbox, home, tmp_path)
    assert rerun.wait(timeout=300) == 0, rerun.stderr[-2000:]
    assert_all_done(home, inbox)
    assert rerun.survivors() == []


def test_a_night_started_without_daftar_run_still_writes_owner_only_files(tmp_path: Path) -> None:
    # GIVEN a process with a permissive umask, as a Prefect worker's, and a batch still being copied in
    batch = tmp_path / "inbox" / "anantnag" / "bijbehara" / "2026-11-22"
    batch.mkdir(parents=True)
    (batch / "scan_0001.tif").write_bytes(b"II*\x00")
    home = tmp_path / "home"
    loaded = Settings.load()
    settings = loaded.model_copy(update={"intake": loaded.intake.model_copy(update={"settle_seconds": 3600}),
                                         "index": loaded.index.model_copy(update={"backend": "embedded"})})
    previous = os.umask(0o022)
    try:
        # WHEN the night runs in it (the worker calls the night directly, not the command)
        run_inbox(tmp_path / "inbox", home, settings, dt.datetime(2026, 11, 22, 23, 0))
    finally:
        os.umask(previous)
    # THEN everything the night made under the home is the owner's only
    made = [home, *home.rglob("*")]
    assert any(path.name == "catalog.sqlite" for path in made)
    for path in made:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is {oct(path.stat().st_mode)}"


def test_a_record_file_the_full_catalog_cannot_take_leaves_the_archive(tmp_path: Path, monkeypatch) -> None:
    # GIVEN a stack's two record files in the archive, and a catalog with room for the first only
    home = tmp_path / "home"
    records = [record_file(f"REV/TSL-05/1987/00{n}", "bijbehara", None, 1987, "t", ["text"]) for n in (41, 42)]
    dirs = [write_record(home, record, make_pdf(tmp_path / f"{record.file_id}.pdf", ["text"])) for record in records]
    stack = Stack(Batch("anantnag", "bijbehara", "2026-11-22", tmp_path / "inbox"), "stack", ())
    catalog = Catalog.open(home)
    enter = catalog.record_done

    def full_after_one(record, archive_dir):
        if record is records[1]:
            raise OSError(errno.ENOSPC, "No space left on device")
        enter(record, archive_dir)

    monkeypatch.setattr(catalog, "record_done", full_after_one)
    # WHEN the stack is recorded, THEN the disk's error is raised
    with pytest.raises(OSError):
        record_result(catalog, home, StackResult(stack, records, dirs), dt.datetime(2026, 11, 22, 23, 0), BatchReport())
    # AND the archive holds exactly what the catalog holds, nothing set aside left behind
    assert set(catalog.all_archive_dirs()) == {dirs[0]} == set(archived(home))
    catalog.close()


@pytest.fixture
def small_disk(tmp_path):
    """A 800 KiB file system for the home: room for the catalog and one or two record files."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=800k", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("a small file system needs root and mount")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_ends_the_night_with_exit_11_and_the_rerun_completes(tmp_path, small_disk):
    # GIVEN a night of five stacks and a home with room for a fraction of them
    inbox, home = five_stacks(tmp_path), small_disk / "home"

    # WHEN the night runs
    run = Run(inbox, home, tmp_path)
    # THEN it stops with exit 11 and a clear message, leaving no half-written file
    assert run.wait(timeout=300) == 11, run.stderr[-2000:]
    assert "error: no room left on the disk" in run.stderr
    assert "Traceback" not in run.stderr and "Failed" not in run.stderr, run.stderr[-2000:]  # the night's message alone
    assert [p for p in home.rglob("*") if ".tmp-" in p.name] == []
    for record in (home / "archive").rglob("record.json"):
        assert any(record.parent.glob("*.pdf"))
    # AND archive and catalog agree: a record file the catalog had no room for left the archive too
    assert set(archived(home)) == cataloged(home)
    assert run.survivors() == []

    # WHEN room is made and the night runs again, THEN it completes
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    rerun = Run(inbox, home, tmp_path)
    assert rerun.wait(timeout=300) == 0, rerun.stderr[-2000:]
    assert_all_done(home, inbox)
