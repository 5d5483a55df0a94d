"""The morning after on the command line: the review queue, corrections, cleared flags, splits,
joins, re-scans of quarantined scans and of bad pages."""

from __future__ import annotations

import getpass
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from commands.common import HomeOption, JsonOption, add_row, console, load_settings, new_table, print_json
from domain.config import home_dir, name_key
from domain.errors import IndexUnavailable, NotFound, UsageError

if TYPE_CHECKING:
    from night.corrections import Corrected
    from night.split_join import Reshaped

FileRef = Annotated[str, typer.Argument(help="File number (any spelling), a provisional number or the archive id")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: kept in the file's history with who and when")]
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who corrects, for the history and audit log (default: your login)")]


def review(
    home: HomeOption = None,
    district: Annotated[Optional[str], typer.Option(help="Only this district")] = None,
    tehsil: Annotated[Optional[str], typer.Option(help="Only this tehsil")] = None,
    as_json: JsonOption = False,
) -> None:
    """What needs a person, per tehsil, the oldest first: record files with open review flags
    (and the page to look at) and quarantined scans with their reasons."""
    from night.review import review_places, review_queue
    from store.catalog import Catalog

    settings = load_settings()
    with closing(Catalog.open(home_dir(home))) as catalog:
        places = [(d, t) for d, t in review_places(catalog, settings)
                  if (not district or name_key(d) == name_key(district)) and (not tehsil or name_key(t) == name_key(tehsil))]
        if (district or tehsil) and not places:
            raise NotFound(f"no tehsil {tehsil or ''} {('in ' + district) if district else ''}".strip())
        queues = [review_queue(catalog, d, t) for d, t in places]
    if as_json:
        print_json([{"district": q.district, "tehsil": q.tehsil,
                     "files": [{"file_id": f.file.file_id, "file_number": f.file.file_number,
                                "file_number_source": f.file.file_number_source, "title": f.file.title,
                                "record_type": f.file.record_type, "year": f.file.year, "flags": list(f.file.flags),
                                "page": f.page, "processed_at": f.file.processed_at} for f in q.files],
                     "quarantined": [{"source": s.path, "batch": s.batch, "reason": s.reason, "since": s.updated_at}
                                     for s in q.quarantined]} for q in queues])
        return
    for queue in queues:
        if not queue.size:
            continue
        table = new_table(f"{queue.district}/{queue.tehsil}: {queue.size} to review",
                          ("since", "what", "read as", "needs", "look at"))
        for item in queue.files:
            row = item.file
            add_row(table, row.processed_at, row.file_number, f"{row.title or '—'} · {row.record_type or '—'} · {row.year or '—'}",
                    "; ".join(row.flags), f"page {item.page}")
        for source in queue.quarantined:
            add_row(table, source.updated_at, source.path, "quarantined", source.reason or "", f"batch {source.batch}")
        console.print(table)
    if not any(queue.size for queue in queues):
        console.print("nothing to review")


def correct(
    file: FileRef,
    reason: ReasonOption,
    file_number: Annotated[Optional[str], typer.Option("--file-number", help="The right file number (the district's patterns)")] = None,
    title: Annotated[Optional[str], typer.Option(help="The right title")] = None,
    record_type: Annotated[Optional[str], typer.Option("--type", help="The right record type (one of the district's)")] = None,
    year: Annotated[Optional[int], typer.Option(help="The right year")] = None,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Correct a record file's number, title, record type or year, checked as the night checks them,
    and index it again at once. A corrected number becomes the file's address; the old one leads there."""
    from night.corrections import Correction
    from night.corrections import correct as apply

    if all(value is None for value in (file_number, title, record_type, year)):
        raise UsageError("give at least one of --file-number, --title, --type, --year")
    done = apply(home_dir(home), load_settings(), by or getpass.getuser(), file,
                 Correction(file_number, title, record_type, year), reason)
    _report(done)


def flag_clear(
    file: FileRef,
    kind: Annotated[str, typer.Argument(help="The flag's kind, as listed: blank-pages, low-ocr-confidence, no-file-number, ...")],
    reason: ReasonOption,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Clear a record file's review flags of one kind (a person looked and found it right)."""
    from night.corrections import clear_flag

    _report(clear_flag(home_dir(home), load_settings(), by or getpass.getuser(), file, kind, reason))


def _report(done: Corrected) -> None:
    for change in done.changes:
        console.print(f"{done.file_number}: {change.field} {change.old_value or '—'} → {change.new_value or '(cleared)'}",
                      highlight=False, markup=False)
    if not done.indexed:
        raise IndexUnavailable("the correction is saved; the file waits for `daftar index` to be searchable again")


def split(
    file: FileRef,
    at_page: Annotated[int, typer.Option("--at-page", help="The first page of the second record file")],
    reason: ReasonOption,
    file_number: Annotated[Optional[str], typer.Option("--file-number", help="The second file's number (default: read "
                                                       "from the barcode on its first page, else a provisional one)")] = None,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Split a record file in two before a page, as the missing separator sheet would have: its
    pages from --at-page on become a new record file (archive, PDF, catalog and index follow; the
    scans are not touched)."""
    from night.split_join import split as apply

    _reshaped(apply(home_dir(home), load_settings(), by or getpass.getuser(), file, at_page, reason, file_number))


def join(
    first: Annotated[str, typer.Argument(help="The record file that keeps its number (any spelling, or its archive id)")],
    second: Annotated[str, typer.Argument(help="The record file whose pages follow; its number then leads to the first")],
    reason: ReasonOption,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Join two record files of one batch into one, as if the extra separator sheet between them
    had not been there: the second's pages follow the first's, and its number leads there."""
    from night.split_join import join as apply

    _reshaped(apply(home_dir(home), load_settings(), by or getpass.getuser(), first, second, reason))


def requeue(
    entry: Annotated[str, typer.Argument(help="The quarantined scan, as `daftar review` lists it (or the end of its path)")],
    rescan: Annotated[Path, typer.Option("--with", help="The re-scan, already dropped into a batch folder of the same tehsil")],
    reason: ReasonOption,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Take a re-scan in place of a quarantined scan: the next `daftar run` processes it and closes
    the quarantine entry; progress counts the scan once."""
    from night.rescan import requeue as apply

    done = apply(home_dir(home), by or getpass.getuser(), entry, rescan.absolute(), reason)
    state = "done already: the quarantine entry is closed" if done.closed else "the next run processes it"
    console.print(f"{done.entry}: re-scan {rescan.name} noted, {state}", highlight=False, markup=False)


def rescan_pages(
    file: FileRef,
    pages: Annotated[str, typer.Option("--pages", help="The pages scanned again: a page (3) or a range (3-4)")],
    scan: Annotated[Path, typer.Option("--with", help="The re-scan of exactly those pages (an image, TIFF or PDF)")],
    reason: ReasonOption,
    by: ByOption = None,
    home: HomeOption = None,
) -> None:
    """Replace bad pages of an archived record file by a re-scan of them, read now as the night reads
    scans (cleaning, OCR, PDF/A): the PDF, ALTO, record, catalog and index follow, the history and
    audit log keep it; the original scans are not touched. A re-scan in the inbox is then skipped
    by the night."""
    from night.rescan_pages import pages_named
    from night.rescan_pages import rescan_pages as apply

    done = apply(home_dir(home), load_settings(), by or getpass.getuser(), file, pages, scan, reason)
    console.print(f"{done.record.file_number}: {pages_named(done.first, done.last)} now from {scan.name} "
                  f"(archive id {done.record.file_id})", highlight=False, markup=False)
    if not done.indexed:
        raise IndexUnavailable("the pages are replaced; the file waits for `daftar index` to be searchable again")


def _reshaped(done: Reshaped) -> None:
    for record in done.files:
        console.print(f"{record.file_number}: pages 1-{len(record.pages)} (archive id {record.file_id})",
                      highlight=False, markup=False)
    if not done.indexed:
        raise IndexUnavailable("the change is saved; the files wait for `daftar index` to be searchable again")
