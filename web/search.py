"""The pages a record keeper uses: search, a record file, a page, the PDF, an e-file's citations.

Addresses:
- `/` and `/search?q=...`: one box for words or a file number; an exact number goes straight
  to the file.
- `/files/<file number>`: the permanent address of a record file. Any spelling of the number
  redirects to the normalized one.
- `/records/<file id>/pages/<n>`, `/records/<file id>/images/<thumb|page>/<n>`,
  `/records/<file id>/pdf[?download=1]`: a page, its image, the archival PDF.
- `/eoffice/<e-file number>`: the legacy files an e-file cites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from indexers import IndexUnavailable, SearchHit, SearchQuery
from store.users import User
from web.auth import require_user
from web.records import ArchivedFile, RecordMissing, canonical_number, page_image, row_by_file_id, visible_file
from web.stores import Stores
from web.templating import file_url, render

router = APIRouter(include_in_schema=False)

FILES_PER_PAGE = 10
PAGES_PER_FILE = 3  # matching pages shown under each file; the rest are counted
HITS_PER_FETCH = 200
MAX_HITS = 2000  # page hits read at most for one results page (deep pages of a very common word stop here)


# Searching ---------------------------------------------------------------------------------------


def query_from_params(params) -> SearchQuery:
    """The search a query string asks for: empty fields are no filter; a year that is not a
    number is ignored."""

    def text(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    def year(name: str) -> int | None:
        value = text(name)
        return int(value) if value and value.isdigit() and len(value) <= 4 else None

    return SearchQuery(text=(params.get("q") or "").strip()[:500], district=text("district"), tehsil=text("tehsil"),
                       record_type=text("record_type"), year_from=year("year_from"), year_to=year("year_to"),
                       language=text("language"))


def query_string(query: SearchQuery, **changes) -> str:
    """The query string of a search, for links to its other result pages."""
    values = {"q": query.text, "district": query.district, "tehsil": query.tehsil, "record_type": query.record_type,
              "year_from": query.year_from, "year_to": query.year_to, "language": query.language, **changes}
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


@dataclass
class FoundFile:
    """A record file with the pages of it that matched; page 0 stands for the title."""

    file_id: str
    file_number: str
    title: str
    district: str
    tehsil: str
    year: int | None
    record_type: str | None
    restricted: bool
    pages: list[SearchHit] = field(default_factory=list)


@dataclass
class FileResults:
    files: list[FoundFile]  # this page of results
    total: int  # record files found; at least this many when `more`
    more: bool  # the search stopped reading before the last match: there may be further pages
    page: int
    page_count: int  # at least this many when `more`
    capped: bool = False  # MAX_HITS matching pages read: the files after them are not shown


def find_files(stores: Stores, user: User, filters: SearchQuery, page: int = 1, per_page: int = FILES_PER_PAGE) -> FileResults:
    """Record files matching the words and filters that this user may see, best first.

    The index answers with matching pages; they are grouped into files, and a restricted file
    outside the user's scope is dropped here, checked against the catalog (the index cannot
    express "restricted unless in scope", and the catalog is the truth). Hits are read only until
    the asked-for page and one file beyond it are filled, so a common word in a large archive
    costs one or two index queries, not a count of every match."""
    page = max(page, 1)
    wanted = page * per_page + 1
    index = stores.index()
    catalog = stores.catalog()
    settings = stores.settings
    files: dict[str, FoundFile] = {}
    hidden: set[str] = set()
    offset, more, capped = 0, False, False
    while True:
        result = index.search(replace(filters, limit=HITS_PER_FETCH, offset=offset))
        rows = _catalog_rows(catalog, {hit.file_id for hit in result.hits} - files.keys() - hidden)
        for hit in result.hits:
            if hit.file_id in hidden:
                continue
            found = files.get(hit.file_id)
            if found is None:
                row = rows.get(hit.file_id)
                if row is None or not user.can_see(row["district"], row["tehsil"], row["record_type"], settings):
                    hidden.add(hit.file_id)
                    continue
                found = files[hit.file_id] = FoundFile(
                    row["file_id"], row["file_number"], row["title"] or hit.title, row["district"], row["tehsil"],
                    row["year"], row["record_type"],
                    row["record_type"] in settings.district(row["district"]).restricted_record_types)
            found.pages.append(hit)
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            break
        if len(files) >= wanted:
            more = True
            break
        if offset >= MAX_HITS:
            capped = True
            break
    ordered = list(files.values())
    page_count = max(1, math.ceil(len(ordered) / per_page))
    page = min(page, page_count)
    return FileResults(ordered[(page - 1) * per_page: page * per_page], len(ordered), more, page, page_count, capped)


def _catalog_rows(catalog, file_ids: set[str]) -> dict:
    rows = {}
    ids = sorted(file_ids)
    for start in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
        chunk = ids[start:start + 500]
        sql = f"SELECT * FROM record_files WHERE file_id IN ({','.join('?' * len(chunk))})"
        rows.update({row["file_id"]: row for row in catalog.db.execute(sql, chunk)})
    return rows


def filter_choices(stores: Stores) -> dict[str, list[str]]:
    """Values for the filter menus: configured districts and tehsils, and what the catalog holds."""
    settings = stores.settings
    db = stores.catalog().db
    districts = set(settings.districts)
    tehsils = {t.name for d in settings.districts.values() for t in d.tehsils}
    record_types = {kind for d in settings.districts.values() for kind in d.record_type_keywords}
    languages = {lang for d in settings.districts.values() for lang in d.languages}
    languages |= {lang for d in settings.districts.values() for t in d.tehsils for lang in (t.languages or [])}
    for row in db.execute("SELECT DISTINCT district, tehsil, record_type FROM record_files"):
        districts.add(row["district"])
        tehsils.add(row["tehsil"])
        if row["record_type"]:
            record_types.add(row["record_type"])
    return {"districts": sorted(districts), "tehsils": sorted(tehsils), "record_types": sorted(record_types),
            "languages": sorted(languages)}


LANGUAGE_NAMES = {"eng": "English", "urd": "Urdu", "hin": "Hindi"}


# Pages -------------------------------------------------------------------------------------------


def _stores(request: Request) -> Stores:
    return request.app.state.stores


@router.get("/")
@router.get("/search")
def search_page(request: Request, user: User = Depends(require_user)) -> Response:
    stores = _stores(request)
    filters = query_from_params(request.query_params)
    notice = None
    if filters.text:
        number, row = canonical_number(filters.text, stores.catalog(), stores.settings)
        if row is not None and user.can_see(row["district"], row["tehsil"], row["record_type"], stores.settings):
            # A typed or scanned file number goes straight to the file.
            return RedirectResponse(file_url(row["file_number"]), status_code=303)
        if number is not None:
            notice = f"File {number} is not in the archive (yet). Pages that mention it:"
    results, error = None, None
    if filters.text:
        try:
            page = int(request.query_params.get("page") or 1)
        except ValueError:
            page = 1
        try:
            results = find_files(stores, user, filters, page, FILES_PER_PAGE)
        except IndexUnavailable:
            error = "Search is not available right now. Opening a file by its number still works."
    context = {"filters": filters, "query_string": query_string, "results": results, "notice": notice, "error": error,
               "choices": filter_choices(stores), "language_names": LANGUAGE_NAMES,
               "pages_per_file": PAGES_PER_FILE}
    return render(request, "search.html", context, status_code=503 if error else 200)


@router.get("/files/{number:path}")
def record_file_page(number: str, request: Request, user: User = Depends(require_user)) -> Response:
    stores = _stores(request)
    canonical, row = canonical_number(number, stores.catalog(), stores.settings)
    if canonical is not None and canonical != number:
        # Any spelling of the number has one address: the normalized number's.
        return RedirectResponse(file_url(canonical), status_code=301)
    try:
        archived = visible_file(stores.home, row, user, stores.settings)
    except RecordMissing:
        return _missing(request, user, number, row)
    audit_read(request, user, "view", archived)
    citations = stores.eoffice().citing(archived.file_number)
    return render(request, "record.html", {"file": archived, "record": archived.record, "citations": citations})


@router.get("/records/{file_id}/pages/{page}")
def page_view(file_id: str, page: int, request: Request, user: User = Depends(require_user)) -> Response:
    archived = _visible_by_id(request, user, file_id)
    if not 1 <= page <= archived.page_count:
        return _missing(request, user, archived.file_number, None, status_code=404)
    audit_read(request, user, "page", archived, page)
    return render(request, "page.html", {"file": archived, "record": archived.record,
                                         "page": archived.record.pages[page - 1], "number": page})


@router.get("/records/{file_id}/images/{size}/{page}")
def page_image_file(file_id: str, size: str, page: int, request: Request, user: User = Depends(require_user)) -> Response:
    archived = _visible_by_id(request, user, file_id)
    try:
        image = page_image(request.app.state.home, archived, page, size)
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
    return FileResponse(archived.pdf, media_type="application/pdf", filename=f"{archived.file_id}.pdf",
                        content_disposition_type="attachment" if download else "inline",
                        headers={"Cache-Control": "private, no-cache"})


@router.get("/eoffice/{efile_number:path}")
def eoffice_page(efile_number: str, request: Request, user: User = Depends(require_user)) -> Response:
    links = _stores(request).eoffice()
    efile = links.efile(efile_number)
    if efile is None:
        return render(request, "missing.html", {"what": f"e-file {efile_number}", "citations": []}, status_code=404)
    citations = visible_citations(_stores(request), user, links.cited_by(efile_number))
    return render(request, "eoffice.html", {"efile": efile, "citations": citations})


# Helpers ------------------------------------------------------------------------------------------


class NotVisible(Exception):
    """A /records/ address of a file that is missing or outside the user's scope."""


