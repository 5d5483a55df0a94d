"""Split a record file in two, or join two into one, as the missing or extra separator sheet would
have: a missing sheet ran two files together, an extra one cut a file in two.

The archive, the PDF (cut or joined with pikepdf, its metadata stamped again), the ALTO of each
page, record.json, the catalog and the index follow; the original scans (the inbox, the source
hashes) are never touched. A split keeps the first pages under the file's own id and number and
gives the rest a new record file: the number typed for it, else the one its first page's barcode
carries, else a provisional one (flagged `no-file-number`, so it waits in the review queue). A
join keeps the first file's id and number; the second file's number and id lead to it from then on.
Both are kept in the history (who, when, why) and in the audit log, like a correction.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from domain.config import District, Settings
from domain.errors import UsageError
from domain.model import Barcode, FileNumber, PageRecord, RecordFile
from domain.translatable import N_, Said
from extractors.file_numbers import file_numbers_from_barcodes
from night.corrections import NUMBER_FLAGS, checked_file_number, checked_reason, find_record_file, flag_kind, index_now
from pipeline.archival_pdf import stamp_record
from store.archive import read_record, remove_record, write_record
from store.audit import AuditAction, AuditLog
from store.catalog import DUPLICATE_FLAG, Catalog, CatalogedFile
from store.corrections import Change
from store.mets import alto_name

# A flag about some pages: `low-ocr-confidence: pages 2, 3`, `dark-page: page 4`, `ocr-failed: page 2: ...`.
_PAGE_FLAG = re.compile(r"^(?P<kind>[^:]+): (?P<word>pages?) (?P<pages>\d+(?:, \d+)*)(?P<rest>.*)$")
BLANK_FLAG = "blank-pages"

# The history's words for a split, a join and pages scanned again (`night.rescan_pages`); the web
# pages recognise them to say them in their reader's language (the numbers, names of files, as written).
PAGES = N_("pages %(first)d-%(last)d")
PAGES_OF = N_("pages %(first)d-%(last)d of %(number)s")
PAGES_FROM = N_("pages %(first)d-%(last)d from %(source)s")
PAGE_FROM = N_("page %(page)d from %(source)s")
SPLIT_AT = N_("pages %(first)d-%(last)d; pages %(moved_first)d-%(moved_last)d are now %(number)s")
HISTORY_WORDINGS = (PAGES, PAGES_OF, PAGES_FROM, PAGE_FROM, SPLIT_AT)


@dataclass(frozen=True)
class Reshaped:
    """The record files a split or join left: the first part and the new one, or the joined file."""

    files: list[RecordFile]
    indexed: bool = True


def split(home: Path, settings: Settings, user: str, ref: str, at_page: int, reason: str,
          file_number: str | None = None, via: str = "cli", client: str | None = None) -> Reshaped:
    """Split the record file `ref` names before page `at_page`: its pages from there on become a
    new record file, numbered `file_number` (checked as a correction is) or as described above."""
    reason = checked_reason(reason)
    with closing(Catalog.open(home)) as catalog:
        row = find_record_file(catalog, settings, ref)
        record = read_record(home, row.archive_dir)
        count = len(record.pages)
        if not 2 <= at_page <= count:
            raise UsageError(Said(N_("%(number)s has %(count)d page(s): split it at a page from 2 to %(count)d"),
                                  {"number": row.file_number, "count": count}) if count > 1 else
                             Said(N_("%(number)s has one page: there is nothing to split"), {"number": row.file_number}))
        number = _second_number(catalog, settings.district(row.district), row, record.pages[at_page - 1], file_number)
        [new_id] = catalog.claim_file_ids([(f"split/{record.file_id}/{uuid.uuid4().hex}", number.slug)])
        first = _part(record, record.pages[:at_page - 1], record.file_id, None)
        second = _part(record, record.pages[at_page - 1:], new_id, number)
        kept = {"first": 1, "last": at_page - 1, "moved_first": at_page, "moved_last": count, "number": second.file_number}
        history = [(first.file_id, Change("split", _said(PAGES, first=1, last=count), _said(SPLIT_AT, **kept))),
                   (second.file_id, Change("split", _said(PAGES_OF, first=at_page, last=count, number=record.file_number),
                                           second.file_number))]
        rewrite_parts(home, catalog, row, record, [first, second], history, user, reason)
        _audit(home, user, "split", [first, second], via, client)
        return Reshaped([first, second], index_now(home, settings, catalog, [first, second]))


def join(home: Path, settings: Settings, user: str, first_ref: str, second_ref: str, reason: str,
         via: str = "cli", client: str | None = None) -> Reshaped:
    """Join the record file `second_ref` names to the end of the one `first_ref` names."""
    reason = checked_reason(reason)
    with closing(Catalog.open(home)) as catalog:
        first_row = find_record_file(catalog, settings, first_ref)
        second_row = find_record_file(catalog, settings, second_ref)
        _check_joinable(first_row, second_row)
        first, second = read_record(home, first_row.archive_dir), read_record(home, second_row.archive_dir)
        joined = _joined(first, second, catalog)
        pages = {"first": len(first.pages) + 1, "last": len(joined.pages)}
        history = [(first.file_id, Change("join", _said(PAGES, first=1, last=len(first.pages)),
                                          _said(PAGES_FROM, **pages, source=second.file_number))),
                   (second.file_id, Change("join", second.file_number, _said(PAGES_OF, **pages, number=first.file_number)))]
        rewrite_parts(home, catalog, first_row, first, [joined], history, user, reason, second=(second_row, second))
        remove_record(home, second_row.archive_dir)
        _audit(home, user, "join", [joined, second], via, client)
        return Reshaped([joined], index_now(home, settings, catalog, [joined], removed=second.file_id))


def _second_number(catalog: Catalog, district: District, row: CatalogedFile, page: PageRecord,
                   typed: str | None) -> FileNumber:
    """The number of a split's second part: typed, else its first page's barcode, else provisional."""
    if typed and typed.strip():
        normalized = checked_file_number(catalog, district, row, typed)
        if normalized == row.file_number:
            raise UsageError(Said(N_("%(number)s is the number of the first part; give the second part its own"),
                                  {"number": normalized}))
        return FileNumber(typed, normalized, "correction")
    barcodes = [Barcode(**{**barcode, "box": tuple(barcode["box"])}) for barcode in page.barcodes]
    for read in file_numbers_from_barcodes(barcodes, district.file_number_patterns, district.separator_pattern):
        if read.normalized != row.file_number and not catalog.same_number(read.normalized):
            return read
    provisional = re.sub(r"[^A-Za-z0-9]+", "-", f"PROV-{row.file_id}-PAGE-{page.number}-{uuid.uuid4().hex[:8]}")
    return FileNumber("", provisional.upper(), "provisional")


def _part(record: RecordFile, pages: list[PageRecord], file_id: str, number: FileNumber | None) -> RecordFile:
    """A split's part: these pages, numbered from 1, with their sources and flags. `number` None
    keeps the record's own number and its flags about it."""
    renumbered = {page.number: n for n, page in enumerate(pages, 1)}
    flags = page_flags(record.flags, renumbered) + _blank_flag(record.flags, pages)
    if number is None:
        flags += [flag for flag in record.flags if not _PAGE_FLAG.match(flag) and flag != BLANK_FLAG]
    elif number.source == "provisional":
        flags.append("no-file-number")
    used = {page.source for page in pages}
    part = dataclasses.replace(
        record, file_id=file_id, pages=[dataclasses.replace(page, number=renumbered[page.number]) for page in pages],
        sources=[source for source in record.sources if source["path"] in used], flags=sorted(set(flags)))
    if number is not None:  # a new file: its title is the first part's no more; its type (and access) stays till corrected
        part.file_number, part.file_number_raw, part.file_number_source = number.normalized, number.raw, number.source
        part.title = ""
        part.candidates = [{"raw": number.raw, "normalized": number.normalized, "source": number.source,
                            "pattern": number.pattern}]
    return part


