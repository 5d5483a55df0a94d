"""Reading record files on a user's behalf, shared by the pages and the API: a file opened only
inside the user's scope, each read and each refusal written to the audit log, and which of an
e-file's citations the user may follow."""

from __future__ import annotations

from fastapi import Request

from store.access import may_see
from store.catalog import CatalogedFile
from store.eoffice import Citation
from store.users import User
from web.archived import ArchivedFile, RecordMissing, row_by_file_id, visible_file
from web.stores import Stores, stores_of


def open_visible(request: Request, user: User, row: CatalogedFile | None, via: str = "web") -> ArchivedFile:
    """The archived file of a catalog row if this user may see it; else RecordMissing, with the
    refusal in the audit log when the row exists."""
    stores = stores_of(request)
    try:
        return visible_file(stores.home, row, user, stores.settings)
    except RecordMissing:
        if row is not None:
            audit_denied(request, user, row, via)
        raise


def open_by_id(request: Request, user: User, file_id: str, via: str = "web") -> ArchivedFile:
    """`open_visible` for a /records/<file id>/ address."""
    return open_visible(request, user, row_by_file_id(stores_of(request).catalog(), file_id), via)


def audit_read(request: Request, user: User, action: str, archived: ArchivedFile, page: int | None = None,
               via: str = "web") -> None:
    client = request.client.host if request.client else None
    stores_of(request).audit().record(user.name, action, archived.file_number, archived.file_id, page, via, client)


def audit_denied(request: Request, user: User, row: CatalogedFile, via: str = "web") -> None:
    client = request.client.host if request.client else None
    stores_of(request).audit().record(user.name, "denied", row.file_number, row.file_id, None, via, client)


def visible_citations(stores: Stores, user: User, citations: list[Citation]) -> list[tuple[Citation, str]]:
    """Each citation with what this user may do with its record file: "linked" (open it),
    "restricted" (archived, a restricted file outside the user's scope: neither linked nor called
    missing) or "missing" (not in the archive yet)."""
    catalog = stores.catalog()
    result = []
    for citation in citations:
        row = row_by_file_id(catalog, citation.file_id) if citation.file_id else None
        state = "missing" if row is None else "linked" if may_see(user, row, stores.settings) else "restricted"
        result.append((citation, state))
    return result
