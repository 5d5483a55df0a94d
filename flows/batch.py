"""Prefect flows: the night (every tehsil with a new batch) and one tehsil's batch.

Flows only orchestrate: plan the batches, run one task per stack (never per page: a Prefect
task costs tens of milliseconds) on a pool bounded by the cores, record and index each stack
as it finishes. One stack failing never fails the others.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from indexers import IndexUnavailable, open_index  # noqa: E402
from flows.progress_artifact import publish_progress_artifact  # noqa: E402
from pipeline.archive import exclusive_run  # noqa: E402
from pipeline.catalog import Catalog  # noqa: E402
from pipeline.config import Settings  # noqa: E402
from pipeline.indexing import IndexOutcome, index_pending  # noqa: E402
from pipeline.intake import discover_batches, plan_batch, read_manifest  # noqa: E402
from pipeline.model import Batch, Stack  # noqa: E402
from pipeline.ocr import OcrFailed  # noqa: E402
from pipeline.process import StackResult, process_stack, quarantine_stack, record_result, retry_stack  # noqa: E402
from pipeline.report import BatchReport, ReportLine  # noqa: E402

# Called with (stacks finished, stacks to do, pages so far) as each stack completes: the CLI
# draws its progress bar from it.
ProgressHook = Callable[[int, int, int], None]


@task(name="process-stack", task_run_name="{stack.batch.tehsil}/{stack.batch.name}/{stack.name}")
def process_stack_task(stack: Stack, settings: Settings, home: Path, manifest: dict, jobs: int, now: dt.datetime) -> StackResult:
    return process_stack(stack, settings, home, manifest, jobs, now)


def _run(batches: list[Batch], home: Path, settings: Settings, now: dt.datetime, progress: ProgressHook | None) -> BatchReport:
    started = time.perf_counter()
    report = BatchReport()
    with exclusive_run(home):
        _run_locked(batches, home, settings, now, progress, report)
    report.seconds = time.perf_counter() - started
    create_markdown_artifact(key="nightly-batch-report", markdown=report.markdown(), description=report.summary())
    publish_progress_artifact(home, settings, now.date())
    return report


def _run_locked(batches: list[Batch], home: Path, settings: Settings, now: dt.datetime, progress: ProgressHook | None,
                report: BatchReport) -> None:
    catalog = Catalog.open(home)
    try:
        todo: list[tuple[Stack, dict]] = []
        for batch in batches:
            stacks, waiting = plan_batch(batch, settings.intake.settle_seconds)
            for item in waiting:
                for path in item.paths:
                    catalog.mark_waiting(batch.district, batch.tehsil, batch.name, item.stack, path, item.reason, now)
                    report.waiting.append(ReportLine(batch.district, batch.tehsil, batch.name, str(path.relative_to(batch.path)), item.reason))
            fresh = [stack for stack in stacks if not catalog.is_settled(stack)]
            report.skipped_stacks += len(stacks) - len(fresh)
            manifest = read_manifest(batch) if fresh else {}
            todo += [(stack, manifest) for stack in fresh]
        # Big stacks first, so the pool is not left waiting on one long file at the end.
        todo.sort(key=lambda item: -sum(source.size for source in item[0].sources))
        futures = {
            process_stack_task.submit(stack, settings, home, manifest, settings.workers, now): stack
            for stack, manifest in todo
        }
        if progress:
            progress(0, len(futures), 0)
        index = _Indexer(catalog, home, settings)
        for finished, future in enumerate(as_completed(list(futures)), 1):
            stack = futures[future]
            try:
                result = future.result()
            except OcrFailed as error:  # the input defeats OCRmyPDF: quarantined with its reason
                quarantine_stack(catalog, home, stack, f"OCR failed: {error}", now, report)
            except Exception as error:  # anything else is ours: recorded, retried next run, never fatal
                retry_stack(catalog, stack, f"processing failed, retried next run: {type(error).__name__}: {error}", now, report)
            else:
                record_result(catalog, home, result, now, report)
                index.catch_up()
            if progress:
                progress(finished, len(futures), report.pages)
        outcome = index.finish()
        report.index_pending, report.index_error = outcome.pending, outcome.error
    finally:
        catalog.close()


class _Indexer:
    """Indexes record files as their stacks finish, so search fills during the night. After the
    first failure it stops trying until the end of the run (no waiting on a dead server per
    stack); the catalog keeps everything not indexed for the next run."""

    def __init__(self, catalog: Catalog, home: Path, settings: Settings):
        self.catalog, self.home, self.settings = catalog, home, settings
        self.failed = False

    def catch_up(self) -> None:
        if not self.failed:
            self.failed = self._try().error is not None

    def finish(self) -> IndexOutcome:
        return self._try()

    def _try(self) -> IndexOutcome:
        try:
            index = open_index(self.home, self.settings)
        except IndexUnavailable as error:
            return IndexOutcome(0, len(self.catalog.pending_index()), str(error))
        try:
            return index_pending(self.catalog, index, self.home)
        finally:
            index.close()


def _task_runner(settings: Settings) -> ThreadPoolTaskRunner:
    # Each stack runs its own OCR processes (one Tesseract per page, `workers` at a time); the
    # threads here only wait on them, so the pool matches the cores.
    return ThreadPoolTaskRunner(max_workers=max(1, settings.workers))


@flow(name="nightly-batch", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def nightly(inbox: Path, home: Path, settings: Settings | None = None, now: dt.datetime | None = None,
            progress: ProgressHook | None = None) -> BatchReport:
    """Every new batch of every tehsil in the inbox."""
    settings = settings or Settings.load()
    return _run(discover_batches(Path(inbox)), Path(home), settings, now or dt.datetime.now(), progress)


@flow(name="tehsil-batch", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def tehsil_batch(batch_path: Path, home: Path, settings: Settings | None = None, now: dt.datetime | None = None,
                 progress: ProgressHook | None = None) -> BatchReport:
    """One tehsil's batch folder: `<inbox>/<district>/<tehsil>/<batch>`."""
    settings = settings or Settings.load()
    path = Path(batch_path).resolve()
    batch = Batch(district=path.parent.parent.name, tehsil=path.parent.name, name=path.name, path=path)
    return _run([batch], Path(home), settings, now or dt.datetime.now(), progress)


def run_inbox(inbox: Path, home: Path, settings: Settings, now: dt.datetime | None = None,
              progress: ProgressHook | None = None) -> BatchReport:
    """The nightly flow with a task runner sized to the configured workers."""
    return nightly.with_options(task_runner=_task_runner(settings))(inbox, home, settings, now, progress)
