"""The archive and the quarantine under the home. Writes are atomic: a reader sees the old file or
the new one, never half of one. Originals in the inbox are only ever read."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from domain.config import name_key
from domain.model import Batch, RecordFile, SourceFile
from domain.errors import HomeBusy

RECORD_JSON = "record.json"


def place_dir(root: Path, district: str, tehsil: str) -> Path:
    """A tehsil's folder under the archive or the quarantine, by the names' keys: "Dooru Verinag"
    and "dooru-verinag" are one tehsil, whichever way tonight's folder spells it."""
    return root / name_key(district) / name_key(tehsil)


def record_dir(home: Path, record: RecordFile) -> Path:
    return place_dir(home / "archive", record.district, record.tehsil) / record.file_id


def write_record(home: Path, record: RecordFile, pdf: Path) -> str:
    """Move the finished PDF into the archive and write its JSON record; returns the folder
    relative to the home. The PDF lands first, so a JSON record never names a missing PDF."""
    folder = record_dir(home, record)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.file_id}.pdf"
    record.pdf = str(target.relative_to(home))
    _atomic_move(pdf, target)
    _atomic_write(folder / RECORD_JSON, json.dumps(record.to_json(), ensure_ascii=False, indent=2))
    return str(folder.relative_to(home))


def read_record(home: Path, archive_dir: str) -> RecordFile:
    data = json.loads((home / archive_dir / RECORD_JSON).read_text(encoding="utf-8"))
    return RecordFile.from_json(data)


def quarantine(home: Path, batch: Batch, source: SourceFile, reason: str) -> Path:
    """Copy (never move) a bad source into the quarantine with a one-line reason beside it."""
    relative = source.path.relative_to(batch.path)
    target = place_dir(home / "quarantine", batch.district, batch.tehsil) / batch.name / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        shutil.copyfile(source.path, tmp)
        os.replace(tmp, target)
    _atomic_write(target.with_name(target.name + ".reason.txt"), reason + "\n")
    return target


def _atomic_move(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.copyfile(source, tmp)  # the work folder may sit on another file system
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    source.unlink()


def _atomic_write(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)


@contextmanager
def exclusive_run(home: Path) -> Iterator[None]:
    """One run at a time per home. A run killed earlier leaves only its work folder behind: it
    is cleared here, since nothing in it was ever visible in the archive."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / "run.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise HomeBusy(f"another daftar run is using {home}") from error
        shutil.rmtree(home / "work", ignore_errors=True)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
