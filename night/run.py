"""The night, without Prefect: plan every new batch, run its stacks, record and index each stack
as it finishes, and return the morning report.

The error policy lives here, so it runs and is tested the same with or without an orchestrator:
a stack whose input defeats OCR is quarantined with its reason; any other failure is ours, so
its sources wait for the next run; one stack failing never fails the others. `flows/` only
supplies a runner that executes the stacks as Prefect tasks.

A night ends early in two ways, both with every finished stack recorded, so that the catalog
holds everything in the archive and the next run redoes nothing: a stop (SIGTERM, Ctrl-C) ends
the programs reading pages at once and abandons the stacks still reading (Stopped); a full disk
does the same, leaving nothing half-written (DiskFull). The abandoned stacks' sources stay as they
were, for the next run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.config import Settings
from domain.errors import DiskFull, OcrFailed, Stopped, is_disk_full
from domain.model import Batch, Stack
from domain.report import BatchReport, ReportLine
from night.indexing import NightIndexer
from night.outcome import quarantine_stack, record_result, retry_stack
from night.rescan import note_manifest_rescans
from night.stack import StackResult, process_stack
from pipeline import processes
from pipeline.intake import (
    MANIFEST,
    NO_PLACE,
    Manifest,
    ManifestEntry,
    Unread,
    discover_batches,
    fingerprint,
    plan_batch,
    read_manifest,
    unread_entries,
)
from store import archive, fixity
from store.archive import exclusive_run
from store.catalog import Catalog

# Called with (stacks finished, stacks to do, pages so far) as each stack completes: the CLI
# draws its progress bar from it.
ProgressHook = Callable[[int, int, int], None]


@dataclass(frozen=True)
class StackJob:
    """One stack to process tonight, with its batch's manifest rows."""

    stack: Stack
    manifest: dict[str, ManifestEntry]


class Finished(Protocol):
    def result(self) -> StackResult | None: ...


# Runs the jobs (all at once, as the runner sees fit) and yields each job with its outcome as it
# finishes (`run_stack`'s): `result()` raises what processing raised.
StackRunner = Callable[[list[StackJob]], Iterable[tuple[StackJob, Finished]]]


def run_stack(job: StackJob, settings: Settings, home: Path, now: dt.datetime) -> StackResult | None:
    """One stack's processing; None when the night was stopped before or while it was read."""
    if processes.stop_requested():
        return None
    try:
        return process_stack(job.stack, settings, home, job.manifest, settings.workers, now)
    except Stopped:
        return None


def thread_runner(settings: Settings, home: Path, now: dt.datetime) -> StackRunner:
    """Stacks on a thread pool as wide as the workers: each stack runs its own Tesseract
    processes, so the threads only wait on them."""
    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            futures: dict[Future[StackResult | None], StackJob] = {
                pool.submit(run_stack, job, settings, home, now): job for job in jobs
            }
            for future in as_completed(futures):
                yield futures[future], future
    return run


def run_inbox(inbox: Path, home: Path, settings: Settings, now: dt.datetime | None = None,
              progress: ProgressHook | None = None, runner: StackRunner | None = None) -> BatchReport:
    """Every new batch of every tehsil under `<inbox>/<district>/<tehsil>/<batch>`, and every
    file at the wrong depth, which waits with its reason."""
    now = now or dt.datetime.now()
    runner = runner or thread_runner(settings, home, now)
    return run_night(discover_batches(Path(inbox)), Path(home), settings, now, runner, progress, Path(inbox))


def run_night(batches: list[Batch], home: Path, settings: Settings, now: dt.datetime, runner: StackRunner,
              progress: ProgressHook | None = None, inbox: Path | None = None) -> BatchReport:
    """The given batches, under the home's run lock; with `inbox`, also its files at the wrong depth.
    Raises Stopped or DiskFull, with the report of what was recorded, when the night ends early."""
    started = time.perf_counter()
    report = BatchReport()
    processes.allow_programs()
    with exclusive_run(home), processes.stop_on_signals(at_once=False):
        try:
            catalog = Catalog.open(home)
            try:
                if inbox is not None:
                    record_unread(catalog, home, inbox, unread_entries(inbox), now, report)
                jobs = plan_night(batches, catalog, home, settings, now, report)
                left = _run_jobs(jobs, runner, catalog, home, settings, now, progress, report)
                if not processes.stop_requested():  # a few record files re-hashed each night (`daftar verify`)
                    fixity.sample_into_report(home, settings.archive.verify_sample, report)
            finally:
                catalog.close()
        except Exception as error:
            if is_disk_full(error) and not (isinstance(error, DiskFull) and error.report is not None):  # a program's full disk too
                raise DiskFull(f"no room left on the disk of {home}: {_recorded(report)}; nothing half-written is "
                               "kept. Free some space and run again: the rest is done then", report) from error
            raise
    report.seconds = time.perf_counter() - started
    if processes.stop_requested():
        raise Stopped(f"{processes.stop_message()}: {_recorded(report)}; {left} stacks wait for the next run", report)
    return report


