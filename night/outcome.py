"""What a stack's processing comes to, written down: record files into the catalog, bad sources
into quarantine, and every line into the morning report. Record files are entered before their
sources are marked done, so a kill in between only repeats work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.model import Stack
from domain.report import BatchReport, ReportLine
from night.stack import StackResult
from store import archive
from store.catalog import Catalog


def record_result(catalog: Catalog, home: Path, result: StackResult, now: dt.datetime, report: BatchReport) -> None:
    """Write what a stack's processing produced into the catalog and the report. Record files are
    entered before their sources are marked done, so a kill in between only repeats work."""
    batch = result.stack.batch
    for record, archive_dir in zip(result.records, result.archive_dirs):
        catalog.record_done(record, archive_dir)
        line = ReportLine(record.district, record.tehsil, batch.name, record.file_number,  # the names as configured
                          f"{len(record.pages)} pages" + (f"; {', '.join(record.flags)}" if record.flags else ""))
        report.done.append(line)
        report.pages += len(record.pages)
        if record.flags:
            report.flagged.append(line)
    for source, reason in result.quarantined:
        archive.quarantine(home, batch, source, reason)
        catalog.mark_sources(result.stack, [source], "quarantined", reason, now)
        report.quarantined.append(ReportLine(batch.district, batch.tehsil, batch.name, str(source.path.relative_to(batch.path)), reason))
    catalog.mark_sources(result.stack, result.done, "done", None, now)


def quarantine_stack(catalog: Catalog, home: Path, stack: Stack, reason: str, now: dt.datetime, report: BatchReport) -> None:
    """A stack whose processing failed as a whole: its sources are quarantined with the reason."""
    result = StackResult(stack, quarantined=[(source, reason) for source in stack.sources])
    record_result(catalog, home, result, now, report)


def retry_stack(catalog: Catalog, stack: Stack, reason: str, now: dt.datetime, report: BatchReport) -> None:
    """A stack that failed for a reason not its own: its sources wait for the next run."""
    batch = stack.batch
    catalog.mark_sources(stack, stack.sources, "waiting", reason, now)
    for source in stack.sources:
        report.waiting.append(ReportLine(batch.district, batch.tehsil, batch.name, str(source.path.relative_to(batch.path)), reason))
