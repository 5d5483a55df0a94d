"""The stores one request needs, opened once per worker thread.

FastAPI runs plain `def` routes on a thread pool; a store's connection (SQLite, or PostgreSQL when
DAFTAR_DATABASE_URL is set) belongs to one thread, so each thread keeps its own catalog, user
store, audit log and e-Office links. The search index is
shared: both backends are safe to call from several threads.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import Request

from domain.config import Settings
from indexers import Index, open_index
from store.audit import AuditLog
from store.catalog import Catalog
from store.eoffice import EOfficeLinks
from store.users import UserStore


class Stores:
    def __init__(self, home: Path, settings: Settings):
        self.home = home
        self.settings = settings
        self._local = threading.local()
        self._index: Index | None = None
        self._index_lock = threading.Lock()

    def _get(self, name: str, opener):
        store = getattr(self._local, name, None)
        if store is None:
            store = opener()
            setattr(self._local, name, store)
        return store

    def catalog(self) -> Catalog:
        return self._get("catalog", lambda: Catalog.open(self.home))

    def users(self) -> UserStore:
        return self._get("users", lambda: UserStore.open(self.home))

    def audit(self) -> AuditLog:
        return self._get("audit", lambda: AuditLog.open(self.home))

    def eoffice(self) -> EOfficeLinks:
        return self._get("eoffice", lambda: EOfficeLinks(self.home))

    def index(self) -> Index:
        """Opened on first use, so the pages still serve files by number when the index is down."""
        with self._index_lock:
            if self._index is None:
                self._index = open_index(self.home, self.settings)
            return self._index

    def close(self) -> None:
        """Close the shared index (thread-local connections close with their threads)."""
        with self._index_lock:
            if self._index is not None:
                self._index.close()
                self._index = None


def stores_of(request: Request) -> Stores:
    """The stores of the app serving `request` (set by `web.app.create_app`)."""
    return request.app.state.stores
