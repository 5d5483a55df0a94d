"""The night, without Prefect: plan every new batch, run its stacks, record and index each stack
as it finishes, and return the morning report.

The error policy lives here, so it runs and is tested the same with or without an orchestrator:
a stack whose input defeats OCR is quarantined with its reason; any other failure is ours, so
its sources wait for the next run; one stack failing never fails the others. `flows/` only
supplies a runner that executes the stacks as Prefect tasks.

A night may be shared by several runs (the workers of a Prefect pool): then each stack is
processed under its lease (`night.sharing`), and every run waits for the stacks the others hold,
taking over any whose run died, so each run's report is the whole night's.

A night ends early in two ways, both with every finished stack recorded, so that the catalog
holds everything in the archive and the next run redoes nothing: a stop (SIGTERM, Ctrl-C) ends
the programs reading pages at once and abandons the stacks still reading (Stopped); a full disk
does the same, leaving nothing half-written (DiskFull). The abandoned stacks' sources stay as they
were, for the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.config import Settings
from domain.errors import DiskFull, OcrFailed, Stopped, is_database_server_full, is_disk_full
from domain.model import Batch, Stack
from domain.report import BatchReport, ReportLine
from night.indexing import NightIndexer
from night.outcome import quarantine_stack, record_result, retry_stack
from night.rescan import note_manifest_rescans
from night.sharing import ELSEWHERE, Elsewhere, SharedStacks, Sharing, add_lines, take_lease
from night.stack import StackResult, process_stack
from pipeline import processes
from pipeline.intake import (
    MANIFEST,
    NO_PLACE,
    OCR_FAILED,
    Manifest,
    ManifestEntry,
    Unread,
    Waiting,
    discover_batches,
    fingerprint,
    plan_batch,
    read_manifest,
    unread_entries,
)
from store import archive, fixity
from store.archive import exclusive_run, working
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
    def result(self) -> StackResult | Elsewhere | None: ...


# Runs the jobs (all at once, as the runner sees fit) and yields each job with its outcome as it
# finishes (`run_stack`'s): `result()` raises what processing raised.
StackRunner = Callable[[list[StackJob]], Iterable[tuple[StackJob, Finished]]]


def run_stack(job: StackJob, settings: Settings, home: Path, now: dt.datetime,
              sharing: Sharing | None = None) -> StackResult | Elsewhere | None:
    """One stack's processing; None when the night was stopped before or while it was read;
    in a shared night, ELSEWHERE when another run holds the stack's lease or finished it."""
    if processes.stop_requested():
        return None
    if sharing is not None and not take_lease(job.stack, sharing, home, now):
        return ELSEWHERE
    try:
        return process_stack(job.stack, settings, home, job.manifest, settings.workers, now)
    except Stopped:
        return None


def thread_runner(settings: Settings, home: Path, now: dt.datetime, sharing: Sharing | None = None) -> StackRunner:
    """Stacks on a thread pool as wide as the workers: each stack runs its own Tesseract
    processes, so the threads only wait on them."""
    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            futures: dict[Future[StackResult | Elsewhere | None], StackJob] = {
                pool.submit(run_stack, job, settings, home, now, sharing): job for job in jobs
            }
            for future in as_completed(futures):
                yield futures[future], future
    return run


def run_inbox(inbox: Path, home: Path, settings: Settings, now: dt.datetime | None = None,
              progress: ProgressHook | None = None, runner: StackRunner | None = None,
              sharing: Sharing | None = None) -> BatchReport:
    """Every new batch of every tehsil under `<inbox>/<district>/<tehsil>/<batch>`, and every
    file at the wrong depth, which waits with its reason. With `sharing`, the night is shared
    with other runs (the runner must pass it on to `run_stack`)."""
    now = now or dt.datetime.now()
    runner = runner or thread_runner(settings, home, now, sharing)
    return run_night(discover_batches(Path(inbox)), Path(home), settings, now, runner, progress, Path(inbox), sharing)


def run_night(batches: list[Batch], home: Path, settings: Settings, now: dt.datetime, runner: StackRunner,
              progress: ProgressHook | None = None, inbox: Path | None = None, sharing: Sharing | None = None) -> BatchReport:
    """The given batches, under the home's run lock; with `inbox`, also its files at the wrong depth.
    Raises Stopped or DiskFull, with the report of what was recorded, when the night ends early.
    A run that joined a shared night takes no lock and records neither what waits nor the sample."""
    started = time.perf_counter()
    report = BatchReport()
    joined = sharing is not None and sharing.joined
    processes.allow_programs()
    with (_owner_only(home) if joined else exclusive_run(home)), processes.stop_on_signals(at_once=False):
        try:
            catalog = Catalog.open(home)
            try:
                if inbox is not None and not joined:
                    record_unread(catalog, home, inbox, unread_entries(inbox), now, report)
                jobs = plan_night(batches, catalog, home, settings, now, None if joined else report)
                with SharedStacks(catalog, home, sharing, now) if sharing else nullcontext() as shared:
                    left = _run_jobs(jobs, runner, catalog, home, settings, now, progress, report, shared)
                if not processes.stop_requested() and not joined:  # a few record files re-hashed each night (`daftar verify`)
                    fixity.sample_into_report(home, settings.archive.verify_sample, report)
            finally:
                catalog.close()
        except Exception as error:
            if is_disk_full(error) and not (isinstance(error, DiskFull) and error.report is not None):  # a program's full disk too
                disk = "the PostgreSQL database's server" if is_database_server_full(error) else str(home)
                raise DiskFull(f"no room left on the disk of {disk}: {_recorded(report)}; nothing half-written is "
                               "kept. Free some space and run again: the rest is done then", report) from error
            raise
    report.seconds = time.perf_counter() - started
    if processes.stop_requested():
        raise Stopped(f"{processes.stop_message()}: {_recorded(report)}; {left} stacks wait for the next run", report)
    return report


