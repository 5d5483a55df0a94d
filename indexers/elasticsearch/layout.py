"""The client and the layout: templates kept as data, versioned indices behind two aliases, and
the reindex that builds the next version and swaps both aliases at once."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from domain.config import ElasticsearchSettings
from domain.errors import IndexUnavailable
from indexers.elasticsearch.bulk import BulkPolicy, batches, send_groups, unavailable
from indexers.elasticsearch.documents import refolded

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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



def connect(settings: ElasticsearchSettings, request_timeout: float = 60.0) -> Elasticsearch:
    """A client from settings: URL (or several nodes' URLs, comma-separated), then API key or
    user/password, then CA certificate. The client tries another node of the list only when one
    cannot be reached; BulkPolicy decides when a busy or unreachable cluster is tried again."""
    urls = [url.strip() for url in settings.url.split(",") if url.strip()]
    # A request that could not reach one node is sent to the next one (each node at most once).
    options: dict[str, Any] = {"request_timeout": request_timeout, "max_retries": len(urls) - 1,
                               "retry_on_status": (), "retry_on_timeout": False}
    if settings.api_key:
        options["api_key"] = settings.api_key
    elif settings.username:
        options["basic_auth"] = (settings.username, settings.password or "")
    if settings.ca_certs:
        options["ca_certs"] = settings.ca_certs
    return Elasticsearch(urls, **options)


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


def page_schema_version(mapping_meta: dict[str, Any] | None) -> int:
    """The layout version a page index's mapping says it has; 1 before versions were written."""
    return int((mapping_meta or {}).get("schema_version", 1))


def check_schema(client: Elasticsearch, names: IndexNames) -> None:
    """Refuses an index of an older layout: its documents lack the fields search matches on."""
    wanted = page_schema_version(load_templates(names.prefix)[0][f"{names.prefix}-page"]["template"]["mappings"]["_meta"])
    for index, body in client.indices.get_mapping(index=names.pages_alias).items():
        found = page_schema_version(body["mappings"].get("_meta"))
        if found < wanted:
            raise IndexUnavailable(f"Elasticsearch index {index} has layout {found}, this daftar needs {wanted}: "
                                   "run `daftar reindex` (documents wait in the catalog until then)")


def reindex(
    settings: ElasticsearchSettings,
    client: Elasticsearch | None = None,
    policy: BulkPolicy = BulkPolicy(),
) -> ReindexReport:
    """Builds version n+1 of both indices from the project's current templates, copies every
    document into it (analyzing again, so a changed analysis applies), checks the counts, then
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
                             _source_excludes=["terms", "text_folded"])
    actions = ((target, hit["_id"], refolded(hit["_source"])) for hit in documents)
    for batch, _ in send_groups(client, ((batch, batch) for batch in batches(actions, policy)), policy):
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
