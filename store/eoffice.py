"""Links from e-Office: which e-files cite which legacy record files.

An e-Office export lists e-files (e-file number, subject, date) and the legacy file numbers each
cites. Citations are kept in `<home>/eoffice.sqlite` (or PostgreSQL) by the cited number,
normalized with the districts' own patterns, and joined to the catalog when read. So a citation of
a file that is not scanned yet is linked the moment the nightly batch archives it, and re-indexing
changes nothing.

Accepted exports:
- CSV with a header row. Column names are matched loosely (case, spaces, dashes and underscores
  ignored): `efile_number` (or `e_file_number`, `eoffice_file_number`, `file_number`, `file_no`),
  `subject`, `date`, and `legacy_file_numbers` (or `cited_legacy_file_numbers`, `cited`,
  `legacy_file_number`, `legacy`). Several cited numbers in one cell are separated by `;`, `|`,
  `,` or new lines; an e-file may also span several rows.
- JSON: a list of objects with the same keys (or `{"efiles": [...]}`); the cited numbers a list
  or a string as in CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from domain.config import Settings
from domain.errors import BadInput
from domain.file_numbers import clean_value, file_number_spellings
from store.catalog import Catalog
from store.database import open_store, transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS efiles (
    efile_number TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    date TEXT,                      -- as exported (ISO when it could be read as a date)
    export TEXT NOT NULL,           -- the export file it last came from
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS citations (
    efile_number TEXT NOT NULL REFERENCES efiles (efile_number) ON DELETE CASCADE,
    cited_raw TEXT NOT NULL,        -- as written in the export
    cited_number TEXT NOT NULL,     -- normalized when a district pattern reads it, else cleaned
    recognized INTEGER NOT NULL,    -- 1: a configured pattern read it
    PRIMARY KEY (efile_number, cited_number)
);
CREATE INDEX IF NOT EXISTS citations_number ON citations (cited_number);
"""

# In order, never edited once released (see store.database).
MIGRATIONS = [SCHEMA]

_COLUMNS = {
    "efile_number": ("efilenumber", "efileno", "eofficefilenumber", "eofficefileno", "efile", "filenumber", "fileno"),
    "subject": ("subject", "title"),
    "date": ("date", "filedate", "created", "createdon"),
    "cited": ("legacyfilenumbers", "citedlegacyfilenumbers", "legacyfilenumber", "citedfilenumbers", "cited",
              "legacy", "legacyfiles", "citedlegacyfiles"),
}
_CITED_SPLIT = re.compile(r"[;|,\n\r]+")


@dataclass(frozen=True)
class EOfficeFile:
    efile_number: str
    subject: str
    date: str | None


@dataclass(frozen=True)
class Citation:
    """One e-file citing one legacy number; `file_id` is set once that file is in the archive."""

    efile_number: str
    subject: str
    date: str | None
    cited_raw: str
    cited_number: str
    recognized: bool
    file_id: str | None = None


@dataclass
class ImportReport:
    export: str
    efiles: int = 0
    citations: int = 0
    linked: int = 0
    unmatched: list[Citation] = field(default_factory=list)  # cited numbers not in the archive (yet)
    skipped: list[str] = field(default_factory=list)  # rows that could not be read, with the reason

    def summary(self) -> str:
        return (f"{self.efiles} e-files, {self.citations} citations: {self.linked} linked, "
                f"{len(self.unmatched)} not in the archive, {len(self.skipped)} rows skipped")


