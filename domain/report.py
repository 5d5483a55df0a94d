"""The morning report: what the night did, and what the scanning team must fix."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportLine:
    district: str
    tehsil: str
    batch: str
    what: str  # file number, or source path
    detail: str  # pages and flags, or the reason


@dataclass
class BatchReport:
    done: list[ReportLine] = field(default_factory=list)
    flagged: list[ReportLine] = field(default_factory=list)
    quarantined: list[ReportLine] = field(default_factory=list)
    waiting: list[ReportLine] = field(default_factory=list)
    skipped_stacks: int = 0  # already done in an earlier run
    pages: int = 0
    index_pending: int = 0  # record files archived but not yet in the index
    index_error: str | None = None
    fixity: str | None = None  # the night's sample of the archive re-hashed: what it found
    damaged: list[ReportLine] = field(default_factory=list)  # archived files missing, changed or extra
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{len(self.done)} record files ({self.pages} pages) done, {len(self.flagged)} flagged for review, "
                f"{len(self.quarantined)} sources quarantined, {len(self.waiting)} waiting, "
                f"{self.skipped_stacks} stacks already done, {self.index_pending} waiting for the index "
                f"in {self.seconds:.0f}s" + (f"; archive check: {self.fixity}" if self.fixity else ""))

    def to_json(self) -> dict:
        def lines(items: list[ReportLine]) -> list[dict]:
            return [vars(item) for item in items]

        return {"done": lines(self.done), "flagged": lines(self.flagged), "quarantined": lines(self.quarantined),
                "waiting": lines(self.waiting), "skipped_stacks": self.skipped_stacks, "pages": self.pages,
                "index_pending": self.index_pending, "index_error": self.index_error, "fixity": self.fixity,
                "damaged": lines(self.damaged), "seconds": round(self.seconds, 1)}

    def markdown(self) -> str:
        """For the Prefect artifact. Values are escaped for the table: OCR and file names are data."""
        parts = [f"# Nightly batch report\n\n{self.summary()}\n"]
        for title, items in (("Damaged in the archive", self.damaged), ("Flagged for review", self.flagged), ("Quarantined", self.quarantined),
                             ("Waiting", self.waiting), ("Done", self.done)):
            if items:
                parts.append(f"\n## {title}\n\n| tehsil | batch | what | detail |\n|---|---|---|---|")
                parts += [f"| {_cell(i.district + '/' + i.tehsil)} | {_cell(i.batch)} | {_cell(i.what)} | {_cell(i.detail)} |" for i in items]
        if self.index_error:
            parts.append(f"\n**Index unavailable:** {_cell(self.index_error)}; documents wait and are indexed next run.")
        return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")
