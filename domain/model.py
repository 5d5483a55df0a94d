"""The plain data that flows between stages. Stages take these in and hand these out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

FileNumberSource = Literal["barcode", "manifest", "folder", "text", "provisional", "correction"]  # correction: typed by a person


@dataclass(frozen=True)
class Batch:
    """One night's scanner output of one tehsil: `<inbox>/<district>/<tehsil>/<batch>/`."""

    district: str
    tehsil: str
    name: str
    path: Path

    @property
    def key(self) -> str:
        return f"{self.district}/{self.tehsil}/{self.name}"


@dataclass(frozen=True)
class SourceFile:
    """A file the scanner wrote. Never modified; remembered by its SHA-256."""

    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Stack:
    """Pages scanned together: a folder of page images, one multi-page TIFF/PDF, or the loose
    images of a batch. Separator sheets may split it into several record files."""

    batch: Batch
    name: str
    sources: tuple[SourceFile, ...]


@dataclass(frozen=True)
class Barcode:
    value: str
    symbology: str  # code128, code39, qrcode, datamatrix, ean13, ...
    box: tuple[int, int, int, int]  # left, top, width, height in page pixels
    decoder: str  # zxing-cpp or pyzbar


@dataclass(frozen=True)
class FileNumber:
    raw: str
    normalized: str
    source: FileNumberSource
    pattern: str | None = None

    @property
    def slug(self) -> str:
        """A folder name for the archive: the normalized number with path separators replaced."""
        return "".join(c if c.isalnum() or c in "-." else "_" for c in self.normalized)


@dataclass
class PageRecord:
    """One page of a record file as it ends up in the archive."""

    number: int  # 1-based page number in the archival PDF
    source: str  # source file path, relative to the batch
    source_page: int  # 1-based page within that source
    skew_degrees: float = 0.0
    orientation: int = 0
    blank: bool = False
    born_digital: bool = False
    confidence: float | None = None
    language: str | None = None
    barcodes: list[dict] = field(default_factory=list)
    text: str = ""


@dataclass
class RecordFile:
    """A record file (misl) as written to the archive JSON and handed to the index."""

    file_id: str  # the archive folder name: FileNumber.slug, with `~2`... if taken (night/identity.py)
    file_number: str  # normalized
    file_number_raw: str
    file_number_source: FileNumberSource
    district: str
    tehsil: str
    batch: str
    stack: str
    title: str = ""
    record_type: str | None = None
    year: int | None = None
    operator: str | None = None
    languages: list[str] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # {"path", "sha256", "size"}
    flags: list[str] = field(default_factory=list)  # quality flags for review
    candidates: list[dict] = field(default_factory=list)  # every file number seen, with source
    separators: list[dict] = field(default_factory=list)  # separator sheets dropped from the PDF
    timings: dict[str, float] = field(default_factory=dict)
    pdf: str = ""  # archival PDF path, relative to the home directory
    processed_at: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "RecordFile":
        pages = [PageRecord(**page) for page in data.get("pages", [])]
        return cls(**{**data, "pages": pages})
