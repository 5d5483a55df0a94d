"""The pages of one record file:

- `/files/<file number>`: its permanent address. Any spelling of the number redirects to the
  normalized one. A number seen twice shows its newest record file, with a notice listing the others.
- `/records/<file id>`: one record file, where a number has several.
- `/records/<file id>/pages/<n>`, `/records/<file id>/images/<thumb|page>/<n>`,
  `/records/<file id>/pdf[?download=1]`: a page, its image, the archival PDF.

A file the user may not see gets the same answer as a file not archived; every read is audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from store.access import may_see
from store.catalog import CatalogedFile
from store.users import User
from web.archived import ArchivedFile, RecordMissing, look_up_number, page_image, same_number_visible, visible_file
from web.reading import audit_denied, audit_read, open_by_id
from web.served_pdf import served_pdf
from web.session import require_user
from web.stores import stores_of
from web.templating import file_url, render

router = APIRouter(include_in_schema=False)


class NotVisible(Exception):
    """A /records/ address of a file that is missing or outside the user's scope."""


def not_visible_handler(request: Request, exc: NotVisible) -> Response:
    return render(request, "missing.html", {"what": "this record file", "citations": []}, status_code=404)


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
    archived = _visible_by_id(request, user, file_id)
    stores = stores_of(request)
    return _record_page(request, user, archived, same_number_visible(stores.catalog(), archived.file_number, user, stores.settings))


def _record_page(request: Request, user: User, archived: ArchivedFile, same_number: list[CatalogedFile]) -> Response:
    """The record page; `same_number` are the record files with its number the user may see, the
    newest first (itself among them): the others are listed on it."""
    audit_read(request, user, "view", archived)
    citations = stores_of(request).eoffice().citing(archived.file_number)
    others = [row for row in same_number if row.file_id != archived.file_id]
    newest = not same_number or same_number[0].file_id == archived.file_id
    return render(request, "record.html", {"file": archived, "record": archived.record, "citations": citations,
                                           "others": others, "newest": newest})


@router.get("/records/{file_id}/pages/{page}")
def page_view(file_id: str, page: int, request: Request, user: User = Depends(require_user)) -> Response:
    archived = _visible_by_id(request, user, file_id)
    if not 1 <= page <= archived.page_count:
        return _missing(request, user, archived.file_number, None)
    audit_read(request, user, "page", archived, page)
    return render(request, "page.html", {"file": archived, "record": archived.record,
                                         "page": archived.record.pages[page - 1], "number": page})


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
    except RecordMissing:
        raise NotVisible() from None


def _missing(request: Request, user: User, number: str, row: CatalogedFile | None) -> Response:
    """The same answer for a file not archived and for one the user may not see."""
    stores = stores_of(request)
    if row is not None and not may_see(user, row, stores.settings):
        audit_denied(request, user, row)
    citations = stores.eoffice().citing(number)
    return render(request, "missing.html", {"what": f"record file {number}", "citations": citations}, status_code=404)
