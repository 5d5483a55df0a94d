"""Intake: find the night's batches in the inbox, group their files into stacks, fingerprint them.

Inbox layout: `<inbox>/<district>/<tehsil>/<batch>/`. Inside a batch, a stack is a subfolder of
page images, one multi-page TIFF or PDF, or all loose page images together. Files still being
copied in are left for the next run. Links are never followed; every entry no stack reads (at the
wrong depth, hidden, a link, a FIFO, a name that is not UTF-8 or too long) is an `Unread` with its reason.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from domain.errors import UnreadableSource
from domain.model import Batch, SourceFile, Stack
from domain.text import printable_name
from domain.translatable import N_, Said
from pipeline.pages import IMAGE_SUFFIXES, UNREADABLE, page_count

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
    """A manifest row: what the team typed for one stack (`source`, a file or folder of the batch).
    `replaces` names the quarantined scan this stack is the re-scan of (its path as in its batch,
    `2026-11-21/scan_0003.tif`, or the end of it), as `daftar requeue` would."""

    source: str
    file_number: str = ""
    title: str = ""
    record_type: str = ""
    year: str = ""
    operator: str = ""
    replaces: str = ""


@dataclass(frozen=True)
class Unread:
    """An entry of the inbox that is not read as a scan, and why. It waits until it is moved or
    renamed (a file at the wrong depth, a hidden file, a FIFO or device, a folder named `_loose`),
    or is quarantined (a link, a name that is not UTF-8 or too long). The place is what its
    folders say; a part they do not say is NO_PLACE. `what` is its path below the inbox, readable."""

    path: Path
    what: str
    district: str
    tehsil: str
    batch: str
    reason: str
    quarantine: bool = False


NO_PLACE = "(none)"
# Longest name read (bytes of UTF-8): daftar adds suffixes to names in the archive, quarantine and
# work folders, and the file system allows 255.
MAX_NAME_BYTES = 150
# Why an entry of the inbox is quarantined, beside why a source cannot be read (`pipeline.pages`):
# the quarantine reasons the web pages say in their reader's language.
TOO_BIG = N_("file too large (%(size)d bytes, limit %(most)d)")
NOT_UTF8 = N_("the name is not valid UTF-8 (shown as %(name)s): rename it")
NAME_TOO_LONG = N_("the name is too long (%(size)d bytes, at most %(most)d): rename it shorter")
LINK = N_("a symbolic link: links are not followed; put the file itself in the batch")
DANGLING_LINK = N_("a symbolic link (dangling): links are not followed; put the file itself in the batch")
IN_REFUSED_FOLDER = N_("in the folder %(folder)s: %(reason)s")
MANIFEST_TOO_BIG = N_("manifest not read: %(size)d bytes, over %(most)d")
MANIFEST_NOT_UTF8 = N_("manifest not read: it is not UTF-8 text; save it as CSV in UTF-8")
MANIFEST_NOT_CSV = N_("manifest not read: not a readable CSV file (%(detail)s)")
# Why the night quarantines a stack it could read (night.run, night.stack).
OCR_FAILED = N_("OCR failed: %(detail)s")
PARTLY_READ = N_("%(error)s (no page of it kept: a source is archived whole or not at all)")
QUARANTINE_REASONS = (*UNREADABLE, TOO_BIG, NOT_UTF8, NAME_TOO_LONG, LINK, DANGLING_LINK, IN_REFUSED_FOLDER,
                      MANIFEST_TOO_BIG, MANIFEST_NOT_UTF8, MANIFEST_NOT_CSV, OCR_FAILED, PARTLY_READ)
_WHERE = ("directly in the inbox", "in a district folder", "in a tehsil folder, not in a batch folder")


def discover_batches(inbox: Path) -> list[Batch]:
    """Every `<district>/<tehsil>/<batch>` folder of the inbox, in a stable order."""
    batches = []
    for district in subfolders(inbox):
        for tehsil in subfolders(district):
            for batch in subfolders(tehsil):
                batches.append(Batch(district.name, tehsil.name, batch.name, batch))
    return batches


def unread_entries(inbox: Path) -> list[Unread]:
    """Every entry of the inbox no stack reads, links never followed: files directly in the inbox,
    a district or a tehsil folder, or in a folder inside a stack folder (a batch copied one level
    too deep, whose stacks would otherwise run together as one); and whatever `refusal` refuses."""
    found: list[Unread] = []

    def add(path: Path, place: list[str], reason: str, quarantine: bool = False) -> None:
        where = [*place, NO_PLACE, NO_PLACE, NO_PLACE][:3]
        found.append(Unread(path, printable_name(str(path.relative_to(inbox))), *where, reason, quarantine))

    def survey(folder: Path, place: list[str]) -> None:
        for entry in _entries(folder):
            path, is_dir = Path(entry.path), entry.is_dir(follow_symlinks=False)
            if refused := refusal(entry, len(place)):
                for inside in (_everything_in(path) if is_dir else [path]):
                    add(inside, place, refused[0] if inside == path else
                        IN_REFUSED_FOLDER % {"folder": printable_name(entry.name), "reason": refused[0]}, refused[1])
            elif is_dir and len(place) < 3:
                survey(path, [*place, entry.name])
            elif is_dir and len(place) == 3:
                survey_stack(path, place)
            elif len(place) < 3:
                add(path, place, _wrong_depth(inbox, _WHERE[len(place)]))

    def survey_stack(stack: Path, place: list[str]) -> None:
        for entry in _entries(stack):
            path = Path(entry.path)
            if refused := refusal(entry, 4):
                add(path, place, *refused)
            elif entry.is_dir(follow_symlinks=False):
                for inside in _everything_in(path):
                    add(inside, place, _wrong_depth(inbox, f"in a folder inside the stack folder {printable_name(stack.name)}"))

    survey(inbox, [])
    return found


def _wrong_depth(inbox: Path, where: str) -> str:
    return f"at the wrong depth ({where}): scans go in {inbox}/<district>/<tehsil>/<batch>/"


def refusal(entry: os.DirEntry, depth: int) -> tuple[str, bool] | None:
    """Why an entry at `depth` below the inbox (a batch's entries are at 3) is not read, and
    whether it is quarantined (else it waits); None when it is read."""
    name = entry.name
    if printable_name(name) != name:
        return NOT_UTF8 % {"name": printable_name(name)}, True
    if len(name.encode()) > MAX_NAME_BYTES:
        return NAME_TOO_LONG % {"size": len(name.encode()), "most": MAX_NAME_BYTES}, True
    if entry.is_symlink():
        return (LINK if os.path.exists(entry.path) else DANGLING_LINK), True
    kind = "folder" if entry.is_dir(follow_symlinks=False) else "file"
    if name.startswith("."):
        return f"a hidden {kind}: not read; rename it without the leading dot if it holds scans", False
    if kind == "file" and not entry.is_file(follow_symlinks=False):
        return f"not a regular file ({_special_kind(entry)}): not read", False
    if kind == "folder" and depth == 3 and name == LOOSE_STACK:
        return f"a folder named {LOOSE_STACK}, the name of the batch's loose pages: rename the folder", False
    return None


def _special_kind(entry: os.DirEntry) -> str:
    mode = entry.stat(follow_symlinks=False).st_mode
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "a special file"


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _everything_in(folder: Path) -> list[Path]:
    """Every entry under `folder` that is not itself a folder, at any depth; links are listed, not followed."""
    found = []
    for entry in _entries(folder):
        if entry.is_dir(follow_symlinks=False):
            found += _everything_in(Path(entry.path))
        else:
            found.append(Path(entry.path))
    return found


def subfolders(folder: Path) -> list[Path]:
    """The folders of `folder` that are read (no link, no hidden or refused name), in name order.
    Batch level: call `stack_paths`, which also keeps out a folder named `_loose`."""
    return [Path(e.path) for e in _entries(folder) if e.is_dir(follow_symlinks=False) and refusal(e, 0) is None]


def _scan_files(folder: Path) -> list[Path]:
    return [Path(e.path) for e in _entries(folder) if e.is_file(follow_symlinks=False) and refusal(e, 4) is None]


def stack_paths(batch: Batch) -> dict[str, list[Path]]:
    """Stack name -> its files in page order. Anything not a scan type is its own stack, so it is
    quarantined with a reason instead of silently ignored."""
    stacks: dict[str, list[Path]] = {}
    loose: list[Path] = []
    for path in _scan_files(batch.path):
        if path.name == MANIFEST:
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES and path.suffix.lower() not in {".tif", ".tiff"}:
            loose.append(path)
        else:
            stacks[path.name] = [path]
    if loose:
        stacks[LOOSE_STACK] = loose
    for folder in subfolders(batch.path):
        files = _scan_files(folder)  # deeper files are unread (see unread_entries)
        if files and folder.name != LOOSE_STACK:
            stacks[folder.name] = files
    return stacks


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
        raise UnreadableSource(Said(TOO_BIG, {"size": size, "most": max_bytes}))
    return page_count(path)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    # O_NOFOLLOW: a file swapped for a link after the inbox was surveyed is refused, not followed.
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
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


@dataclass(frozen=True)
class Manifest:
    """A batch's `manifest.csv`: its rows by stack name (the `source` column: a folder or file
    name), the rows skipped and why, or why it could not be read at all (then it has no rows)."""

    path: Path
    entries: dict[str, ManifestEntry]
    skipped: tuple[str, ...] = ()
    unreadable: str | None = None


MAX_MANIFEST_BYTES = 10 * 1024**2
MAX_MANIFEST_VALUE = 500  # characters: no file number, title or name is longer


def read_manifest(batch: Batch) -> Manifest | None:
    """The batch's manifest, or None when it has none (a manifest that is a link or no regular
    file is not read: `unread_entries` reports it)."""
    path = batch.path / MANIFEST
    try:
        status = path.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    if status.st_size > MAX_MANIFEST_BYTES:
        return Manifest(path, {}, unreadable=MANIFEST_TOO_BIG % {"size": status.st_size, "most": MAX_MANIFEST_BYTES})
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError:
        return Manifest(path, {}, unreadable=MANIFEST_NOT_UTF8)
    except csv.Error as error:
        return Manifest(path, {}, unreadable=MANIFEST_NOT_CSV % {"detail": error})
    entries: dict[str, ManifestEntry] = {}
    skipped: list[str] = []
    for number, row in enumerate(rows, 2):  # row 1 is the header
        entry, problem = _manifest_entry(row)
        if problem:
            skipped.append(f"row {number} skipped: {problem}")
        elif entry:
            entries[entry.source] = entry
    return Manifest(path, entries, tuple(skipped))


def _manifest_entry(row: dict) -> tuple[ManifestEntry | None, str | None]:
    """A manifest row as an entry (None for a row with no source), or why it is skipped."""
    values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(k, str) and not isinstance(v, list)}
    if not values.get("source"):
        return None, None
    known = {k: values.get(k, "") for k in ManifestEntry.__dataclass_fields__}
    for column, value in known.items():
        if len(value) > MAX_MANIFEST_VALUE:
            return None, f"{column} is {len(value)} characters long (at most {MAX_MANIFEST_VALUE})"
    year = known["year"]
    if year.isdigit():  # a year written otherwise ("1987-88") is kept as written, never read as a number
        if not year.isdecimal() or not 1000 <= int(year) <= 9999:
            return None, f"year {year[:24]} is not a year"
    return ManifestEntry(**known), None
