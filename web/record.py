"""The pages of one record file:

- `/files/<file number>`: its permanent address. Any spelling of the number redirects to the
  normalized one. A number seen twice shows its newest record file, with a notice listing the others.
- `/records/<file id>`: one record file, where a number has several; the id of a file joined
  into another redirects to that one.
- `/records/<file id>/pages/<n>[?q=words&zoom=150]`, `/records/<file id>/images/<thumb|page>/<n>`,
  `/records/<file id>/pdf[?download=1]`: a page (the words of a search marked on its image and
  text, `web.highlight`; zoomed in steps), its image, the archival PDF.

A restricted file outside the user's scope reads as restricted (403: that a file with this number
exists, nothing of it); one not archived as not found (404). Every read and refusal is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from store.access import may_see
from store.catalog import CatalogedFile
from store.users import User
from web.archived import (ArchivedFile, RecordMissing, RecordRestricted, look_up_number, page_image, row_by_file_id,
                          same_number_visible, visible_file)
from web.reading import audit_denied, audit_read, open_by_id
from web.highlight import found_on_page
from web.served_pdf import served_pdf
from web.session import require_user
from web.stores import stores_of
from web.templating import file_url, render

router = APIRouter(include_in_schema=False)

ZOOM_STEPS = (100, 150, 200, 300)  # percent of the column the page image fills; the first is the default


class NotVisible(Exception):
    """A /records/ address of a file that is missing, or restricted outside the user's scope
    (then the exception's argument is its number)."""


def not_visible_handler(request: Request, exc: NotVisible) -> Response:
    if exc.args:
        return render(request, "restricted.html", {"number": exc.args[0]}, status_code=403)
    return render(request, "missing.html", {"kind": "file", "number": None, "citations": []}, status_code=404)


@router.get("/files/{number:path}")
def record_file_page(number: str, request: Request, user: User = Depends(require_user)) -> Response:
    stores = stores_of(request)
    found = look_up_number(number, stores.catalog(), user, stores.settings)
    if found.canonical is not None and found.canonical != number:
        # Any spelling of the number has one address: the normalized number's.
        return RedirectResponse(file_url(found.canonical), status_code=301)
    try:
        archived = visible_file(stores.home, found.chosen, user, stores.settings)
    except RecordMissing:
        return _missing(request, user, number, found.row)
    return _record_page(request, user, archived, found.visible)


@router.get("/records/{file_id}")
def record_by_id(file_id: str, request: Request, user: User = Depends(require_user)) -> Response:
    """One record file of a number seen twice (the permanent address shows the newest)."""
    stores = stores_of(request)
    if row_by_file_id(stores.catalog(), file_id) is None and (joined := stores.catalog().former_number(file_id)):
        return RedirectResponse(f"/records/{joined}", status_code=301)  # joined into that file since
    archived = _visible_by_id(request, user, file_id)
    return _record_page(request, user, archived, same_number_visible(stores.catalog(), archived.file_number, user, stores.settings))


def _record_page(request: Request, user: User, archived: ArchivedFile, same_number: list[CatalogedFile]) -> Response:
    """The record page; `same_number` are the record files with its number the user may see, the
    newest first (itself among them): the others are listed on it."""
    audit_read(request, user, "view", archived)
    citations = stores_of(request).eoffice().citing(archived.file_number)
    others = [row for row in same_number if row.file_id != archived.file_id]
    newest = not same_number or same_number[0].file_id == archived.file_id
    history = stores_of(request).catalog().corrections(archived.file_id)
    return render(request, "record.html", {"file": archived, "record": archived.record, "citations": citations,
                                           "others": others, "newest": newest, "history": history})


@router.get("/records/{file_id}/pages/{page}")
def page_view(file_id: str, page: int, request: Request, q: str = "", zoom: str = "",
              user: User = Depends(require_user)) -> Response:
    """A page: its image (the words `q` matched marked on it, at a zoom step) and its text."""
    archived = _visible_by_id(request, user, file_id)
    if not 1 <= page <= archived.page_count:
        return _missing(request, user, archived.file_number, None)
    audit_read(request, user, "page", archived, page)
    shown = archived.record.pages[page - 1]
    query = q.strip()[:500]  # as the search box takes it
    found = found_on_page(archived.folder, shown.number, shown.text, query)
    step = next((step for step in ZOOM_STEPS if str(step) == zoom), ZOOM_STEPS[0])
    return render(request, "page.html", {"file": archived, "record": archived.record, "page": shown, "number": page,
                                         "query": query, "found": found, "zoom": step, "zoom_steps": ZOOM_STEPS})


@router.get("/records/{file_id}/images/{size}/{page}")
def page_image_file(file_id: str, size: str, page: int, request: Request, user: User = Depends(require_user)) -> Response:
    archived = _visible_by_id(request, user, file_id)
    try:
        image = page_image(stores_of(request).home, archived, page, size)
    except RecordMissing:
        return Response("no such page", status_code=404, media_type="text/plain")
    if size != "thumb":  # thumbnails come with the record page, which is logged; full pages are read
        audit_read(request, user, "page-image", archived, page)
    return FileResponse(image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/records/{file_id}/pdf")
def pdf_file(file_id: str, request: Request, download: bool = False, user: User = Depends(require_user)) -> Response:
    archived = _visible_by_id(request, user, file_id)
    if archived.pdf is None:
        return Response("the archival PDF is missing", status_code=404, media_type="text/plain")
    audit_read(request, user, "download" if download else "pdf", archived)
    served = served_pdf(stores_of(request).home, archived)  # without JavaScript or attachments
    return FileResponse(served, media_type="application/pdf", filename=f"{archived.file_id}.pdf",
                        content_disposition_type="attachment" if download else "inline",
                        headers={"Cache-Control": "private, no-cache"})


def _visible_by_id(request: Request, user: User, file_id: str) -> ArchivedFile:
    try:
        return open_by_id(request, user, file_id)
    except RecordRestricted as refused:
        raise NotVisible(refused.file_number) from None
    except RecordMissing:
        raise NotVisible() from None


def _missing(request: Request, user: User, number: str, row: CatalogedFile | None) -> Response:
    """Restricted for a file the user may not see, not found for one not archived."""
    stores = stores_of(request)
    if row is not None and not may_see(user, row, stores.settings):
        audit_denied(request, user, row)
        return render(request, "restricted.html", {"number": row.file_number}, status_code=403)
    citations = stores.eoffice().citing(number)
    return render(request, "missing.html", {"kind": "file", "number": number, "citations": citations}, status_code=404)