def _joined(first: RecordFile, second: RecordFile, catalog: Catalog) -> RecordFile:
    """The first record file with the second's pages after its own, and both files' sources and flags."""
    offset = len(first.pages)
    shifted = {page.number: page.number + offset for page in second.pages}
    pages = [*first.pages, *(dataclasses.replace(page, number=shifted[page.number]) for page in second.pages)]
    others = [flag for flag in second.flags if not _PAGE_FLAG.match(flag) and flag_kind(flag) not in (*NUMBER_FLAGS, BLANK_FLAG)]
    flags = {*first.flags, *page_flags(second.flags, shifted), *others, *_blank_flag(second.flags, second.pages)}
    if DUPLICATE_FLAG in flags and not [row for row in catalog.same_number(first.file_number)
                                        if row.file_id not in (first.file_id, second.file_id)]:
        flags.discard(DUPLICATE_FLAG)  # the other record file with this number was the second one
    known = {source["path"] for source in first.sources}
    return dataclasses.replace(
        first, pages=pages, flags=sorted(flags), title=first.title or second.title,
        record_type=first.record_type or second.record_type, year=first.year or second.year,
        languages=list(dict.fromkeys([*first.languages, *second.languages])),
        sources=[*first.sources, *(source for source in second.sources if source["path"] not in known)],
        candidates=[*first.candidates, *second.candidates], separators=[*first.separators, *second.separators])


def _said(wording: str, **values: object) -> str:
    """A line of the history in daftar's words, as the catalog keeps it: English."""
    return str(Said(wording, values))


def page_flags(flags: list[str], renumbered: dict[int, int]) -> list[str]:
    """The flags about pages, for the pages kept (old number → new), renumbered."""
    kept = []
    for flag in flags:
        if (match := _PAGE_FLAG.match(flag)) is None:
            continue
        pages = [renumbered[int(n)] for n in match["pages"].split(", ") if int(n) in renumbered]
        if pages:
            kept.append(f"{match['kind']}: {match['word']} {', '.join(map(str, pages))}{match['rest']}")
    return kept


