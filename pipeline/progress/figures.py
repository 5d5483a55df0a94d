"""The figures of each tehsil and district, from the catalog's counts and the configured plans."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from domain.config import Settings, Tehsil, name_key
from pipeline.progress.rules import (
    LONG_DAYS,
    RECENT_DAYS,
    Night,
    Status,
    decide_status,
    flag_kind,
    night_of,
    pace,
    projected_completion,
    reason_kind,
    required_pace,
    working_days_left,
    worst_status,
)
from store.catalog import Catalog


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
    """A district: the sum of its tehsils (see the `pipeline.progress` docstring)."""

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
    names: tuple[str, str] = ("", "")  # (district, tehsil) as the catalog first spelt them


class _ByPlace(defaultdict):
    """Counts by (district, tehsil) keys (`name_key`): "Anantnag/Bijbehara" tonight and
    "anantnag/bijbehara" last night are one tehsil."""

    def __init__(self) -> None:
        super().__init__(_Counts)

    def at(self, district: str, tehsil: str) -> _Counts:
        counts = self[_place(district, tehsil)]
        counts.names = counts.names if counts.names[0] else (district, tehsil)
        return counts


def _place(district: str, tehsil: str) -> tuple[str, str]:
    return name_key(district), name_key(tehsil)


def _read_counts(catalog: Catalog, district: str | None) -> _ByPlace:
    counts = _ByPlace()
    district = district or None  # an empty name means every district
    for sources in catalog.source_counts(district):
        tehsil = counts.at(sources.district, sources.tehsil)
        tehsil.sources[sources.state] += sources.count
        if sources.state == "quarantined":
            tehsil.reasons[reason_kind(sources.reason)] += sources.count
    for output in catalog.hourly_output(district):
        tehsil = counts.at(output.district, output.tehsil)
        tehsil.files += output.files
        tehsil.pages += output.pages
        tehsil.flagged += output.flagged
        night = tehsil.nights[night_of(output.hour)]
        night[0] += output.files
        night[1] += output.pages
    for flags in catalog.flag_counts(district):
        counts.at(flags.district, flags.tehsil).flags[flag_kind(flags.flag)] += flags.count
    return counts


def _tehsil_plans(settings: Settings, counts: _ByPlace, district: str | None) -> list[tuple[str, Tehsil]]:
    """Every configured tehsil (with zeros if nothing is scanned yet), then any tehsil the catalog
    knows that is not configured (it has no target, but its scans must still be counted), each
    once under its configured names (else the catalog's first spelling)."""
    plans: list[tuple[str, Tehsil]] = []
    for config in settings.districts.values():
        if not district or name_key(config.name) == name_key(district):
            plans.extend((config.name, tehsil) for tehsil in config.tehsils)
    known = {_place(d, t.name) for d, t in plans}
    for place in sorted(counts):
        if place not in known:
            d, t = counts[place].names
            plans.append((settings.district(d).name, settings.district(d).tehsil(t)))
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
    return [_tehsil_figures(d, plan, counts.get(_place(d, plan.name), _Counts()), today)
            for d, plan in _tehsil_plans(settings, counts, district)]


def district_progress(catalog: Catalog, settings: Settings, today: dt.date, district: str | None = None) -> list[DistrictProgress]:
    """Every district's figures on `today`, each the sum of its tehsils."""
    by_district: dict[str, list[TehsilProgress]] = defaultdict(list)
    for tehsil in tehsil_progress(catalog, settings, today, district):
        by_district[name_key(tehsil.district)].append(tehsil)
    return [sum_tehsils(tehsils[0].district, tehsils, today) for tehsils in by_district.values()]


def sum_tehsils(district: str, tehsils: list[TehsilProgress], today: dt.date) -> DistrictProgress:
    """A district's figures from its tehsils' (the rule is in the `pipeline.progress` docstring)."""
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
    rows, total = catalog.flagged_files(district, tehsil, limit)
    return [FlaggedFile(row.file_number, row.file_id, row.title or "", row.batch, row.flags) for row in rows], total


def quarantined_sources(catalog: Catalog, district: str, tehsil: str, limit: int = 50) -> tuple[list[QuarantinedSource], int]:
    """The quarantined scanner files of a tehsil with their full reasons, and how many there are in all."""
    rows, total = catalog.quarantined_sources(district, tehsil, limit)
    return [QuarantinedSource(row.path, row.batch, row.reason or "no reason given") for row in rows], total
