"""Pages of an archived record file scanned again (torn, folded, too dark to read).

The re-scan is read by the night's own stack code (`night.stack`: cleaning, barcodes, OCR, PDF/A);
its pages take the place of pages N..M in the record's PDF, ALTO and record.json through the same
rewrite as a split or join (`night.split_join`), then the catalog and the index follow; the history
and the audit log keep who, when and why. The original scans are never touched: the re-scan joins
the record's sources beside them. A re-scan lying in a batch folder of the record's tehsil in the
inbox is recorded there as done, so the next night does not take it for a new record file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import stat
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from domain.config import Settings, name_key
from domain.errors import BadInput, NotFound, UsageError
from domain.model import Batch, PageRecord, RecordFile, SourceFile, Stack
from domain.translatable import N_, Said
from night.corrections import checked_reason, find_record_file, index_now
from night.rescan import NOT_REGULAR, folders_below, tehsil_folder
from night.split_join import BLANK_FLAG, PAGE_FROM, PAGES, PAGES_FROM, page_flags, rewrite_parts
from night.stack import StackProcessor
from pipeline import alto
from pipeline.intake import fingerprint
from store.archive import exclusive_run, read_record
from store.audit import AuditLog
from store.catalog import Catalog, CatalogedFile
from store.corrections import Change
from store.mets import alto_name


@dataclass(frozen=True)
class PagesRescanned:
    """The record file after its pages `first`..`last` were replaced; whether the index has it."""

    record: RecordFile
    first: int
    last: int
    indexed: bool = True


def rescan_pages(home: Path, settings: Settings, user: str, ref: str, pages: str, scan: Path, reason: str,
                 via: str = "cli", client: str | None = None, now: dt.datetime | None = None) -> PagesRescanned:
    """Replace pages `pages` (`3-4`, or `3`) of the record file `ref` names by the pages of `scan`,
    which must have as many pages. Holds the home's run lock, so no night runs meanwhile."""
    reason = checked_reason(reason)
    now = now or dt.datetime.now(dt.timezone.utc)
    source = _scan_source(scan)
    with exclusive_run(home):
        with closing(Catalog.open(home)) as catalog:
            row = find_record_file(catalog, settings, ref)
            record = read_record(home, row.archive_dir)
            first, last = page_range(pages, len(record.pages))
            label = f"{source.path.parent.name}/{source.path.name}"  # as the record's sources name it
            updated = _replace_pages(home, settings, catalog, row, record, (first, last), source, label, user, reason, now)
            _mark_in_inbox(catalog, row, source, f"{pages_named(first, last)} of {record.file_number} scanned again", now)
            with closing(AuditLog.open(home)) as audit:
                audit.record(user, "rescan-pages", updated.file_number, updated.file_id, via=via, client=client, when=now)
            return PagesRescanned(updated, first, last, index_now(home, settings, catalog, [updated]))


def page_range(pages: str, count: int) -> tuple[int, int]:
    """`3-4` or `3` as (first, last), within a record file of `count` pages; UsageError otherwise."""
    first, _, last = pages.strip().partition("-")
    if not first.strip().isdecimal() or not (last.strip() or first).isdecimal():
        raise UsageError(Said(N_("pages %(pages)s: give a page (3) or a range of pages (3-4)"), {"pages": repr(pages)}))
    start, end = int(first), int(last or first)
    if not 1 <= start <= end <= count:
        raise UsageError(Said(N_("pages %(pages)s: the record file has pages 1-%(count)d"),
                              {"pages": repr(pages), "count": count}))
    return start, end


def pages_named(first: int, last: int) -> Said:
    """`page 3` or `pages 3-4`, for a message."""
    return Said(N_("page %(page)d"), {"page": first}) if first == last else Said(PAGES, {"first": first, "last": last})


def _pages_from(first: int, last: int, source: str) -> str:
    """A line of the history: which pages, from which scan (English, as the catalog keeps it)."""
    if first == last:
        return str(Said(PAGE_FROM, {"page": first, "source": source}))
    return str(Said(PAGES_FROM, {"first": first, "last": last, "source": source}))


def _scan_source(scan: Path) -> SourceFile:
    try:
        status = scan.lstat()
    except FileNotFoundError:
        raise NotFound(Said(N_("%(file)s is not there: give the re-scanned pages' file"), {"file": str(scan)})) from None
    if not stat.S_ISREG(status.st_mode):
        raise UsageError(Said(NOT_REGULAR, {"file": str(scan)}))
    return fingerprint(scan.absolute())


