"""Elasticsearch: the production index, behind the same small interface as the embedded one.

Layout, for an index prefix P (`ElasticsearchSettings.index_prefix`, "daftar" by default):

    P-files-v<n>   behind the alias P-files   one document per record file, id = file_id
    P-pages-v<n>   behind the alias P-pages   one document per page, id = "<file_id>:<page>"
                                              (page 0 is the file's title, as in the embedded index)

Everything reads and writes through the aliases, so `reindex` can build version n+1 beside version
n and swap both aliases in one atomic call: search never goes dark and a file's address (its
file_id, its file number) never changes. Mappings and settings are index templates kept as data
in `indexers/templates/` (component templates composed into one index template per kind).

Text is folded here, in Python, with `domain.text.fold` (Urdu letter variants, Urdu, Arabic-Indic
and Devanagari digits, optional marks), not by an Elasticsearch analyzer: the official
integ-test-zip distribution ships no analysis plugins at all, and one folding function for both
backends means both find exactly the same pages. Snippets are highlighted on the folded text and
mapped back onto the page as OCR read it, so a record keeper reads the original spelling.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from indexers.base import IndexUnavailable, SearchHit, SearchQuery, SearchResult
from domain.config import ElasticsearchSettings
from domain.model import RecordFile
from domain.text import fold

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Statuses worth another try: the cluster is busy or briefly without a master/shard.
RETRYABLE_STATUS = {429, 502, 503, 504}

SNIPPET_CHARS = 200


@dataclass(frozen=True)
class BulkPolicy:
    """How documents are sent. A batch is bounded both in documents and in bytes, so one
    enormous file never becomes one enormous request."""

    max_docs: int = 500
    max_bytes: int = 8_000_000
    retries: int = 4
    backoff_seconds: float = 0.5  # doubled after each failed try: 0.5, 1, 2, 4 s


@dataclass(frozen=True)
class IndexNames:
    """The names one installation uses, all derived from its prefix."""

    prefix: str

    @property
    def files_alias(self) -> str:
        return f"{self.prefix}-files"

    @property
    def pages_alias(self) -> str:
        return f"{self.prefix}-pages"

    def files_index(self, version: int) -> str:
        return f"{self.prefix}-files-v{version}"

    def pages_index(self, version: int) -> str:
        return f"{self.prefix}-pages-v{version}"

    def version_of(self, index: str) -> int:
        return int(index.rsplit("-v", 1)[1])


@dataclass(frozen=True)
class ReindexReport:
    previous_version: int
    version: int
    files: int
    pages: int
    seconds: float


# --- documents -------------------------------------------------------------------------------


def file_number_key(file_number: str) -> str:
    """The form exact lookup compares: folded (case, digits) with white space removed, so
    'rev/tsl-05/۱۹۸۷/0042 ' finds REV/TSL-05/1987/0042."""
    return re.sub(r"\s+", "", fold(file_number))


def file_document(record: RecordFile) -> dict[str, Any]:
    return {
        "file_id": record.file_id,
        "file_number": record.file_number,
        "file_number_key": file_number_key(record.file_number),
        "file_number_raw": record.file_number_raw,
        "file_number_source": record.file_number_source,
        "district": record.district,
        "tehsil": record.tehsil,
        "batch": record.batch,
        "record_type": record.record_type,
        "year": record.year,
        "title": record.title,
        "languages": list(record.languages),
        "page_count": len(record.pages),
        "pdf": record.pdf,
        "processed_at": record.processed_at,
    }


def page_documents(record: RecordFile) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, document) for the title (page 0) and every page with text. Blank pages are left
    out, as in the embedded index: there is nothing in them to find."""
    common = {
        "file_id": record.file_id,
        "file_number": record.file_number,
        "district": record.district,
        "tehsil": record.tehsil,
        "record_type": record.record_type,
        "year": record.year,
        "languages": list(record.languages),
        "title": record.title,
    }
    if record.title.strip():
        yield page_id(record.file_id, 0), {**common, "page": 0, "language": None, **folded_text(record.title)}
    for page in record.pages:
        if page.text.strip():
            doc = {**common, "page": page.number, "language": page.language, **folded_text(page.text)}
            yield page_id(record.file_id, page.number), doc


