"""The audit log: who viewed, downloaded or corrected which record file, and when.

Append-only, in `<home>/audit.sqlite` (its own file, so the busy log never holds a lock that the
catalog or the user store waits on; in PostgreSQL its own table and lock, `store.database`).
Refused attempts are written too (action `denied`): a record keeper probing another tehsil's
restricted files by URL shows up here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from store.database import open_store

# view: a record file's page or API record; page: one page's view or text; page-image: a page at
# full size; pdf: the archival PDF opened; download: the PDF saved; denied: refused, out of scope;
# correct, flag-clear, split, join, requeue, rescan-pages: a person's change after the night.
AuditAction = Literal["view", "page", "page-image", "pdf", "download", "denied", "correct", "flag-clear", "split",
                      "join", "requeue", "rescan-pages", "user-language"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,               -- ISO timestamp, UTC
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    file_number TEXT NOT NULL,
    file_id TEXT,
    page INTEGER,
    via TEXT NOT NULL,              -- web or api
    client TEXT                     -- the client's address
);
CREATE INDEX IF NOT EXISTS audit_file ON audit (file_number, at);
CREATE INDEX IF NOT EXISTS audit_user ON audit (user, at);
"""

# In order, never edited once released (see store.database).
MIGRATIONS = [SCHEMA]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    action: str
    file_number: str
    file_id: str | None
    page: int | None
    via: str
    client: str | None


class AuditLog:
    """A thin layer over `<home>/audit.sqlite`. One instance per thread."""

    def __init__(self, path: Path):
        # who saw what: readable by its owner only
        self.db = open_store(path, MIGRATIONS, private=True)

    @classmethod
    def open(cls, home: Path) -> "AuditLog":
        return cls(home / "audit.sqlite")

    def close(self) -> None:
        self.db.close()

    def record(
        self,
        user: str,
        action: AuditAction,
        file_number: str,
        file_id: str | None = None,
        page: int | None = None,
        via: str = "web",
        client: str | None = None,
        when: dt.datetime | None = None,
    ) -> None:
        when = when or dt.datetime.now(dt.timezone.utc)
        self.db.execute(
            "INSERT INTO audit (at, user, action, file_number, file_id, page, via, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (when.isoformat(timespec="seconds"), user, action, file_number, file_id, page, via, client),
        )

    def entries(self, file_number: str | None = None, user: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The newest entries first, optionally for one file or one user."""
        sql, args = "SELECT * FROM audit WHERE 1=1", []
        if file_number is not None:
            sql += " AND file_number = ?"
            args.append(file_number)
        if user is not None:
            sql += " AND user = ?"
            args.append(user)
        rows = self.db.execute(sql + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [AuditEntry(**dict(row)) for row in rows]


def audit_entries(home: Path, file_number: str | None = None, user: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """For the command line: the newest audit entries, optionally for one file or one user."""
    log = AuditLog.open(home)
    try:
        return log.entries(file_number, user, limit)
    finally:
        log.close()

