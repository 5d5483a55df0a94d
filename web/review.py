"""The scanning team's pages: the review queue and the correction forms.

- `/review`: the tehsils the user may review, with what each has waiting;
  `/review/<district>/<tehsil>`: the queue, oldest first, each page image beside what daftar read.
- `/records/<file id>/correct`: the form (page image, what was read, history); POST corrects
  the number, title, type or year; POST `/records/<file id>/flags/clear` clears a flag.
- `/records/<file id>/split`, `/records/<file id>/join`: the forms; POST splits the file before a
  page, or joins another file of its batch to its end (`night.split_join`).
- POST `/review/<district>/<tehsil>/requeue`: names the re-scan (a file already dropped into a batch
  folder of the tehsil, as `daftar requeue` takes it) for a quarantined scan (`night.rescan`).

Only a scanner inside its tehsils and an administrator may review or correct
(`User.may_correct`); everyone else gets 403. Every change goes through `night.corrections`:
validated, in the history and the audit log, indexed at once.
"""

from __future__ import annotations

import hmac
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from domain.errors import NotFound, UsageError
from domain.translatable import N_
from night.corrections import Correction, clear_flag, correct, find_record_file
from night.rescan import batch_entry, requeue, rescan_entry
from night.review import flagged_page, review_places, review_queue
from night.split_join import join, split
from store.catalog import Catalog, CatalogedFile
from store.users import User
from web.archived import row_by_file_id
from web.i18n import PageError, Said
from web.session import csrf_token, require_user
from web.stores import stores_of
from web.templating import file_url, render

router = APIRouter(include_in_schema=False)


def may_review(user: User) -> bool:
    """Whether the user's role reviews at all (the navigation shows Review to these)."""
    return user.role in ("scanner", "admin")


@router.get("/review")
def review_overview(request: Request, user: User = Depends(require_user)) -> Response:
    if not may_review(user):
        raise PageError(403, N_("reviewing and correcting is for the scanning team (role scanner)"))
    stores = stores_of(request)
    with closing(Catalog.open(stores.home)) as catalog:
        queues = [review_queue(catalog, d, t) for d, t in review_places(catalog, stores.settings) if user.may_correct(d, t)]
    return render(request, "review_overview.html", {"queues": queues})


@router.get("/review/{district}/{tehsil}")
def review_tehsil(district: str, tehsil: str, request: Request, user: User = Depends(require_user)) -> Response:
    if not user.may_correct(district, tehsil):
        raise PageError(403, N_("you may not review %(place)s"), place=f"{district}/{tehsil}")
    return _review_page(request, district, tehsil)


@router.post("/review/{district}/{tehsil}/requeue")
def requeue_post(district: str, tehsil: str, request: Request, user: User = Depends(require_user), csrf: str = Form(""),
                 entry: str = Form(""), rescan: str = Form(""), reason: str = Form("")) -> Response:
    """Name a re-scan, already in a batch folder of the tehsil, for a quarantined scan (`night.rescan`)."""
    if not user.may_correct(district, tehsil):
        raise PageError(403, N_("you may not review %(place)s"), place=f"{district}/{tehsil}")
    _check_csrf(request, csrf)
    try:
        requeue(stores_of(request).home, user.name, entry, Path(rescan.strip()), reason, via="web",
                client=_client(request), place=(district, tehsil))
    except (UsageError, NotFound) as error:
        return _review_page(request, district, tehsil, {"entry": entry, "rescan": rescan, "reason": reason,
                                                         "error": error.said})
    return RedirectResponse(f"/review/{quote(district)}/{quote(tehsil)}", status_code=303)


def _review_page(request: Request, district: str, tehsil: str, typed: dict | None = None) -> Response:
    """The queue; each quarantined scan with the re-scan named for it (shown below its tehsil's
    folder), else the form to name one (`typed`: a form sent back, with its error)."""
    with closing(Catalog.open(stores_of(request).home)) as catalog:
        queue = review_queue(catalog, district, tehsil)
        pending = {source.path: (rescan_entry(source, replacement), replacement) for source in queue.quarantined
                   if (replacement := catalog.replacement_for(source.path)) is not None}
    entries = {source.path: batch_entry(source) for source in queue.quarantined}
    return render(request, "review.html", {"queue": queue, "pending": pending, "entries": entries, "typed": typed or {}},
                  status_code=400 if typed else 200)


@router.get("/records/{file_id}/correct")
def correction_form(file_id: str, request: Request, user: User = Depends(require_user)) -> Response:
    return _form(request, _correctable(request, user, file_id))


@router.post("/records/{file_id}/correct")
def correction_post(file_id: str, request: Request, user: User = Depends(require_user), csrf: str = Form(""),
                    reason: str = Form(""), file_number: str = Form(""), title: str = Form(""),
                    record_type: str = Form(""), year: str = Form("")) -> Response:
    row = _correctable(request, user, file_id)
    _check_csrf(request, csrf)
    typed = {"file_number": file_number.strip(), "title": title.strip(), "record_type": record_type.strip(),
             "year": year.strip()}
    if typed["year"] and not typed["year"].isdigit():
        return _form(request, row, Said(N_("the year %(year)s is not a number"), {"year": typed["year"]}), typed, reason)
    try:
        wanted = Correction(
            file_number=typed["file_number"] if typed["file_number"] and typed["file_number"] != row.file_number else None,
            title=typed["title"] if typed["title"] and typed["title"] != (row.title or "") else None,
            record_type=typed["record_type"] if typed["record_type"] and typed["record_type"] != row.record_type else None,
            year=int(typed["year"]) if typed["year"] and typed["year"] != str(row.year or "") else None)
        done = correct(stores_of(request).home, stores_of(request).settings, user.name, row.file_id, wanted, reason,
                       via="web", client=_client(request))
    except UsageError as error:
        return _form(request, row, error.said, typed, reason)
    return RedirectResponse(file_url(done.file_number), status_code=303)


