"""The review queue of a tehsil: what the night left for a person, the oldest first. Every record
file with an open review flag (with the page the flag is about, to show beside what daftar read)
and every quarantined scan no re-scan has replaced yet. The same queue is behind `daftar review` and the web's /review pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.config import Settings, name_key
from store.catalog import Catalog, CatalogedFile
from store.sources import SourceState

_PAGE = re.compile(r"\bpages? (\d+)")


@dataclass(frozen=True)
class ReviewFile:
    """A flagged record file and the page to look at first."""

    file: CatalogedFile
    page: int


@dataclass(frozen=True)
class ReviewQueue:
    district: str
    tehsil: str
    files: list[ReviewFile]
    quarantined: list[SourceState]

    @property
    def size(self) -> int:
        return len(self.files) + len(self.quarantined)


def review_queue(catalog: Catalog, district: str, tehsil: str) -> ReviewQueue:
    """A tehsil's open flags and quarantined scans, each list the oldest first."""
    files = [ReviewFile(row, flagged_page(row)) for row in catalog.review_files(district, tehsil)]
    quarantined = sorted(catalog.open_quarantine(district, tehsil),  # but those a re-scan closed
                         key=lambda source: (source.updated_at, source.path))
    return ReviewQueue(district, tehsil, files, quarantined)


def flagged_page(row: CatalogedFile) -> int:
    """The first page a flag names (`low-ocr-confidence: pages 2, 3` names page 2), else page 1."""
    pages = [int(match.group(1)) for flag in row.flags for match in [_PAGE.search(flag)] if match]
    return min([page for page in pages if 1 <= page <= row.pages] or [1])


def review_places(catalog: Catalog, settings: Settings) -> list[tuple[str, str]]:
    """Every (district, tehsil) configured or holding record files or sources, each once by its key."""
    places: dict[tuple[str, str], tuple[str, str]] = {}
    found = [(d.name, t.name) for d in settings.districts.values() for t in d.tehsils]
    found += [(district, tehsil) for district, tehsil, _ in catalog.places()]
    found += [(source.district, source.tehsil) for source in catalog.open_quarantine()]
    for district, tehsil in found:
        places.setdefault((name_key(district), name_key(tehsil)), (district, tehsil))
    return sorted(places.values())
