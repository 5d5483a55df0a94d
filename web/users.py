"""`/users`: the users of the archive with their role and scope, for administrators (read-only:
users are added and changed with `daftar user`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from domain.translatable import N_
from store.users import User
from web.i18n import PageError
from web.session import require_user
from web.stores import stores_of
from web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/users")
def users_page(request: Request, user: User = Depends(require_user)) -> Response:
    if user.role != "admin":
        raise PageError(403, N_("the list of users is for administrators"))
    return render(request, "users.html", {"users": stores_of(request).users().users()})
