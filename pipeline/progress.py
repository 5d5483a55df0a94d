"""Progress for Deputy Commissioners: how far each tehsil has come against its target, whether its
pace meets the deadline, and where quality is failing.

Every figure comes from the catalog through the few queries in this module, so the terminal table,
the CSV, the JSON, the web dashboard and the Prefect artifact can never disagree.

Two kinds of thing are counted, and kept apart by name:

- **sources** are the scanner's files (rows of `sources`). Every source seen is exactly one of
  done, quarantined or waiting, so ``sources_done + quarantined + waiting == sources_seen``.
- **record files** are the legacy files (misl) built from them (rows of `record_files`); the target
  is set in record files, so ``files_done`` and ``pages_done`` count those.

How the figures are read
------------------------
- **Scanning day.** A night's output is dated by the day whose scanning it holds: a batch that
  finishes before noon (`NIGHT_CUTOFF_HOUR`) belongs to the day before, because the batch run at
  02:00 on Tuesday processes what was scanned on Monday. The time is read as written in the catalog.
- **Working days** are Monday to Saturday (`WORKING_WEEKDAYS`), the record rooms' working week.
  A Sunday on which scanning nevertheless happened counts as a working day in the pace, so a team
  that works an extra day is not shown as faster than it is. Holidays are not known to daftar.
- **Pace** is what was done in the last 7 (and 30) working days up to and including today, divided by
  those working days. Working days before the tehsil's start date (or, without a start date, before
  its first scan) are left out, so a tehsil that started three days ago is not shown as slow.
  The 7-day pace is the *current pace*.
- **Required pace** is the record files still to scan divided by the working days left, from
  tomorrow (or the start date, if later) up to and including the deadline.
- **Projected completion** is the working day on which the remaining files are done if the current
  pace holds; None when the current pace is zero. A finished tehsil shows the day it reached its target.
- **Status** (`Status`), decided in this order:
  1. *no target*: no target files or no deadline configured; nothing to judge against.
  2. *done*: the record files done reach the target.
  3. *not started*: today is before the start date and nothing is scanned yet.
  4. *behind*: the deadline has passed, or the current pace is below 80 % of the required pace
     (`AT_RISK_SHARE`).
  5. *at risk*: the current pace is at least 80 % of the required pace but below it: a modest push
     closes the gap.
  6. *on track*: the current pace meets the required pace, i.e. the projection is on or before the deadline.
- **A district** is the sum of its tehsils: counts, targets, paces and required paces are summed,
  pages per night are summed by day; its deadline and projected completion are the latest of its
  tehsils' (None if any unfinished tehsil has none), and its status is its worst tehsil's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from rich import box
from rich.console import Console
from rich.table import Table

from store.catalog import Catalog
from domain.config import Settings, Tehsil

WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4, 5})  # Monday..Saturday (date.weekday())
NIGHT_CUTOFF_HOUR = 12  # output processed before this hour belongs to the previous scanning day
RECENT_DAYS = 7  # working days behind the current pace
LONG_DAYS = 30  # working days behind the steadier pace
AT_RISK_SHARE = 0.8  # current pace at or above this share of the required pace: at risk, below: behind

Format = Literal["table", "csv", "json", "markdown"]


class Status(StrEnum):
    """Where a tehsil stands against its plan. The values are stable codes for CSV and JSON."""

    DONE = "done"
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    BEHIND = "behind"
    NOT_STARTED = "not-started"
    NO_TARGET = "no-target"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


# From worst to best: a district shows the first of these any of its tehsils has.
STATUS_SEVERITY = [Status.BEHIND, Status.AT_RISK, Status.NOT_STARTED, Status.ON_TRACK, Status.DONE, Status.NO_TARGET]

# What each kind of review flag means, for people. A flag is its kind, optionally followed by a
# colon and details ("low-ocr-confidence: pages 2, 5"); flags are counted by kind.
FLAG_LABELS = {
    "no-file-number": "no file number found",
    "conflicting-file-numbers": "conflicting file numbers",
    "file-number-from-text-only": "file number read from the text only",
    "duplicate-file-number": "file number used twice",
    "low-ocr-confidence": "low OCR confidence",
    "text-layer-missing": "pages without text",
    "blank-pages": "blank pages",
}


@dataclass(frozen=True)
class Night:
    """The output of one scanning day (see the module docstring for how a night is dated)."""

    date: dt.date
    files: int
    pages: int


@dataclass(frozen=True)
class TehsilProgress:
    """One tehsil's figures on `today`. Paces are record files (or pages) per working day."""

    district: str
    tehsil: str
    today: dt.date
    # the plan, from the config
    target_files: int
    target_pages: int | None
    start: dt.date | None
    deadline: dt.date | None
    # scanner files (sources): sources_done + quarantined + waiting == sources_seen
    sources_seen: int
    sources_done: int
    quarantined: int
    quarantined_by_reason: dict[str, int]
    waiting: int
    # legacy record files built
    files_done: int
    pages_done: int
    flagged: int  # record files with at least one review flag
    flagged_by_kind: dict[str, int]  # by flag kind (see FLAG_LABELS); a file with two flags counts under both
    # pace and plan
    pace_files_per_day: float  # last 7 working days: the current pace
    pace_pages_per_day: float
    pace_files_per_day_30: float
    pace_pages_per_day_30: float
    working_days_left: int
    required_pace_files_per_day: float | None  # None: no target, or no working day left
    required_pace_pages_per_day: float | None
    projected_completion: dt.date | None
    status: Status
    nights: tuple[Night, ...] = ()

    @property
    def remaining_files(self) -> int:
        return max(self.target_files - self.files_done, 0)

    @property
    def percent_done(self) -> float:
        return min(100.0, 100.0 * self.files_done / self.target_files) if self.target_files else 0.0


