"""The archive and the quarantine under the home. Writes are atomic: a reader sees the old file or
the new one, never half of one. Originals in the inbox are only ever read."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from domain.config import name_key
from domain.errors import HomeBusy
from domain.model import Batch, RecordFile, SourceFile
from domain.text import printable_name
from store.fixity import CHECKSUMS, checksum_list
from store.mets import ALTO_DIR, METS_FILE, alto_name, mets_document

RECORD_JSON = "record.json"


def place_dir(root: Path, district: str, tehsil: str) -> Path:
    """A tehsil's folder under the archive or the quarantine, by the names' keys: "Dooru Verinag"
    and "dooru-verinag" are one tehsil, whichever way tonight's folder spells it."""
    return root / name_key(district) / name_key(tehsil)


def record_dir(home: Path, record: RecordFile) -> Path:
    return place_dir(home / "archive", record.district, record.tehsil) / record.file_id


def write_record(home: Path, record: RecordFile, pdf: Path, alto: Sequence[Path | None] = ()) -> str:
    """Move the finished PDF and the pages' ALTO files (one per page, None where a page has none;
    or none at all) into the archive and write its JSON record, METS and checksums; returns the
    folder relative to the home. The PDF lands first, so a JSON record never names a missing PDF."""
    if alto and len(alto) != len(record.pages):
        raise ValueError(f"{len(alto)} ALTO files for the {len(record.pages)} pages of {record.file_id}")
    folder = record_dir(home, record)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.file_id}.pdf"
    record.pdf = str(target.relative_to(home))
    _atomic_move(pdf, target)
    written = {alto_name(page.number) for page, page_alto in zip(record.pages, alto) if page_alto is not None}
    for page, page_alto in zip(record.pages, alto):
        if page_alto is not None:
            (folder / ALTO_DIR).mkdir(exist_ok=True)
            _atomic_move(page_alto, folder / alto_name(page.number))
    for stale in (folder / ALTO_DIR).glob("page-*.xml"):  # left by an earlier run of the same stack
        if f"{ALTO_DIR}/{stale.name}" not in written:
            stale.unlink()
    rewrite_record(home, str(folder.relative_to(home)), record)
    return str(folder.relative_to(home))


def remove_record(home: Path, archive_dir: str) -> None:
    """Take a record file's folder out of the archive: renamed aside first (in the same folder, so
    no room is needed), so that it leaves the archive at once and whole, then deleted."""
    folder = home / archive_dir
    aside = folder.with_name(f".{folder.name}.removed-{os.getpid()}")
    os.replace(folder, aside)
    shutil.rmtree(aside)


def read_record(home: Path, archive_dir: str) -> RecordFile:
    data = json.loads((home / archive_dir / RECORD_JSON).read_text(encoding="utf-8"))
    return RecordFile.from_json(data)


def rewrite_record(home: Path, archive_dir: str, record: RecordFile) -> None:
    """Write an archived record file's JSON record again (its flags or metadata changed), then its
    METS and the checksums of every file in the folder, each atomically. Every change to a record
    folder ends here, so its checksums always describe it."""
    folder = home / archive_dir
    _atomic_write(folder / RECORD_JSON, json.dumps(record.to_json(), ensure_ascii=False, indent=2))
    _atomic_write(folder / METS_FILE, mets_document(folder, record, Path(record.pdf).name, RECORD_JSON).decode())
    _atomic_write(folder / CHECKSUMS, checksum_list(folder))


def quarantine(home: Path, batch: Batch, source: SourceFile, reason: str) -> Path:
    """Copy (never move) a bad source into the quarantine with a one-line reason beside it."""
    relative = source.path.relative_to(batch.path).parts
    return quarantine_entry(home, batch.district, batch.tehsil, (batch.name, *relative), source.path, reason)


# Longest name of a copy in the quarantine (bytes): room for ".reason.txt" and a temporary suffix
# within the file system's 255.
QUARANTINE_NAME_BYTES = 200


