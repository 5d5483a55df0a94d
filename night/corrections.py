"""The morning after: a person corrects what the night read (a record file's number, title, record
type or year) or clears a review flag. Each value is checked as the night checks it (the
district's number patterns, its years and record types), the archive's JSON record and the catalog
change together, the history keeps who, when and why, the audit log has the act, and the index is
updated at once (or the file waits for the next `daftar index` when it is down).

A corrected number becomes the file's permanent address; the old one (provisional or wrong) is
kept as a former number, so an address made with it still leads to the file.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from domain.config import District, Settings
from domain.errors import IndexUnavailable, NotFound, UsageError
from domain.file_numbers import clean_value, file_number_spellings, generic_number, normalize_file_number
from domain.model import RecordFile
from domain.translatable import N_, Said
from extractors.file_numbers import PATTERN_UNCONFIGURED, UNMATCHED
from indexers import open_index
from store.archive import read_record, rewrite_record
from store.audit import AuditLog
from store.catalog import DUPLICATE_FLAG, Catalog, CatalogedFile
from store.corrections import Change

# Flags about the number that a person's number answers.
NUMBER_FLAGS = ("no-file-number", "conflicting-file-numbers", "file-number-from-text-only", UNMATCHED,
                PATTERN_UNCONFIGURED, DUPLICATE_FLAG)
TITLE_LENGTH = 200
REASON_LENGTH = 500
_RECORD_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Correction:
    """What a person typed; None leaves a field as it is."""

    file_number: str | None = None
    title: str | None = None
    record_type: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Corrected:
    """The record file after a correction: its id and number, what changed, whether the index has it."""

    file_id: str
    file_number: str
    changes: list[Change] = field(default_factory=list)
    indexed: bool = True


def find_record_file(catalog: Catalog, settings: Settings, ref: str) -> CatalogedFile:
    """The record file `ref` names: its id, its number in any spelling, or a former number."""
    value = ref.strip()
    # as typed, in any spelling a pattern reads, and upper case (a provisional number typed in lower case)
    spellings = [value, *(number.normalized for number in file_number_spellings(value, settings)), clean_value(value).upper()]
    for spelling in spellings:
        if (row := catalog.known_as(spelling)) is not None:
            return row
    raise NotFound(Said(N_("no record file %(ref)s"), {"ref": repr(ref)}))


def correct(home: Path, settings: Settings, user: str, ref: str, correction: Correction, reason: str,
            via: str = "cli", client: str | None = None) -> Corrected:
    """Apply a person's correction to the record file `ref` names; UsageError (nothing changed)
    when a value is not one the night would accept."""
    reason = checked_reason(reason)
    with closing(Catalog.open(home)) as catalog:
        row = find_record_file(catalog, settings, ref)
        values = validated(catalog, settings.district(row.district), row, correction)
        record = read_record(home, row.archive_dir)
        changes = [Change(name, _text(getattr(row, name)), _text(value))
                   for name, value in values.items() if value != getattr(row, name)]
        if not changes:
            raise UsageError(Said(N_("nothing to correct: the values given are the file's already")))
        flags = [f for f in record.flags if not ("file_number" in values and flag_kind(f) in NUMBER_FLAGS)]
        _apply(record, values, flags)
        return _save(home, settings, catalog, row, record, changes, user, reason, "correct", via, client)


def clear_flag(home: Path, settings: Settings, user: str, ref: str, kind: str, reason: str,
               via: str = "cli", client: str | None = None) -> Corrected:
    """Clear the review flags of one kind (`low-ocr-confidence`, `blank-pages`, ...) from a record file."""
    reason = checked_reason(reason)
    with closing(Catalog.open(home)) as catalog:
        row = find_record_file(catalog, settings, ref)
        record = read_record(home, row.archive_dir)
        kept = [flag for flag in record.flags if flag_kind(flag) != kind.strip()]
        if len(kept) == len(record.flags):
            open_kinds = ", ".join(sorted({flag_kind(flag) for flag in record.flags})) or Said(N_("none"))
            raise UsageError(Said(N_("%(number)s has no %(kind)s flag (its flags: %(kinds)s)"),
                                  {"number": row.file_number, "kind": repr(kind), "kinds": open_kinds}))
        cleared = [flag for flag in record.flags if flag not in kept]
        record.flags = kept
        change = Change("flag", "; ".join(cleared), None)
        return _save(home, settings, catalog, row, record, [change], user, reason, "flag-clear", via, client)


def validated(catalog: Catalog, district: District, row: CatalogedFile, correction: Correction) -> dict[str, object]:
    """The corrected values as the catalog writes them, each checked as the night would."""
    values: dict[str, object] = {}
    if correction.file_number is not None:
        values["file_number"] = checked_file_number(catalog, district, row, correction.file_number)
    if correction.title is not None:
        title = " ".join(correction.title.split())
        if not title or len(title) > TITLE_LENGTH or _CONTROL.search(title):
            raise UsageError(Said(N_("a title is 1 to %(most)d characters of text"), {"most": TITLE_LENGTH}))
        values["title"] = title
    if correction.record_type is not None:
        values["record_type"] = _record_type(district, correction.record_type.strip())
    if correction.year is not None:
        values["year"] = _year(district, correction.year)
    return values


def checked_file_number(catalog: Catalog, district: District, row: CatalogedFile, typed: str) -> str:
    """A typed number, normalized by the district's patterns; UsageError when none reads it or
    another record file than `row` has it."""
    patterns = district.file_number_patterns
    number = normalize_file_number(typed, patterns, "correction") if patterns else None
    normalized = number.normalized if number else (None if patterns else generic_number(typed))
    if normalized is None:
        wanted = "; ".join(f"{p.name}: {p.regex}" for p in patterns) or Said(N_("letters, digits and / - ."))
        raise UsageError(Said(N_("%(typed)s is not a file number of %(district)s (its patterns: %(patterns)s; "
                                 "a year must be within each pattern's years)"),
                              {"typed": repr(typed), "district": district.name, "patterns": wanted}))
    others = [other for other in catalog.same_number(normalized) if other.file_id != row.file_id]
    if others:
        raise UsageError(Said(N_("%(number)s is already the number of record file %(file_id)s (%(place)s): "
                                 "correct that one first"),
                              {"number": normalized, "file_id": others[0].file_id,
                               "place": f"{others[0].district}/{others[0].tehsil}"}))
    return normalized


def _record_type(district: District, value: str) -> str:
    known = sorted(district.record_type_keywords)
    if (known and value not in known) or not _RECORD_TYPE.match(value):
        raise UsageError(Said(N_("record type %(kind)s is not one of %(district)s's: %(known)s"),
                              {"kind": repr(value), "district": district.name,
                               "known": ", ".join(known) or Said(N_("none configured"))}))
    return value


def _year(district: District, year: int) -> int:
    ranges = [pattern.year_range for pattern in district.file_number_patterns] or [(1850, 2100)]
    first, last = min(r[0] for r in ranges), min(max(r[1] for r in ranges), dt.date.today().year)
    if not first <= year <= last:
        raise UsageError(Said(N_("year %(year)d is outside %(first)d-%(last)d"),
                              {"year": year, "first": first, "last": last}))
    return year


def checked_reason(reason: str) -> str:
    """Why a person changes a record file, as the history keeps it; UsageError when missing or too long."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_LENGTH:
        raise UsageError(Said(N_("say why (--reason): 1 to %(most)d characters"), {"most": REASON_LENGTH}))
    return reason


