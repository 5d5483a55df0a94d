"""Record files as the pages and the API serve them: found by any spelling of their number in the
catalog, read from the archive, checked against the user's scope, and rendered page by page.

Nothing here builds a file path from what a user typed. A number is looked up in the catalog; the
catalog names the archive folder; the folder and the PDF are resolved and must lie inside
`<home>/archive`, else the file is treated as missing. Reading the catalog and the archive, not
the index, is what keeps `/files/<number>` working while the index is rebuilt or down.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

from domain.config import Settings
from domain.file_numbers import clean_value, file_number_spellings
from domain.model import RecordFile
from pipeline.pdftoppm import render_page
from store.access import is_restricted, may_see
from store.archive import read_record
from store.catalog import Catalog, CatalogedFile
from store.users import User

# An archive folder name (FileNumber.slug, `~2`... for a number seen again): letters, digits,
# '-', '.', '_', '~'; never '.' or '..'.
FILE_ID = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._~-]{0,199}$")

# Widths in pixels of the two renderings of a page: a thumbnail and the page view.
IMAGE_WIDTHS = {"thumb": 240, "page": 1400}

# pdftoppm is CPU-bound; two at a time leaves the machine to the nightly batch and other users.
_RENDERING = threading.BoundedSemaphore(2)


class RecordMissing(LookupError):
    """No such record file in the archive, or not one this user may see (`RecordRestricted`: the
    API gives both the same answer)."""


class RecordRestricted(RecordMissing):
    """A restricted record file outside this user's scope. Its pages say that a file with this
    number exists and is restricted for them, and show nothing else of it."""

    def __init__(self, file_number: str):
        super().__init__(file_number)
        self.file_number = file_number


@dataclass(frozen=True)
class ArchivedFile:
    record: RecordFile
    folder: Path  # absolute, inside <home>/archive
    pdf: Path | None  # absolute, inside <home>/archive; None if missing
    restricted: bool

    @property
    def file_number(self) -> str:
        return self.record.file_number

    @property
    def file_id(self) -> str:
        return self.record.file_id

    @property
    def page_count(self) -> int:
        return len(self.record.pages)


def canonical_number(raw: str, catalog: Catalog, settings: Settings) -> tuple[str | None, CatalogedFile | None]:
    """The normalized number `raw` spells, and its catalog row if archived.

    Tried in turn: the value as typed (a normalized number or an archive folder name), the
    districts' patterns (any spelling a pattern reads) and the generic spelling of a number no
    pattern reads, a number the file had before a correction, then the cleaned upper-case value
    (provisional numbers typed in lower case)."""
    value = raw.strip().rstrip("/")  # a trailing slash added by a mail client or a hand-typed link
    if not value:
        return None, None
    row = catalog.record_file(value)
    if row is not None:
        return row.file_number, row
    spellings = [number.normalized for number in file_number_spellings(value, settings)]
    for normalized in spellings:
        if (row := catalog.record_file(normalized)) is not None:
            return row.file_number, row
    for former in (value, *spellings):  # a number corrected since: its address leads to the file
        if (row := catalog.known_as(former)) is not None:
            return row.file_number, row
    if spellings:
        return spellings[0], None
    cleaned = clean_value(value).upper()
    if cleaned and cleaned != value:
        row = catalog.record_file(cleaned)
        if row is not None:
            return row.file_number, row
    return None, None


def same_number_visible(catalog: Catalog, file_number: str, user: User, settings: Settings) -> list[CatalogedFile]:
    """Every record file with this number that the user may see, the newest first: a number seen
    twice (two batches, two tehsils) is two record files, both kept."""
    return [row for row in catalog.same_number(file_number) if may_see(user, row, settings)]


@dataclass(frozen=True)
class NumberLookup:
    """What a typed number names: its canonical spelling, the catalog row it names, and every
    record file with that number the user may see, newest first (a number seen twice is two files)."""

    canonical: str | None
    row: CatalogedFile | None
    visible: list[CatalogedFile]

    @property
    def chosen(self) -> CatalogedFile | None:
        """The file the number's address shows: the newest the user may see."""
        return self.visible[0] if self.visible else self.row


def look_up_number(raw: str, catalog: Catalog, user: User, settings: Settings) -> NumberLookup:
    canonical, row = canonical_number(raw, catalog, settings)
    visible = same_number_visible(catalog, canonical, user, settings) if canonical else []
    return NumberLookup(canonical, row, visible)


def row_by_file_id(catalog: Catalog, file_id: str) -> CatalogedFile | None:
    """The catalog row of an archive folder name; None for anything that is not one."""
    if not FILE_ID.match(file_id) or file_id in (".", ".."):
        return None
    return catalog.record_file_by_id(file_id)


def load_archived(home: Path, row: CatalogedFile, settings: Settings) -> ArchivedFile:
    """The record file of a catalog row, read from its archive folder."""
    archive = (home / "archive").resolve()
    folder = inside(archive, home / row.archive_dir)
    if folder is None or not (folder / "record.json").is_file():
        raise RecordMissing(row.file_number)
    record = read_record(home, str(folder.relative_to(home.resolve())))
    pdf = inside(archive, home / record.pdf) if record.pdf else None
    if pdf is not None and not pdf.is_file():
        pdf = None
    return ArchivedFile(record, folder, pdf, is_restricted(record, settings))


def visible_file(home: Path, row: CatalogedFile | None, user: User, settings: Settings) -> ArchivedFile:
    """The archived file if this user may see it; RecordRestricted if it is not theirs to see,
    RecordMissing if there is none."""
    if row is None:
        raise RecordMissing("")
    if not may_see(user, row, settings):
        raise RecordRestricted(row.file_number)
    archived = load_archived(home, row, settings)
    # The archive's own record decides too, should the catalog row be stale.
    if not may_see(user, archived.record, settings):
        raise RecordRestricted(row.file_number)
    return archived


def inside(root: Path, path: Path) -> Path | None:
    """`path` resolved (links followed) if it lies inside `root`, else None."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.is_relative_to(root) and resolved != root else None


def page_image(home: Path, archived: ArchivedFile, page: int, size: str) -> Path:
    """A JPEG of one page of the archival PDF, rendered on first request and cached under
    `<home>/thumbs/<file_id>/`. Rendered again when the PDF is newer than the cached image
    (the file was processed again)."""
    if size not in IMAGE_WIDTHS or not 1 <= page <= archived.page_count or archived.pdf is None:
        raise RecordMissing(archived.file_number)
    if not FILE_ID.match(archived.file_id):
        raise RecordMissing(archived.file_number)
    cached = home / "thumbs" / archived.file_id / f"{size}-{page}.jpg"
    if _fresh(cached, archived.pdf):
        return cached
    with _RENDERING:
        if not _fresh(cached, archived.pdf):  # another request may have rendered it meanwhile
            render_page(archived.pdf, page, IMAGE_WIDTHS[size], cached)
    return cached


def _fresh(cached: Path, pdf: Path) -> bool:
    try:
        return cached.stat().st_mtime >= pdf.stat().st_mtime
    except FileNotFoundError:
        return False
