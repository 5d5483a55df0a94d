"""Leases on stacks, in the catalog: when the runs of a night on several workers share its stacks
(flows/batch.py), a run processes a stack only while it holds the stack's lease.

- **Taken atomically**: one statement takes a free lease, or one that lapsed; of two runs racing
  for a stack, one gets it, the other is told no.
- **Renewed** while the stack runs (`renew`, a few times a lease's length), so only a run that
  stopped renewing (its worker died, its machine stopped) loses it.
- **Expiring**: a lease not renewed for its length lapses, and another run of the night takes the
  stack over. Lapse times are the holders' clocks (seconds since the epoch), so the workers'
  clocks must agree to well within a lease's length (NTP).
- **Finished**: once a stack's outcome is recorded in the catalog, its lease is finished with the
  stack's lines of the morning report, for the other runs' reports; no run of that night takes
  it again. A later night may: a stack that failed for our own reasons is tried again then.

The SQL is that of SQLite and PostgreSQL alike (`?` placeholders, `ON CONFLICT` upsert), on the
connection `store.database` opened for the catalog; every change is one statement.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from domain.report import BatchReport, ReportLine

# The catalog's migration (store/catalog.py's MIGRATIONS).
LEASES = """
CREATE TABLE stack_leases (
    stack TEXT PRIMARY KEY,         -- <district>/<tehsil>/<batch>/<stack>@<digest of its sources' content>
    night TEXT NOT NULL,            -- the night that took it last (the night's start, ISO)
    holder TEXT,                    -- the run holding it (host:process:run); NULL once released
    expires_at DOUBLE PRECISION,    -- seconds since the epoch after which an unrenewed lease lapses
    finished_at TEXT,               -- ISO time its outcome was recorded; then its night never takes it again
    outcome TEXT,                   -- JSON: the stack's lines of the morning report
    takes INTEGER NOT NULL          -- times it was taken: more than once, a run died or let it go
);
"""

# Free (never taken, released, or lapsed while unfinished), or finished by an earlier night.
_TAKE = """
INSERT INTO stack_leases (stack, night, holder, expires_at, takes) VALUES (?, ?, ?, ?, 1)
ON CONFLICT (stack) DO UPDATE SET night = excluded.night, holder = excluded.holder, expires_at = excluded.expires_at,
    finished_at = NULL, outcome = NULL, takes = stack_leases.takes + 1
 WHERE (stack_leases.finished_at IS NULL AND (stack_leases.holder IS NULL OR stack_leases.expires_at < ?))
    OR (stack_leases.finished_at IS NOT NULL AND stack_leases.night <> excluded.night)
"""

_REPORT_LISTS = ("done", "flagged", "quarantined", "waiting")


@dataclass(frozen=True)
class Lease:
    """A stack's lease as the catalog holds it."""

    stack: str
    night: str
    holder: str | None
    expires_at: float | None
    finished: bool
    takes: int


class StackLeases:
    """The leases one run holds, as `holder`, each lasting `seconds` unless renewed.
    `clock` gives seconds since the epoch (the tests turn it)."""

    def __init__(self, db: Any, holder: str, seconds: float, clock: Callable[[], float] = time.time):
        self.db, self.holder, self.seconds, self.clock = db, holder, seconds, clock

    def take(self, stack: str, night: str) -> bool:
        """Take the stack's lease for `night`: True when this run holds it now."""
        now = self.clock()
        return self.db.execute(_TAKE, (stack, night, self.holder, now + self.seconds, now)).rowcount == 1

    def renew(self) -> int:
        """Push back the lapse of every unfinished lease this run holds; how many it holds."""
        return self.db.execute("UPDATE stack_leases SET expires_at = ? WHERE holder = ? AND finished_at IS NULL",
                               (self.clock() + self.seconds, self.holder)).rowcount

    def holds(self, stack: str) -> bool:
        """True while this run holds the stack's unfinished lease (no other run took it over)."""
        row = self.db.execute("SELECT COUNT(*) FROM stack_leases WHERE stack = ? AND holder = ? AND finished_at IS NULL",
                              (stack, self.holder)).fetchone()
        return row[0] == 1

    def finish(self, stack: str, outcome: BatchReport, when: str) -> bool:
        """The stack's outcome is recorded: its lease is finished with its lines of the report.
        False when this run no longer held it."""
        return self.db.execute(
            "UPDATE stack_leases SET finished_at = ?, outcome = ? WHERE stack = ? AND holder = ? AND finished_at IS NULL",
            (when, json.dumps(_outcome_json(outcome), ensure_ascii=False), stack, self.holder)).rowcount == 1

    def release(self, stack: str) -> None:
        """Give the stack up unfinished (the run is stopping): another run may take it at once."""
        self.db.execute("UPDATE stack_leases SET holder = NULL, expires_at = NULL "
                        "WHERE stack = ? AND holder = ? AND finished_at IS NULL", (stack, self.holder))

    def read(self, stacks: Iterable[str]) -> dict[str, Lease]:
        """The leases of these stacks that exist."""
        wanted = sorted(set(stacks))
        found: dict[str, Lease] = {}
        for start in range(0, len(wanted), 500):  # the engines cap the number of bound parameters
            chunk = wanted[start:start + 500]
            rows = self.db.execute("SELECT stack, night, holder, expires_at, finished_at, takes FROM stack_leases "
                                   f"WHERE stack IN ({', '.join('?' * len(chunk))})", chunk)
            for row in rows.fetchall():
                found[row[0]] = Lease(row[0], row[1], row[2], row[3], row[4] is not None, row[5])
        return found

    def outcome(self, stack: str) -> BatchReport:
        """The report lines a finished stack's lease was finished with."""
        row = self.db.execute("SELECT outcome FROM stack_leases WHERE stack = ?", (stack,)).fetchone()
        data = json.loads(row[0]) if row and row[0] else {}
        report = BatchReport(pages=data.get("pages", 0))
        for name in _REPORT_LISTS:
            getattr(report, name).extend(ReportLine(**line) for line in data.get(name, []))
        return report

    def lapsed(self, lease: Lease) -> bool:
        """True when another run may take this unfinished lease now."""
        return not lease.finished and (lease.holder is None or (lease.expires_at or 0) < self.clock())


def _outcome_json(report: BatchReport) -> dict:
    data = report.to_json()
    return {"pages": data["pages"], **{name: data[name] for name in _REPORT_LISTS}}
