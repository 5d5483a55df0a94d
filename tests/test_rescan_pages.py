"""Bad pages of an archived record file scanned again: a real night archives a two-page file; page 2
is re-scanned and `daftar rescan-pages` reads it as the night reads scans. Afterwards `show`,
search, the PDF's text layer, the ALTO, the history and the audit log say so; the original scans
are untouched; the next night does not take the re-scan (dropped into the inbox) for a new file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextlib import closing
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from cli import app as cli_app
from domain.config import Settings
from night.run import run_inbox
from store.audit import audit_entries
from store.catalog import Catalog
from tests.conftest import SAMPLES, copy_stack
from tests.test_split_join import searched

BIJBEHARA = SAMPLES / "inbox" / "anantnag" / "bijbehara"
NUMBER = "REV/TSL-05/1968/0019"  # misl-0019: a cover and a khasra girdawari page
NEW_PAGE = BIJBEHARA / "2026-11-20" / "scan_0006.jpg"  # stands in for page 2 scanned again: other words, so they show


@pytest.fixture
def night(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    for name in ("misl-0019", "manifest.csv"):  # the manifest numbers it
        copy_stack(BIJBEHARA / "2026-11-21" / name, inbox / "anantnag" / "bijbehara" / "2026-11-21")
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 21, 2, 0))
    return inbox, home


def daftar(home: Path, *args: str):
    return CliRunner().invoke(cli_app, [*args, "--home", str(home)])


def shown(home: Path) -> dict:
    result = daftar(home, "show", NUMBER, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rescanned_pages_replace_the_bad_ones_everywhere(night, settings: Settings) -> None:
    inbox, home = night
    scans = inbox / "anantnag" / "bijbehara" / "2026-11-21" / "misl-0019"
    originals = digests(scans)
    assert "paddy" in shown(home)["pages"][1]["text"] and NUMBER in searched(home, "paddy maize")
    # GIVEN page 2 scanned again, dropped into a new batch of the tehsil
    rescan = copy_stack(NEW_PAGE, inbox / "anantnag" / "bijbehara" / "2026-11-23")
    # WHEN the team replaces page 2 with it
    result = daftar(home, "rescan-pages", NUMBER, "--pages", "2", "--with", str(rescan), "--reason", "page 2 was folded",
                    "--by", "samina")
    assert result.exit_code == 0, result.output
    # THEN show has the new page, its source beside the original, and the history says who and why
    record = shown(home)
    assert len(record["pages"]) == 2 and "partition" in record["pages"][1]["text"].lower()
    assert record["pages"][1]["source"] == "2026-11-23/scan_0006.jpg" and record["pages"][0]["source"] == "misl-0019/0001.png"
    assert [source["path"] for source in record["sources"]] == ["misl-0019/0001.png", "2026-11-23/scan_0006.jpg"]
    # AND search finds the file by the new page's words, no more by the old page's
    assert NUMBER in searched(home, "partition joint holding") and NUMBER not in searched(home, "paddy maize")
    # AND the archived PDF and ALTO carry the new page; the audit log has the act
    folder = home / "archive" / "anantnag" / "bijbehara" / record["file_id"]
    with pikepdf.open(folder / f"{record['file_id']}.pdf") as pdf:
        assert len(pdf.pages) == 2
    assert "2026-11-23/scan_0006.jpg" in (folder / "alto" / "page-0002.xml").read_text(encoding="utf-8")
    with closing(Catalog.open(home)) as catalog:
        history = catalog.corrections(record["file_id"])
    assert [(h.user, h.field, h.new_value, h.reason) for h in history] == [
        ("samina", "rescan-pages", "page 2 from 2026-11-23/scan_0006.jpg", "page 2 was folded")]
    assert [(e.user, e.action, e.file_number) for e in audit_entries(home)] == [("samina", "rescan-pages", NUMBER)]
    # AND the original scans are untouched; the next night does not make a record file of the re-scan
    assert digests(scans) == originals
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 24, 2, 0))
    assert report.to_json()["done"] == [] and daftar(home, "verify").exit_code == 0


def test_a_rescan_with_the_wrong_pages_or_unreadable_changes_nothing(night, tmp_path: Path) -> None:
    inbox, home = night
    folder = home / "archive" / "anantnag" / "bijbehara"
    before = digests(folder)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    for pages, scan, says, code in [("1-2", NEW_PAGE, "has 1 page(s) for the 2 of pages 1-2", 2),
                                    ("3", NEW_PAGE, "the record file has pages 1-2", 2),
                                    ("x", NEW_PAGE, "give a page (3) or a range", 2),
                                    ("2", empty, "empty.jpg cannot be read", 3)]:
        result = daftar(home, "rescan-pages", NUMBER, "--pages", pages, "--with", str(scan), "--reason", "again")
        assert result.exit_code == code and says in " ".join(result.output.split()), (pages, result.output)
    assert digests(folder) == before and audit_entries(home) == []
