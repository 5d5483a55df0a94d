"""A night shared by several runs, on the workers of a Prefect pool (flows/batch.py): each run
processes a stack only under its lease in the catalog (store/leases.py), so no stack is processed
twice, and one whose run died is taken over once its lease lapses, so none is lost.

This is the night's side of it, called by `night.run` where a shared night differs from a night
alone: a stack's lease is taken as the stack starts (`take_lease`, in the stack's own thread), kept
renewed while the run goes on, finished with the stack's report lines once its outcome is
recorded, let go when the run stops; the stacks other runs hold are waited for, their lines put
into this run's report, and those whose lease lapses are taken over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.model import Stack
from domain.report import BatchReport
from domain.text import printable_name
from pipeline import processes
from store.catalog import Catalog
from store.leases import StackLeases

if TYPE_CHECKING:
    from night.run import StackJob


@dataclass(frozen=True)
class Sharing:
    """How a run shares its night: its leases are held as `holder` and last `seconds` unless
    renewed. `joined`: the run joined a night another run started, which plans it (what waits, the
    manifests), holds the home's run lock and samples the archive; a joined run only takes stacks."""

    holder: str
    seconds: float
    joined: bool = False


class Elsewhere:
    """What a stack's processing comes to when another run of the night holds or finished it."""


ELSEWHERE = Elsewhere()


def holder_name(run: str | None = None) -> str:
    """Who holds a lease: the machine, the process, and the run (the Prefect flow run)."""
    return f"{socket.gethostname()}:{os.getpid()}:{run or uuid.uuid4().hex}"


def stack_key(stack: Stack) -> str:
    """A stack's lease: its place and name, and its content (a stack scanned again is a new one)."""
    content = hashlib.sha256("\n".join(sorted(source.sha256 for source in stack.sources)).encode()).hexdigest()
    return printable_name(f"{stack.batch.key}/{stack.name}@{content[:16]}")


def night_of(now: dt.datetime) -> str:
    return now.isoformat()


def take_lease(stack: Stack, sharing: Sharing, home: Path, now: dt.datetime) -> bool:
    """Take the stack's lease for this run, on a connection of the calling thread's own. A stack
    found settled is not taken: a run recorded it, then died before finishing its lease."""
    catalog = Catalog.open(home)
    try:
        leases = StackLeases(catalog.db, sharing.holder, sharing.seconds)
        key = stack_key(stack)
        if not leases.take(key, night_of(now)):
            return False
        if catalog.is_settled(stack):
            leases.finish(key, BatchReport(), _clock())
            return False
        return True
    finally:
        catalog.close()


def add_lines(report: BatchReport, part: BatchReport) -> None:
    """Put one stack's lines of the report into the night's."""
    for name in ("done", "flagged", "quarantined", "waiting"):
        getattr(report, name).extend(getattr(part, name))
    report.pages += part.pages


class SharedStacks:
    """This run's leases over the night (a context: renewed on a thread of their own inside it)."""

    def __init__(self, catalog: Catalog, home: Path, sharing: Sharing, now: dt.datetime):
        self.leases = StackLeases(catalog.db, sharing.holder, sharing.seconds)
        self.home, self.sharing, self.night = home, sharing, night_of(now)
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._keep_renewed, name="lease-renewal", daemon=True)

    def __enter__(self) -> "SharedStacks":
        self._renewer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._renewer.join()

    def holds(self, job: "StackJob") -> bool:
        return self.leases.holds(stack_key(job.stack))

    def finished(self, job: "StackJob", part: BatchReport) -> None:
        self.leases.finish(stack_key(job.stack), part, _clock())

    def released(self, job: "StackJob") -> None:
        self.leases.release(stack_key(job.stack))

    def wait(self, jobs: list["StackJob"], finished: Callable[[BatchReport], None]) -> list["StackJob"]:
        """Wait on the stacks other runs hold: each one finished leaves `jobs`, its lines handed to
        `finished`. Returns, as soon as there are any, those whose lease lapsed or was let go (they
        leave `jobs` too: this run may take them); [] once `jobs` is empty or the night stops."""
        poll = min(5.0, self.sharing.seconds / 4)
        while jobs and not processes.stop_requested():
            leases = self.leases.read(stack_key(job.stack) for job in jobs)
            free = []
            for job in list(jobs):
                lease = leases.get(stack_key(job.stack))
                if lease is not None and lease.finished and lease.night == self.night:
                    jobs.remove(job)
                    finished(self.leases.outcome(lease.stack))
                elif lease is None or lease.finished or self.leases.lapsed(lease):
                    jobs.remove(job)
                    free.append(job)
            if free:
                return free
            if jobs:
                time.sleep(poll)
        return []

    def _keep_renewed(self) -> None:
        catalog = Catalog.open(self.home)
        try:
            leases = StackLeases(catalog.db, self.sharing.holder, self.sharing.seconds)
            while not self._stop.wait(self.sharing.seconds / 4):
                try:
                    leases.renew()
                except Exception as error:  # the next try may pass; a lease lost meanwhile is seen before recording
                    print(f"could not renew the leases of {self.sharing.holder}: {error}", file=sys.stderr)
        finally:
            catalog.close()


def _clock() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")