def _visible_by_id(request: Request, user: User, file_id: str) -> ArchivedFile:
    stores = _stores(request)
    row = row_by_file_id(stores.catalog(), file_id)
    try:
        return visible_file(stores.home, row, user, stores.settings)
    except RecordMissing:
        if row is not None:
            audit_denied(request, user, row)
        raise NotVisible() from None


def _missing(request: Request, user: User, number: str, row, status_code: int = 404) -> Response:
    """The same answer for a file not archived and for one the user may not see."""
    stores = _stores(request)
    if row is not None and not user.can_see(row["district"], row["tehsil"], row["record_type"], stores.settings):
        audit_denied(request, user, row)
    citations = stores.eoffice().citing(number)
    return render(request, "missing.html", {"what": f"record file {number}", "citations": citations}, status_code=status_code)


def audit_read(request: Request, user: User, action: str, archived: ArchivedFile, page: int | None = None, via: str = "web") -> None:
    client = request.client.host if request.client else None
    _stores(request).audit().record(user.name, action, archived.file_number, archived.file_id, page, via, client)


def audit_denied(request: Request, user: User, row, via: str = "web") -> None:
    client = request.client.host if request.client else None
    _stores(request).audit().record(user.name, "denied", row["file_number"], row["file_id"], None, via, client)


def not_visible_handler(request: Request, exc: NotVisible) -> Response:
    return render(request, "missing.html", {"what": "this record file", "citations": []}, status_code=404)


def visible_citations(stores: Stores, user: User, citations: list) -> list[tuple[object, bool]]:
    """Each citation with whether its record file can be opened by this user: a restricted file
    outside the scope reads as not archived."""
    catalog = stores.catalog()
    result = []
    for citation in citations:
        row = row_by_file_id(catalog, citation.file_id) if citation.file_id else None
        linked = row is not None and user.can_see(row["district"], row["tehsil"], row["record_type"], stores.settings)
        result.append((citation, linked))
    return result
