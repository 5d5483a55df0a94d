"""How `daftar run` starts a night: through the Prefect flow when there is work for it, without
Prefect when there is none.

Prefect's local ephemeral API costs seconds to start (12-20 s on a loaded machine), more than an
empty or already-done inbox costs to read. So the inbox is planned first, without Prefect: a night
with no stack to process (nothing new, or only files still being copied in) runs in `night.run`
directly and gives the same report; the flow runs when a stack waits to be processed, or always
when a Prefect server is configured (`PREFECT_API_URL`), so the server sees every night.
This module does not import Prefect; `flows.batch` is imported only when the flow runs.

`daftar run` holds the home's run lock before it calls `launch_night`, so a second run on the
same home is refused before Prefect is even loaded. If Prefect's local API does not start
(`flows.batch.start_local_api`), the night runs without Prefect rather than not at all.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from domain.config import Settings
from domain.report import BatchReport
from night import run as night
from pipeline.intake import discover_batches, plan_batch
from store.catalog import Catalog


def launch_night(inbox: Path, home: Path, settings: Settings, now: dt.datetime | None = None,
                 progress: night.ProgressHook | None = None) -> BatchReport:
    """Every new batch of the inbox, with the report `daftar run` prints."""
    if os.environ.get("PREFECT_API_URL") or has_work(inbox, home, settings):
        from flows.batch import run_inbox, start_local_api

        if start_local_api():
            return run_inbox(inbox, home, settings, now, progress)
    return night.run_inbox(inbox, home, settings, now, progress)


def has_work(inbox: Path, home: Path, settings: Settings) -> bool:
    """True when some stack of the inbox has settled and is not yet done or quarantined: a look
    at the catalog that stops at the first such stack."""
    batches = discover_batches(inbox)
    if not batches:
        return False
    catalog = Catalog.open(home)
    try:
        for batch in batches:
            stacks, _waiting = plan_batch(batch, settings.intake.settle_seconds)
            if any(not catalog.is_settled(stack) for stack in stacks):
                return True
    finally:
        catalog.close()
    return False