def page_id(file_id: str, page: int) -> str:
    return f"{file_id}:{page}"


def folded_text(text: str) -> dict[str, str]:
    # Case is kept (the analyzer lower-cases) so a snippet that cannot be mapped back still reads well.
    return {"text": text, "text_folded": fold(text, lower=False)}


def refolded(source: dict[str, Any]) -> dict[str, Any]:
    """A stored document with its derived fields computed again, so a reindex also applies a
    changed folding, not only changed mappings."""
    if "text" in source:
        return {**source, **folded_text(source["text"])}
    if "file_number" in source:
        return {**source, "file_number_key": file_number_key(source["file_number"])}
    return source


# --- snippets --------------------------------------------------------------------------------


class FoldedText:
    """A page's folded text, and the way back from a position in it to the original page.

    Folded word by word (white space never folds into anything), so the way back is a binary
    search over words, and character by character only inside the one word whose folded length
    differs (a dropped mark, a composed letter)."""

    _TOKEN = re.compile(r"\s+|\S+")

    def __init__(self, original: str) -> None:
        self.original = original
        self._folded_starts: list[int] = []
        self._original_starts: list[int] = []
        self._tokens: list[tuple[str, str]] = []
        parts: list[str] = []
        position = 0
        for match in self._TOKEN.finditer(original):
            piece = fold(match.group(), lower=False)
            self._folded_starts.append(position)
            self._original_starts.append(match.start())
            self._tokens.append((match.group(), piece))
            parts.append(piece)
            position += len(piece)
        self.folded = "".join(parts)

    def original_index(self, position: int) -> int:
        """Index in the original of the character folded position `position` came from."""
        i = bisect.bisect_right(self._folded_starts, position) - 1
        token, piece = self._tokens[i]
        inner = position - self._folded_starts[i]
        if len(token) != len(piece):
            origin = [j for j, ch in enumerate(token) for _ in fold(ch, lower=False)]
            inner = origin[inner] if len(origin) == len(piece) else min(inner, len(token) - 1)
        return self._original_starts[i] + inner

    def original_end(self, end: int) -> int:
        """Exclusive end in the original for folded end `end`, taking along the marks that
        folding dropped right after it, so they stay with their letter."""
        stop = self.original_index(end - 1) + 1
        while stop < len(self.original) and not fold(self.original[stop], lower=False):
            stop += 1
        return stop


_MARK = re.compile(r"(\[\[|\]\])")


def restore_snippet(fragment: str, original: str) -> str:
    """Puts the [[ ]] marks of a fragment highlighted on the folded text onto the same span of
    the original text, so Urdu reads as OCR wrote it (yeh barree stays yeh barree)."""
    page = FoldedText(original)
    pieces = _MARK.split(fragment)
    plain = "".join(p for p in pieces if p not in ("[[", "]]"))
    start = page.folded.find(plain)
    if start < 0 or not plain:
        return fragment  # cannot place it: the folded spelling is still readable
    out: list[str] = []
    position = start
    cursor = page.original_index(start)
    first = cursor
    for piece in pieces:
        if piece in ("[[", "]]"):
            out.append(piece)
        elif piece:
            position += len(piece)
            stop = page.original_end(position)
            out.append(original[cursor:stop])
            cursor = stop
    prefix = "… " if original[:first].strip() else ""
    suffix = " …" if original[cursor:].strip() else ""
    return prefix + "".join(out).strip() + suffix


# --- the client and the layout ---------------------------------------------------------------


