"""ElasticsearchIndex: the Index protocol over the aliases the layout keeps, and the query
clauses that make its searches find what the embedded index finds."""

from __future__ import annotations

import logging
import re
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from domain.config import ElasticsearchSettings
from domain.errors import IndexUnavailable
from domain.model import RecordFile
from domain.text import fold
from indexers.base import SearchHit, SearchQuery, SearchResult
from indexers.elasticsearch.bulk import Action, BulkPolicy, batches, send_batch, unavailable
from indexers.elasticsearch.documents import file_document, file_number_key, page_documents
from indexers.elasticsearch.layout import IndexNames, ReindexReport, connect, ensure_layout, reindex
from indexers.elasticsearch.snippets import SNIPPET_CHARS, restore_snippet

log = logging.getLogger(__name__)


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
