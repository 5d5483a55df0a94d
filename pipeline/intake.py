"""Intake: find the night's batches in the inbox, group their files into stacks, fingerprint them.

Inbox layout: `<inbox>/<district>/<tehsil>/<batch>/`. Inside a batch, a stack is a subfolder of
page images, one multi-page TIFF or PDF, or all loose page images together. Files still being
copied in are left for the next run.
"""

from __future__ import annotations

import csv
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from domain.errors import UnreadableSource
from domain.model import Batch, SourceFile, Stack
from pipeline.pages import IMAGE_SUFFIXES, page_count

MANIFEST = "manifest.csv"
LOOSE_STACK = "_loose"


@dataclass(frozen=True)
class Waiting:
    """A stack left for the next run, and why."""

    batch: Batch
    stack: str
    paths: tuple[Path, ...]
    reason: str


@dataclass(frozen=True)
class ManifestEntry:
    source: str
    file_number: str = ""
    title: str = ""
    record_type: str = ""
    year: str = ""
    operator: str = ""


@dataclass(frozen=True)
class Misplaced:
    """A file at a depth where no batch holds it: it waits, with the reason, until it is moved.
    The place is what its folders say; a part they do not say is NO_PLACE."""

    path: Path
    district: str
    tehsil: str
    batch: str
    reason: str


NO_PLACE = "(none)"


def discover_batches(inbox: Path) -> list[Batch]:
    """Every `<district>/<tehsil>/<batch>` folder of the inbox, in a stable order."""
    batches = []
    for district in subfolders(inbox):
        for tehsil in subfolders(district):
            for batch in subfolders(tehsil):
                batches.append(Batch(district.name, tehsil.name, batch.name, batch))
    return batches


def misplaced_files(inbox: Path) -> list[Misplaced]:
    """Every file no batch holds: directly in the inbox, a district or a tehsil folder, or in a
    folder inside a stack folder (a batch copied one level too deep, whose stacks would otherwise
    run together as one)."""
    def misplaced(path: Path, district: str, tehsil: str, batch: str, where: str) -> Misplaced:
        return Misplaced(path, district, tehsil, batch,
                         f"at the wrong depth ({where}): scans go in {inbox}/<district>/<tehsil>/<batch>/")

    found = [misplaced(path, NO_PLACE, NO_PLACE, NO_PLACE, "directly in the inbox") for path in _visible_files(inbox)]
    for district in subfolders(inbox):
        found += [misplaced(path, district.name, NO_PLACE, NO_PLACE, "in a district folder") for path in _visible_files(district)]
        for tehsil in subfolders(district):
            found += [misplaced(path, district.name, tehsil.name, NO_PLACE, "in a tehsil folder, not in a batch folder")
                      for path in _visible_files(tehsil)]
            for batch in subfolders(tehsil):
                for stack in subfolders(batch):
                    found += [misplaced(path, district.name, tehsil.name, batch.name, f"in a folder inside the stack folder {stack.name}")
                              for path in _iter_files(stack) if path.parent != stack]
    return found


def subfolders(folder: Path) -> list[Path]:
    """The visible folders of `folder`, in name order."""
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def stack_paths(batch: Batch) -> dict[str, list[Path]]:
    """Stack name -> its files in page order. Anything not a scan type is its own stack, so it is
    quarantined with a reason instead of silently ignored."""
    stacks: dict[str, list[Path]] = {}
    loose: list[Path] = []
    for path in _visible_files(batch.path):
        if path.name == MANIFEST:
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES and path.suffix.lower() not in {".tif", ".tiff"}:
            loose.append(path)
        else:
            stacks[path.name] = [path]
    if loose:
        stacks[LOOSE_STACK] = loose
    for folder in subfolders(batch.path):
        files = _visible_files(folder)  # deeper files are misplaced (see misplaced_files)
        if files:
            stacks[folder.name] = files
    return stacks


def _iter_files(folder: Path) -> list[Path]:
    """Every visible file under `folder`, at any depth, outside hidden folders."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def unsettled(paths: list[Path], settle_seconds: float, now: float | None = None) -> str | None:
    """Why these files may still be growing, or None when they are safe to read."""
    now = time.time() if now is None else now
    for path in paths:
        age = now - path.stat().st_mtime
        if age < settle_seconds:
            return f"still being copied in ({path.name} changed {age:.0f}s ago, settle time {settle_seconds:.0f}s)"
    return None


def readable_pages(path: Path, max_bytes: int) -> int:
    """The pages of a source, after the checks made before it is read: within the size limit,
    and opening as a scan. Raises UnreadableSource with the quarantine reason."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableSource(f"file too large ({size} bytes, limit {max_bytes})")
    return page_count(path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path) -> SourceFile:
    size_before = path.stat().st_size
    digest = sha256(path)
    return SourceFile(path=path, sha256=digest, size=size_before)


def plan_batch(batch: Batch, settle_seconds: float) -> tuple[list[Stack], list[Waiting]]:
    """The stacks of a batch ready to process (fingerprinted), and those left waiting."""
    ready, waiting = [], []
    for name, paths in stack_paths(batch).items():
        reason = unsettled(paths, settle_seconds)
        if reason:
            waiting.append(Waiting(batch, name, tuple(paths), reason))
            continue
        sources = tuple(fingerprint(p) for p in paths)
        # A size change while hashing means the copy is still running: wait, never half-read.
        if any(p.stat().st_size != s.size for p, s in zip(paths, sources)):
            waiting.append(Waiting(batch, name, tuple(paths), "still being copied in (size changed while reading)"))
            continue
        ready.append(Stack(batch=batch, name=name, sources=sources))
    return ready, waiting


def read_manifest(batch: Batch) -> dict[str, ManifestEntry]:
    """`manifest.csv` of a batch, keyed by stack name (the `source` column: a folder or file name)."""
    path = batch.path / MANIFEST
    if not path.exists():
        return {}
    entries = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            if row.get("source"):
                known = {k: row.get(k, "") for k in ManifestEntry.__dataclass_fields__}
                entries[row["source"]] = ManifestEntry(**known)
    return entries
