"""Where searchable documents go. Only this package knows Elasticsearch."""

from __future__ import annotations

from pathlib import Path

from domain.config import Settings
from domain.errors import IndexUnavailable
from indexers.base import Index, IndexHealth, SearchHit, SearchQuery, SearchResult, Visibility

__all__ = ["Index", "IndexHealth", "IndexUnavailable", "SearchHit", "SearchQuery", "SearchResult", "Visibility", "open_index"]


def open_index(home: Path, settings: Settings) -> Index:
    """The index the configuration chooses (DAFTAR_INDEX overrides it)."""
    if settings.index.backend == "elasticsearch":
        # Imported here so the embedded default never loads the Elasticsearch client.
        from indexers.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(settings.index.elasticsearch)
    from indexers.embedded import EmbeddedIndex

    return EmbeddedIndex(home / "index.sqlite")
