"""ElasticsearchIndex: the Index protocol over the aliases the layout keeps, and the query
clauses that make its searches find what the embedded index finds."""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from domain.config import ElasticsearchSettings
from domain.errors import IndexUnavailable
from domain.model import RecordFile
from indexers.analysis import (
    FUZZY_PREFIX,
    MAX_EXPANSIONS,
    Clause,
    Matcher,
    matcher,
    parse_query,
    tolerance,
    tolerant_words,
    widened_words,
    widening,
)
from indexers.base import SearchHit, SearchQuery, SearchResult, Visibility
from indexers.elasticsearch.bulk import Action, BulkPolicy, batches, send_batch, unavailable
from indexers.elasticsearch.documents import file_document, file_number_key, page_documents
from indexers.elasticsearch.layout import IndexNames, ReindexReport, check_schema, connect, ensure_layout, reindex
from indexers.snippets import snippet

log = logging.getLogger(__name__)

# Record files counted exactly up to this many matches of one search (the cardinality
# aggregation's most exact setting); beyond it the count is an estimate within a few percent.
FILE_COUNT_EXACT_UP_TO = 40_000
AS_TYPED_FIRST = 1_000.0  # BM25 of one term stays under ~30 (idf at most ln of the page count, times k1 + 1)


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
            check_schema(self.client, self.names)
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
            self._delete_stale(self.names.pages_alias, record.file_id, {doc_id for doc_id, _ in pages})

    def remove(self, file_id: str) -> None:
        self._ensure_ready()
        self._delete_stale(self.names.pages_alias, file_id, set())
        self._delete_stale(self.names.files_alias, file_id, set())

    def _delete_stale(self, alias: str, file_id: str, keep: set[str]) -> None:
        """Delete the record file's documents under `alias` but those in `keep`. By id, with scroll
        and bulk: _delete_by_query lives in a module the plain integ-test-zip distribution does not have."""
        try:
            self.client.indices.refresh(index=alias)
            hits = helpers.scan(self.client, index=alias, _source=False, size=1000,
                                query={"query": {"term": {"file_id": file_id}}})
            stale: list[Action] = [(hit["_index"], hit["_id"], None) for hit in hits if hit["_id"] not in keep]
        except (ApiError, TransportError) as error:
            raise unavailable(error, "finding stale documents") from error
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
        clauses = parse_query(query.text)
        if not clauses:
            return SearchResult()  # as the embedded index: no words, no hits
        self._ensure_ready()
        tolerant = tolerant_words(clauses, self._held)
        widened = [clause for clause in clauses if clause.typed in widened_words(clauses, tolerant)]
        # Close matches only (per widened word): pages where it matched, but not as typed.
        close_only = {f"close{n}": {"filter": {"bool": {"must_not": [{"term": {"terms": clause.terms[0]}}]}}}
                      for n, clause in enumerate(widened)}
        body = {
            "query": {"bool": {"must": [clause_query(c, c.typed in tolerant, c in widened) for c in clauses],
                               "should": as_typed_first(widened), "filter": filter_clauses(query)}},
            "aggs": {"files": {"cardinality": {"field": "file_id", "precision_threshold": FILE_COUNT_EXACT_UP_TO}},
                     **close_only},
            "_source": {"excludes": ["terms"]},
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
        }
        response = self._search(body, "search")
        shown_close = {clause.typed for n, clause in enumerate(widened) if response["aggregations"][f"close{n}"]["doc_count"]}
        marks = matcher(clauses, tolerant, shown_close)
        hits = [page_hit(hit, marks) for hit in response["hits"]["hits"]]
        files = int(response["aggregations"]["files"]["value"])
        return SearchResult(hits=hits, total=response["hits"]["total"]["value"], files=files,
                            files_estimated=files > FILE_COUNT_EXACT_UP_TO, close_matches=tuple(sorted(tolerant)),
                            also_close=tuple(sorted(shown_close)))

    def _held(self, query_terms: list[str]) -> set[str]:
        """Which terms some page has: one request, a filter aggregation per term."""
        aggs = {f"t{n}": {"filter": {"term": {"terms": t}}} for n, t in enumerate(query_terms)}
        response = self._search({"size": 0, "aggs": aggs, "track_total_hits": False}, "term check")
        return {t for n, t in enumerate(query_terms) if response["aggregations"][f"t{n}"]["doc_count"]}

    def _search(self, body: dict[str, Any], doing: str) -> Any:
        try:
            return self.client.search(index=self.names.pages_alias, **body)
        except (ApiError, TransportError) as error:
            raise unavailable(error, doing) from error

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


def clause_query(clause: Clause, tolerant: bool, widened: bool = False) -> dict[str, Any]:
    """One word (a term), a phrase (terms in order), a tolerant word (close terms, as the
    embedded index finds them: same edits, same first letter, at most MAX_EXPANSIONS), or a
    widened word (the term, or a close term that adds nothing to the score)."""
    if tolerant:
        return fuzzy(clause.terms[0], tolerance(clause.terms[0]))
    if widened:
        close = {"constant_score": {"filter": fuzzy(clause.terms[0], widening(clause.terms[0])), "boost": 0}}
        return {"bool": {"should": [{"term": {"terms": clause.terms[0]}}, close], "minimum_should_match": 1}}
    if clause.is_word:
        return {"term": {"terms": clause.terms[0]}}
    return {"match_phrase": {"terms": " ".join(clause.terms)}}


def fuzzy(query_term: str, edits: int) -> dict[str, Any]:
    return {"fuzzy": {"terms": {"value": query_term, "fuzziness": edits, "prefix_length": FUZZY_PREFIX,
                                "max_expansions": MAX_EXPANSIONS, "transpositions": True}}}


def as_typed_first(widened: list[Clause]) -> list[dict[str, Any]]:
    """A score above any BM25 sum for pages with every widened word as typed, so pages matched
    closely come after them (as the embedded index puts them)."""
    if not widened:
        return []
    as_typed = [{"term": {"terms": clause.terms[0]}} for clause in widened]
    return [{"constant_score": {"filter": {"bool": {"filter": as_typed}}, "boost": AS_TYPED_FIRST}}]


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
    if query.visibility is not None and any(kinds for _, kinds in query.visibility.restricted):
        filters.append(visibility_clause(query.visibility))
    return filters


def visibility_clause(visibility: Visibility) -> dict[str, Any]:
    """Not restricted, or inside the user's places (see Visibility)."""
    hidden = [{"bool": {"filter": [{"term": {"district": district}}, {"terms": {"record_type": list(kinds)}}]}}
              for district, kinds in visibility.restricted if kinds]
    visible: list[dict[str, Any]] = [{"bool": {"must_not": hidden}}]
    if visibility.districts:
        visible.append({"terms": {"district": list(visibility.districts)}})
    visible += [{"bool": {"filter": [{"term": {"district": district}}, {"term": {"tehsil": tehsil}}]}}
                for district, tehsil in visibility.tehsils]
    return {"bool": {"should": visible, "minimum_should_match": 1}}


def page_hit(hit: dict[str, Any], marks: Matcher) -> SearchHit:
    source = hit["_source"]
    return SearchHit(
        file_id=source["file_id"],
        file_number=source["file_number"],
        district=source["district"],
        tehsil=source["tehsil"],
        page=source["page"],
        snippet=snippet(source.get("text") or "", marks),
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
