"""The one Jinja2 environment of every page (autoescaping, the filters the pages share, the
dashboard's filters) and `render`, which every page goes through for its security headers.

OCR text is untrusted: a scanned page can say `<script>`. Every value is escaped by Jinja2; the
one place that builds markup, `highlight`, escapes the text first and only then adds `<mark>`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from web import progress_view
from web.session import csrf_token, current_user

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Our pages need nothing from elsewhere and no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

_MARKED = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)


def highlight(snippet: str) -> Markup:
    """A snippet whose matches the index marked with [[ and ]], as HTML with <mark>. Everything
    else, including any [[ without its ]], is escaped text."""
    parts, last = [], 0
    for match in _MARKED.finditer(snippet or ""):
        parts.append(escape(snippet[last:match.start()]))
        parts.append(Markup("<mark>") + escape(match.group(1)) + Markup("</mark>"))
        last = match.end()
    parts.append(escape((snippet or "")[last:]))
    return Markup("").join(parts)


def plain_snippet(snippet: str) -> str:
    """The snippet without the index's match markers."""
    return (snippet or "").replace("[[", "").replace("]]", "")


def file_url(file_number: str) -> str:
    """The permanent address of a record file. Slashes stay slashes: the address reads like the
    number written on the file cover."""
    return "/files/" + quote(file_number, safe="/-._~")


def api_file_url(file_number: str) -> str:
    return "/api" + file_url(file_number)


def eoffice_url(efile_number: str) -> str:
    return "/eoffice/" + quote(efile_number, safe="/-._~")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(highlight=highlight, file_url=file_url, api_file_url=api_file_url, eoffice_url=eoffice_url,
                       plain_snippet=plain_snippet, **progress_view.FILTERS)
    env.globals.update(progress_view.GLOBALS)
    return env


ENV = _environment()


def render(request: Request, name: str, context: dict, status_code: int = 200, *,
           headers: dict[str, str] | None = None, anonymous: bool = False) -> HTMLResponse:
    """A page from a template, with the signed-in user and the CSRF token for its forms.
    `anonymous` pages (the error page) show no one signed in and look nobody up."""
    user = None if anonymous else current_user(request)
    body = ENV.get_template(name).render(
        request=request, user=user, csrf=csrf_token(request) if user else "", **context
    )
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "private, no-cache"
    return response
