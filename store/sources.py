"""The catalog's sources: what happened to every file of the inbox (a row of `sources`): waiting,
done or quarantined, with the reason, and how often a waiting one has failed the same way.
`store.catalog.Catalog` has these methods; this module only keeps them apart from record files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from domain.config import name_key
from domain.model import SourceFile, Stack
from domain.text import printable_name
from store.database import Database, replace_row, transaction

# How many runs in a row a waiting source failed the same way (`Catalog.mark_failed`).
SOURCE_FAILURES = """
ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN failure TEXT;
"""

# A re-scan for a quarantined source (`daftar requeue`): once the night has done the re-scan, the
# quarantined source is closed (`replaced_by`) and counted once, as its re-scan.
RESCANS = """
ALTER TABLE sources ADD COLUMN replaced_by TEXT;
CREATE TABLE replacements (
    path TEXT PRIMARY KEY,          -- the re-scan, in the inbox
    replaces TEXT NOT NULL UNIQUE,  -- the quarantined source it replaces
    user TEXT NOT NULL,
    at TEXT NOT NULL,               -- ISO timestamp, UTC
    reason TEXT NOT NULL
);
"""

# The stack of a source found where no batch holds it (a file at the wrong depth of the inbox),
# and of any other entry no stack reads (a link, a hidden or special file, a name refused).
MISPLACED = "(wrong depth)"
NOT_READ = "(not read)"


@dataclass(frozen=True)
class SourceState:
    """A scanner file as the catalog knows it (a row of `sources`)."""

    path: str
    district: str
    tehsil: str
    batch: str
    stack: str
    sha256: str | None
    size: int | None
    state: str
    reason: str | None
    updated_at: str
    failures: int = 0  # runs in a row it failed the same way, while it waits
    failure: str | None = None  # how it failed (the error's type)
    replaced_by: str | None = None  # a quarantined source closed by this re-scan (its path)


@dataclass(frozen=True)
class Replacement:
    """A re-scan asked for: the file in the inbox that replaces a quarantined source."""

    path: str
    replaces: str
    user: str
    at: str
    reason: str


def _key(path: Path) -> str:
    """A source's row: its path, readable (a name that is not UTF-8 cannot be stored as it is)."""
    return printable_name(str(path))


