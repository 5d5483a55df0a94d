"""The e-Office pages: `/eoffice`, where an e-file number is looked up, and
`/eoffice/<e-file number>`, the legacy record files an e-file cites."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from store.users import User
from web.reading import visible_citations
from web.session import require_user
from web.stores import stores_of
from web.templating import eoffice_url, render

router = APIRouter(include_in_schema=False)


@router.get("/eoffice")
def eoffice_lookup(request: Request, efile: str = "", user: User = Depends(require_user)) -> Response:
    """The look-up form; a number typed into it goes to that e-file's page."""
    if efile.strip():
        return RedirectResponse(eoffice_url(efile.strip()), status_code=303)
    return render(request, "eoffice_lookup.html", {})


@router.get("/eoffice/{efile_number:path}")
def eoffice_page(efile_number: str, request: Request, user: User = Depends(require_user)) -> Response:
    stores = stores_of(request)
    links = stores.eoffice()
    efile = links.efile(efile_number)
    if efile is None:
        return render(request, "missing.html", {"kind": "efile", "number": efile_number, "citations": []}, status_code=404)
    citations = visible_citations(stores, user, links.cited_by(efile_number))
    return render(request, "eoffice.html", {"efile": efile, "citations": citations})
