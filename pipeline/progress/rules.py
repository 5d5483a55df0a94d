"""The rules of the progress figures on plain numbers: working days, scanning nights, pace,
required pace, projection, status, and the kinds of review flags and quarantine reasons. How they
read is told in the package docstring (`pipeline.progress`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.translatable import N_

WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4, 5})  # Monday..Saturday (date.weekday())
NIGHT_CUTOFF_HOUR = 12  # output processed before this hour belongs to the previous scanning day
RECENT_DAYS = 7  # working days behind the current pace
LONG_DAYS = 30  # working days behind the steadier pace
AT_RISK_SHARE = 0.8  # current pace at or above this share of the required pace: at risk, below: behind



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
    "no-file-number": N_("no file number found"),
    "conflicting-file-numbers": N_("conflicting file numbers"),
    "file-number-from-text-only": N_("file number read from the text only"),
    "file-number-pattern-unconfigured": N_("file number read with no pattern configured"),
    "file-number-unmatched": N_("file number matches no configured pattern"),
    "duplicate-file-number": N_("file number used twice"),
    "low-ocr-confidence": N_("low OCR confidence"),
    "text-layer-missing": N_("pages without text"),
    "no-text": N_("no text read"),
    "ocr-failed": N_("OCR failed"),
    "blank-pages": N_("blank pages"),
    "dark-page": N_("page too dark to see the paper"),
    "uncertain-cleaning": N_("page cleaning uncertain"),
    "not-pdfa": N_("archival PDF not PDF/A"),
}


@dataclass(frozen=True)
class Night:
    """The output of one scanning day (see the `pipeline.progress` docstring for how a night is dated)."""

    date: dt.date
    files: int
    pages: int


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
    """The status rule of the `pipeline.progress` docstring, on plain numbers."""
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
