"""Prefect around the night: the flow `nightly-batch` runs `night.run` with each stack as a
Prefect task, and publishes the report and the progress table as artifacts.

What a night does, and what happens when a stack fails, is decided in `night/`; this module only
orchestrates. A task per stack, never per page: a Prefect task costs tens of milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from domain.config import Settings
from domain.report import BatchReport
from flows.progress_artifact import publish_progress_artifact
from night.run import Finished, ProgressHook, StackJob, StackRunner, run_inbox as run_night_inbox
from night.stack import StackResult, process_stack

REPORT_KEY = "nightly-batch-report"  # one key, so Prefect keeps each night's report in one history

# A flow's parameters are data (a deployment stores them, a worker sends them), so the progress
# hook of an in-process caller (the CLI's progress bar) travels beside them, in the caller's context.
_progress: ContextVar[ProgressHook | None] = ContextVar("daftar_progress", default=None)


@task(name="process-stack", task_run_name="{job.stack.batch.tehsil}/{job.stack.batch.name}/{job.stack.name}")
def process_stack_task(job: StackJob, settings: Settings, home: Path, now: dt.datetime) -> StackResult:
    return process_stack(job.stack, settings, home, job.manifest, settings.workers, now)


def prefect_runner(settings: Settings, home: Path, now: dt.datetime) -> StackRunner:
    """Each stack a Prefect task on the flow's task runner, yielded as it finishes."""
    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        futures = {process_stack_task.submit(job, settings, home, now): job for job in jobs}
        for future in as_completed(list(futures)):
            yield futures[future], future
    return run


@flow(name="nightly-batch", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def nightly(inbox: str, home: str, settings: Settings | None = None, now: dt.datetime | None = None) -> BatchReport:
    """Every new batch of every tehsil in the inbox. `settings` default to the configuration the
    worker's machine loads (`DAFTAR_CONFIG`, `configs/`)."""
    settings = settings or Settings.load()
    now = now or dt.datetime.now()
    root = Path(home)
    report = run_night_inbox(Path(inbox), root, settings, now, _progress.get(), prefect_runner(settings, root, now))
    create_markdown_artifact(key=REPORT_KEY, markdown=report.markdown(), description=report.summary())
    publish_progress_artifact(root, settings, now.date())
    return report


def run_inbox(inbox: Path, home: Path, settings: Settings, now: dt.datetime | None = None,
              progress: ProgressHook | None = None) -> BatchReport:
    """The nightly flow, in this process, with a task runner sized to the configured workers: each
    stack runs its own Tesseract processes, so the threads only wait on them."""
    runner = ThreadPoolTaskRunner(max_workers=max(1, settings.workers))
    token = _progress.set(progress)
    try:
        return nightly.with_options(task_runner=runner)(str(inbox), str(home), settings, now)
    finally:
        _progress.reset(token)
