"""ElasticsearchIndex: the Index protocol over the aliases the layout keeps: writing many files
to a bulk request, searching with the requests of `queries`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from domain.config import ElasticsearchSettings
from domain.errors import IndexUnavailable
from domain.model import RecordFile
from indexers.analysis import Matcher, matcher, parse_query, tolerant_words, widened_words
from indexers.base import IndexHealth, SearchHit, SearchQuery, SearchResult
from indexers.elasticsearch.bulk import Action, BulkPolicy, action_size, batches, bounded, send_batch, send_groups, unavailable
from indexers.elasticsearch.documents import file_document, file_number_key, page_documents
from indexers.elasticsearch.layout import IndexNames, ReindexReport, check_schema, connect, ensure_layout, reindex
from indexers.elasticsearch.queries import closely_matched, counts, held_request, held_terms, search_requests
from indexers.snippets import snippet

log = logging.getLogger(__name__)

Planned = tuple[RecordFile, set[str], list[Action]]  # a record file, the page ids it has, what to send for it


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
        for _ in self.add_all([record]):
            pass

    def add_all(self, records: Iterable[RecordFile]) -> Iterator[RecordFile]:
        """Indexes the record files and their pages under stable ids, many files to a bulk request
        and a few requests at once (BulkPolicy), and yields each file, in the order given, once
        everything of it is in. Pages an earlier run indexed that a file no longer has (a file
        split differently) are removed before it is yielded."""
        self._ensure_ready()
        groups = ((group, [action for _, _, actions in group for action in actions])
                  for group in bounded(map(self._planned, records), _measure, self.policy))
        for group, results in send_groups(self.client, groups, self.policy):
            # Each file document goes before its pages: if it was only created now, no earlier run left pages.
            self._delete_stale({record.file_id: keep for record, keep, _ in group
                                if results.get(record.file_id) != "created"})
            yield from (record for record, _, _ in group)

    def _planned(self, record: RecordFile) -> Planned:
        pages = list(page_documents(record))
        actions: list[Action] = [(self.names.files_alias, record.file_id, file_document(record))]
        actions += [(self.names.pages_alias, doc_id, doc) for doc_id, doc in pages]
        return record, {doc_id for doc_id, _ in pages}, actions

    def remove(self, file_id: str) -> None:
        self._ensure_ready()
        self._delete_stale({file_id: set()})
        self._delete_stale({file_id: set()}, self.names.files_alias)

    def _delete_stale(self, keep: dict[str, set[str]], alias: str | None = None) -> None:
        """Delete the documents of these record files under `alias` (the pages' by default) but
        the ids each keeps. By id, with scroll and bulk: _delete_by_query lives in a module the
        plain integ-test-zip distribution does not have."""
        if not keep:
            return
        alias = alias or self.names.pages_alias
        try:
            self.client.indices.refresh(index=alias)
            hits = helpers.scan(self.client, index=alias, _source=["file_id"], size=1000,
                                query={"query": {"terms": {"file_id": sorted(keep)}}})
            stale: list[Action] = [(hit["_index"], hit["_id"], None) for hit in hits
                                   if hit["_id"] not in keep[hit["_source"]["file_id"]]]
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
        # Sent as if every word were on some page (the usual case), beside the check that says so;
        # a word on no page is then searched again, approximately.
        words = [clause.terms[0] for clause in clauses if clause.is_word]
        widened = [clause for clause in clauses if clause.typed in widened_words(clauses, set())]
        check, *answers = self._msearch([held_request(words), *search_requests(query, clauses, set(), widened)])
        held = held_terms(words, check)
        tolerant = tolerant_words(clauses, lambda _: held)
        if tolerant:
            widened = [clause for clause in clauses if clause.typed in widened_words(clauses, tolerant)]
            answers = self._msearch(search_requests(query, clauses, tolerant, widened))
        found, counted, everything, *close_only = answers
        total, files, estimated = counts(counted, everything)
        shown_close = closely_matched(widened, close_only)
        marks = matcher(clauses, tolerant, shown_close)
        hits = [page_hit(hit, marks) for hit in found["hits"]["hits"]]
        return SearchResult(hits=hits, total=total, files=files, files_estimated=estimated,
                            close_matches=tuple(sorted(tolerant)), also_close=tuple(sorted(shown_close)))

    def _msearch(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The answers to several searches of the pages, sent in one request and run side by side."""
        searches: list[dict[str, Any]] = []
        for body in bodies:
            searches += [{"index": self.names.pages_alias}, body]
        try:
            answers = self.client.msearch(searches=searches)["responses"]
        except (ApiError, TransportError) as error:
            raise unavailable(error, "search") from error
        for answer in answers:
            if "error" in answer:
                raise IndexUnavailable(f"Elasticsearch search failed: {answer.get('status')}: {answer['error']}")
        return answers

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

    def health(self) -> IndexHealth:
        """The cluster's status beside the count: red (a primary shard lost) fails, since pages on it
        cannot be found; yellow (a replica missing, as while a node is away) serves everything."""
        files = self.count()
        try:
            health = self.client.cluster.health()
        except (ApiError, TransportError) as error:
            raise unavailable(error, "cluster health") from error
        detail = (f"{files} record files; cluster {health['cluster_name']} {health['status']}, "
                  f"{health['number_of_nodes']} node{'s' if health['number_of_nodes'] != 1 else ''}")
        if health["unassigned_shards"]:
            detail += f", {health['unassigned_shards']} shards unassigned"
        return IndexHealth(health["status"] != "red", detail)

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


def _measure(planned: Planned) -> tuple[int, int]:
    actions = planned[2]
    return len(actions), sum(map(action_size, actions))


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
