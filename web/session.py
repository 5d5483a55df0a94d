"""Who is asking: the user of a request's bearer token or session cookie, and the CSRF token of
its forms. Read by the routes (through `require_user`, `require_api_user`) and by the templates'
`render`; the log-in routes that open and close sessions are in `web.auth`."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from store.users import User

SESSION_COOKIE = "daftar_session"

# Bearer scheme for the OpenAPI description; auto_error off so a browser session also works.
bearer_scheme = HTTPBearer(auto_error=False, description="API token from `daftar user token NAME`")

_UNKNOWN = object()  # the request's user is not looked up yet (None means looked up: nobody)


class LoginRequired(Exception):
    """Raised by page routes without a signed-in user; answered with a redirect to /login."""


def current_user(request: Request) -> User | None:
    """The user of the request's bearer token or session cookie, looked up once per request."""
    known = getattr(request.state, "daftar_user", _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    user = _bearer_user(request) or _session_user(request)
    request.state.daftar_user = user
    return user


def _bearer_user(request: Request) -> User | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return request.app.state.stores.users().token_user(token.strip())


def _session_user(request: Request) -> User | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    app = request.app
    return app.state.stores.users().session_user(session_id, app.state.secret_key, app.state.session_policy.idle,
                                                 app.state.clock())


def require_user(request: Request) -> User:
    """Dependency of the pages: the signed-in user, else a redirect to the log-in form."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


def require_api_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)] = None
) -> User:
    """Dependency of the JSON API: a bearer token or a browser session, else 401."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "a valid API token (Authorization: Bearer ...) or session is needed",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def csrf_token(request: Request) -> str:
    """The token the forms of this session carry: an HMAC of its id, so it needs no storage."""
    session_id = request.cookies.get(SESSION_COOKIE, "")
    return hmac.new(request.app.state.secret_key, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()
