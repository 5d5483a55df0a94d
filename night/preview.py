"""What tonight's run will do, found without doing it (`daftar check`): the batches and stacks it
will process and their pages, what it will skip, leave waiting or quarantine, the districts and
tehsils it will run with default settings, and the folder names it will take for one tehsil.

Nothing is written anywhere: the catalog is only read, and cheaply. Pages are counted from file
headers; a stack counts as done when the catalog finished every one of its files at the same
path and size (the run itself compares SHA-256 fingerprints).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from domain.config import District, Settings, name_key
from domain.config_files import ConfigProblem
from domain.errors import UnreadableSource
from domain.model import Batch
from pipeline.intake import Unread, discover_batches, readable_pages, stack_paths, subfolders, unread_entries, unsettled
from store.catalog import Catalog

StackState = Literal["new", "done", "settling"]


@dataclass(frozen=True)
class StackPreview:
    """One stack as tonight's run will find it."""

    district: str
    tehsil: str
    batch: str
    name: str
    files: int
    state: StackState
    pages: int = 0  # counted for new stacks only
    detail: str = ""  # why it waits
    quarantine: tuple[tuple[str, str], ...] = ()  # (file in the batch, reason): what the run will quarantine


@dataclass(frozen=True)
class Unconfigured:
    """A district (tehsil None) or a tehsil of the inbox that no config names, and what it runs with."""

    district: str
    tehsil: str | None
    languages: list[str]
    file_number_patterns: list[str]
    note: str


@dataclass(frozen=True)
class Collision:
    """Folders spelt differently that the run takes for one district or tehsil."""

    level: Literal["district", "tehsil"]
    folders: tuple[str, ...]


@dataclass
class NightPreview:
    inbox: Path
    batches: list[Batch] = field(default_factory=list)
    stacks: list[StackPreview] = field(default_factory=list)
    unconfigured: list[Unconfigured] = field(default_factory=list)
    misplaced: list[Unread] = field(default_factory=list)  # every entry no stack reads, not only those at the wrong depth
    collisions: list[Collision] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)

    @property
    def can_run(self) -> bool:
        """Whether the night can run at all: a configuration with problems stops every command."""
        return not self.problems

    def count(self, state: StackState) -> int:
        return sum(1 for stack in self.stacks if stack.state == state)

    @property
    def pages(self) -> int:
        return sum(stack.pages for stack in self.stacks)

    def to_json(self) -> dict:
        return {
            "inbox": str(self.inbox), "can_run": self.can_run,
            "totals": {"batches": len(self.batches), "new_stacks": self.count("new"), "pages": self.pages,
                       "done_stacks": self.count("done"), "settling_stacks": self.count("settling"),
                       "to_quarantine": sum(len(stack.quarantine) for stack in self.stacks),
                       "wrong_depth": len(self.misplaced)},
            "stacks": [{**asdict(stack), "quarantine": [{"file": f, "reason": r} for f, r in stack.quarantine]}
                       for stack in self.stacks],
            "unconfigured": [asdict(place) for place in self.unconfigured],
            "wrong_depth": [{"path": item.what, "reason": item.reason} for item in self.misplaced],
            "collisions": [asdict(collision) for collision in self.collisions],
            "config_problems": [problem.to_json() for problem in self.problems],
        }


def preview_night(inbox: Path, home: Path, settings: Settings, problems: list[ConfigProblem]) -> NightPreview:
    """What `daftar run INBOX` would do now with these settings (and the configuration's problems)."""
    preview = NightPreview(Path(inbox), discover_batches(Path(inbox)), problems=list(problems))
    preview.misplaced = unread_entries(preview.inbox)
    catalog = Catalog.open_read_only(home)
    try:
        preview.stacks = [stack for batch in preview.batches for stack in _stacks(batch, settings, catalog)]
    finally:
        if catalog:
            catalog.close()
    preview.unconfigured = _unconfigured(preview.inbox, settings)
    preview.collisions = _collisions(preview.inbox)
    return preview


def _stacks(batch: Batch, settings: Settings, catalog: Catalog | None) -> list[StackPreview]:
    now = time.time()
    found = []
    for name, paths in stack_paths(batch).items():
        place = (batch.district, batch.tehsil, batch.name, name, len(paths))
        if reason := unsettled(paths, settings.intake.settle_seconds, now):
            found.append(StackPreview(*place, "settling", detail=reason))
        elif catalog and all(_finished(catalog, path) for path in paths):
            found.append(StackPreview(*place, "done"))
        else:
            pages, quarantine = 0, []
            for path in paths:
                try:
                    pages += readable_pages(path, settings.intake.max_source_bytes)
                except UnreadableSource as error:
                    quarantine.append((str(path.relative_to(batch.path)), str(error)))
            found.append(StackPreview(*place, "new", pages=pages, quarantine=tuple(quarantine)))
    return found


def _finished(catalog: Catalog, path: Path) -> bool:
    known = catalog.source(path)
    return known is not None and known.state in ("done", "quarantined") and known.size == path.stat().st_size


def _unconfigured(inbox: Path, settings: Settings) -> list[Unconfigured]:
    configured = {name_key(name) for name in settings.districts}
    found: list[Unconfigured] = []
    for district_folder, tehsil_folders in _places(inbox).items():
        district = settings.district(district_folder)
        if name_key(district_folder) not in configured:
            found.append(Unconfigured(district_folder, None, district.languages, [], _DEFAULTS_NOTE))
            continue
        planned = {name_key(tehsil.name) for tehsil in district.tehsils}
        found += [Unconfigured(district.name, tehsil, district.languages_for(tehsil), [p.name for p in district.file_number_patterns],
                               f"the district's settings; no target or deadline in {district.name}'s config")
                  for tehsil in tehsil_folders if name_key(tehsil) not in planned]
    return found


_DEFAULTS_NOTE = (f"defaults: languages {'+'.join(District(name='-').languages)}; no file-number patterns, so a cover barcode "
                  "is the number as written (flagged file-number-pattern-unconfigured) and a number only in the text is not "
                  "found; no target or deadline")


def _places(inbox: Path) -> dict[str, list[str]]:
    """District folder name -> its tehsil folder names, the first spelling of each key only."""
    places: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    tehsils: dict[str, set[str]] = defaultdict(set)
    for district in subfolders(inbox):
        first = seen.setdefault(name_key(district.name), district.name)
        places.setdefault(first, [])
        for tehsil in subfolders(district):
            if name_key(tehsil.name) not in tehsils[first]:
                tehsils[first].add(name_key(tehsil.name))
                places[first].append(tehsil.name)
    return places


def _collisions(inbox: Path) -> list[Collision]:
    districts: dict[str, list[Path]] = defaultdict(list)
    for folder in subfolders(inbox):
        districts[name_key(folder.name)].append(folder)
    found = [Collision("district", tuple(f.name for f in folders)) for folders in districts.values() if len(folders) > 1]
    for folders in districts.values():
        tehsils: dict[str, list[str]] = defaultdict(list)
        for district in folders:
            for tehsil in subfolders(district):
                tehsils[name_key(tehsil.name)].append(f"{district.name}/{tehsil.name}")
        found += [Collision("tehsil", tuple(names)) for names in tehsils.values() if len({n.split("/")[1] for n in names}) > 1]
    return found
