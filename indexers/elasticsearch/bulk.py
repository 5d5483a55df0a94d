"""Sending documents: batches bounded in documents and in bytes, one bulk request each, tried
again with backoff while the cluster is unreachable or busy."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from domain.errors import IndexUnavailable

# Statuses worth another try: the cluster is busy or briefly without a master/shard.
RETRYABLE_STATUS = {429, 502, 503, 504}

Action = tuple[str, str, dict[str, Any] | None]  # (index or alias, document id, document; None deletes)


@dataclass(frozen=True)
class BulkPolicy:
    """How documents are sent. A batch is bounded both in documents and in bytes, so one
    enormous file never becomes one enormous request."""

    max_docs: int = 500
    max_bytes: int = 8_000_000
    retries: int = 4
    backoff_seconds: float = 0.5  # doubled after each failed try: 0.5, 1, 2, 4 s


def unavailable(error: Exception, doing: str) -> IndexUnavailable:
    return IndexUnavailable(f"Elasticsearch {doing} failed: {type(error).__name__}: {error}")


def _size(doc: dict[str, Any] | None) -> int:
    # A cheap estimate, not a second serialization: text and its terms, up to 3 bytes a
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


def _operations(actions: list[Action]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for index, doc_id, doc in actions:
        if doc is None:
            operations.append({"delete": {"_index": index, "_id": doc_id}})
        else:
            operations += [{"index": {"_index": index, "_id": doc_id}}, doc]
    return operations


def _settle(pending: list[Action], items: list[dict[str, Any]], results: dict[str, str]) -> list[Action]:
    """Records each item's result; returns the actions refused as busy. A delete of a document
    already gone counts as done; any other refusal is for good and raised."""
    retry: list[Action] = []
    for action, item in zip(pending, items):
        result = item.get("index") or item["delete"]
        status = result.get("status", 500)
        if status < 300 or (status == 404 and "delete" in item):
            results[action[1]] = result.get("result", "")
        elif status in RETRYABLE_STATUS:
            retry.append(action)
        else:
            raise IndexUnavailable(f"Elasticsearch rejected document {action[1]}: {result.get('error')}")
    return retry


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
        try:
            response = client.bulk(operations=_operations(pending))
        except ApiError as error:
            if error.meta.status not in RETRYABLE_STATUS:
                raise unavailable(error, "bulk indexing") from error
            last_error = f"{error.meta.status}: {error}"
            continue
        except TransportError as error:  # connection refused, reset, timed out
            last_error = f"{type(error).__name__}: {error}"
            continue
        pending = _settle(pending, response["items"], results)
        if not pending:
            return results
        last_error = f"{len(pending)} documents refused as busy"
    raise IndexUnavailable(f"Elasticsearch bulk indexing failed after {policy.retries + 1} tries: {last_error}")