class EOfficeLinks:
    """A thin layer over `<home>/eoffice.sqlite`, reading the catalog beside it. One per thread."""

    def __init__(self, home: Path):
        self.home = home
        self.db = open_store(home / "eoffice.sqlite", MIGRATIONS)
        try:
            self.catalog = Catalog.open(home)
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()
        self.catalog.close()

    def save(self, efile: EOfficeFile, cited: list[tuple[str, str, bool]], export: str) -> None:
        """Store an e-file and replace its citations: the export is the e-file's current state."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with transaction(self.db) as db:
            db.execute(
                "INSERT INTO efiles VALUES (?, ?, ?, ?, ?) ON CONFLICT (efile_number) DO UPDATE SET "
                "subject = excluded.subject, date = excluded.date, export = excluded.export, imported_at = excluded.imported_at",
                (efile.efile_number, efile.subject, efile.date, export, now),
            )
            db.execute("DELETE FROM citations WHERE efile_number = ?", (efile.efile_number,))
            db.executemany(
                "INSERT OR IGNORE INTO citations VALUES (?, ?, ?, ?)",
                [(efile.efile_number, raw, number, int(recognized)) for raw, number, recognized in cited],
            )

    def efile(self, efile_number: str) -> EOfficeFile | None:
        row = self.db.execute("SELECT efile_number, subject, date FROM efiles WHERE efile_number = ?", (efile_number,)).fetchone()
        return EOfficeFile(**dict(row)) if row else None

    def citing(self, file_number: str) -> list[Citation]:
        """The e-files that cite this (normalized) legacy file number, newest first."""
        return self._citations("citations.cited_number = ?", [file_number])

    def cited_by(self, efile_number: str) -> list[Citation]:
        """The legacy numbers an e-file cites, each linked to its record file when archived."""
        return self._citations("citations.efile_number = ?", [efile_number])

    def unmatched(self) -> list[Citation]:
        """Every citation whose legacy file is not in the archive (yet)."""
        return [citation for citation in self._citations("1=1", []) if citation.file_id is None]

    def _citations(self, where: str, args: list) -> list[Citation]:
        rows = self.db.execute(
            "SELECT citations.efile_number, subject, date, cited_raw, cited_number, recognized FROM citations "
            f"JOIN efiles USING (efile_number) WHERE {where} ORDER BY date DESC NULLS LAST, citations.efile_number, cited_number",
            args,
        ).fetchall()
        citations = []
        for row in rows:
            record = self.catalog.known_as(row["cited_number"])  # a number corrected since still leads to its file
            citations.append(Citation(row["efile_number"], row["subject"], row["date"], row["cited_raw"], row["cited_number"],
                                      bool(row["recognized"]), record.file_id if record else None))
        return citations


def import_eoffice_export(path: Path, home: Path, settings: Settings | None = None) -> ImportReport:
    """Read an e-Office export (CSV or JSON) into the links table and report what it matched.

    Importing the same export again changes nothing; a newer export of an e-file replaces its
    citations. A citation of a number not in the archive is kept; it links by itself once the
    file is scanned, and stays in the report (`unmatched`) until then."""
    settings = settings or Settings.load()
    report = ImportReport(export=str(path))
    efiles = _read_export(path, report)
    links = EOfficeLinks(home)
    try:
        for efile, cited_raw in efiles.values():
            cited = _normalize_cited(cited_raw, settings)
            links.save(efile, cited, path.name)
            report.efiles += 1
            for citation in links.cited_by(efile.efile_number):
                report.citations += 1
                if citation.file_id:
                    report.linked += 1
                else:
                    report.unmatched.append(citation)
    finally:
        links.close()
    return report


def _read_export(path: Path, report: ImportReport) -> dict[str, tuple[EOfficeFile, list[str]]]:
    """Rows by e-file number, in the order first seen; rows of the same e-file are merged."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # exports from spreadsheets often begin with a BOM
        rows = _json_rows(text) if _looks_like_json(path, text) else list(csv.DictReader(io.StringIO(text)))
    except (OSError, ValueError) as error:  # not JSON or CSV, or not UTF-8 (both decode errors are ValueErrors)
        raise BadInput(f"cannot read {path}: {error}") from error
    efiles: dict[str, tuple[EOfficeFile, list[str]]] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            report.skipped.append(f"row {number}: not an object")
            continue
        fields = _fields(row)
        efile_number = str(fields.get("efile_number") or "").strip()
        if not efile_number:
            report.skipped.append(f"row {number}: no e-file number")
            continue
        cited = _cited_values(fields.get("cited"))
        subject = str(fields.get("subject") or "").strip()
        date = _date(fields.get("date"))
        if efile_number in efiles:
            known, known_cited = efiles[efile_number]
            efiles[efile_number] = (EOfficeFile(efile_number, known.subject or subject, known.date or date), known_cited + cited)
        else:
            efiles[efile_number] = (EOfficeFile(efile_number, subject, date), cited)
    return efiles


def _looks_like_json(path: Path, text: str) -> bool:
    return path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{")


def _json_rows(text: str) -> list:
    data = json.loads(text)
    if isinstance(data, dict):
        for key in ("efiles", "files", "records", "items"):
            if isinstance(data.get(key), list):
                return data[key]
        return [data]
    return data if isinstance(data, list) else []


def _fields(row: dict) -> dict[str, object]:
    """The row's values under our names, whatever the export called its columns."""
    squashed = {re.sub(r"[^a-z0-9]", "", str(key).lower()): value for key, value in row.items() if key is not None}
    fields: dict[str, object] = {}
    for name, aliases in _COLUMNS.items():
        for alias in aliases:
            if squashed.get(alias) not in (None, ""):
                fields[name] = squashed[alias]
                break
    return fields


def _cited_values(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else _CITED_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _normalize_cited(cited: list[str], settings: Settings) -> list[tuple[str, str, bool]]:
    """(raw, number, recognized) for each cited value, each number once."""
    result: dict[str, tuple[str, str, bool]] = {}
    for raw in cited:
        spellings = file_number_spellings(raw, settings)
        number = spellings[0].normalized if spellings else clean_value(raw).upper()
        result.setdefault(number, (raw, number, bool(spellings) and spellings[0].pattern is not None))
    return list(result.values())


def _date(value: object) -> str | None:
    """ISO date when the export's date reads as one (e-Office writes dd-mm-yyyy or ISO), else as is."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    for form in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%d-%b-%Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return text
