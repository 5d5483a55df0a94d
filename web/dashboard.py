"""The Deputy Commissioner's dashboard: per-tehsil progress against the target, pace, projected
completion against the deadline, pages per night against the required output, quality problems.

Server-rendered HTML with an inline SVG chart: no JavaScript, no CDN, readable on a phone and
printable on one page. Every figure comes from `pipeline.progress`, the same module behind
`daftar progress`, so the dashboard and the terminal never disagree.

The app that includes `router` puts the home folder and the settings on `app.state.home` and
`app.state.settings`. Which districts a user may see is decided in one place: `visible_districts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from store.catalog import Catalog
from domain.config import Settings
from pipeline.progress import (
    AT_RISK_SHARE,
    LONG_DAYS,
    RECENT_DAYS,
    DistrictProgress,
    Night,
    Status,
    TehsilProgress,
    describe_flag,
    district_progress,
    flagged_files,
    format_percent,
    is_working_day,
    progress_csv,
    quarantined_sources,
)

HERE = Path(__file__).resolve().parent
CHART_DAYS = 35  # calendar days shown in the pages-per-night chart: five weeks
LIST_LIMIT = 25  # flagged files and quarantined sources listed per tehsil; the rest are counted

router = APIRouter()


def visible_districts(request: Request) -> set[str] | None:
    """The districts the current user may see; None means all. The single place to restrict
    access: every route below asks it.

    In the app of `web.app.create_app` the signed-in user decides: an administrator sees every
    district, a Deputy Commissioner theirs, a record keeper the districts of their tehsils; with
    no one signed in, `require_user` sends the browser to the log-in form. A bare app without
    authentication (no `secret_key` on its state, as in the dashboard's own tests) sees all."""
    if getattr(request.app.state, "secret_key", None) is None:
        return None
    from web.auth import require_user

    districts = require_user(request).scope_districts()
    return None if districts is None else set(districts)


# Jinja2 with autoescape on for everything: tehsil names, file numbers and quarantine reasons come
# from scanner folders and OCR, and must never become markup.
_environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
templates = Jinja2Templates(env=_environment)


def _stylesheet() -> Markup:
    # Inlined so the page is one request, prints without a second fetch and needs no static mount.
    # Our own file, never user data: safe to mark.
    return Markup((HERE / "static" / "dashboard.css").read_text(encoding="utf-8"))


def _today() -> dt.date:
    return dt.date.today()


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _home(request: Request) -> Path:
    return Path(request.app.state.home)


def _progress(request: Request, district: str | None = None) -> list[DistrictProgress]:
    allowed = visible_districts(request)
    catalog = Catalog.open(_home(request))
    try:
        districts = district_progress(catalog, _settings(request), _today(), district)
    finally:
        catalog.close()
    return [d for d in districts if allowed is None or d.district in allowed]


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


# what the template shows in words ----------------------------------------------------------------------


STATUS_SYMBOLS = {
    Status.DONE: "✔", Status.ON_TRACK: "●", Status.AT_RISK: "▲", Status.BEHIND: "✖",
    Status.NOT_STARTED: "○", Status.NO_TARGET: "–",
}


def projection_note(progress: TehsilProgress | DistrictProgress) -> str:
    """The projected date against the deadline, in words."""
    if progress.status is Status.DONE:
        return "target reached"
    if not progress.target_files or progress.deadline is None:
        return "no target set"
    if progress.projected_completion is None:
        return f"no scanning in the last {RECENT_DAYS} working days"
    slack = (progress.deadline - progress.projected_completion).days
    if slack >= 0:
        return f"{slack} days before the deadline"
    return f"{-slack} days after the deadline"


def human_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "–"


def number(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def element_id(*parts: str) -> str:
    """An HTML id from district and tehsil names, which may hold any character."""
    return "-".join("".join(c if c.isalnum() else "_" for c in part) for part in parts)


def plural(count: int, noun: str) -> str:
    """ "1 scan", "2 scans", "1,200 files"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def basename(path: str) -> str:
    # The scanner file's name is what the team recognises; the server's folders are no one's business.
    return PurePath(path).name


_environment.filters.update(human_date=human_date, number=number, rate=rate, percent=format_percent, plural=plural,
                            basename=basename, describe_flag=describe_flag)
_environment.globals.update(
    describe_flag=describe_flag, as_is=str, STATUS_SYMBOLS=STATUS_SYMBOLS, RECENT_DAYS=RECENT_DAYS, LONG_DAYS=LONG_DAYS,
    AT_RISK_PERCENT=round(AT_RISK_SHARE * 100), night_chart=night_chart, projection_note=projection_note, element_id=element_id,
)


# routes ------------------------------------------------------------------------------------------------


@router.get("/progress.csv")
def progress_csv_download(request: Request, district: str | None = None) -> Response:
    """The figures of every visible district (or one) as CSV: a row per tehsil and a total per district."""
    districts = _progress(request, district)
    filename = f"daftar-progress-{_today().isoformat()}.csv"
    return Response(progress_csv(districts), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/progress", response_class=HTMLResponse)
def progress_overview(request: Request) -> HTMLResponse:
    """Every district the user may see: a row per tehsil, the district's chart, its problems in counts."""
    districts = _progress(request)
    return templates.TemplateResponse(request, "dashboard.html", {
        "districts": districts, "detail": None, "today": _today(), "css": _stylesheet(),
        "csv_url": "/progress.csv", "title": "Scanning progress",
    })


@router.get("/progress/{district}", response_class=HTMLResponse)
def progress_district(request: Request, district: str) -> HTMLResponse:
    """One district: the overview plus a chart per tehsil and the files and scans needing attention."""
    districts = _progress(request, district)
    if not districts:
        # Unknown and not-permitted look the same: a user learns nothing about districts not theirs.
        raise HTTPException(status_code=404, detail="no such district")
    catalog = Catalog.open(_home(request))
    try:
        detail = {
            tehsil.tehsil: {
                "flagged": flagged_files(catalog, district, tehsil.tehsil, LIST_LIMIT),
                "quarantined": quarantined_sources(catalog, district, tehsil.tehsil, LIST_LIMIT),
            }
            for tehsil in districts[0].tehsils
        }
    finally:
        catalog.close()
    return templates.TemplateResponse(request, "dashboard.html", {
        "districts": districts, "detail": detail, "today": _today(), "css": _stylesheet(),
        "csv_url": f"/progress.csv?district={quote(district, safe='')}", "title": f"Scanning progress: {district}",
    })