@dataclass(frozen=True)
class DistrictProgress:
    """A district: the sum of its tehsils (see the module docstring)."""

    district: str
    today: dt.date
    target_files: int
    target_pages: int | None
    start: dt.date | None
    deadline: dt.date | None
    sources_seen: int
    sources_done: int
    quarantined: int
    quarantined_by_reason: dict[str, int]
    waiting: int
    files_done: int
    pages_done: int
    flagged: int
    flagged_by_kind: dict[str, int]
    pace_files_per_day: float
    pace_pages_per_day: float
    pace_files_per_day_30: float
    pace_pages_per_day_30: float
    required_pace_files_per_day: float | None
    required_pace_pages_per_day: float | None
    projected_completion: dt.date | None
    status: Status
    nights: tuple[Night, ...] = ()
    tehsils: tuple[TehsilProgress, ...] = field(default=(), repr=False)

    @property
    def remaining_files(self) -> int:
        return max(self.target_files - self.files_done, 0)

    @property
    def percent_done(self) -> float:
        return min(100.0, 100.0 * self.files_done / self.target_files) if self.target_files else 0.0


@dataclass(frozen=True)
class FlaggedFile:
    """A record file waiting for someone to review it."""

    file_number: str
    file_id: str
    title: str
    batch: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuarantinedSource:
    path: str
    batch: str
    reason: str


# working days ------------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return day.weekday() in WORKING_WEEKDAYS


def working_days(first: dt.date, last: dt.date) -> int:
    """Working days from `first` to `last`, both included; 0 when `last` is before `first`."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def window_start(today: dt.date, days: int) -> dt.date:
    """The first day of the last `days` working days up to and including today."""
    day, seen = today, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == days:
                return day
        day -= dt.timedelta(days=1)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (`day` itself when count is 0)."""
    while count > 0:
        day += dt.timedelta(days=1)
        count -= is_working_day(day)
    return day


def night_of(timestamp: str) -> dt.date:
    """The scanning day a catalog timestamp belongs to (see NIGHT_CUTOFF_HOUR)."""
    day = dt.date.fromisoformat(timestamp[:10])
    hour = timestamp[11:13]
    if hour.isdigit() and int(hour) < NIGHT_CUTOFF_HOUR:
        return day - dt.timedelta(days=1)
    return day