def _blank_flag(flags: list[str], pages: list[PageRecord]) -> list[str]:
    """`blank-pages` if the file had it (no person cleared it) and these pages hold a blank one."""
    return [BLANK_FLAG] if BLANK_FLAG in flags and any(page.blank for page in pages) else []


def _check_joinable(first: CatalogedFile, second: CatalogedFile) -> None:
    if first.file_id == second.file_id:
        raise UsageError(Said(N_("%(first)s and %(second)s are one record file"),
                              {"first": first.file_number, "second": second.file_number}))
    if (first.district, first.tehsil, first.batch) != (second.district, second.tehsil, second.batch):
        raise UsageError(Said(N_("%(first)s (%(first_place)s, batch %(first_batch)s) and %(second)s (%(second_place)s, "
                                 "batch %(second_batch)s) were not scanned together: only record files of one batch "
                                 "are joined"),
                              {"first": first.file_number, "first_place": f"{first.district}/{first.tehsil}",
                               "first_batch": first.batch, "second": second.file_number,
                               "second_place": f"{second.district}/{second.tehsil}", "second_batch": second.batch}))


def rewrite_parts(home: Path, catalog: Catalog, row: CatalogedFile, before: RecordFile, parts: list[RecordFile],
             history: list[tuple[str, Change]], user: str, reason: str,
             second: tuple[CatalogedFile, RecordFile] | None = None,
             rescanned: tuple[Path, Path, list[PageRecord]] | None = None) -> None:
    """Write the parts into the archive (their PDFs cut from, or joined out of, the archived ones,
    or pages `rescanned`: PDF, ALTO folder, pages, `night.rescan_pages`), then the catalog; if
    anything fails, the archive is as it was."""
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        work = Path(tmp)
        sources = [(home / before.pdf, home / row.archive_dir, before.pages)]
        if second is not None:
            sources.append((home / second[1].pdf, home / second[0].archive_dir, second[1].pages))
        if rescanned is not None:
            sources.append(rescanned)
        kept = _copy_files(work / "before", home / before.pdf, home / row.archive_dir, before.pages)
        cut = [_cut(work / f"part-{n}", sources, part) for n, part in enumerate(parts)]  # before any is replaced
        written: list[tuple[RecordFile, str]] = []
        try:
            for part, (pdf, alto) in zip(parts, cut):
                if (failure := stamp_record(pdf, part)) is not None:
                    part.flags = sorted({*part.flags, f"not-pdfa: {failure}"})
                written.append((part, write_record(home, part, pdf, alto)))
            catalog.reshape_record_files(written, history, user, reason, joined=second[1] if second else None)
        except BaseException:
            for part, archive_dir in written:
                if part.file_id != before.file_id:
                    remove_record(home, archive_dir)
            if any(part.file_id == before.file_id for part, _ in written):
                write_record(home, before, *kept)
            raise


def _cut(work: Path, sources: list[tuple[Path, Path, list[PageRecord]]], part: RecordFile) -> tuple[Path, list[Path | None]]:
    """The part's PDF and ALTO files in `work`, its pages taken in order from the archived files
    (PDF, folder, pages) they come from: a page is known there by its source and place in it."""
    work.mkdir()
    places = {(page.source, page.source_page): (pdf, folder, page.number)
              for pdf, folder, pages in sources for page in pages}
    opened: dict[Path, pikepdf.Pdf] = {}
    out = pikepdf.new()
    alto: list[Path | None] = []
    try:
        for page in part.pages:
            pdf, folder, number = places[(page.source, page.source_page)]
            if pdf not in opened:
                opened[pdf] = pikepdf.open(pdf)
            out.pages.append(opened[pdf].pages[number - 1])
            alto.append(_copy(folder / alto_name(number), work / f"alto-{page.number}.xml"))
        out.save(work / "record.pdf")
    finally:
        out.close()
        for pdf in opened.values():
            pdf.close()
    return work / "record.pdf", alto


def _copy_files(work: Path, pdf: Path, folder: Path, pages: list[PageRecord]) -> tuple[Path, list[Path | None]]:
    """A copy of an archived record file's PDF and ALTO files, to put back if the change fails."""
    work.mkdir()
    return _copy(pdf, work / "record.pdf"), [_copy(folder / alto_name(page.number), work / f"alto-{page.number}.xml")
                                             for page in pages]  # type: ignore[return-value]


def _copy(source: Path, target: Path) -> Path | None:
    if not source.is_file():
        return None
    shutil.copyfile(source, target)
    return target


def _audit(home: Path, user: str, action: AuditAction, records: list[RecordFile], via: str, client: str | None) -> None:
    with closing(AuditLog.open(home)) as audit:
        for record in records:
            audit.record(user, action, record.file_number, record.file_id, via=via, client=client)
