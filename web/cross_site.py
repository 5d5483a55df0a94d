"""Requests that another site made the browser send, and what daftar does with them.

The session cookie is SameSite=Lax, so a browser sends it along when another site's link or
form navigates to daftar. Such a request may not change anything, nor claim what the user did:

- a state change (any method but GET, HEAD, OPTIONS: log-in, log-out) from another site is refused
  with 403 before it reaches its route;
- a link from elsewhere (an e-Office file, a mail) opens a record file's page, logged as a view,
  which is what the user sees; but the archival PDF, its download and a full-size page image are
  sent only to daftar's own pages. A link from elsewhere to one of them is sent on to the page it
  belongs to, so no other site can log a download in a user's name.

Browsers say where a request comes from in Sec-Fetch-Site; one that does not (older browsers)
is judged by Origin. A request with neither is typed, bookmarked, or not from a browser (curl,
the API with its bearer token), and no other site can have forged it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The reads that say more than "viewed": the PDF (and its download) and a page at full size.
_READ_ADDRESS = re.compile(r"^/records/(?P<file_id>[^/]+)/(?:pdf|images/page/(?P<page>\d+))/?$")


def from_another_site(request: Request) -> bool:
    """Whether another site (or a sandboxed page, Origin "null") made the browser send this request."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")  # "none": typed, bookmarked, opened from the address bar
    origin = request.headers.get("origin")
    if origin is None:
        return False
    # Hosts, not schemes: behind a TLS-terminating proxy the server itself sees plain http.
    return origin == "null" or urlsplit(origin).netloc != request.headers.get("host", request.url.netloc)


def landing_page(path: str) -> str | None:
    """Where a link from another site to a PDF or full-size page image is sent instead: the page
    view it belongs to. None for any other address."""
    match = _READ_ADDRESS.match(path)
    if match is None:
        return None
    return f"/records/{match['file_id']}/pages/{match['page'] or 1}"