def _settle(job: StackJob, outcome: Finished, catalog: Catalog, home: Path, settings: Settings, now: dt.datetime,
            report: BatchReport, index: NightIndexer) -> int:
    """Record one stack's outcome; 1 when it was abandoned (its sources stay as they were), else 0.
    Raises a full disk's error, from its processing or its recording."""
    try:
        result = outcome.result()
    except OcrFailed as error:  # the input defeats OCRmyPDF: quarantined with its reason
        quarantine_stack(catalog, home, job.stack, f"OCR failed: {error}", now, report)
    except Exception as error:
        if is_disk_full(error):
            raise
        if processes.stop_requested():  # a failure after a stop is the stop's doing
            return 1
        # anything else is ours: recorded, retried next run, never fatal
        retry_stack(catalog, home, job.stack, error, now, report, settings.intake.quarantine_after_failures)
    else:
        if result is None:  # abandoned at a stop
            return 1
        record_result(catalog, home, result, now, report)
        index.catch_up()
    return 0


def _recorded(report: BatchReport) -> str:
    return f"{len(report.done)} record files recorded, {len(report.quarantined)} sources quarantined"


def record_unread(catalog: Catalog, home: Path, inbox: Path, entries: list[Unread], now: dt.datetime,
                  report: BatchReport) -> None:
    """Every entry no stack reads gets its row and report line: it waits, with the reason, until
    it is moved or renamed (one the catalog finished before, when nested stacks were read as one,
    stays finished), or it is quarantined (reported the night it first is)."""
    catalog.forget_misplaced(inbox)
    for item in entries:
        line = ReportLine(item.district, item.tehsil, item.batch, item.what, item.reason)
        if item.quarantine:
            if catalog.mark_unread(item.district, item.tehsil, item.batch, item.path, item.reason, now, quarantined=True):
                known = [part for part in (item.district, item.tehsil) if part != NO_PLACE]
                archive.quarantine_entry(home, item.district, item.tehsil, item.path.relative_to(inbox).parts[len(known):],
                                         item.path, item.reason)
                report.quarantined.append(line)
            continue
        catalog.mark_unread(item.district, item.tehsil, item.batch, item.path, item.reason, now)
        known_state = catalog.source(item.path)
        if known_state is not None and known_state.state == "waiting":
            report.waiting.append(line)


def plan_night(batches: list[Batch], catalog: Catalog, home: Path, settings: Settings, now: dt.datetime,
               report: BatchReport) -> list[StackJob]:
    """The stacks to process: files still being copied in wait (recorded with their reason),
    stacks already settled in an earlier run are skipped, big stacks first so the pool is not
    left waiting on one long file at the end."""
    jobs: list[StackJob] = []
    for batch in batches:
        stacks, waiting = plan_batch(batch, settings.intake.settle_seconds)
        for item in waiting:
            for path in item.paths:
                catalog.mark_waiting(batch.district, batch.tehsil, batch.name, item.stack, path, item.reason, now)
                report.waiting.append(ReportLine(batch.district, batch.tehsil, batch.name, str(path.relative_to(batch.path)), item.reason))
        fresh = [stack for stack in stacks if not catalog.is_settled(stack)]
        report.skipped_stacks += len(stacks) - len(fresh)
        manifest = read_manifest(batch) if fresh else None
        if manifest is not None:
            record_manifest(catalog, home, batch, manifest, now, report)
        jobs += [StackJob(stack, manifest.entries if manifest else {}) for stack in fresh]
    jobs.sort(key=lambda job: -sum(source.size for source in job.stack.sources))
    return jobs


def record_manifest(catalog: Catalog, home: Path, batch: Batch, manifest: Manifest, now: dt.datetime, report: BatchReport) -> None:
    """A manifest read tonight is a source too: done (its skipped rows, and re-scans it names that
    could not be noted, flagged for review), or quarantined when it cannot be read at all; its
    stacks then run without it."""
    stack = Stack(batch, MANIFEST, (fingerprint(manifest.path),))
    if manifest.unreadable:
        quarantine_stack(catalog, home, stack, manifest.unreadable, now, report)
        return
    skipped = "; ".join([*manifest.skipped, *note_manifest_rescans(catalog, home, batch, manifest, now)]) or None
    catalog.mark_sources(stack, stack.sources, "done", skipped, now)
    if skipped:
        report.flagged.append(ReportLine(batch.district, batch.tehsil, batch.name, MANIFEST, skipped))


def _run_jobs(jobs: list[StackJob], runner: StackRunner, catalog: Catalog, home: Path, settings: Settings,
              now: dt.datetime, progress: ProgressHook | None, report: BatchReport) -> int:
    """Record each stack as it finishes; returns how many were abandoned (stopped, or the disk
    full: then the disk's error is raised once every finished stack is recorded)."""
    if progress:
        progress(0, len(jobs), 0)
    index = NightIndexer(catalog, home, settings)
    left, full = 0, None
    try:
        for finished, (job, outcome) in enumerate(runner(jobs), 1):
            try:
                left += _settle(job, outcome, catalog, home, settings, now, report, index)
            except Exception as error:
                if not is_disk_full(error):
                    raise
                # Not the stack's fault: the others are stopped too, and those that finish still get
                # recorded, or (the disk still full) taken out of the archive again.
                full, left = full or error, left + 1
                processes.request_stop("the disk is full")
            if progress:
                progress(finished, len(jobs), report.pages)
    except BaseException:
        processes.request_stop("the night failed")  # the stacks still running end now, not at their last page
        raise
    outcome = index.finish()
    report.index_pending, report.index_error = outcome.pending, outcome.error
    if full is not None:
        raise full
    return left
