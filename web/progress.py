"""The Deputy Commissioner's dashboard: per-tehsil progress against the target, pace, projected
completion against the deadline, pages per night against the required output, quality problems.

- `/progress`: every district the user may see; `/progress/<district>`: one, with its lists.
- `/progress.csv[?district=...]`: the same figures as CSV.

Server-rendered HTML with an inline SVG chart (drawn from `web.progress_view`): no JavaScript, no
CDN, readable on a phone and printable on one page. Every figure comes from `pipeline.progress`,
the same package behind `daftar progress`, so the dashboard and the terminal never disagree.

The app that includes `router` puts the home folder and the settings on `app.state.home` and
`app.state.settings`. Which districts a user may see is decided in one place: `visible_districts`;
which flagged files of them by the one access rule, `store.access.may_see`.
"""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.config import Settings
from domain.translatable import N_
from pipeline.progress import DistrictProgress, district_progress, progress_csv, quarantined_sources
from store.access import may_see
from store.catalog import Catalog, CatalogedFile
from store.users import User
from web.i18n import PageError
from web.session import require_user
from web.templating import render

LIST_LIMIT = 25  # flagged files and quarantined sources listed per tehsil; the rest are counted
SCREENED_LIMIT = 500  # flagged files read to fill the list when some may be hidden from the viewer

router = APIRouter()  # in the OpenAPI description, as before the split


def visible_districts(request: Request) -> set[str] | None:
    """The districts the current user may see; None means all. The single place to restrict
    access: every route below asks it.

    In the app of `web.app.create_app` the signed-in user decides: an administrator sees every
    district, a Deputy Commissioner theirs, a record keeper the districts of their tehsils; with
    no one signed in, `require_user` sends the browser to the log-in form. A bare app without
    authentication (no `secret_key` on its state, as in the dashboard's own tests) sees all."""
    if getattr(request.app.state, "secret_key", None) is None:
        return None
    districts = require_user(request).scope_districts()
    return None if districts is None else set(districts)


def _viewer(request: Request) -> User | None:
    """The signed-in user; None in a bare app without authentication (see `visible_districts`)."""
    return None if getattr(request.app.state, "secret_key", None) is None else require_user(request)


def _visible_flagged(catalog: Catalog, viewer: User | None, settings: Settings, district: str,
                     tehsil: str) -> tuple[list[CatalogedFile], int]:
    """A tehsil's flagged files that the viewer may see (the one access rule, `store.access`),
    at most LIST_LIMIT, and how many are flagged in all. Outside the viewer's scope a restricted
    file's number and title stay hidden, as on its own page; the count is the table's."""
    if viewer is None or viewer.in_scope(district, tehsil) or not settings.district(district).restricted_record_types:
        return catalog.flagged_files(district, tehsil, LIST_LIMIT)
    rows, total = catalog.flagged_files(district, tehsil, SCREENED_LIMIT)
    return [row for row in rows if may_see(viewer, row, settings)][:LIST_LIMIT], total


def _today() -> dt.date:
    return dt.date.today()


def _home(request: Request) -> Path:
    return Path(request.app.state.home)


def _progress(request: Request, district: str | None = None) -> list[DistrictProgress]:
    allowed = visible_districts(request)
    with closing(Catalog.open(_home(request))) as catalog:
        districts = district_progress(catalog, request.app.state.settings, _today(), district)
    return [d for d in districts if allowed is None or d.district in allowed]


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
    return render(request, "dashboard.html", {
        "districts": districts, "detail": None, "today": _today(), "csv_url": "/progress.csv",
    })


@router.get("/progress/{district}", response_class=HTMLResponse)
def progress_district(request: Request, district: str) -> HTMLResponse:
    """One district: the overview plus a chart per tehsil and the files and scans needing attention."""
    districts = _progress(request, district)
    if not districts:
        # Unknown and not-permitted look the same: a user learns nothing about districts not theirs.
        raise PageError(404, N_("no such district"))
    viewer = _viewer(request)
    with closing(Catalog.open(_home(request))) as catalog:
        detail = {
            tehsil.tehsil: {
                "flagged": _visible_flagged(catalog, viewer, request.app.state.settings, district, tehsil.tehsil),
                "quarantined": quarantined_sources(catalog, district, tehsil.tehsil, LIST_LIMIT),
            }
            for tehsil in districts[0].tehsils
        }
    return render(request, "dashboard.html", {
        "districts": districts, "detail": detail, "today": _today(),
        "csv_url": f"/progress.csv?district={quote(district, safe='')}",
    })
