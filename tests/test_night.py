"""The night without Prefect: `night.run` plans the batches, runs the stacks and applies the error
policy (quarantine what defeats OCR, retry what failed for our own reasons, never fail the others)."""

from __future__ import annotations

import datetime as dt
import shutil

from domain.errors import OcrFailed
from night.run import StackJob, run_inbox
from night.stack import process_stack
from store.catalog import Catalog
from tests.conftest import SAMPLES, copy_stack

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
KOKERNAG = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20"


class Raises:
    def __init__(self, error: Exception):
        self.error = error

    def result(self):
        raise self.error


def test_a_night_runs_and_applies_its_error_policy_without_prefect(tmp_path, settings):
    # GIVEN a batch of three stacks: a born-digital PDF, a scan OCR cannot read, a scan our code fails on
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    batch = inbox / "anantnag" / "kokernag" / "2026-11-20"
    copy_stack(KOKERNAG / "jamabandi_extract_hangalgund.pdf", batch)
    copy_stack(KOKERNAG / "scan_0001.tif", batch)
    shutil.copy2(batch / "scan_0001.tif", batch / "scan_0002.tif")
    failures = {"scan_0001.tif": OcrFailed("page 1 defeats Tesseract"), "scan_0002.tif": RuntimeError("a bug of ours")}

    def runner(jobs: list[StackJob]):
        for job in jobs:
            if job.stack.name in failures:
                yield job, Raises(failures[job.stack.name])
            else:  # processed for real, in this thread
                result = process_stack(job.stack, settings, home, job.manifest, 1, NIGHT)
                yield job, type("Done", (), {"result": lambda self: result})()

    # WHEN the night runs with that runner (no orchestrator at all)
    report = run_inbox(inbox, home, settings, NIGHT, runner=runner)

    # THEN the good stack is archived, the OCR failure quarantined, our failure waits for a retry
    assert [line.what for line in report.done] and len(report.done) == 1
    catalog = Catalog.open(home)
    try:
        states = {source.path.rsplit("/", 1)[-1]: (source.state, source.reason) for source in catalog.sources()}
    finally:
        catalog.close()
    assert states["jamabandi_extract_hangalgund.pdf"] == ("done", None)
    assert states["scan_0001.tif"] == ("quarantined", "OCR failed: page 1 defeats Tesseract")
    assert states["scan_0002.tif"][0] == "waiting"
    assert "retried next run" in states["scan_0002.tif"][1] and "a bug of ours" in states["scan_0002.tif"][1]
    assert (home / "quarantine").is_dir() and any((home / "quarantine").rglob("scan_0001.tif"))
    assert [line.what for line in report.quarantined] == ["scan_0001.tif"]
    assert [line.what for line in report.waiting] == ["scan_0002.tif"]


def test_the_default_runner_processes_stacks_on_threads(tmp_path, settings):
    # GIVEN one born-digital stack WHEN the night runs with its own thread pool THEN it is archived and indexed
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(KOKERNAG / "jamabandi_extract_hangalgund.pdf", inbox / "anantnag" / "kokernag" / "2026-11-20")
    report = run_inbox(inbox, home, settings, NIGHT)
    assert len(report.done) == 1 and not report.quarantined and not report.waiting
    assert report.index_pending == 0 and report.index_error is None
    # AND a second night has nothing to do for it
    again = run_inbox(inbox, home, settings, NIGHT)
    assert again.skipped_stacks == 1 and not again.done