def connect(settings: ElasticsearchSettings, request_timeout: float = 60.0) -> Elasticsearch:
    """A client from settings: URL, then API key or user/password, then CA certificate.
    The client's own retries are off; BulkPolicy decides when to try again."""
    options: dict[str, Any] = {"request_timeout": request_timeout, "max_retries": 0, "retry_on_timeout": False}
    if settings.api_key:
        options["api_key"] = settings.api_key
    elif settings.username:
        options["basic_auth"] = (settings.username, settings.password or "")
    if settings.ca_certs:
        options["ca_certs"] = settings.ca_certs
    return Elasticsearch(settings.url, **options)


def load_templates(prefix: str) -> tuple[dict[str, dict], dict[str, dict]]:
    """(component templates, index templates) by name, read from indexers/templates/*.json.
    A file daftar-X.json becomes the template <prefix>-X; '{prefix}' inside it is replaced."""
    components: dict[str, dict] = {}
    index_templates: dict[str, dict] = {}
    for path in sorted(TEMPLATES.glob("*.json")):
        name = prefix + path.stem.removeprefix("daftar")
        body = json.loads(path.read_text(encoding="utf-8").replace("{prefix}", prefix))
        (index_templates if "index_patterns" in body else components)[name] = body
    return components, index_templates


def install_templates(client: Elasticsearch, prefix: str) -> None:
    """Puts the templates every time: they are the project's, and a changed file in
    indexers/templates/ takes effect for the next index built (by reindex)."""
    components, index_templates = load_templates(prefix)
    for name, body in components.items():
        client.cluster.put_component_template(name=name, template=body["template"], meta=body.get("_meta"))
    for name, body in index_templates.items():
        client.indices.put_index_template(
            name=name,
            index_patterns=body["index_patterns"],
            composed_of=body["composed_of"],
            priority=body.get("priority"),
            meta=body.get("_meta"),
        )


def current_version(client: Elasticsearch, names: IndexNames) -> int | None:
    """The version the aliases point at, or None before the first index exists."""
    if not client.indices.exists_alias(name=names.files_alias):
        return None
    indices = list(client.indices.get_alias(name=names.files_alias).keys())
    return max(names.version_of(index) for index in indices)


def existing_versions(client: Elasticsearch, names: IndexNames) -> list[int]:
    found = client.indices.get(index=f"{names.prefix}-files-v*,{names.prefix}-pages-v*", expand_wildcards="open,closed")
    return sorted({names.version_of(index) for index in found})


def create_version(client: Elasticsearch, names: IndexNames, version: int, with_aliases: bool) -> None:
    for index, alias in ((names.files_index(version), names.files_alias), (names.pages_index(version), names.pages_alias)):
        aliases = {alias: {}} if with_aliases else None
        try:
            client.indices.create(index=index, aliases=aliases)
        except ApiError as error:
            # Another worker of the same batch created it first: that is the same index.
            if error.meta.status != 400 or "resource_already_exists" not in str(error):
                raise


def ensure_layout(client: Elasticsearch, names: IndexNames) -> None:
    """Templates installed; version 1 and its aliases created if nothing exists yet."""
    install_templates(client, names.prefix)
    if current_version(client, names) is None:
        create_version(client, names, 1, with_aliases=True)
        client.cluster.health(index=names.files_alias, wait_for_status="yellow", timeout="30s")


def unavailable(error: Exception, doing: str) -> IndexUnavailable:
    return IndexUnavailable(f"Elasticsearch {doing} failed: {type(error).__name__}: {error}")


# --- bulk ------------------------------------------------------------------------------------

Action = tuple[str, str, dict[str, Any] | None]  # (index or alias, document id, document; None deletes)


def _size(doc: dict[str, Any] | None) -> int:
    # A cheap estimate, not a second serialization: text and its folded copy, up to 3 bytes a
    # character in UTF-8, plus the small fields.
    return 6 * len((doc or {}).get("text") or "") + 512


