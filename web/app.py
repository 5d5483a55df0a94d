"""The web application that `daftar serve` runs: one router per page (search, record, review and
corrections, e-Office, progress, users, log-in) and the JSON API.

    app = create_app(home, settings)
    uvicorn.run(app, host="127.0.0.1", port=8000)

Everything the routes need hangs off `app.state`: `home`, `settings`, `stores` (per-thread
SQLite connections and the shared index), `secret_key`, `session_policy`, `clock`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from domain.config import Settings
from domain.translatable import N_
from web import api, auth, eoffice, progress, record, review, search, users
from web.auth import SessionPolicy
from web.cross_site import SAFE_METHODS, from_another_site, landing_page
from web.i18n import PageError
from web.session import LoginRequired
from web.stores import Stores
from web.templating import CONTENT_SECURITY_POLICY, render

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)
STOCK_DETAILS = {status.value: status.phrase for status in HTTPStatus}  # what Starlette says when we said nothing


def create_app(home: Path, settings: Settings, session_policy: SessionPolicy | None = None) -> FastAPI:
    """The application over the archive under `home`."""
    app = FastAPI(
        title="daftar",
        summary="Search and open the scanned legacy record files of the tehsil record rooms.",
        description="Authenticate with `Authorization: Bearer <token>` (a token from `daftar user token NAME`). "
                    "File numbers may be written in any spelling; the permanent address of a record file is "
                    "`/files/<normalized number>`, its JSON twin `/api/files/<normalized number>`.",
        version="1",
        docs_url=None,  # FastAPI's Swagger page loads its script from a CDN; /docs is served below
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.home = Path(home)
    app.state.settings = settings
    app.state.stores = Stores(Path(home), settings)
    app.state.session_policy = session_policy
    auth.install(app)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(api.router)
    for pages in (search, record, review, eoffice, progress, users):
        app.include_router(pages.router)

    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(record.NotVisible, record.not_visible_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.middleware("http")(_unexpected_error)  # innermost: its page gets the security headers too
    app.middleware("http")(_security_headers)
    app.middleware("http")(_cross_site_guard)
    if settings.web.trusted_proxies:
        # Outermost, so the client address is the proxy's word before anything reads it, and only
        # from the configured proxies: anyone else's X-Forwarded-For is ignored.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies))

    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return render(request, "api_docs.html", {"spec": app.openapi()})

    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.stores.close()


def _login_required(request: Request, exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """JSON for the API, elsewhere a page of the site (its header, and the navigation when signed in)
    that says the detail in the reader's language; the stock reason ("Not Found") is the heading's."""
    headers = getattr(exc, "headers", None)
    if _wants_json(request):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
    detail = exc.said if isinstance(exc, PageError) else exc.detail
    if detail == STOCK_DETAILS.get(exc.status_code):
        detail = None
    return render(request, "error.html", {"status": exc.status_code, "detail": detail}, exc.status_code,
                  headers=headers)


def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """An address that does not parse (a page number that is not a number, say) names nothing:
    404. A bad query parameter of the API is the caller's mistake: 422 with the details."""
    in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
    if in_path:
        return _http_error(request, PageError(404, N_("not found")))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    return _http_error(request, PageError(400, N_("bad request")))


async def _unexpected_error(request: Request, call_next) -> Response:
    """A fault of ours (a bug, a damaged archive file): logged here with its traceback; the reader
    gets a page of the site that says so in their language, or the API's JSON, and no internals."""
    try:
        return await call_next(request)
    except Exception:
        log.exception("unexpected error answering %s %s", request.method, request.url.path)
        if _wants_json(request):
            return JSONResponse({"detail": "internal error"}, status_code=500)
        return render(request, "error.html", {"status": 500, "detail": None}, 500)


def _wants_json(request: Request) -> bool:
    """The JSON API and its description answer in JSON, errors included."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


async def _cross_site_guard(request: Request, call_next) -> Response:
    """Another site's requests change nothing and read no PDF on a user's behalf (`web.cross_site`)."""
    if from_another_site(request):
        if request.method not in SAFE_METHODS:
            return _http_error(request, PageError(403, N_("refused: this form was sent from another site")))
        if (page := landing_page(request.url.path)) is not None:
            return RedirectResponse(page, status_code=303)
    return await call_next(request)


async def _security_headers(request: Request, call_next) -> Response:
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.headers.get("content-type", "").startswith(("text/html", "application/json")):
        # every page the same, whichever route or handler made it (a PDF keeps the browser's viewer)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response