def _settle(job: StackJob, outcome: Finished, catalog: Catalog, home: Path, settings: Settings, now: dt.datetime,
            report: BatchReport, index: NightIndexer, shared: SharedStacks | None) -> int | Elsewhere:
    """Record one stack's outcome; 1 when it was abandoned (its sources stay as they were, its lease
    is let go), else 0; ELSEWHERE when, in a shared night, another run holds the stack (this run
    never took it, or lost its lease meanwhile). Raises a full disk's error, from its processing
    or its recording."""
    try:
        result: StackResult | Elsewhere | Exception | None = outcome.result()
    except Exception as error:
        if is_disk_full(error):
            raise
        result = error
    if isinstance(result, Elsewhere):
        return ELSEWHERE
    # abandoned at a stop; a failure after a stop is the stop's doing (unless its input defeats OCR)
    if result is None or (isinstance(result, Exception) and not isinstance(result, OcrFailed) and processes.stop_requested()):
        if shared is not None:
            shared.released(job)
        return 1
    if shared is not None and not shared.holds(job):  # taken over: this run was thought dead
        return ELSEWHERE
    part = BatchReport()  # the stack's own lines, for the lease as well as the night's report
    try:
        if isinstance(result, OcrFailed):  # the input defeats OCRmyPDF: quarantined with its reason
            quarantine_stack(catalog, home, job.stack, OCR_FAILED % {"detail": result}, now, part)
        elif isinstance(result, Exception):  # anything else is ours: recorded, retried next run, never fatal
            retry_stack(catalog, home, job.stack, result, now, part, settings.intake.quarantine_after_failures)
        else:
            record_result(catalog, home, result, now, part)
            index.catch_up()
    finally:
        add_lines(report, part)
    if shared is not None:
        shared.finished(job, part)
    return 0


@contextmanager
def _owner_only(home: Path) -> Iterator[None]:
    """A run that joined a shared night writes owner-only files too, as `exclusive_run` makes
    every other night's (the night's first run holds that lock), and holds the work folder it
    works in, so that a night started meanwhile leaves it alone."""
    os.umask(0o077)
    with working(home):
        yield


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
               report: BatchReport | None) -> list[StackJob]:
    """The stacks to process: files still being copied in wait (recorded with their reason),
    stacks already settled in an earlier run are skipped, big stacks first so the pool is not
    left waiting on one long file at the end. `report` None: a run that joined a shared night
    only reads; the night's first run records what waits and the manifests."""
    jobs: list[StackJob] = []
    for batch in batches:
        stacks, waiting = plan_batch(batch, settings.intake.settle_seconds)
        fresh = [stack for stack in stacks if not catalog.is_settled(stack)]
        manifest = read_manifest(batch) if fresh else None
        if report is not None:
            _record_plan(catalog, home, batch, waiting, len(stacks) - len(fresh), manifest, now, report)
        jobs += [StackJob(stack, manifest.entries if manifest else {}) for stack in fresh]
    jobs.sort(key=lambda job: -sum(source.size for source in job.stack.sources))
    return jobs


def _record_plan(catalog: Catalog, home: Path, batch: Batch, waiting: list[Waiting], skipped: int,
                 manifest: Manifest | None, now: dt.datetime, report: BatchReport) -> None:
    for item in waiting:
        for path in item.paths:
            catalog.mark_waiting(batch.district, batch.tehsil, batch.name, item.stack, path, item.reason, now)
            report.waiting.append(ReportLine(batch.district, batch.tehsil, batch.name, str(path.relative_to(batch.path)), item.reason))
    report.skipped_stacks += skipped
    if manifest is not None:
        record_manifest(catalog, home, batch, manifest, now, report)


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
              now: dt.datetime, progress: ProgressHook | None, report: BatchReport, shared: SharedStacks | None) -> int:
    """Record each stack as it finishes; returns how many were abandoned (stopped, or the disk
    full: then the disk's error is raised once every finished stack is recorded). In a shared
    night, the stacks other runs hold are waited for, and run here once their lease lapses."""
    finished, left, full = 0, 0, None
    todo, elsewhere = jobs, []

    def one_finished(part: BatchReport | None = None) -> None:
        nonlocal finished
        if part is not None:  # finished by another run: its lines
            add_lines(report, part)
        finished += 1
        if progress:
            progress(finished, len(jobs), report.pages)

    if progress:
        progress(0, len(jobs), 0)
    index = NightIndexer(catalog, home, settings)
    try:
        while todo:
            for job, outcome in runner(todo):
                try:
                    settled = _settle(job, outcome, catalog, home, settings, now, report, index, shared)
                except Exception as error:
                    if not is_disk_full(error):
                        raise
                    # Not the stack's fault: the others are stopped too, and those that finish still get
                    # recorded, or (the disk still full) taken out of the archive again.
                    full, settled = full or error, 1
                    if shared is not None:
                        shared.released(job)
                    processes.request_stop("the disk is full")
                if isinstance(settled, Elsewhere):
                    elsewhere.append(job)
                    continue
                left += settled
                one_finished()
            todo = shared.wait(elsewhere, one_finished) if shared is not None else []
    except BaseException:
        processes.request_stop("the night failed")  # the stacks still running end now, not at their last page
        raise
    outcome = index.finish()
    report.index_pending, report.index_error = outcome.pending, outcome.error
    if full is not None:
        raise full
    return left