def quarantine_entry(home: Path, district: str, tehsil: str, parts: tuple[str, ...], original: Path, reason: str) -> Path:
    """Copy an entry of the inbox to `parts` under the tehsil's quarantine folder, with its reason
    beside it. Names are made readable (bytes that are not UTF-8 written as `\\xNN`) and short
    enough (a long one is cut, with a hash of it); the reason file then names the original in full.
    Only a regular file is copied, never through a link: a link, FIFO or device gets its reason alone."""
    readable = tuple(printable_name(part) for part in parts)
    names = tuple(_short(name) for name in readable)
    target = place_dir(home / "quarantine", district, tehsil).joinpath(*names)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            if _copy_regular_file(original, tmp):
                os.replace(tmp, target)
        except BaseException:  # a full disk (ENOSPC, told by errors.is_disk_full) leaves no half copy
            tmp.unlink(missing_ok=True)
            raise
    note = reason if names == tuple(parts) else f"{reason}\noriginal name: {'/'.join(readable)}"
    _atomic_write(target.with_name(target.name + ".reason.txt"), note + "\n")
    return target


def _short(name: str) -> str:
    if len(name.encode()) <= QUARANTINE_NAME_BYTES:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    head = name.encode()[:QUARANTINE_NAME_BYTES - len(suffix.encode()) - 14].decode("utf-8", "ignore")
    return f"{head}~{digest}{suffix}"


def _copy_regular_file(source: Path, target: Path) -> bool:
    """Copy `source` if it is a regular file, refusing to follow a link even if one was put in
    its place since it was looked at; False when nothing was copied."""
    try:
        if not stat.S_ISREG(source.lstat().st_mode):
            return False
        handle = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(handle, "rb") as reading:
        if not stat.S_ISREG(os.fstat(reading.fileno()).st_mode):
            return False
        with target.open("wb") as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)
    return True


def _atomic_move(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(source, tmp)  # the work folder may sit on another file system
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:  # a full disk: no half-written copy is left behind
        tmp.unlink(missing_ok=True)
        raise
    source.unlink()


def _atomic_write(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:  # a full disk: no half-written copy is left behind
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def exclusive_run(home: Path) -> Iterator[None]:
    """One run at a time per home: another process holding the lock is refused at once (HomeBusy).
    Re-entrant within a process, so `daftar run` can take the lock before Prefect starts and the
    night inside the flow takes it again. A run killed earlier leaves only its work folder
    behind: it is cleared when the lock is first taken, since nothing in it was ever visible in
    the archive.

    Every night passes here, whoever starts it (`daftar run`, a Prefect worker), so this is where
    what a run writes (home, catalog, index, archive, quarantine) is made owner-only."""
    os.umask(0o077)
    home.mkdir(parents=True, exist_ok=True)
    key = str(home.resolve())
    with _held_lock:
        if key in _held:
            _held[key] += 1
            inner = True
        else:
            inner = False
    if inner:
        try:
            yield
        finally:
            with _held_lock:
                _held[key] -= 1
        return
    with (home / "run.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise HomeBusy(f"another daftar run is using {home}") from error
        with _held_lock:
            _held[key] = 1
        _clear_abandoned_work(home)
        try:
            yield
        finally:
            with _held_lock:
                del _held[key]
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def working(home: Path) -> Iterator[None]:
    """Hold the home's work folder for a run that takes no home lock (one that joined a shared
    night), so that no night's start clears it meanwhile. Any number of runs hold it at once."""
    home.mkdir(parents=True, exist_ok=True)
    with (home / "work.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clear_abandoned_work(home: Path) -> None:
    """Remove the work folder of runs killed earlier; left as it is while a run still holds it."""
    with (home / "work.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        try:
            shutil.rmtree(home / "work", ignore_errors=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


_held: dict[str, int] = {}  # homes whose lock this process holds, and how deep
_held_lock = threading.Lock()
