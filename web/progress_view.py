"""What the progress dashboard's templates draw and say: the pages-per-night chart's geometry and
the figures and review flags in words, in the reader's language. Registered as filters and globals
of the one environment in `web.templating`; the routes are in `web.progress`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePath

from babel.support import NullTranslations
from jinja2 import pass_context

from pipeline.progress import (
    AT_RISK_SHARE,
    FLAG_LABELS,
    LONG_DAYS,
    RECENT_DAYS,
    DistrictProgress,
    Night,
    Status,
    TehsilProgress,
    format_percent,
    is_working_day,
)
from domain.translatable import N_
from pipeline.intake import QUARANTINE_REASONS
from web.i18n import recognised_in, translations

CHART_DAYS = 35  # calendar days shown in the pages-per-night chart: five weeks


# the chart -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    pages: int
    files: int
    working_day: bool


@dataclass(frozen=True)
class NightChart:
    """Geometry of the pages-per-night chart in SVG user units; the template only draws it."""

    width: int
    height: int
    left: int  # room for the axis labels
    top: int
    bottom: int  # y of the base line
    bars: tuple[Bar, ...]
    y_max: int
    required_pages: float | None
    required_y: float | None
    first: dt.date | None
    last: dt.date | None
    total_pages: int
    labels: tuple[tuple[float, str], ...]  # (x, text) under the axis: each Monday, and the first day


def night_chart(progress: TehsilProgress | DistrictProgress, width: int = 640, height: int = 190) -> NightChart:
    """Bars for the pages of each day of the last five weeks (a day without output is a gap you can
    see) and a dashed line at the pages needed per working day to meet the deadline."""
    left, top, bottom = 48, 14, height - 24
    days = _chart_days(progress.nights, progress.start, progress.today)
    by_day = {night.date: night for night in progress.nights}
    required = progress.required_pace_pages_per_day
    peak = max([by_day[d].pages for d in days if d in by_day] + [required or 0, 1])
    y_max = _nice_ceiling(peak * 1.1)
    plot_height = bottom - top
    slot = (width - left - 8) / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        night = by_day.get(day, Night(day, 0, 0))
        bar_height = plot_height * night.pages / y_max
        bars.append(Bar(x=left + index * slot + slot * 0.15, y=bottom - bar_height, width=slot * 0.7, height=bar_height,
                        day=day, pages=night.pages, files=night.files, working_day=is_working_day(day)))
    return NightChart(
        width=width, height=height, left=left, top=top, bottom=bottom, bars=tuple(bars), y_max=y_max,
        required_pages=required, required_y=None if required is None else bottom - plot_height * required / y_max,
        first=days[0] if days else None, last=days[-1] if days else None,
        total_pages=sum(bar.pages for bar in bars), labels=_day_labels(bars),
    )


def _day_labels(bars: list[Bar]) -> tuple[tuple[float, str], ...]:
    # A label a week keeps them apart on a phone; the first day is named unless a Monday is near.
    labels = []
    for index, bar in enumerate(bars):
        if bar.day.weekday() == 0 or (index == 0 and len(bars) > 3 and all(b.day.weekday() for b in bars[:3])):
            labels.append((bar.x + bar.width / 2, f"{bar.day.day} {bar.day:%b}"))
    return tuple(labels)


def _chart_days(nights: tuple[Night, ...], start: dt.date | None, today: dt.date) -> list[dt.date]:
    begun = min([d for d in (start, nights[0].date if nights else None) if d], default=None)
    if begun is None or begun > today:
        return []
    first = max(begun, today - dt.timedelta(days=CHART_DAYS - 1))
    return [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]


def _nice_ceiling(value: float) -> int:
    """The next round number (1, 2, 2.5 or 5 times a power of ten) at or above value, for the axis."""
    magnitude = 1
    while True:
        for step in (1, 2, 2.5, 5):
            if step * magnitude >= value:
                return max(int(step * magnitude), 1)
        magnitude *= 10


# the figures in words ----------------------------------------------------------------------------------


STATUS_SYMBOLS = {
    Status.DONE: "✔", Status.ON_TRACK: "●", Status.AT_RISK: "▲", Status.BEHIND: "✖",
    Status.NOT_STARTED: "○", Status.NO_TARGET: "–",
}


def words_of(context) -> NullTranslations:
    """The catalog of the page being rendered (its reader's language)."""
    return translations(context["language"].code)


@pass_context
def projection_note(context, progress: TehsilProgress | DistrictProgress) -> str:
    """The projected date against the deadline, in words."""
    words = words_of(context)
    if progress.status is Status.DONE:
        return words.gettext("target reached")
    if not progress.target_files or progress.deadline is None:
        return words.gettext("no target set")
    if progress.projected_completion is None:
        return words.gettext("no scanning in the last %(days)s working days") % {"days": RECENT_DAYS}
    slack = (progress.deadline - progress.projected_completion).days
    if slack >= 0:
        return words.ngettext("%(days)s day before the deadline", "%(days)s days before the deadline", slack) % {
            "days": number(slack)}
    return words.ngettext("%(days)s day after the deadline", "%(days)s days after the deadline", -slack) % {
        "days": number(-slack)}


# "pages 2, 5" and "page 3" in a flag's details; the rest of them is the night's own words
_FLAG_PAGES = re.compile(r"^(pages?) (\d[\d, -]*\d|\d)(?=$|[:;,. ])")


@pass_context
def describe_flag(context, flag: str) -> str:
    """A review flag in the reader's words, details kept: "low OCR confidence: pages 2, 5"; the
    label of its kind from `pipeline.progress.FLAG_LABELS`, a kind without one as it is written."""
    words = words_of(context)
    kind, _, details = (part.strip() for part in flag.partition(":"))
    label = words.gettext(FLAG_LABELS[kind]) if kind in FLAG_LABELS else kind.replace("-", " ")
    if pages := _FLAG_PAGES.match(details):
        said = words.gettext("page %(page)s") if pages[1] == "page" else words.gettext("pages %(pages)s")
        details = said % {"page": pages[2], "pages": pages[2]} + details[pages.end():]
    return f"{label}: {details}" if details else label


def number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def element_id(*parts: str) -> str:
    """An HTML id from district and tehsil names, which may hold any character."""
    return "-".join("".join(c if c.isalnum() else "_" for c in part) for part in parts)


# An absolute path left in a message: quoted (it may hold spaces), or two parts or more up to the
# next space or punctuation (so `</script>` in a reason is text, not a path).
_ABSOLUTE_PATH = re.compile(r"""'(/[^']*)'|"(/[^"]*)"|(?<![\w.:/<])((?:/[^/\s'"`,;:()\[\]<>]+){2,})""")


def without_paths(text: str | None) -> str:
    """A message with every absolute path cut to its last part: the server's folders are no one's
    business (a quarantine reason quotes the file that failed, or a temporary file)."""
    def name(match: re.Match) -> str:
        path = next(group for group in match.groups() if group is not None)
        quote = match.group(0)[0] if match.group(0)[0] in "'\"" else ""
        return f"{quote}{PurePath(path).name}{quote}"

    return _ABSOLUTE_PATH.sub(name, text or "")


def batch_relative(path: str, batch: str) -> str:
    """A scanner file as the team knows it: its path inside its batch folder (`scan_0003/p-2.tif`)."""
    parts = PurePath(path).parts
    if batch in parts[:-1]:
        return str(PurePath(*parts[parts.index(batch) + 1:]))
    return PurePath(path).name


@pass_context
def public_reason(context, reason: str | None, path: str, batch: str) -> str:
    """A quarantine reason for the dashboard and the review queue, in the reader's words when it is
    one of daftar's (`pipeline.intake.QUARANTINE_REASONS`): the batch's own paths relative to the
    batch folder, the inbox's relative to the inbox, any other path cut to its name."""
    if not reason:
        return words_of(context).gettext(N_("no reason given"))
    text, parts = reason, PurePath(path).parts
    if batch in parts[:-1]:
        batch_folder = PurePath(*parts[:parts.index(batch) + 1])
        for folder in (batch_folder, batch_folder.parents[2] if len(batch_folder.parents) > 2 else None):
            if folder is not None and str(folder) != "/":
                text = text.replace(f"{folder}/", "")
    return recognised_in(context["language"].code, without_paths(text), QUARANTINE_REASONS)


FILTERS = {"number": number, "rate": rate, "percent": format_percent, "describe_flag": describe_flag,
           "without_paths": without_paths}  # dates: `local_date` (web.templating), in the reader's language
GLOBALS = {"describe_flag": describe_flag, "as_is": str, "STATUS_SYMBOLS": STATUS_SYMBOLS, "RECENT_DAYS": RECENT_DAYS,
           "LONG_DAYS": LONG_DAYS, "AT_RISK_PERCENT": round(AT_RISK_SHARE * 100), "night_chart": night_chart,
           "projection_note": projection_note, "element_id": element_id, "batch_relative": batch_relative,
           "public_reason": public_reason}