# the rules, on plain numbers -----------------------------------------------------------------------


def pace(nights: Iterable[Night], today: dt.date, days: int, begun: dt.date | None) -> tuple[float, float]:
    """Files and pages per working day over the last `days` working days up to today, counting no
    day before `begun` (the start of scanning; None: nothing scanned, pace 0)."""
    if begun is None:
        return 0.0, 0.0
    first = max(window_start(today, days), begun)
    in_window = [night for night in nights if first <= night.date <= today]
    # A non-working day on which the team scanned anyway is a working day for the pace.
    extra_days = {night.date for night in in_window if not is_working_day(night.date) and night.files}
    divisor = working_days(first, today) + len(extra_days)
    if divisor == 0:
        return 0.0, 0.0
    return sum(n.files for n in in_window) / divisor, sum(n.pages for n in in_window) / divisor


def working_days_left(today: dt.date, start: dt.date | None, deadline: dt.date | None) -> int:
    """Working days still to come, from tomorrow (or the start date, if later) to the deadline."""
    if deadline is None:
        return 0
    first = today + dt.timedelta(days=1)
    if start is not None and start > first:
        first = start
    return working_days(first, deadline)


def required_pace(remaining: float, days_left: int) -> float | None:
    """What must be done per working day from now on; None when no working day is left."""
    if remaining <= 0:
        return 0.0
    return remaining / days_left if days_left > 0 else None


def projected_completion(today: dt.date, remaining: int, current_pace: float) -> dt.date | None:
    """The working day on which `remaining` files are done at `current_pace`; None at pace 0."""
    if remaining <= 0:
        return today
    if current_pace <= 0:
        return None
    return add_working_days(today, math.ceil(remaining / current_pace - 1e-9))


def decide_status(
    *,
    today: dt.date,
    target_files: int,
    files_done: int,
    start: dt.date | None,
    deadline: dt.date | None,
    current_pace: float,
    required: float | None,
) -> Status:
    """The status rule of the module docstring, on plain numbers."""
    if target_files <= 0 or deadline is None:
        return Status.NO_TARGET
    if files_done >= target_files:
        return Status.DONE
    if start is not None and today < start and files_done == 0:
        return Status.NOT_STARTED
    if today > deadline or required is None:
        return Status.BEHIND
    if current_pace >= required:
        return Status.ON_TRACK
    if current_pace >= AT_RISK_SHARE * required:
        return Status.AT_RISK
    return Status.BEHIND


def worst_status(statuses: Iterable[Status]) -> Status:
    present = set(statuses)
    for status in STATUS_SEVERITY:
        if status in present:
            return status
    return Status.NO_TARGET


def flag_kind(flag: str) -> str:
    """The kind of a review flag: the text before its details."""
    return flag.split(":", 1)[0].strip()


def describe_flag(flag: str) -> str:
    """A review flag in words, details kept: "low OCR confidence: pages 2, 5"."""
    kind, _, details = flag.partition(":")
    label = FLAG_LABELS.get(kind.strip(), kind.strip().replace("-", " "))
    return f"{label}: {details.strip()}" if details.strip() else label


def reason_kind(reason: str | None) -> str:
    """The kind of a quarantine reason, to count like problems together: the text before any colon or
    parenthesis, numbers replaced by N ("corrupt PDF: ..." and "corrupt PDF: ..." are one problem
    whatever the file; "page 3 is 9000x9000 pixels" and "page 7 is ..." too)."""
    text = re.split(r"[:(]", (reason or "").strip(), maxsplit=1)[0]
    text = re.sub(r"\d+", "N", " ".join(text.split())).rstrip(" ,;.")
    return text or "no reason given"


# reading the catalog ---------------------------------------------------------------------------------


