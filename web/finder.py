"""Searching for record files, shared by the search page and the JSON API: the search a query
string asks for, matching pages grouped into the files this user may see, and the values of the
filter menus."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from indexers import SearchHit, SearchQuery
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
    total: int  # record files found; at least this many when `more`
    more: bool  # the search stopped reading before the last match: there may be further pages
    page: int
    page_count: int  # at least this many when `more`
    capped: bool = False  # MAX_HITS matching pages read: the files after them are not shown


def find_files(stores: Stores, user: User, filters: SearchQuery, page: int = 1, per_page: int | None = None) -> FileResults:
    """Record files matching the words and filters that this user may see, best first;
    `per_page` files a page (FILES_PER_PAGE unless given).

    The index answers with matching pages; they are grouped into files, and a restricted file
    outside the user's scope is dropped here, checked against the catalog (the index cannot
    express "restricted unless in scope", and the catalog is the truth). Hits are read only until
    the asked-for page and one file beyond it are filled, so a common word in a large archive
    costs one or two index queries, not a count of every match."""
    per_page = per_page or FILES_PER_PAGE
    page = max(page, 1)
    wanted = page * per_page + 1
    files: dict[str, FoundFile] = {}
    hidden: set[str] = set()
    offset, more, capped = 0, False, False
    while True:
        result = stores.index().search(replace(filters, limit=HITS_PER_FETCH, offset=offset))
        _group(stores, user, result.hits, files, hidden)
        offset += len(result.hits)
        if not result.hits or offset >= result.total:
            break
        if len(files) >= wanted:
            more = True
            break
        if offset >= MAX_HITS:
            capped = True
            break
    ordered = list(files.values())
    page_count = max(1, math.ceil(len(ordered) / per_page))
    page = min(page, page_count)
    return FileResults(ordered[(page - 1) * per_page: page * per_page], len(ordered), more, page, page_count, capped)


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