@router.post("/records/{file_id}/flags/clear")
def flag_clear_post(file_id: str, request: Request, user: User = Depends(require_user), csrf: str = Form(""),
                    kind: str = Form(""), reason: str = Form("")) -> Response:
    row = _correctable(request, user, file_id)
    _check_csrf(request, csrf)
    try:
        clear_flag(stores_of(request).home, stores_of(request).settings, user.name, row.file_id, kind, reason,
                   via="web", client=_client(request))
    except UsageError as error:
        return _form(request, row, error.said)
    return RedirectResponse(f"/records/{row.file_id}/correct", status_code=303)


@router.get("/records/{file_id}/split")
def split_form(file_id: str, request: Request, user: User = Depends(require_user)) -> Response:
    row = _correctable(request, user, file_id)
    return _split_form(request, row, page=min(2, row.pages))


@router.post("/records/{file_id}/split")
def split_post(file_id: str, request: Request, user: User = Depends(require_user), csrf: str = Form(""),
               page: str = Form(""), file_number: str = Form(""), reason: str = Form("")) -> Response:
    row = _correctable(request, user, file_id)
    _check_csrf(request, csrf)
    stores = stores_of(request)
    if not page.isdigit():
        return _split_form(request, row, 2, file_number, reason, Said(N_("choose the first page of the new record file")))
    try:
        done = split(stores.home, stores.settings, user.name, row.file_id, int(page), reason, file_number or None,
                     via="web", client=_client(request))
    except UsageError as error:
        return _split_form(request, row, int(page), file_number, reason, error.said)
    return RedirectResponse(file_url(done.files[1].file_number), status_code=303)


@router.get("/records/{file_id}/join")
def join_form(file_id: str, request: Request, user: User = Depends(require_user)) -> Response:
    return _join_form(request, _correctable(request, user, file_id))


@router.post("/records/{file_id}/join")
def join_post(file_id: str, request: Request, user: User = Depends(require_user), csrf: str = Form(""),
              second: str = Form(""), reason: str = Form("")) -> Response:
    row = _correctable(request, user, file_id)
    _check_csrf(request, csrf)
    stores = stores_of(request)
    try:
        other = find_record_file(stores.catalog(), stores.settings, second)
    except NotFound:
        return _join_form(request, row, second, reason, Said(N_("there is no record file %(number)s"), {"number": second}))
    if not user.may_correct(other.district, other.tehsil):
        raise PageError(403, N_("you may not change the record files of %(place)s"), place=f"{other.district}/{other.tehsil}")
    try:
        join(stores.home, stores.settings, user.name, row.file_id, other.file_id, reason, via="web", client=_client(request))
    except UsageError as error:
        return _join_form(request, row, other.file_id, reason, error.said)
    return RedirectResponse(file_url(row.file_number), status_code=303)


def _split_form(request: Request, row: CatalogedFile, page: int, file_number: str = "", reason: str = "",
                error: Said | str | None = None) -> Response:
    return render(request, "split.html", {
        "row": row, "page": page, "file_number": file_number, "reason": reason, "error": error,
        "history": stores_of(request).catalog().corrections(row.file_id)}, status_code=400 if error else 200)


def _join_form(request: Request, row: CatalogedFile, second: str = "", reason: str = "",
               error: Said | str | None = None) -> Response:
    """The join form: the other record files of the batch are the ones to choose from."""
    catalog = stores_of(request).catalog()
    batch_files = [other for other in catalog.record_files(row.district, row.tehsil)
                   if other.batch == row.batch and other.file_id != row.file_id]
    return render(request, "join.html", {
        "row": row, "batch_files": batch_files, "second": second, "reason": reason, "error": error,
        "history": catalog.corrections(row.file_id)}, status_code=400 if error else 200)


def _correctable(request: Request, user: User, file_id: str) -> CatalogedFile:
    """The record file if this user may correct it; 404 if there is none, 403 if it is not theirs."""
    row = row_by_file_id(stores_of(request).catalog(), file_id)
    if row is None:
        raise PageError(404, N_("no such record file"))
    if not user.may_correct(row.district, row.tehsil):
        raise PageError(403, N_("you may not correct the record files of %(place)s"), place=f"{row.district}/{row.tehsil}")
    return row


def _form(request: Request, row: CatalogedFile, error: Said | str | None = None, typed: dict | None = None,
          reason: str = "") -> Response:
    stores = stores_of(request)
    district = stores.settings.district(row.district)
    values = typed or {"file_number": row.file_number, "title": row.title or "", "record_type": row.record_type or "",
                       "year": str(row.year or "")}
    return render(request, "correct.html", {
        "row": row, "page": flagged_page(row), "values": values, "reason": reason, "error": error,
        "record_types": sorted(district.record_type_keywords), "history": stores.catalog().corrections(row.file_id),
        "flag_kinds": sorted({flag.split(":", 1)[0].strip() for flag in row.flags}),
    }, status_code=400 if error else 200)


def _check_csrf(request: Request, csrf: str) -> None:
    if not hmac.compare_digest(csrf, csrf_token(request)):
        raise PageError(403, N_("this form has expired; reload the page"))


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None

