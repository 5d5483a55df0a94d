"""Sending documents: batches bounded in documents and in bytes, one bulk request each, tried
again with backoff while the cluster is unreachable or busy; many batches on a few connections at
once, while the caller analyzes the next ones."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from elasticsearch import ApiError, Elasticsearch, TransportError

from domain.errors import IndexUnavailable

# Statuses worth another try: the cluster is busy or briefly without a master/shard.
RETRYABLE_STATUS = {429, 502, 503, 504}

Action = tuple[str, str, dict[str, Any] | None]  # (index or alias, document id, document; None deletes)
Group = TypeVar("Group")
Item = TypeVar("Item")


@dataclass(frozen=True)
class BulkPolicy:
    """How documents are sent. A batch is bounded both in documents and in bytes, so one
    enormous file never becomes one enormous request."""

    max_docs: int = 5_000
    max_bytes: int = 8_000_000  # as estimated by action_size; about half goes on the wire
    retries: int = 4
    backoff_seconds: float = 0.5  # doubled after each failed try: 0.5, 1, 2, 4 s
    connections: int = 2  # bulk requests in flight at once (see send_groups)


def unavailable(error: Exception, doing: str) -> IndexUnavailable:
    return IndexUnavailable(f"Elasticsearch {doing} failed: {type(error).__name__}: {error}")


def bounded(items: Iterable[Item], measure: Callable[[Item], tuple[int, int]], policy: BulkPolicy) -> Iterator[list[Item]]:
    """The items in order, in groups of at most `policy.max_docs` documents and `max_bytes` bytes
    (`measure` says an item's documents and bytes); an item larger than that travels alone."""
    group: list[Item] = []
    docs = size = 0
    for item in items:
        item_docs, item_size = measure(item)
        if group and (docs + item_docs > policy.max_docs or size + item_size > policy.max_bytes):
            yield group
            group, docs, size = [], 0, 0
        group.append(item)
        docs, size = docs + item_docs, size + item_size
    if group:
        yield group


def action_size(action: Action) -> int:
    # A cheap estimate, not a second serialization: text and its terms, up to 3 bytes a
    # character in UTF-8, plus the small fields.
    return 6 * len((action[2] or {}).get("text") or "") + 512


def batches(actions: Iterable[Action], policy: BulkPolicy) -> Iterator[list[Action]]:
    return bounded(actions, lambda action: (1, action_size(action)), policy)


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


def send_groups(client: Elasticsearch, groups: Iterable[tuple[Group, list[Action]]],
                policy: BulkPolicy) -> Iterator[tuple[Group, dict[str, str]]]:
    """Sends each group's actions (in batches, see send_batch) on `policy.connections` threads,
    and yields each group with its documents' results, in the order given, once it and every
    group before it are in. The next group is taken (and so analyzed by the caller) while those
    are sent. The first failure is raised; groups not yet yielded may be partly indexed, which is
    harmless, since ids are stable and the caller counts only what was yielded."""
    in_flight: deque[tuple[Group, Future[dict[str, str]]]] = deque()
    with ThreadPoolExecutor(max(1, policy.connections), thread_name_prefix="daftar-bulk") as pool:
        try:
            for group, actions in groups:
                in_flight.append((group, pool.submit(_send_all, client, actions, policy)))
                if len(in_flight) > policy.connections:
                    done, future = in_flight.popleft()
                    yield done, future.result()
            while in_flight:
                done, future = in_flight.popleft()
                yield done, future.result()
        finally:
            for _, future in in_flight:
                future.cancel()


def _send_all(client: Elasticsearch, actions: list[Action], policy: BulkPolicy) -> dict[str, str]:
    results: dict[str, str] = {}
    for batch in batches(actions, policy):
        results |= send_batch(client, batch, policy)
    return results
