"""Log-in and log-out, how long a session lasts, and the secret key sessions are signed with.
Who a request's user is (session cookie or API token) is read in `web.session`.

- Pages: a log-in form checks the Argon2 password hash and opens a server-side session. The
  browser holds only a random session id in an HttpOnly, SameSite=Lax cookie; the user store keeps
  its HMAC under the installation's secret key. A session ends after `idle` without use, after
  `lifetime` whatever the use, on log-out, and when the password changes.
- API: `Authorization: Bearer <token>` with a token from `daftar user token NAME` (only its
  SHA-256 is stored); a browser session is accepted too.
- The language of the pages (`web.i18n`): POST /language keeps a signed-in user's choice with
  the user, and anyone's in a cookie for this browser (the log-in page's choice).
- Forms that change state (log-out, the language of a signed-in user) carry a CSRF token derived
  from the session id; the log-in and language forms are refused when posted from another site. Log-ins are limited per name, per client and
  in total (`web.login_limits`); password hashing runs two at a time (`store.users`).

Session lengths: DAFTAR_SESSION_IDLE_MINUTES (default 120) and DAFTAR_SESSION_HOURS (default 12).
The secret key comes from DAFTAR_SECRET_KEY, else from `<home>/secret.key`, made once with
permissions 0600. It is never in the repository.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from domain.translatable import N_
from web.i18n import LANGUAGE_COOKIE, LANGUAGES, PageError
from web.login_limits import LoginGate, LoginLimits, client_key
from web.session import SESSION_COOKIE, csrf_token, current_user
from web.templating import render

SECRET_KEY_FILE = "secret.key"
LANGUAGE_COOKIE_DAYS = 365

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a log-in lasts: `idle` seconds without a request, `lifetime` seconds at most."""

    idle: float = 2 * 3600
    lifetime: float = 12 * 3600
    max_failures: int = 10  # wrong passwords for one name from one client within `failure_window` before a pause
    failure_window: float = 15 * 60  # the other log-in limits: `web.login_limits.LoginLimits`


def session_policy_from_env() -> SessionPolicy:
    """DAFTAR_SESSION_IDLE_MINUTES and DAFTAR_SESSION_HOURS override the defaults (2 h idle, 12 h)."""
    default = SessionPolicy()
    idle = os.environ.get("DAFTAR_SESSION_IDLE_MINUTES")
    lifetime = os.environ.get("DAFTAR_SESSION_HOURS")
    return SessionPolicy(idle=float(idle) * 60 if idle else default.idle,
                         lifetime=float(lifetime) * 3600 if lifetime else default.lifetime)


def load_secret_key(home: Path) -> bytes:
    """DAFTAR_SECRET_KEY, else `<home>/secret.key`, created with 0600 on first use."""
    from_env = os.environ.get("DAFTAR_SECRET_KEY")
    if from_env:
        return from_env.encode()
    path = home / SECRET_KEY_FILE
    home.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two servers starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def safe_next(target: str | None) -> str:
    """Where to go after log-in: only a path on this site, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 for ch in target):
        return "/"
    return target


# Log-in and log-out ------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None, "name": ""})


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/")) -> Response:
    app = request.app
    now = app.state.clock()
    target = safe_next(next)
    gate: LoginGate = app.state.login_gate
    client = client_key(request.client.host if request.client else None)
    if (refusal := gate.refusal(client, name, now)) is not None:
        return render(request, "login.html", {"next": target, "name": name[:64], "error": refusal}, 429,
                      headers={"Retry-After": "60"})
    user = app.state.stores.users().check_password(name, password)
    if user is None:
        gate.failed(client, name, now)
        return render(request, "login.html", {"next": target, "name": name[:64], "error": N_("Wrong name or password.")}, 401)
    gate.succeeded(client, name)
    session_id = app.state.stores.users().open_session(user.name, app.state.secret_key, app.state.session_policy.lifetime, now)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=int(app.state.session_policy.lifetime), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        if not hmac.compare_digest(csrf, csrf_token(request)):
            raise PageError(403, N_("log-out form expired; reload the page"))
        request.app.state.stores.users().close_session(session_id, request.app.state.secret_key)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def choose_language(request: Request, language: str = Form(""), next: str = Form("/"), csrf: str = Form("")) -> Response:
    """The pages' language: kept with the signed-in user (every browser they log in from), and
    for this browser in a cookie (the log-in page, before anyone is signed in)."""
    if language not in LANGUAGES:
        raise PageError(400, N_("no such language"))
    user = current_user(request)
    if user is not None:
        if not hmac.compare_digest(csrf, csrf_token(request)):
            raise PageError(403, N_("this form has expired; reload the page"))
        request.app.state.stores.users().set_language(user.name, language)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_DAYS * 86400, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


def install(app: FastAPI) -> None:
    """Set the app's auth state: secret key, session policy, clock, log-in limits."""
    app.state.secret_key = load_secret_key(app.state.home)
    policy = app.state.session_policy = getattr(app.state, "session_policy", None) or session_policy_from_env()
    app.state.clock = time.time
    app.state.login_gate = LoginGate(LoginLimits(max_failures=policy.max_failures, failure_window=policy.failure_window))
