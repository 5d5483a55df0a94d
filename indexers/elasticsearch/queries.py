"""The request bodies of a search: the query clauses that make Elasticsearch find what the
embedded index finds, and the counts, exact up to COUNT_EXACT_UP_TO matching pages and estimated
beyond, as the embedded index counts them.

At state scale a common word matches most of a million pages. Scoring, counting and grouping
every match into files cost more than the search's whole budget, so a search is one `msearch` of
small requests that Elasticsearch runs side by side: which query words some page has (a word no
page has is then searched for again, approximately), the page of hits (top pages by score, none
counted), the count (the first COUNT_EXACT_UP_TO + 1 matches in index order, and the files they
belong to), the size of the index, and for each widened word whether some page matched it only
closely (the first such page answers). Past COUNT_EXACT_UP_TO matches, pages and files are scaled
up by how densely the counted matches lie among all pages: the last one counted sits at Lucene
document number D of N, so about N / (D + 1) times as many match in all. That needs the page
index to have one shard, which its template gives it (a tehsil archive is small for Elasticsearch).
"""

from __future__ import annotations

from typing import Any

from indexers.analysis import FUZZY_PREFIX, MAX_EXPANSIONS, Clause, tolerance, widening
from indexers.base import SearchQuery, Visibility

# Matching pages counted exactly, with their record files (the first ones in index order);
# beyond, both are estimated. Below Elasticsearch's max_result_window (10,000): the last one
# counted is read as a hit.
COUNT_EXACT_UP_TO = 5_000
AS_TYPED_FIRST = 1_000.0  # BM25 of one term stays under ~30 (idf at most ln of the page count, times k1 + 1)


def search_requests(query: SearchQuery, clauses: list[Clause], tolerant: set[str],
                    widened: list[Clause]) -> list[dict[str, Any]]:
    """The bodies of one search's msearch, in the order `counts` and `closely_matched` read them."""
    must = [clause_query(c, c.typed in tolerant, c in widened) for c in clauses]
    matching = {"bool": {"must": must, "filter": filter_clauses(query)}}
    hits = {"query": {"bool": {**matching["bool"], "should": as_typed_first(widened)}},
            "_source": {"excludes": ["terms"]}, "from": query.offset, "size": query.limit, "track_total_hits": False}
    counted = {"query": matching, "sort": ["_doc"], "from": COUNT_EXACT_UP_TO, "size": 1, "_source": False,
               "terminate_after": COUNT_EXACT_UP_TO + 1, "track_total_hits": COUNT_EXACT_UP_TO + 1,
               "aggs": {"files": {"cardinality": {"field": "file_id", "precision_threshold": COUNT_EXACT_UP_TO + 1}}}}
    everything = {"size": 0, "track_total_hits": True}
    # Per widened word: a page that matched, but not as typed (one is enough).
    close_only = [{"query": {"bool": {"must": [matching], "must_not": [{"term": {"terms": clause.terms[0]}}]}},
                   "size": 0, "terminate_after": 1, "track_total_hits": 1} for clause in widened]
    return [hits, counted, everything, *close_only]


def held_request(query_terms: list[str]) -> dict[str, Any]:
    """Which of the terms some page has: a filter aggregation per term (each counted from the
    term's document frequency, not by reading its pages)."""
    return {"size": 0, "track_total_hits": False,
            "aggs": {f"t{n}": {"filter": {"term": {"terms": term}}} for n, term in enumerate(query_terms)}}


def held_terms(query_terms: list[str], answer: dict[str, Any]) -> set[str]:
    return {term for n, term in enumerate(query_terms) if answer["aggregations"][f"t{n}"]["doc_count"]}


def counts(counted: dict[str, Any], everything: dict[str, Any]) -> tuple[int, int, bool]:
    """(pages, files, estimated) from the answers to the count and the index's size."""
    total = counted["hits"]["total"]
    files = int(counted["aggregations"]["files"]["value"])
    last = counted["hits"]["hits"]
    if total["value"] <= COUNT_EXACT_UP_TO or not last:
        return total["value"], files, False
    scale = everything["hits"]["total"]["value"] / (last[0]["sort"][0] + 1)
    return round((COUNT_EXACT_UP_TO + 1) * scale), round(files * scale), True


def closely_matched(widened: list[Clause], close_only: list[dict[str, Any]]) -> set[str]:
    """The widened words some page matched only closely."""
    return {clause.typed for clause, answer in zip(widened, close_only) if answer["hits"]["total"]["value"]}


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
