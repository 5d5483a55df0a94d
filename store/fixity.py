"""Fixity: the SHA-256 of every file of a record file's folder, recorded in the folder itself
(`checksums.sha256`, the format `sha256sum -c` reads) whenever the folder is written, and checked
again by `daftar verify` and on a sample each night. The archive carries its own checksums, so
they travel with it (a BagIt export, a copy to the state archives) and need no catalog."""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from domain.report import BatchReport, ReportLine

CHECKSUMS = "checksums.sha256"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> list[str]:
    """The files of a record folder, relative to it, in order; the checksum list itself and
    hidden files (a write in progress: `.name.tmp-PID`) are not part of the record file."""
    names = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            relative = (Path(root) / name).relative_to(folder).as_posix()
            if not name.startswith(".") and relative != CHECKSUMS:
                names.append(relative)
    return sorted(names)


def checksum_list(folder: Path) -> str:
    """The SHA-256 of every file of the folder, as `checksums.sha256` holds them; the archive
    writes it last whenever the folder changes."""
    return "".join(f"{sha256_file(folder / name)}  {name}\n" for name in folder_files(folder))


def recorded_checksums(folder: Path) -> dict[str, str] | None:
    """What was recorded, by file; None when the folder has no checksum list."""
    try:
        text = (folder / CHECKSUMS).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    recorded = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        recorded[name] = digest
    return recorded


@dataclass
class FolderFixity:
    """One record folder checked against its recorded checksums (paths relative to the folder)."""

    archive_dir: str  # relative to the home
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    unrecorded: bool = False  # written before daftar recorded checksums: nothing to check against

    @property
    def intact(self) -> bool:
        return not (self.missing or self.changed or self.extra)


def check_folder(home: Path, archive_dir: str) -> FolderFixity:
    folder = home / archive_dir
    result = FolderFixity(archive_dir)
    recorded = recorded_checksums(folder)
    if recorded is None:
        result.unrecorded = True
        return result
    present = set(folder_files(folder))
    result.missing = sorted(set(recorded) - present)
    result.extra = sorted(present - set(recorded))
    result.changed = [name for name in sorted(present & set(recorded)) if sha256_file(folder / name) != recorded[name]]
    return result


def record_folders(home: Path, district_key: str | None = None, tehsil_key: str | None = None) -> list[str]:
    """Every record folder of the archive (relative to the home), or of one district or tehsil
    (by their name keys, `domain.config.name_key`)."""
    archive = home / "archive"
    folders = []
    for district in _subfolders(archive, district_key):
        for tehsil in _subfolders(district, tehsil_key):
            folders += [str(folder.relative_to(home)) for folder in _subfolders(tehsil, None)]
    return folders


def _subfolders(parent: Path, only: str | None) -> list[Path]:
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".") and only in (None, p.name))


@dataclass
class ArchiveFixity:
    checked: list[FolderFixity]
    of: int  # record folders in the part of the archive asked for

    @property
    def damaged(self) -> list[FolderFixity]:
        return [folder for folder in self.checked if not folder.intact]

    @property
    def unrecorded(self) -> list[FolderFixity]:
        return [folder for folder in self.checked if folder.unrecorded]

    def summary(self) -> str:
        return (f"{len(self.checked)} of {self.of} record files checked: {len(self.checked) - len(self.damaged)} intact, "
                f"{len(self.damaged)} damaged" + (f", {len(self.unrecorded)} with no checksums recorded" if self.unrecorded else ""))

    def to_json(self) -> dict:
        return {"checked": len(self.checked), "of": self.of, "damaged": len(self.damaged),
                "unrecorded": [folder.archive_dir for folder in self.unrecorded],
                "problems": [vars(folder) | {"intact": False} for folder in self.damaged]}


def check_archive(home: Path, district_key: str | None = None, tehsil_key: str | None = None,
                  sample: int | None = None) -> ArchiveFixity:
    """Check every record folder, or `sample` of them chosen at random (each night a different
    few, so that over the nights the whole archive is read)."""
    folders = record_folders(home, district_key, tehsil_key)
    chosen = folders if sample is None or sample >= len(folders) else sorted(random.sample(folders, sample))
    return ArchiveFixity([check_folder(home, folder) for folder in chosen], len(folders))


def sample_into_report(home: Path, sample: int, report: BatchReport) -> None:
    """The night's check of a sample of the archive, into the morning report: a summary, and a
    line for each damaged file (its district, tehsil and record folder as archived)."""
    if sample <= 0:
        return
    result = check_archive(home, sample=sample)
    report.fixity = result.summary()
    for folder in result.damaged:
        district, tehsil, file_id = Path(folder.archive_dir).parts[1:4]
        report.damaged += [ReportLine(district, tehsil, "", f"{file_id}/{name}", f"{what}; `daftar verify` lists it")
                           for name, what in problems(folder)]


def problems(folder: FolderFixity) -> list[tuple[str, str]]:
    """Each damaged file of a folder, with what is wrong with it."""
    return ([(name, "missing") for name in folder.missing]
            + [(name, "changed (its SHA-256 differs from the one recorded)") for name in folder.changed]
            + [(name, "extra (not in the recorded checksums)") for name in folder.extra])


def problem_lines(folder: FolderFixity) -> list[str]:
    """What is wrong with a folder, one line a file, for people."""
    return [f"{folder.archive_dir}/{name}: {what}" for name, what in problems(folder)]
