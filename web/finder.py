"""Searching for record files, shared by the search page and the JSON API: the search a query
string asks for, the user's visibility as a filter the index applies, matching pages grouped into
files, and the values of the filter menus."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from domain.config import Settings
from indexers import SearchHit, SearchQuery, Visibility
from store.access import is_restricted, may_see
from store.users import User
from web.stores import Stores

FILES_PER_PAGE = 10
HITS_PER_FETCH = 200
MAX_HITS = 2000  # page hits read at most for one results page (deep pages of a very common word stop here)


def query_from_params(params) -> SearchQuery:
    """The search a query string asks for: empty fields are no filter; a year that is not a
    number is ignored."""

    def text(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    def year(name: str) -> int | None:
        value = text(name)
        return int(value) if value and value.isdigit() and len(value) <= 4 else None

    return SearchQuery(text=(params.get("q") or "").strip()[:500], district=text("district"), tehsil=text("tehsil"),
                       record_type=text("record_type"), year_from=year("year_from"), year_to=year("year_to"),
                       language=text("language"))


def query_string(query: SearchQuery, **changes) -> str:
    """The query string of a search, for links to its other result pages."""
    values = {"q": query.text, "district": query.district, "tehsil": query.tehsil, "record_type": query.record_type,
              "year_from": query.year_from, "year_to": query.year_to, "language": query.language, **changes}
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


@dataclass
class FoundFile:
    """A record file with the pages of it that matched; page 0 stands for the title."""

    file_id: str
    file_number: str
    title: str
    district: str
    tehsil: str
    year: int | None
    record_type: str | None
    restricted: bool
    pages: list[SearchHit] = field(default_factory=list)


@dataclass
class FileResults:
    files: list[FoundFile]  # this page of results
    total: int  # record files found, as the index counts them
    more: bool  # `total` is the index's estimate (past 5,000 matching pages, on either backend)
    page: int
    page_count: int
    capped: bool = False  # MAX_HITS matching pages read before this page was full: its files are not shown
    close_matches: tuple[str, ...] = ()  # typed words that matched nothing and were matched approximately


def visibility(user: User, settings: Settings) -> Visibility | None:
    """The access rule (store.access.may_see) as a filter for the index: restricted record types
    of each district, visible only in the user's own districts or tehsils (User.in_scope).
    None when nothing is hidden from this user."""
    restricted = tuple((name, tuple(district.restricted_record_types))
                       for name, district in sorted(settings.districts.items()) if district.restricted_record_types)
    if not restricted or user.role == "admin":
        return None
    districts = tuple(user.districts) if user.role == "dc" else ()
    tehsils = tuple(tuple(entry.split("/", 1)) for entry in user.tehsils) if user.role in ("keeper", "scanner") else ()
    return Visibility(restricted=restricted, districts=districts, tehsils=tehsils)  # type: ignore[arg-type]


def find_files(stores: Stores, user: User, filters: SearchQuery, page: int = 1, per_page: int | None = None) -> FileResults:
    """Record files matching the words and filters that this user may see, best first;
    `per_page` files a page (FILES_PER_PAGE unless given).

    The user's visibility is part of the query, so the index counts only files the user may see
    and every results page is full. The index answers with matching pages, grouped here into
    files; each file is checked once more against the catalog (the truth) with the access rule.
    Hits are read only until the asked-for page is filled, so a common word in a large archive
    costs one or two index queries."""
    per_page = per_page or FILES_PER_PAGE
    page = max(page, 1)
    wanted = page * per_page
    scoped = replace(filters, visibility=visibility(user, stores.settings), limit=HITS_PER_FETCH)
    files: dict[str, FoundFile] = {}
    hidden: set[str] = set()
    offset, capped, result = 0, False, None
    while True:
        fetched = stores.index().search(replace(scoped, offset=offset))
        result = result or fetched  # the first answer's counts: later fetches only page on
        _group(stores, user, fetched.hits, files, hidden)
        offset += len(fetched.hits)
        if not fetched.hits or offset >= fetched.total or len(files) > wanted:
            break
        if offset >= MAX_HITS:
            capped = True
            break
    total = max(result.files, len(files)) - len(hidden)
    page_count = max(1, math.ceil(total / per_page))
    page = min(page, page_count)
    shown = list(files.values())[(page - 1) * per_page: page * per_page]
    return FileResults(shown, total, result.files_estimated, page, page_count, capped,
                       result.close_matches)


def _group(stores: Stores, user: User, hits: list[SearchHit], files: dict[str, FoundFile], hidden: set[str]) -> None:
    """Add each hit to its file in `files`, or the file to `hidden` when the user may not see it."""
    rows = stores.catalog().record_files_by_id({hit.file_id for hit in hits} - files.keys() - hidden)
    settings = stores.settings
    for hit in hits:
        if hit.file_id in hidden:
            continue
        found = files.get(hit.file_id)
        if found is None:
            row = rows.get(hit.file_id)
            if row is None or not may_see(user, row, settings):
                hidden.add(hit.file_id)
                continue
            found = files[hit.file_id] = FoundFile(
                row.file_id, row.file_number, row.title or hit.title, row.district, row.tehsil,
                row.year, row.record_type, is_restricted(row, settings))
        found.pages.append(hit)


def filter_choices(stores: Stores) -> dict[str, list[str]]:
    """Values for the filter menus: configured districts and tehsils, and what the catalog holds."""
    settings = stores.settings
    districts = set(settings.districts)
    tehsils = {t.name for d in settings.districts.values() for t in d.tehsils}
    record_types = {kind for d in settings.districts.values() for kind in d.record_type_keywords}
    languages = {lang for d in settings.districts.values() for lang in d.languages}
    languages |= {lang for d in settings.districts.values() for t in d.tehsils for lang in (t.languages or [])}
    for district, tehsil, record_type in stores.catalog().places():
        districts.add(district)
        tehsils.add(tehsil)
        if record_type:
            record_types.add(record_type)
    return {"districts": sorted(districts), "tehsils": sorted(tehsils), "record_types": sorted(record_types),
            "languages": sorted(languages)}
