"""The one Jinja2 environment of every page (autoescaping, the filters the pages share, the
dashboard's filters, gettext) and `render`, which every page goes through for its security headers
and its language (`web.i18n`).

The templates are written in English and mark their text with `_()`, `ngettext()` or `{% trans %}`;
each page is rendered with the catalog of its reader's language. A text that comes from the code
(an error, a log-in refusal) is shown with `|say` (`web.i18n.said_in`), never through `_()`, whose
result is markup. Record data (file numbers, titles, OCR text, names of places) is shown as it is,
never translated.

OCR text is untrusted: a scanned page can say `<script>`. Every value is escaped by Jinja2; the
one place that builds markup, `highlight`, escapes the text first and only then adds `<mark>`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context
from markupsafe import Markup, escape

from domain.translatable import N_, Said
from night.split_join import HISTORY_WORDINGS
from web import progress_view
from web.i18n import LANGUAGES, page_language, recognised_in, said_in, translations
from web.session import csrf_token, current_user

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Our pages need nothing from elsewhere and no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# The users' roles (store.users.ROLES), in words
ROLE_NAMES = {"keeper": N_("record keeper"), "scanner": N_("scanning team"), "dc": N_("Deputy Commissioner"),
              "admin": N_("administrator")}
# Where the night found a file number (domain.model.FileNumberSource), in words
NUMBER_SOURCES = {"barcode": N_("barcode"), "manifest": N_("the batch manifest"), "folder": N_("the folder name"),
                  "text": N_("the text of the pages"), "provisional": N_("nowhere (a provisional number)"),
                  "correction": N_("a person's correction")}
# The changes of a record's history whose values daftar writes in its own words (`night.split_join`);
# those of a correction are what a person typed, or what the night read
RESHAPING = {"split", "join", "rescan-pages"}

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


@pass_context
def _gettext(context, message: str) -> str:
    return translations(context["language"].code).gettext(message)


@pass_context
def _ngettext(context, singular: str, plural: str, count: int) -> str:
    return translations(context["language"].code).ngettext(singular, plural, count)


@pass_context
def say(context, text: Said | str | None) -> str:
    """A text of the code in the reader's language (plain text: Jinja2 escapes it)."""
    return said_in(context["language"].code, text)


@pass_context
def role_name(context, role: str) -> str:
    """A user's role in the reader's words."""
    return say(context, ROLE_NAMES.get(role, role))


@pass_context
def number_source(context, source: str | None) -> str:
    """Where the night found a record file's number, in the reader's words."""
    return say(context, NUMBER_SOURCES.get(source or "", source))


@pass_context
def history_value(context, value: str | None, change: str) -> str:
    """A value of a record's history ("pages 1-3 of A/1") in the reader's words when daftar wrote it."""
    return recognised_in(context["language"].code, value, HISTORY_WORDINGS) if change in RESHAPING else value or ""


@pass_context
def local_date(context, value: dt.date | None) -> str:
    """A date as its reader writes it ("2 Dec 2026", "2 دسمبر 2026", "2 दिस॰ 2026"); "–" for none."""
    return format_date(value, "d MMM y", locale=context["language"].code) if value else "–"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    # newstyle: `_("%(n)s pages", n=...)` escapes its values and fails loudly on a missing one
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    env.filters.update(highlight=highlight, file_url=file_url, api_file_url=api_file_url, eoffice_url=eoffice_url,
                       plain_snippet=plain_snippet, local_date=local_date, say=say,
                       number_source=number_source, history_value=history_value, role_name=role_name,
                       **progress_view.FILTERS)
    env.globals.update(progress_view.GLOBALS)
    return env


ENV = _environment()


def render(request: Request, name: str, context: dict, status_code: int = 200, *,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page from a template in its reader's language, with the signed-in user and the CSRF token
    for its forms."""
    user = current_user(request)
    language = page_language(request, user)
    body = ENV.get_template(name).render(
        request=request, user=user, csrf=csrf_token(request) if user else "", language=language,
        languages=LANGUAGES.values(), **context
    )
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Language"] = language.code
    # one address, a page in each reader's language
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response
