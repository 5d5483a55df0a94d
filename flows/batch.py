"""Prefect around the night: the flow `nightly-batch` runs `night.run` with each stack as a
Prefect task, and publishes the report and the progress table as artifacts. On a work pool,
the other workers take the night's stacks too, each in a run of the flow `take-stacks`
(`flows/pool.py` says how, and why so).

What a night does, and what happens when a stack fails, is decided in `night/`; this module only
orchestrates. A task per stack, never per page: a Prefect task costs tens of milliseconds.

Prefect's local API server is a process of its own: `start_local_api` starts it before the flow,
with the time it needs, and ties it to this process, so that it ends with the night even when
the night is killed.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sys
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from domain.config import Settings
from domain.errors import NightEnded, Stopped, is_disk_full
from domain.report import BatchReport
from flows.progress_artifact import publish_progress_artifact
from flows.pool import share_on_pool
from night.run import Finished, ProgressHook, StackJob, StackRunner, run_stack
from night.run import run_inbox as run_night_inbox
from night.sharing import Elsewhere, Sharing, holder_name
from night.stack import StackResult
from pipeline.processes import end_with_this_process

REPORT_KEY = "nightly-batch-report"  # one key, so Prefect keeps each night's report in one history

# A flow's parameters are data (a deployment stores them, a worker sends them), so the progress
# hook of an in-process caller (the CLI's progress bar) travels beside them, in the caller's context.
_progress: ContextVar[ProgressHook | None] = ContextVar("daftar_progress", default=None)


# Each finished stack's result, kept here as well as by Prefect, under the key its task was given:
# a stack that finished is recorded even when Prefect could not report its end (its API gone at a stop).
# A full disk is kept as the error, for the night to raise.
_kept: dict[str, StackResult | Elsewhere | BaseException | None] = {}


@task(name="process-stack", task_run_name="{job.stack.batch.tehsil}/{job.stack.batch.name}/{job.stack.name}")
def process_stack_task(job: StackJob, settings: Settings, home: Path, now: dt.datetime, key: str,
                       sharing: Sharing | None = None) -> StackResult | Elsewhere | None:
    try:
        _kept[key] = result = run_stack(job, settings, home, now, sharing)
    except Exception as error:
        if not is_disk_full(error):
            raise
        # Handed to the night as data, not raised: a failed task would have Prefect log its
        # traceback before the night's own message says the disk is full.
        _kept[key] = error
        return None
    return result


@dataclass
class _Outcome:
    future: PrefectFuture[StackResult | Elsewhere | None]
    key: str

    def result(self) -> StackResult | Elsewhere | None:
        if self.key in _kept:
            kept = _kept.pop(self.key)
            if isinstance(kept, BaseException):
                raise kept
            return kept
        return self.future.result()


def prefect_runner(settings: Settings, home: Path, now: dt.datetime, sharing: Sharing | None = None) -> StackRunner:
    """Each stack a Prefect task on the flow's task runner, yielded as it finishes."""
    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        keys = {id(job): uuid.uuid4().hex for job in jobs}
        futures = {process_stack_task.submit(job, settings, home, now, keys[id(job)], sharing): job for job in jobs}
        for future in as_completed(list(futures)):
            job = futures[future]
            yield job, _Outcome(future, keys[id(job)])
    return run


def start_local_api() -> bool:
    """Start Prefect's local API for this process (a Prefect server configured instead: nothing to
    start), tied to this process so that it never outlives it. It gets the time
    `PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS` allows (90 s, see `flows/__init__.py`);
    False when it did not start in that time, so the night can run without it."""
    if PREFECT_API_URL.value():
        return True
    server = SubprocessASGIServer()
    if server.running:
        return True
    release = end_with_this_process()  # before the start: a kill while it starts leaves no server
    try:
        server.start()
    except RuntimeError as error:
        server.stop()
        print(f"Prefect's local API did not start ({str(error)[:200]}); the night runs without Prefect", file=sys.stderr)
        return False
    # Registered after Prefect's own stop of the server, so it runs before it (last in, first out).
    atexit.register(release)
    return True


@flow(name="nightly-batch", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def nightly(inbox: str, home: str, settings: Settings | None = None, now: dt.datetime | None = None) -> BatchReport | State:
    """Every new batch of every tehsil in the inbox. `settings` default to the configuration the
    worker's machine loads (`DAFTAR_CONFIG`, `configs/`). Run by a worker of a pool, the night is
    shared with the pool's other workers."""
    settings = settings or Settings.load()
    now = now or dt.datetime.now()
    root = Path(home)
    sharing = share_on_pool(inbox, home, now, settings.lease_seconds)
    try:
        report = run_night_inbox(Path(inbox), root, settings, now, _progress.get(),
                                 prefect_runner(settings, root, now, sharing), sharing)
    except NightEnded as ended:  # stopped, or the disk full: the run fails with the message, not a traceback
        if isinstance(ended, Stopped):  # what was recorded before the stop (a full disk may refuse even this)
            create_markdown_artifact(key=REPORT_KEY, markdown=ended.report.markdown(), description=str(ended))
        return Failed(message=str(ended), data=ended)  # a caller in this process gets `ended` raised
    create_markdown_artifact(key=REPORT_KEY, markdown=report.markdown(), description=report.summary())
    publish_progress_artifact(root, settings, now.date())
    return report


@flow(name="take-stacks", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def take_stacks(inbox: str, home: str, now: dt.datetime, settings: Settings | None = None) -> BatchReport | State:
    """This worker's share of the night `nightly-batch` started at `now` on another worker of the
    pool: the stacks no other run holds, and any whose run died. Its report is the night's stacks;
    the night's own run reports the whole night, what waits included."""
    settings = settings or Settings.load()
    root = Path(home)
    sharing = Sharing(holder_name(flow_run.get_id()), settings.lease_seconds, joined=True)
    try:
        report = run_night_inbox(Path(inbox), root, settings, now, None, prefect_runner(settings, root, now, sharing), sharing)
    except NightEnded as ended:
        return Failed(message=str(ended), data=ended)
    print(report.summary())
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
