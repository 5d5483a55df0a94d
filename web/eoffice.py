"""The e-Office page: `/eoffice/<e-file number>`, the legacy record files an e-file cites."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from store.users import User
from web.reading import visible_citations
from web.session import require_user
from web.stores import stores_of
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/eoffice/{efile_number:path}")
def eoffice_page(efile_number: str, request: Request, user: User = Depends(require_user)) -> Response:
    stores = stores_of(request)
    links = stores.eoffice()
    efile = links.efile(efile_number)
    if efile is None:
        return render(request, "missing.html", {"what": f"e-file {efile_number}", "citations": []}, status_code=404)
    citations = visible_citations(stores, user, links.cited_by(efile_number))
    return render(request, "eoffice.html", {"efile": efile, "citations": citations})
