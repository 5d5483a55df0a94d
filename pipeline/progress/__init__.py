"""Progress for Deputy Commissioners: how far each tehsil has come against its target, whether its
pace meets the deadline, and where quality is failing.

Every figure comes from the catalog's few counting queries (`store.catalog`) through this package,
so the terminal table, the CSV, the JSON, the web dashboard and the Prefect artifact can never
disagree. The rules on plain numbers are in `rules`, the figures from the catalog's counts in
`figures`, the table, CSV, JSON and Markdown in `formats`.

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

# The package's public names, so callers import from `pipeline.progress` whatever module holds them.
from pipeline.progress.figures import (
    DistrictProgress,
    FlaggedFile,
    QuarantinedSource,
    TehsilProgress,
    district_progress,
    flagged_files,
    quarantined_sources,
    sum_tehsils,
    tehsil_progress,
)
from pipeline.progress.formats import (
    ROW_FIELDS,
    Format,
    format_date,
    format_pace,
    format_percent,
    progress_csv,
    progress_json,
    progress_markdown,
    progress_row,
    progress_table,
    render_progress,
)
from pipeline.progress.rules import (
    AT_RISK_SHARE,
    FLAG_LABELS,
    LONG_DAYS,
    NIGHT_CUTOFF_HOUR,
    RECENT_DAYS,
    STATUS_SEVERITY,
    WORKING_WEEKDAYS,
    Night,
    Status,
    add_working_days,
    decide_status,
    describe_flag,
    flag_kind,
    is_working_day,
    night_of,
    pace,
    projected_completion,
    reason_kind,
    required_pace,
    window_start,
    working_days,
    working_days_left,
    worst_status,
)