def _replace_pages(home: Path, settings: Settings, catalog: Catalog, row: CatalogedFile, record: RecordFile,
                   span: tuple[int, int], source: SourceFile, label: str, user: str, reason: str,
                   now: dt.datetime) -> RecordFile:
    """Read the re-scan as a night reads a stack, then rewrite the record file with its pages."""
    scan = source.path
    stack = Stack(Batch(row.district, row.tehsil, scan.parent.name, scan.parent), scan.name, (source,))
    processor = StackProcessor(stack, settings, home, {}, settings.workers)
    try:
        read = list(processor.read(now, claim_ids=False))
        if processor.result.quarantined:
            raise BadInput(Said(N_("%(scan)s cannot be read: %(reason)s"),
                                {"scan": scan.name, "reason": processor.result.quarantined[0][1]}))
        if len(read) != 1:
            raise UsageError(Said(N_("%(scan)s reads as %(count)d record files (a separator sheet in it?): "
                                     "scan only the pages"),
                                  {"scan": scan.name, "count": len(read)}))
        rescanned, pdf, alto_files = read[0]
        wanted = span[1] - span[0] + 1
        if len(rescanned.pages) != wanted:
            raise UsageError(Said(N_("%(scan)s has %(count)d page(s) for the %(wanted)d of %(pages)s: "
                                     "scan exactly those pages again"),
                                  {"scan": scan.name, "count": len(rescanned.pages), "wanted": wanted,
                                   "pages": pages_named(*span)}))
        with tempfile.TemporaryDirectory(dir=home) as tmp:
            new_pages = [dataclasses.replace(page, source=label) for page in rescanned.pages]
            folder = _alto_folder(Path(tmp), new_pages, alto_files)
            updated = _with_pages(record, rescanned, new_pages, span, source, label)
            was = ", ".join(sorted({page.source for page in record.pages[span[0] - 1:span[1]]}))
            change = Change("rescan-pages", _pages_from(*span, was), _pages_from(*span, label))
            rewrite_parts(home, catalog, row, record, [updated], [(record.file_id, change)], user, reason,
                          rescanned=(pdf, folder, new_pages))
        return updated
    finally:
        processor.close()


def _alto_folder(work: Path, pages: list[PageRecord], alto_files: list[Path | None]) -> Path:
    """The re-scan's ALTO files laid out as in a record folder, each naming the re-scan as its source."""
    for page, page_alto in zip(pages, alto_files):
        if page_alto is not None:
            target = work / alto_name(page.number)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page_alto, target)
            alto.describe_source(target, page.source, page.source_page)
    return work


def _with_pages(record: RecordFile, rescanned: RecordFile, new_pages: list[PageRecord], span: tuple[int, int],
                source: SourceFile, label: str) -> RecordFile:
    """The record file with pages `span` taken from the re-scan: their text, flags and source."""
    first, last = span
    kept = [page for page in record.pages if not first <= page.number <= last]
    placed = [dataclasses.replace(page, number=first + n) for n, page in enumerate(new_pages)]
    pages = sorted([*kept, *placed], key=lambda page: page.number)
    about_pages = set(page_flags(record.flags, {page.number: page.number for page in record.pages}))
    flags = {flag for flag in record.flags if flag not in about_pages and flag != BLANK_FLAG}
    flags |= {*page_flags(record.flags, {page.number: page.number for page in kept}),
              *page_flags(rescanned.flags, {page.number: first + n for n, page in enumerate(rescanned.pages)})}
    if any(page.blank for page in placed) or (BLANK_FLAG in record.flags and any(page.blank for page in kept)):
        flags.add(BLANK_FLAG)
    used = {page.source for page in kept}
    sources = [item for item in record.sources if item["path"] in used]
    sources.append({"path": label, "sha256": source.sha256, "size": source.size})
    return dataclasses.replace(record, pages=pages, flags=sorted(flags), sources=sources,
                               languages=sorted({*record.languages, *rescanned.languages} - {"born-digital"}) or record.languages)


def _mark_in_inbox(catalog: Catalog, row: CatalogedFile, source: SourceFile, reason: str, now: dt.datetime) -> None:
    """A re-scan in a batch folder of the record's tehsil in the inbox is done: the night skips it."""
    known = [state for state in catalog.sources(state="done")
             if state.batch == row.batch and state.stack == row.stack
             and name_key(state.district) == name_key(row.district) and name_key(state.tehsil) == name_key(row.tehsil)]
    if not known:
        return
    tehsil = tehsil_folder(known[0])
    inside = folders_below(tehsil, source.path)
    if inside is None:
        return  # not in the inbox: nothing there to skip
    if len(inside) in (1, 2):  # in a batch folder, or in a stack folder of one
        batch = Batch(tehsil.parent.name, tehsil.name, inside[0], tehsil / inside[0])
        # named as the night names it: below the inbox as the night was given it
        there = dataclasses.replace(source, path=tehsil.joinpath(*inside, source.path.name))
        stack = Stack(batch, inside[-1] if len(inside) == 2 else source.path.name, (there,))
        catalog.mark_sources(stack, stack.sources, "done", reason, now)
