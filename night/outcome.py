"""What a stack's processing comes to, written down: record files into the catalog, bad sources
into quarantine, and every line into the morning report. Record files are entered before their
sources are marked done, so a kill in between only repeats work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from domain.errors import is_disk_full
from domain.model import RecordFile, Stack
from domain.report import BatchReport, ReportLine
from night.stack import StackResult
from store import archive
from store.catalog import DUPLICATE_FLAG, Catalog


def record_result(catalog: Catalog, home: Path, result: StackResult, now: dt.datetime, report: BatchReport) -> None:
    """Write what a stack's processing produced into the catalog and the report. Record files are
    entered before their sources are marked done, so a kill in between only repeats work."""
    batch = result.stack.batch
    try:
        for record, archive_dir in zip(result.records, result.archive_dirs):
            _flag_duplicates(catalog, home, record, archive_dir)
    except Exception as error:
        if is_disk_full(error):
            _unarchive_uncataloged(catalog, home, result)
        raise
    for record in result.records:
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


def _unarchive_uncataloged(catalog: Catalog, home: Path, result: StackResult) -> None:
    """The disk filled before the catalog took all of a stack's record files: the folders it did
    not take leave the archive, so that archive and catalog agree (the stack's sources are not
    done, so the next run makes them again). A folder the catalog already had, from an earlier
    run of the same stack, stays."""
    for record, archive_dir in zip(result.records, result.archive_dirs):
        if catalog.record_file_by_id(record.file_id) is None and (home / archive_dir).exists():
            archive.remove_record(home, archive_dir)


def _flag_duplicates(catalog: Catalog, home: Path, record: RecordFile, archive_dir: str) -> None:
    """Enter a record file into the catalog; if its number is already there (another batch, another
    tehsil, a manifest giving two stacks one number), both are kept and both are flagged
    `duplicate-file-number`: the catalog links them by their number, and `/files/<number>` and
    `daftar show` list them all. The new file is flagged before it is entered, the others after,
    so a kill in between is mended when its stack is done again."""
    others = [row for row in catalog.same_number(record.file_number) if row.file_id != record.file_id]
    if others and DUPLICATE_FLAG not in record.flags:
        record.flags = sorted({*record.flags, DUPLICATE_FLAG})
        archive.rewrite_record(home, archive_dir, record)
    catalog.record_done(record, archive_dir)
    for row in others:
        if DUPLICATE_FLAG not in row.flags:
            try:
                older = archive.read_record(home, row.archive_dir)
            except FileNotFoundError:  # its folder is gone: the catalog's flag still tells
                pass
            else:
                older.flags = sorted({*older.flags, DUPLICATE_FLAG})
                archive.rewrite_record(home, row.archive_dir, older)
            catalog.set_flags(row.file_id, [*row.flags, DUPLICATE_FLAG])


def quarantine_stack(catalog: Catalog, home: Path, stack: Stack, reason: str, now: dt.datetime, report: BatchReport) -> None:
    """A stack whose processing failed as a whole: its sources are quarantined with the reason."""
    result = StackResult(stack, quarantined=[(source, reason) for source in stack.sources])
    record_result(catalog, home, result, now, report)


def retry_stack(catalog: Catalog, home: Path, stack: Stack, error: Exception, now: dt.datetime, report: BatchReport,
                limit: int) -> None:
    """A stack that failed for a reason not its own: its sources wait for the next run. One that
    has failed the same way (the same type of error) on `limit` runs is quarantined instead:
    another try would fail again, night after night."""
    failure = f"{type(error).__name__}: {error}"
    runs = catalog.mark_failed(stack, type(error).__name__, f"processing failed, retried next run: {failure}", now)
    if runs >= limit:
        quarantine_stack(catalog, home, stack, f"processing failed the same way on {runs} runs: {failure}", now, report)
        return
    batch = stack.batch
    for source in stack.sources:
        report.waiting.append(ReportLine(batch.district, batch.tehsil, batch.name, str(source.path.relative_to(batch.path)),
                                         f"processing failed, retried next run: {failure}"))