@dataclass
class _Counts:
    """What the catalog says about one tehsil, before any rule is applied."""

    sources: Counter = field(default_factory=Counter)  # state -> count
    reasons: Counter = field(default_factory=Counter)  # reason kind -> quarantined sources
    files: int = 0
    pages: int = 0
    flagged: int = 0
    flags: Counter = field(default_factory=Counter)
    nights: dict[dt.date, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _read_counts(catalog: Catalog, district: str | None) -> dict[tuple[str, str], _Counts]:
    where, args = ("WHERE district = ?", (district,)) if district else ("", ())
    counts: dict[tuple[str, str], _Counts] = defaultdict(_Counts)
    db = catalog.db
    for row in db.execute(
        f"SELECT district, tehsil, state, reason, COUNT(*) AS n FROM sources {where} "
        "GROUP BY district, tehsil, state, reason", args
    ):
        tehsil = counts[row["district"], row["tehsil"]]
        tehsil.sources[row["state"]] += row["n"]
        if row["state"] == "quarantined":
            tehsil.reasons[reason_kind(row["reason"])] += row["n"]
    # Grouped by the hour so that a catalog written with a real clock stays a few rows per night.
    for row in db.execute(
        f"SELECT district, tehsil, substr(processed_at, 1, 13) AS hour, COUNT(*) AS n, SUM(pages) AS pages, "
        f"SUM(json_array_length(flags) > 0) AS flagged FROM record_files {where} "
        "GROUP BY district, tehsil, hour", args
    ):
        tehsil = counts[row["district"], row["tehsil"]]
        tehsil.files += row["n"]
        tehsil.pages += row["pages"] or 0
        tehsil.flagged += row["flagged"] or 0
        night = tehsil.nights[night_of(row["hour"])]
        night[0] += row["n"]
        night[1] += row["pages"] or 0
    for row in db.execute(
        f"SELECT district, tehsil, flag.value AS kind, COUNT(*) AS n FROM record_files, json_each(record_files.flags) AS flag "
        f"{where} GROUP BY district, tehsil, kind", args
    ):
        counts[row["district"], row["tehsil"]].flags[flag_kind(row["kind"])] += row["n"]
    return counts


def _tehsil_plans(settings: Settings, counts: dict[tuple[str, str], _Counts], district: str | None) -> list[tuple[str, Tehsil]]:
    """Every configured tehsil (with zeros if nothing is scanned yet), then any tehsil the catalog
    knows that is not configured (it has no target, but its scans must still be counted)."""
    plans: list[tuple[str, Tehsil]] = []
    for name, config in settings.districts.items():
        if district is None or name == district:
            plans.extend((name, tehsil) for tehsil in config.tehsils)
    known = {(d, t.name) for d, t in plans}
    for d, t in sorted(counts):
        if (d, t) not in known:
            plans.append((d, settings.district(d).tehsil(t)))
    return plans


def _tehsil_figures(district: str, plan: Tehsil, counts: _Counts, today: dt.date) -> TehsilProgress:
    nights = tuple(Night(day, files, pages) for day, (files, pages) in sorted(counts.nights.items()))
    first_scan = nights[0].date if nights else None
    begun = min(d for d in (plan.start, first_scan) if d) if first_scan else None
    files_7, pages_7 = pace(nights, today, RECENT_DAYS, begun)
    files_30, pages_30 = pace(nights, today, LONG_DAYS, begun)
    days_left = working_days_left(today, plan.start, plan.deadline)
    remaining = max(plan.target_files - counts.files, 0)
    required_files = required_pace(remaining, days_left) if plan.target_files and plan.deadline else None
    required_pages = _required_pages(plan, counts, required_files, days_left)
    if plan.target_files and counts.files >= plan.target_files:
        projected = _day_target_reached(nights, plan.target_files)
    elif plan.target_files:
        projected = projected_completion(today, remaining, files_7)
    else:
        projected = None
    status = decide_status(
        today=today, target_files=plan.target_files, files_done=counts.files, start=plan.start,
        deadline=plan.deadline, current_pace=files_7, required=required_files,
    )
    return TehsilProgress(
        district=district, tehsil=plan.name, today=today,
        target_files=plan.target_files, target_pages=plan.target_pages, start=plan.start, deadline=plan.deadline,
        sources_seen=sum(counts.sources.values()), sources_done=counts.sources["done"],
        quarantined=counts.sources["quarantined"], quarantined_by_reason=dict(counts.reasons.most_common()),
        waiting=counts.sources["waiting"],
        files_done=counts.files, pages_done=counts.pages, flagged=counts.flagged,
        flagged_by_kind=dict(counts.flags.most_common()),
        pace_files_per_day=files_7, pace_pages_per_day=pages_7,
        pace_files_per_day_30=files_30, pace_pages_per_day_30=pages_30,
        working_days_left=days_left,
        required_pace_files_per_day=required_files, required_pace_pages_per_day=required_pages,
        projected_completion=projected, status=status, nights=nights,
    )


def _required_pages(plan: Tehsil, counts: _Counts, required_files: float | None, days_left: int) -> float | None:
    """Pages per working day needed: from the page target if there is one, otherwise the required
    files per day times the pages per file seen so far."""
    if plan.target_pages and plan.deadline:
        return required_pace(max(plan.target_pages - counts.pages, 0), days_left)
    if required_files is None or counts.files == 0:
        return None if required_files is None or required_files > 0 else 0.0
    return required_files * counts.pages / counts.files


def _day_target_reached(nights: tuple[Night, ...], target: int) -> dt.date | None:
    total = 0
    for night in nights:
        total += night.files
        if total >= target:
            return night.date
    return None


# the public figures ------------------------------------------------------------------------------------


def tehsil_progress(catalog: Catalog, settings: Settings, today: dt.date, district: str | None = None) -> list[TehsilProgress]:
    """Every tehsil's figures on `today`, configured tehsils first in config order."""
    counts = _read_counts(catalog, district)
    return [_tehsil_figures(d, plan, counts.get((d, plan.name), _Counts()), today)
            for d, plan in _tehsil_plans(settings, counts, district)]


def district_progress(catalog: Catalog, settings: Settings, today: dt.date, district: str | None = None) -> list[DistrictProgress]:
    """Every district's figures on `today`, each the sum of its tehsils."""
    by_district: dict[str, list[TehsilProgress]] = defaultdict(list)
    for tehsil in tehsil_progress(catalog, settings, today, district):
        by_district[tehsil.district].append(tehsil)
    return [sum_tehsils(name, tehsils, today) for name, tehsils in by_district.items()]


def sum_tehsils(district: str, tehsils: list[TehsilProgress], today: dt.date) -> DistrictProgress:
    """A district's figures from its tehsils' (the rule is in the module docstring)."""
    nights: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for tehsil in tehsils:
        for night in tehsil.nights:
            nights[night.date][0] += night.files
            nights[night.date][1] += night.pages
    planned = [t for t in tehsils if t.target_files]
    projections = [t.projected_completion for t in planned]
    return DistrictProgress(
        district=district, today=today,
        target_files=sum(t.target_files for t in tehsils),
        target_pages=sum(t.target_pages for t in tehsils) if all(t.target_pages for t in tehsils) else None,
        start=min((t.start for t in tehsils if t.start), default=None),
        deadline=max((t.deadline for t in tehsils if t.deadline), default=None),
        sources_seen=sum(t.sources_seen for t in tehsils), sources_done=sum(t.sources_done for t in tehsils),
        quarantined=sum(t.quarantined for t in tehsils),
        quarantined_by_reason=dict(_sum_counters(t.quarantined_by_reason for t in tehsils).most_common()),
        waiting=sum(t.waiting for t in tehsils),
        files_done=sum(t.files_done for t in tehsils), pages_done=sum(t.pages_done for t in tehsils),
        flagged=sum(t.flagged for t in tehsils),
        flagged_by_kind=dict(_sum_counters(t.flagged_by_kind for t in tehsils).most_common()),
        pace_files_per_day=sum(t.pace_files_per_day for t in tehsils),
        pace_pages_per_day=sum(t.pace_pages_per_day for t in tehsils),
        pace_files_per_day_30=sum(t.pace_files_per_day_30 for t in tehsils),
        pace_pages_per_day_30=sum(t.pace_pages_per_day_30 for t in tehsils),
        required_pace_files_per_day=_sum_known(t.required_pace_files_per_day for t in tehsils),
        required_pace_pages_per_day=_sum_known(t.required_pace_pages_per_day for t in tehsils),
        projected_completion=max(projections) if planned and None not in projections else None,
        status=worst_status(t.status for t in tehsils),
        nights=tuple(Night(day, f, p) for day, (f, p) in sorted(nights.items())),
        tehsils=tuple(tehsils),
    )


def _sum_counters(counters: Iterable[dict[str, int]]) -> Counter:
    total: Counter = Counter()
    for counter in counters:
        total.update(counter)
    return total


def _sum_known(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def flagged_files(catalog: Catalog, district: str, tehsil: str, limit: int = 50) -> tuple[list[FlaggedFile], int]:
    """The record files of a tehsil waiting for review, newest first, and how many there are in all."""
    where = "district = ? AND tehsil = ? AND json_array_length(flags) > 0"
    total = catalog.db.execute(f"SELECT COUNT(*) FROM record_files WHERE {where}", (district, tehsil)).fetchone()[0]
    rows = catalog.db.execute(
        f"SELECT file_number, file_id, title, batch, flags FROM record_files WHERE {where} "
        "ORDER BY processed_at DESC, file_number LIMIT ?", (district, tehsil, limit),
    )
    files = [FlaggedFile(r["file_number"], r["file_id"], r["title"] or "", r["batch"], tuple(json.loads(r["flags"])))
             for r in rows]
    return files, total


def quarantined_sources(catalog: Catalog, district: str, tehsil: str, limit: int = 50) -> tuple[list[QuarantinedSource], int]:
    """The quarantined scanner files of a tehsil with their full reasons, and how many there are in all."""
    where = "district = ? AND tehsil = ? AND state = 'quarantined'"
    total = catalog.db.execute(f"SELECT COUNT(*) FROM sources WHERE {where}", (district, tehsil)).fetchone()[0]
    rows = catalog.db.execute(
        f"SELECT path, batch, reason FROM sources WHERE {where} ORDER BY updated_at DESC, path LIMIT ?",
        (district, tehsil, limit),
    )
    return [QuarantinedSource(r["path"], r["batch"], r["reason"] or "no reason given") for r in rows], total


# output formats ----------------------------------------------------------------------------------------

# The columns of the CSV and of each JSON object, in order. `level` tells tehsil rows from district totals.
ROW_FIELDS = [
    "level", "district", "tehsil", "files_done", "target_files", "percent_done", "pages_done", "target_pages",
    "sources_seen", "sources_done", "quarantined", "waiting", "flagged",
    "pace_files_per_day", "pace_pages_per_day", "pace_files_per_day_30", "pace_pages_per_day_30",
    "required_pace_files_per_day", "required_pace_pages_per_day", "start", "deadline",
    "projected_completion", "status",
]


def progress_row(progress: TehsilProgress | DistrictProgress) -> dict:
    """One tehsil or district as plain JSON-ready values (dates as ISO strings, paces rounded)."""
    row: dict = {"level": "tehsil" if isinstance(progress, TehsilProgress) else "district",
                 "district": progress.district,
                 "tehsil": progress.tehsil if isinstance(progress, TehsilProgress) else None}
    for name in ROW_FIELDS[3:]:
        value = getattr(progress, name)
        if isinstance(value, float):
            value = round(value, 2)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Status):
            value = value.value
        row[name] = value
    row["quarantined_by_reason"] = dict(progress.quarantined_by_reason)
    row["flagged_by_kind"] = dict(progress.flagged_by_kind)
    row["pages_per_night"] = [{"date": n.date.isoformat(), "files": n.files, "pages": n.pages} for n in progress.nights]
    return row


def progress_json(districts: list[DistrictProgress]) -> str:
    tehsils = [progress_row(t) for d in districts for t in d.tehsils]
    today = districts[0].today.isoformat() if districts else None
    return json.dumps({"today": today, "tehsils": tehsils, "districts": [progress_row(d) for d in districts]},
                      ensure_ascii=False, indent=2)


def progress_csv(districts: list[DistrictProgress]) -> str:
    """One row per tehsil, then the district total (level = district): sum only one level in a spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for district in districts:
        for tehsil in district.tehsils:
            writer.writerow(progress_row(tehsil))
        writer.writerow(progress_row(district))
    return out.getvalue()


def progress_table(districts: list[DistrictProgress], width: int | None = None) -> str:
    """A terminal table as plain text: a row per tehsil and a total per district. It fits the
    terminal (or $COLUMNS); 170 columns, room for every column unwrapped, when there is none."""
    width = width or shutil.get_terminal_size((170, 24)).columns
    table = Table(box=box.SIMPLE_HEAD, title=f"Scanning progress on {_today_of(districts)}", title_justify="left")
    for column, justify in [
        ("District", "left"), ("Tehsil", "left"), ("Files done / target", "right"), ("Pages", "right"),
        ("Quarantined", "right"), ("Flagged", "right"), ("Waiting", "right"), ("Pace 7d / 30d", "right"),
        ("Needed / day", "right"), ("Projected", "right"), ("Deadline", "right"), ("Status", "left"),
    ]:
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for district in districts:
        for tehsil in district.tehsils:
            table.add_row(*_table_cells(tehsil, district.district, tehsil.tehsil))
        table.add_row(*_table_cells(district, district.district, "all tehsils"), style="bold", end_section=True)
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(table)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _table_cells(p: TehsilProgress | DistrictProgress, district: str, tehsil: str) -> list[str]:
    target = f"{p.files_done:,} / {p.target_files:,} ({format_percent(p.percent_done)})" if p.target_files else f"{p.files_done:,} / -"
    return [
        district, tehsil, target, f"{p.pages_done:,}", f"{p.quarantined:,}", f"{p.flagged:,}", f"{p.waiting:,}",
        f"{p.pace_files_per_day:.1f} / {p.pace_files_per_day_30:.1f}", format_pace(p.required_pace_files_per_day),
        format_date(p.projected_completion), format_date(p.deadline), p.status.label,
    ]


def progress_markdown(districts: list[DistrictProgress]) -> str:
    """A Markdown table per district, for the Prefect artifact."""
    lines = [f"# Scanning progress on {_today_of(districts)}", ""]
    for district in districts:
        lines += [
            f"## {_md(district.district)}: {district.files_done:,} of {district.target_files:,} files, {district.status.label}",
            "",
            "| Tehsil | Files done / target | Pages | Quarantined | Flagged | Waiting | Pace/day (7d) | Needed/day | Projected | Deadline | Status |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for row in [*district.tehsils, district]:
            name = _md(row.tehsil) if isinstance(row, TehsilProgress) else "**all tehsils**"
            lines.append(
                f"| {name} | {row.files_done:,} / {row.target_files:,} | {row.pages_done:,} | {row.quarantined:,} "
                f"| {row.flagged:,} | {row.waiting:,} | {row.pace_files_per_day:.1f} | {format_pace(row.required_pace_files_per_day)} "
                f"| {format_date(row.projected_completion)} | {format_date(row.deadline)} | {row.status.label} |"
            )
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    # A tehsil name must not break the table or inject markup.
    return "".join("\\" + c if c in "|*_`[]<>#\\" else c for c in text)


def _today_of(districts: list[DistrictProgress]) -> str:
    return districts[0].today.isoformat() if districts else "-"


def format_percent(value: float) -> str:
    # Early on, "0%" would read as "nothing done": keep a decimal below 10 %.
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


def format_pace(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else "-"


def render_progress(catalog: Catalog, settings: Settings, today: dt.date, district: str | None, fmt: Format) -> str:
    """The progress of one district (or all) as `daftar progress` prints it: table, csv, json or markdown."""
    districts = district_progress(catalog, settings, today, district)
    renderers = {"table": progress_table, "csv": progress_csv, "json": progress_json, "markdown": progress_markdown}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(renderers)}")
    return renderers[fmt](districts)