def _apply(record: RecordFile, values: dict[str, object], flags: list[str]) -> None:
    if "file_number" in values:
        record.file_number = record.file_number_raw = str(values["file_number"])
        record.file_number_source = "correction"
    for name in ("title", "record_type", "year"):
        if name in values:
            setattr(record, name, values[name])
    record.flags = flags


def _save(home: Path, settings: Settings, catalog: Catalog, row: CatalogedFile, record: RecordFile,
          changes: list[Change], user: str, reason: str, action: str, via: str, client: str | None) -> Corrected:
    """The archive's record, then the catalog (the old record written back if that fails), the
    audit log and the index."""
    before = read_record(home, row.archive_dir)
    rewrite_record(home, row.archive_dir, record)
    values = {change.field: getattr(record, change.field) for change in changes if change.field != "flag"}
    try:
        catalog.correct_record_file(row.file_id, values, record.flags, changes, user, reason)
    except BaseException:
        rewrite_record(home, row.archive_dir, before)
        raise
    with closing(AuditLog.open(home)) as audit:
        audit.record(user, action, record.file_number, record.file_id, via=via, client=client)  # type: ignore[arg-type]
    return Corrected(record.file_id, record.file_number, changes, index_now(home, settings, catalog, [record]))


def index_now(home: Path, settings: Settings, catalog: Catalog, records: list[RecordFile], removed: str | None = None) -> bool:
    """Index the record files now, after taking the one `removed` (joined into another) out;
    False when the index is down (the catalog keeps them waiting for `daftar index` or the next night)."""
    try:
        index = open_index(home, settings)
        try:
            if removed is not None:
                index.remove(removed)
                catalog.removal_done(removed)
            for record in records:
                index.add(record)
                catalog.mark_indexed(record.file_id)
        finally:
            index.close()
    except IndexUnavailable:
        return False
    return True


def flag_kind(flag: str) -> str:
    """A flag's kind: `low-ocr-confidence: pages 2, 3` is of kind `low-ocr-confidence`."""
    return flag.split(":", 1)[0].strip()


def _text(value: object) -> str | None:
    return None if value is None else str(value)