def batches(actions: Iterable[Action], policy: BulkPolicy) -> Iterator[list[Action]]:
    batch: list[Action] = []
    size = 0
    for action in actions:
        action_size = _size(action[2])
        if batch and (len(batch) >= policy.max_docs or size + action_size > policy.max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(action)
        size += action_size
    if batch:
        yield batch


def send_batch(client: Elasticsearch, batch: list[Action], policy: BulkPolicy) -> dict[str, str]:
    """One bulk request, tried again with backoff while the cluster is unreachable or busy;
    items the cluster rejects for good (a mapping error) raise IndexUnavailable at once.
    Returns each document's result by id: created, updated, deleted or not_found."""
    results: dict[str, str] = {}
    pending = batch
    last_error = "no attempt"
    for attempt in range(policy.retries + 1):
        if attempt:
            time.sleep(policy.backoff_seconds * 2 ** (attempt - 1))
        operations: list[dict[str, Any]] = []
        for index, doc_id, doc in pending:
            if doc is None:
                operations.append({"delete": {"_index": index, "_id": doc_id}})
            else:
                operations += [{"index": {"_index": index, "_id": doc_id}}, doc]
        try:
            response = client.bulk(operations=operations)
        except ApiError as error:
            if error.meta.status not in RETRYABLE_STATUS:
                raise unavailable(error, "bulk indexing") from error
            last_error = f"{error.meta.status}: {error}"
            continue
        except TransportError as error:  # connection refused, reset, timed out
            last_error = f"{type(error).__name__}: {error}"
            continue
        retry: list[Action] = []
        for action, item in zip(pending, response["items"]):
            result = item.get("index") or item["delete"]
            status = result.get("status", 500)
            if status < 300 or (status == 404 and "delete" in item):
                results[action[1]] = result.get("result", "")
                continue
            if status in RETRYABLE_STATUS:
                retry.append(action)
            else:
                raise IndexUnavailable(f"Elasticsearch rejected document {action[1]}: {result.get('error')}")
        if not retry:
            return results
        pending = retry
        last_error = f"{len(retry)} documents refused as busy"
    raise IndexUnavailable(f"Elasticsearch bulk indexing failed after {policy.retries + 1} tries: {last_error}")


# --- the index -------------------------------------------------------------------------------


class ElasticsearchIndex:
    """The Index protocol over Elasticsearch. Cheap to construct: nothing is sent until first
    use, so a server that is down surfaces as IndexUnavailable from add/search, never here."""

    def __init__(
        self,
        settings: ElasticsearchSettings,
        policy: BulkPolicy = BulkPolicy(),
        client: Elasticsearch | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.names = IndexNames(settings.index_prefix)
        self.client = client or connect(settings)
        self._ready = False

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        try:
            ensure_layout(self.client, self.names)
        except (ApiError, TransportError) as error:
            raise unavailable(error, "setting up indices") from error
        self._ready = True

    # -- writing

    def add(self, record: RecordFile) -> None:
        """Indexes the record file and its pages under stable ids, then removes pages an earlier
        run indexed that this one no longer has (a file split differently)."""
        self._ensure_ready()
        pages = list(page_documents(record))
        actions: list[Action] = [(self.names.files_alias, record.file_id, file_document(record))]
        actions += [(self.names.pages_alias, doc_id, doc) for doc_id, doc in pages]
        results: dict[str, str] = {}
        for batch in batches(actions, self.policy):
            results |= send_batch(self.client, batch, self.policy)
        # The file document goes first: if it was only created now, no earlier run left pages.
        if results.get(record.file_id) != "created":
            self._delete_stale_pages(record.file_id, {doc_id for doc_id, _ in pages})

    def _delete_stale_pages(self, file_id: str, keep: set[str]) -> None:
        # By id, with scroll and bulk: _delete_by_query lives in a module the plain
        # integ-test-zip distribution does not have.
        try:
            self.client.indices.refresh(index=self.names.pages_alias)
            hits = helpers.scan(self.client, index=self.names.pages_alias, _source=False, size=1000,
                                query={"query": {"term": {"file_id": file_id}}})
            stale: list[Action] = [(hit["_index"], hit["_id"], None) for hit in hits if hit["_id"] not in keep]
        except (ApiError, TransportError) as error:
            raise unavailable(error, "finding stale pages") from error
        for batch in batches(stale, self.policy):
            send_batch(self.client, batch, self.policy)

    def refresh(self) -> None:
        """Makes everything added so far searchable now rather than within a second."""
        self._ensure_ready()
        try:
            self.client.indices.refresh(index=f"{self.names.files_alias},{self.names.pages_alias}")
        except (ApiError, TransportError) as error:
            raise unavailable(error, "refresh") from error

    # -- reading

    def search(self, query: SearchQuery) -> SearchResult:
        words = search_clauses(query.text)
        if not words:
            return SearchResult()  # as the embedded index: no words, no hits
        self._ensure_ready()
        body = {
            "query": {"bool": {"must": words, "filter": filter_clauses(query)}},
            "highlight": {
                "pre_tags": ["[["],
                "post_tags": ["]]"],
                "fields": {
                    "text_folded": {
                        "type": "unified",
                        "fragment_size": SNIPPET_CHARS,
                        "number_of_fragments": 1,
                        "no_match_size": SNIPPET_CHARS,
                    }
                },
            },
            "_source": {"excludes": ["text_folded"]},
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
        }
        try:
            response = self.client.search(index=self.names.pages_alias, **body)
        except (ApiError, TransportError) as error:
            raise unavailable(error, "search") from error
        hits = [page_hit(hit) for hit in response["hits"]["hits"]]
        return SearchResult(hits=hits, total=response["hits"]["total"]["value"])

    def lookup(self, file_number: str) -> SearchHit | None:
        """Exact: the normalized file number (folded, no spaces), or the file_id itself."""
        self._ensure_ready()
        query = {"bool": {"should": [
            {"term": {"file_number_key": file_number_key(file_number)}},
            {"term": {"file_id": file_number.strip()}},
        ]}}
        try:
            response = self.client.search(index=self.names.files_alias, query=query, size=1)
        except (ApiError, TransportError) as error:
            raise unavailable(error, "lookup") from error
        hits = response["hits"]["hits"]
        return file_hit(hits[0]["_source"]) if hits else None

    def count(self) -> int:
        self._ensure_ready()
        try:
            return int(self.client.count(index=self.names.files_alias)["count"])
        except (ApiError, TransportError) as error:
            raise unavailable(error, "count") from error

    def reindex(self) -> ReindexReport:
        return reindex(self.settings, client=self.client, policy=self.policy)

    def close(self) -> None:
        # A refresh on the way out, so a `daftar search` right after a batch sees the batch.
        if self._ready:
            try:
                self.refresh()
            except IndexUnavailable:
                log.warning("could not refresh %s on close", self.names.prefix)
        self.client.close()


def search_clauses(text: str) -> list[dict[str, Any]]:
    """The user's words, folded: every word must match, and "quoted phrases" stay phrases,
    as in the embedded index."""
    clauses: list[dict[str, Any]] = []
    words: list[str] = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', fold(text, lower=False)):
        if phrase.strip():
            clauses.append({"match_phrase": {"text_folded": phrase}})
        elif word.strip('"'):
            words.append(word.strip('"'))
    if words:
        clauses.append({"match": {"text_folded": {"query": " ".join(words), "operator": "and"}}})
    return clauses


def filter_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for field_name, value in (("district", query.district), ("tehsil", query.tehsil),
                              ("record_type", query.record_type), ("languages", query.language)):
        if value:
            filters.append({"term": {field_name: value}})
    if query.year_from is not None or query.year_to is not None:
        bounds = {}
        if query.year_from is not None:
            bounds["gte"] = query.year_from
        if query.year_to is not None:
            bounds["lte"] = query.year_to
        filters.append({"range": {"year": bounds}})
    return filters


def page_hit(hit: dict[str, Any]) -> SearchHit:
    source = hit["_source"]
    fragments = hit.get("highlight", {}).get("text_folded") or [""]
    return SearchHit(
        file_id=source["file_id"],
        file_number=source["file_number"],
        district=source["district"],
        tehsil=source["tehsil"],
        page=source["page"],
        snippet=restore_snippet(fragments[0], source.get("text") or ""),
        title=source.get("title") or "",
        year=source.get("year"),
        record_type=source.get("record_type"),
        score=hit.get("_score") or 0.0,
    )


def file_hit(source: dict[str, Any]) -> SearchHit:
    return SearchHit(
        file_id=source["file_id"],
        file_number=source["file_number"],
        district=source["district"],
        tehsil=source["tehsil"],
        page=1,
        snippet="",
        title=source.get("title") or "",
        year=source.get("year"),
        record_type=source.get("record_type"),
    )


# --- reindex ---------------------------------------------------------------------------------


def reindex(
    settings: ElasticsearchSettings,
    client: Elasticsearch | None = None,
    policy: BulkPolicy = BulkPolicy(),
) -> ReindexReport:
    """Builds version n+1 of both indices from the project's current templates, copies every
    document into it (folding again, so a changed fold() applies), checks the counts, then
    swaps both aliases in one atomic call. The previous version is kept for a rollback; older
    ones are deleted. Run it when no batch is writing (flows/ serializes the two)."""
    started = time.monotonic()
    own_client = client is None
    client = client or connect(settings)
    names = IndexNames(settings.index_prefix)
    try:
        ensure_layout(client, names)
        previous = current_version(client, names)
        assert previous is not None  # ensure_layout created version 1
        version = max(existing_versions(client, names)) + 1
        create_version(client, names, version, with_aliases=False)
        files = copy_documents(client, names.files_alias, names.files_index(version), policy)
        pages = copy_documents(client, names.pages_alias, names.pages_index(version), policy)
        client.indices.refresh(index=f"{names.files_index(version)},{names.pages_index(version)}")
        check_copied(client, names.files_index(version), files)
        check_copied(client, names.pages_index(version), pages)
        swap_aliases(client, names, previous, version)
        drop_versions_before(client, names, previous)
    except (ApiError, TransportError) as error:
        raise unavailable(error, "reindex") from error
    finally:
        if own_client:
            client.close()
    return ReindexReport(previous, version, files, pages, time.monotonic() - started)


def copy_documents(client: Elasticsearch, source: str, target: str, policy: BulkPolicy) -> int:
    copied = 0
    documents = helpers.scan(client, index=source, query={"query": {"match_all": {}}}, size=1000,
                             _source_excludes=["text_folded"])
    actions = ((target, hit["_id"], refolded(hit["_source"])) for hit in documents)
    for batch in batches(actions, policy):
        send_batch(client, batch, policy)
        copied += len(batch)
    return copied


def check_copied(client: Elasticsearch, index: str, expected: int) -> None:
    found = int(client.count(index=index)["count"])
    if found != expected:
        raise IndexUnavailable(f"reindex copied {expected} documents into {index} but it holds {found}; aliases not swapped")


def swap_aliases(client: Elasticsearch, names: IndexNames, previous: int, version: int) -> None:
    """Both aliases move in one request: no moment where search finds nothing, or finds files
    in one version and pages in another."""
    client.indices.update_aliases(actions=[
        {"remove": {"index": names.files_index(previous), "alias": names.files_alias}},
        {"remove": {"index": names.pages_index(previous), "alias": names.pages_alias}},
        {"add": {"index": names.files_index(version), "alias": names.files_alias}},
        {"add": {"index": names.pages_index(version), "alias": names.pages_alias}},
    ])


def drop_versions_before(client: Elasticsearch, names: IndexNames, keep_from: int) -> None:
    for version in existing_versions(client, names):
        if version < keep_from:
            client.indices.delete(index=f"{names.files_index(version)},{names.pages_index(version)}",
                                  ignore_unavailable=True)
