"""The night, without Prefect: plan every new batch, run its stacks, record and index each stack
as it finishes, and return the morning report.

The error policy lives here, so it runs and is tested the same with or without an orchestrator:
a stack whose input defeats OCR is quarantined with its reason; any other failure is ours, so
its sources wait for the next run; one stack failing never fails the others. `flows/` only
supplies a runner that executes the stacks as Prefect tasks.
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
from domain.errors import OcrFailed
from domain.model import Batch, Stack
from domain.report import BatchReport, ReportLine
from night.indexing import NightIndexer
from night.outcome import quarantine_stack, record_result, retry_stack
from night.stack import StackResult, process_stack
from pipeline.intake import ManifestEntry, Misplaced, discover_batches, misplaced_files, plan_batch, read_manifest
from store.archive import exclusive_run
from store.catalog import MISPLACED, Catalog

# Called with (stacks finished, stacks to do, pages so far) as each stack completes: the CLI
# draws its progress bar from it.
ProgressHook = Callable[[int, int, int], None]


@dataclass(frozen=True)
class StackJob:
    """One stack to process tonight, with its batch's manifest rows."""

    stack: Stack
    manifest: dict[str, ManifestEntry]


class Finished(Protocol):
    def result(self) -> StackResult: ...


# Runs the jobs (all at once, as the runner sees fit) and yields each job with its outcome as it
# finishes; `result()` raises what processing raised.
StackRunner = Callable[[list[StackJob]], Iterable[tuple[StackJob, Finished]]]


def thread_runner(settings: Settings, home: Path, now: dt.datetime) -> StackRunner:
    """Stacks on a thread pool as wide as the workers: each stack runs its own Tesseract
    processes, so the threads only wait on them."""
    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            futures: dict[Future[StackResult], StackJob] = {
                pool.submit(process_stack, job.stack, settings, home, job.manifest, settings.workers, now): job
                for job in jobs
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
    """The given batches, under the home's run lock; with `inbox`, also its files at the wrong depth."""
    started = time.perf_counter()
    report = BatchReport()
    with exclusive_run(home):
        catalog = Catalog.open(home)
        try:
            if inbox is not None:
                record_misplaced(catalog, inbox, misplaced_files(inbox), now, report)
            jobs = plan_night(batches, catalog, settings, now, report)
            _run_jobs(jobs, runner, catalog, home, settings, now, progress, report)
        finally:
            catalog.close()
    report.seconds = time.perf_counter() - started
    return report


def record_misplaced(catalog: Catalog, inbox: Path, files: list[Misplaced], now: dt.datetime, report: BatchReport) -> None:
    """Files at the wrong depth wait, with the reason, in the catalog and the report, until they are
    moved into a batch folder. (One the catalog finished before, when nested stacks were read as
    one, stays finished.)"""
    catalog.forget_misplaced(inbox)
    for item in files:
        catalog.mark_waiting(item.district, item.tehsil, item.batch, MISPLACED, item.path, item.reason, now)
        known = catalog.source(item.path)
        if known is not None and known.state == "waiting":
            report.waiting.append(ReportLine(item.district, item.tehsil, item.batch, str(item.path.relative_to(inbox)), item.reason))


def plan_night(batches: list[Batch], catalog: Catalog, settings: Settings, now: dt.datetime,
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
        manifest = read_manifest(batch) if fresh else {}
        jobs += [StackJob(stack, manifest) for stack in fresh]
    jobs.sort(key=lambda job: -sum(source.size for source in job.stack.sources))
    return jobs


def _run_jobs(jobs: list[StackJob], runner: StackRunner, catalog: Catalog, home: Path, settings: Settings,
              now: dt.datetime, progress: ProgressHook | None, report: BatchReport) -> None:
    if progress:
        progress(0, len(jobs), 0)
    index = NightIndexer(catalog, home, settings)
    for finished, (job, outcome) in enumerate(runner(jobs), 1):
        try:
            result = outcome.result()
        except OcrFailed as error:  # the input defeats OCRmyPDF: quarantined with its reason
            quarantine_stack(catalog, home, job.stack, f"OCR failed: {error}", now, report)
        except Exception as error:  # anything else is ours: recorded, retried next run, never fatal
            retry_stack(catalog, job.stack, f"processing failed, retried next run: {type(error).__name__}: {error}", now, report)
        else:
            record_result(catalog, home, result, now, report)
            index.catch_up()
        if progress:
            progress(finished, len(jobs), report.pages)
    outcome = index.finish()
    report.index_pending, report.index_error = outcome.pending, outcome.error
