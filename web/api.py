"""The JSON API: search, a record file by number, a page's text, an e-file's citations.

Every call needs `Authorization: Bearer <token>` (from `daftar user token NAME`) or a browser
session. The same scope rules as the pages apply, and every record file or page read is written
to the audit log. The OpenAPI description is at /openapi.json and readable at /docs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from indexers import IndexUnavailable
from store.access import may_see
from store.users import User
from web.archived import RecordMissing, canonical_number, look_up_number
from web.finder import find_files, query_from_params
from web.reading import audit_read, open_by_id, open_visible, visible_citations
from web.session import require_api_user
from web.stores import stores_of
from web.templating import api_file_url, eoffice_url, file_url, plain_snippet

router = APIRouter(prefix="/api", tags=["archive"])


class PageHit(BaseModel):
    page: int = Field(description="1-based page number; 0 when the file's title matched")
    snippet: str = Field(description="text around the match, matched words between [[ and ]]")
    text: str = Field(description="the snippet without markers")
    url: str


class FileHit(BaseModel):
    file_number: str
    title: str
    district: str
    tehsil: str
    year: int | None
    record_type: str | None
    restricted: bool
    url: str = Field(description="the record file's permanent page")
    api_url: str
    pages: list[PageHit]


class SearchResponse(BaseModel):
    query: str
    exact: str | None = Field(None, description="API address of the record file when the query is its file number")
    total: int = Field(description="record files found that you may see (an estimate when `more`)")
    more: bool = Field(description="`total` is the index's estimate (very common words on Elasticsearch)")
    close_matches: list[str] = Field([], description="words of the query that no page has as typed; "
                                     "they were matched to close spellings (an OCR error, a typo)")
    page: int
    page_count: int
    files: list[FileHit]


class CitationOut(BaseModel):
    efile_number: str
    subject: str
    date: str | None
    url: str
    api_url: str


class PageOut(BaseModel):
    number: int
    blank: bool
    language: str | None
    confidence: float | None
    view_url: str
    image_url: str
    thumb_url: str
    text_url: str


class SameNumberOut(BaseModel):
    file_id: str
    tehsil: str
    batch: str
    url: str = Field(description="the page of this record file")


class RecordFileOut(BaseModel):
    file_number: str
    file_id: str
    title: str
    district: str
    tehsil: str
    record_type: str | None
    restricted: bool
    year: int | None
    languages: list[str]
    page_count: int
    flags: list[str]
    batch: str
    processed_at: str
    file_number_source: str
    url: str = Field(description="permanent page of the record file")
    pdf_url: str | None = Field(description="the archival PDF (add ?download=1 to save it)")
    pages: list[PageOut]
    eoffice: list[CitationOut] = Field(description="e-Office files citing this record file")
    same_number: list[SameNumberOut] = Field(description="the other record files with this number that you may see "
                                                         "(a number seen twice, in two batches or tehsils), newest first")


class PageText(BaseModel):
    file_number: str
    page: int
    text: str
    language: str | None
    confidence: float | None
    blank: bool
    image_url: str


class CitedFile(BaseModel):
    cited_number: str
    cited_raw: str
    recognized: bool = Field(description="a district's file-number pattern read the cited value")
    archived: bool = Field(description="the record file is in the archive and visible to you")
    url: str | None
    api_url: str | None


class EOfficeFileOut(BaseModel):
    efile_number: str
    subject: str
    date: str | None
    cites: list[CitedFile]


@router.get("/search", response_model=SearchResponse, summary="Search record files by words or file number")
def api_search(
    request: Request,
    q: Annotated[str, Query(description="words, a \"quoted phrase\", or a file number in any spelling")],
    district: Annotated[str | None, Query(description="only this district")] = None,
    tehsil: Annotated[str | None, Query(description="only this tehsil")] = None,
    record_type: Annotated[str | None, Query(description="only this record type (mutation, court-case, ...)")] = None,
    year_from: Annotated[int | None, Query(description="only files of this year or later")] = None,
    year_to: Annotated[int | None, Query(description="only files of this year or earlier")] = None,
    language: Annotated[str | None, Query(description="only files with pages in this language: eng, urd, hin")] = None,
    page: Annotated[int, Query(ge=1, description="results page, 10 files a page")] = 1,
    user: User = Depends(require_api_user),
) -> SearchResponse:
    """Words in English, Urdu or Hindi (every word must match; "quoted phrase" for a phrase), or a
    file number in any spelling. Results are record files, best first, each with its matching
    pages; restricted files outside your scope are left out."""
    stores = stores_of(request)
    filters = query_from_params(request.query_params)
    _, row = canonical_number(q, stores.catalog(), stores.settings)
    exact = None
    if row is not None and may_see(user, row, stores.settings):
        exact = api_file_url(row.file_number)
    try:
        results = find_files(stores, user, filters, page)
    except IndexUnavailable as error:
        raise HTTPException(503, f"search index unavailable: {error}") from None
    files = [
        FileHit(file_number=f.file_number, title=f.title, district=f.district, tehsil=f.tehsil, year=f.year,
                record_type=f.record_type, restricted=f.restricted, url=file_url(f.file_number),
                api_url=api_file_url(f.file_number),
                pages=[PageHit(page=hit.page, snippet=hit.snippet, text=plain_snippet(hit.snippet),
                               url=f"/records/{f.file_id}/pages/{hit.page}" if hit.page else file_url(f.file_number))
                       for hit in f.pages])
        for f in results.files
    ]
    return SearchResponse(query=q, exact=exact, total=results.total, more=results.more,
                          close_matches=list(results.close_matches), page=results.page,
                          page_count=results.page_count, files=files)


@router.get("/files/{number:path}", response_model=RecordFileOut, summary="A record file by its file number",
            responses={301: {"description": "another spelling of the number: redirected to the normalized one"},
                       404: {"description": "no such record file that you may see"}})
def api_record_file(number: str, request: Request, user: User = Depends(require_api_user)):
    """The record file's metadata, the address of its archival PDF, its pages and the e-Office
    files that cite it. The address stays the same when the archive is re-indexed."""
    stores = stores_of(request)
    found = look_up_number(number, stores.catalog(), user, stores.settings)
    if found.canonical is not None and found.canonical != number:
        return RedirectResponse(api_file_url(found.canonical), status_code=301)
    try:  # the newest the user may see, as on its page, with the others listed
        archived = open_visible(request, user, found.chosen, via="api")
    except RecordMissing:
        raise HTTPException(404, f"no record file {number}") from None
    audit_read(request, user, "view", archived, via="api")
    record = archived.record
    base = f"/records/{record.file_id}"
    return RecordFileOut(
        file_number=record.file_number, file_id=record.file_id, title=record.title, district=record.district,
        tehsil=record.tehsil, record_type=record.record_type, restricted=archived.restricted, year=record.year,
        languages=record.languages, page_count=archived.page_count, flags=record.flags, batch=record.batch,
        processed_at=record.processed_at, file_number_source=record.file_number_source,
        url=file_url(record.file_number), pdf_url=f"{base}/pdf" if archived.pdf else None,
        pages=[PageOut(number=p.number, blank=p.blank, language=p.language, confidence=p.confidence,
                       view_url=f"{base}/pages/{p.number}", image_url=f"{base}/images/page/{p.number}",
                       thumb_url=f"{base}/images/thumb/{p.number}", text_url=f"/api{base}/pages/{p.number}")
               for p in record.pages],
        eoffice=[CitationOut(efile_number=c.efile_number, subject=c.subject, date=c.date, url=eoffice_url(c.efile_number),
                             api_url="/api" + eoffice_url(c.efile_number))
                 for c in stores.eoffice().citing(record.file_number)],
        same_number=[SameNumberOut(file_id=other.file_id, tehsil=other.tehsil, batch=other.batch, url=f"/records/{other.file_id}")
                     for other in found.visible if other.file_id != record.file_id],
    )


@router.get("/records/{file_id}/pages/{page}", response_model=PageText, summary="The text of one page",
            responses={404: {"description": "no such page that you may see"}})
def api_page_text(file_id: str, page: int, request: Request, user: User = Depends(require_api_user)) -> PageText:
    """The OCR (or born-digital) text of one page, in logical order. `file_id` is the record
    file's `file_id` from /api/files/{number}."""
    try:
        archived = open_by_id(request, user, file_id, via="api")
    except RecordMissing:
        raise HTTPException(404, "no such record file") from None
    if not 1 <= page <= archived.page_count:
        raise HTTPException(404, f"{archived.file_number} has pages 1 to {archived.page_count}")
    audit_read(request, user, "page", archived, page, via="api")
    record_page = archived.record.pages[page - 1]
    return PageText(file_number=archived.file_number, page=page, text=record_page.text, language=record_page.language,
                    confidence=record_page.confidence, blank=record_page.blank,
                    image_url=f"/records/{file_id}/images/page/{page}")


@router.get("/eoffice/{efile_number:path}", response_model=EOfficeFileOut, summary="The legacy files an e-file cites",
            responses={404: {"description": "no such e-file imported"}})
def api_eoffice_file(efile_number: str, request: Request, user: User = Depends(require_api_user)) -> EOfficeFileOut:
    stores = stores_of(request)
    links = stores.eoffice()
    efile = links.efile(efile_number)
    if efile is None:
        raise HTTPException(404, f"no e-file {efile_number} imported")
    cites = [
        CitedFile(cited_number=c.cited_number, cited_raw=c.cited_raw, recognized=c.recognized, archived=state == "linked",
                  url=file_url(c.cited_number) if state == "linked" else None,
                  api_url=api_file_url(c.cited_number) if state == "linked" else None)
        for c, state in visible_citations(stores, user, links.cited_by(efile_number))
    ]
    return EOfficeFileOut(efile_number=efile.efile_number, subject=efile.subject, date=efile.date, cites=cites)
