"""Where searchable documents go. Only this package knows Elasticsearch."""

from __future__ import annotations

from pathlib import Path

from indexers.base import Index, IndexUnavailable, SearchHit, SearchQuery, SearchResult
from domain.config import Settings

__all__ = ["Index", "IndexUnavailable", "SearchHit", "SearchQuery", "SearchResult", "open_index"]


def open_index(home: Path, settings: Settings) -> Index:
    """The index the configuration chooses (DAFTAR_INDEX overrides it)."""
    if settings.index.backend == "elasticsearch":
        from indexers.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex(settings.index.elasticsearch)
    from indexers.embedded import EmbeddedIndex

    return EmbeddedIndex(home / "index.sqlite")
