"""The search page: `/` and `/search?q=...`, one box for words or a file number; an exact number
goes straight to the file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from indexers import IndexUnavailable
from store.access import may_see
from store.users import User
from web import finder
from web.archived import canonical_number
from web.session import require_user
from web.stores import stores_of
from web.templating import file_url, render

router = APIRouter(include_in_schema=False)

PAGES_PER_FILE = 3  # matching pages shown under each file; the rest are counted


@router.get("/")
@router.get("/search")
def search_page(request: Request, user: User = Depends(require_user)) -> Response:
    stores = stores_of(request)
    filters = finder.query_from_params(request.query_params)
    missing_number, restricted = None, False
    if filters.text:
        number, row = canonical_number(filters.text, stores.catalog(), stores.settings)
        if row is not None and may_see(user, row, stores.settings):
            # A typed or scanned file number goes straight to the file.
            return RedirectResponse(file_url(row.file_number), status_code=303)
        if number is not None:
            # said in the reader's language: not in the archive (yet), or restricted outside their scope
            missing_number, restricted = number, row is not None
    results, error = None, None
    if filters.text:
        try:
            results = finder.find_files(stores, user, filters, _page_number(request))
        except IndexUnavailable:
            error = "index unavailable"  # the page says so in the reader's language
    context = {"filters": filters, "query_string": finder.query_string, "results": results, "missing_number": missing_number,
               "restricted": restricted, "error": error, "choices": finder.filter_choices(stores),
               "pages_per_file": PAGES_PER_FILE}
    return render(request, "search.html", context, status_code=503 if error else 200)


def _page_number(request: Request) -> int:
    try:
        return int(request.query_params.get("page") or 1)
    except ValueError:
        return 1