class SourceStates:
    """The source-state methods of the catalog, over its connection."""

    db: Database

    def source(self, path: Path) -> SourceState | None:
        row = self.db.execute("SELECT * FROM sources WHERE path = ?", (_key(path),)).fetchone()
        return SourceState(**dict(row)) if row else None

    def is_settled(self, stack: Stack) -> bool:
        """True when every source of the stack is already done or quarantined with this content:
        a rerun has nothing to do for it."""
        for source in stack.sources:
            known = self.source(source.path)
            if known is None or known.sha256 != source.sha256 or known.state not in ("done", "quarantined"):
                return False
        return True

    def mark_sources(self, stack: Stack, sources: Iterable[SourceFile], state: str, reason: str | None, when: dt.datetime) -> None:
        with transaction(self.db) as db:
            for source in sources:
                replace_row(db, "sources", "path", _row(stack, source, state, reason, when))
                if state == "done":
                    _close_replaced(db, _key(source.path))

    def mark_failed(self, stack: Stack, failure: str, reason: str, when: dt.datetime) -> int:
        """The stack's sources wait after a failure of ours; returns how many runs in a row the
        stack has now failed this same way (`failure`: the error's type)."""
        runs = []
        with transaction(self.db) as db:
            for source in stack.sources:
                row = db.execute("SELECT state, sha256, failures, failure FROM sources WHERE path = ?", (_key(source.path),)).fetchone()
                same = row is not None and row["state"] == "waiting" and row["failure"] == failure and row["sha256"] == source.sha256
                runs.append(row["failures"] + 1 if same else 1)
                replace_row(db, "sources", "path",
                            {**_row(stack, source, "waiting", reason, when), "failures": runs[-1], "failure": failure})
        return min(runs, default=0)

    def mark_unread(self, district: str, tehsil: str, batch: str, path: Path, reason: str, when: dt.datetime,
                    quarantined: bool = False) -> bool:
        """An entry of the inbox no stack reads: it waits (its reason renewed each run), or is
        quarantined. Returns whether this is news: not already quarantined for this reason."""
        if quarantined:
            known = self.source(path)
            if known is not None and known.state == "quarantined" and known.reason == reason:
                return False
            row = {"path": _key(path), "district": district, "tehsil": tehsil, "batch": batch, "stack": NOT_READ,
                   "state": "quarantined", "reason": reason, "updated_at": when.isoformat(timespec="seconds")}
            with transaction(self.db) as db:
                replace_row(db, "sources", "path", row)
            return True
        self.mark_waiting(district, tehsil, batch, NOT_READ, path, reason, when)
        return True

    def mark_waiting(self, district: str, tehsil: str, batch: str, stack: str, path: Path, reason: str, when: dt.datetime) -> None:
        """A source still being copied in. Never overwrites a finished source's state."""
        self.db.execute(
            "INSERT INTO sources (path, district, tehsil, batch, stack, state, reason, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at "
            "WHERE sources.state = 'waiting'",
            (_key(path), district, tehsil, batch, stack, reason, when.isoformat(timespec="seconds")),
        )

    def forget_misplaced(self, inbox: Path) -> None:
        """Drop the waiting rows of entries once found under `inbox` that no stack reads (stack
        MISPLACED or NOT_READ): the night records again those still there, and a file moved to
        its place is then counted once, where it now is."""
        prefix = _key(inbox).rstrip("/") + "/"
        self.db.execute("DELETE FROM sources WHERE state = 'waiting' AND stack IN (?, ?) AND substr(path, 1, ?) = ?",
                        (MISPLACED, NOT_READ, len(prefix), prefix))

    def open_quarantine(self, district: str | None = None, tehsil: str | None = None) -> list[SourceState]:
        """Quarantined sources no re-scan has closed yet (of one tehsil, or all), by path."""
        rows = self.db.execute("SELECT * FROM sources WHERE state = 'quarantined' AND replaced_by IS NULL ORDER BY path")
        return [state for state in (SourceState(**dict(row)) for row in rows)
                if (district is None or name_key(state.district) == name_key(district))
                and (tehsil is None or name_key(state.tehsil) == name_key(tehsil))]

    def replace_source(self, replaces: str, path: Path, user: str, reason: str, when: dt.datetime) -> bool:
        """Note that `path` (in the inbox) is the re-scan of the quarantined source `replaces`, in
        place of any re-scan asked for it before; returns whether that closed it already (the re-scan
        was done before it was named)."""
        with transaction(self.db) as db:
            db.execute("DELETE FROM replacements WHERE replaces = ? OR path = ?", (replaces, _key(path)))
            db.execute("INSERT INTO replacements VALUES (?, ?, ?, ?, ?)",
                       (_key(path), replaces, user, when.isoformat(timespec="seconds"), reason))
            row = db.execute("SELECT state FROM sources WHERE path = ?", (_key(path),)).fetchone()
            if row is not None and row["state"] == "done":
                _close_replaced(db, _key(path))
                return True
        return False

    def replacement_for(self, replaces: str) -> Replacement | None:
        row = self.db.execute("SELECT * FROM replacements WHERE replaces = ?", (replaces,)).fetchone()
        return Replacement(**dict(row)) if row else None

    def replacement_by(self, path: Path) -> Replacement | None:
        """The re-scan asked for with this file of the inbox, if any."""
        row = self.db.execute("SELECT * FROM replacements WHERE path = ?", (_key(path),)).fetchone()
        return Replacement(**dict(row)) if row else None


def _row(stack: Stack, source: SourceFile, state: str, reason: str | None, when: dt.datetime) -> dict[str, object]:
    """A source's row of `sources` (no failures counted, no re-scan closing it)."""
    batch = stack.batch
    return {"path": _key(source.path), "district": batch.district, "tehsil": batch.tehsil, "batch": batch.name,
            "stack": stack.name, "sha256": source.sha256 or None, "size": source.size, "state": state, "reason": reason,
            "updated_at": when.isoformat(timespec="seconds")}


def _close_replaced(db: Database, rescan: str) -> None:
    """The quarantined source a re-scan just done replaces is closed by it."""
    db.execute("UPDATE sources SET replaced_by = ? WHERE state = 'quarantined' AND "
               "path = (SELECT replaces FROM replacements WHERE path = ?)", (rescan, rescan))
