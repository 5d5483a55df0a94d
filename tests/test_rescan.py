"""Re-scans: a real night quarantines an empty scan; the team drops a re-scan into the inbox and
names it with `daftar requeue`; the next real night processes it and closes the quarantine entry.
Afterwards the review queue, progress (the scan counted once), search, `show` and the audit log
say so, and the quarantined original is untouched in the inbox and in the quarantine."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app as cli_app
from domain.config import Settings
from night.run import run_inbox
from store.audit import audit_entries
from tests.conftest import SAMPLES, copy_stack

KOKERNAG = SAMPLES / "inbox" / "anantnag" / "kokernag"
EMPTY = "2026-11-21/scan_0003.tif"  # an empty file: quarantined
RESCAN_OF = KOKERNAG / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"  # born digital: no OCR, a quick night
RESCAN_NUMBER = "REV/TSL-07/2016/0088"


@pytest.fixture
def night(tmp_path: Path, settings: Settings) -> tuple[Path, Path]:
    """An inbox whose empty scan a real night quarantined; the home of that night."""
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(KOKERNAG / EMPTY, inbox / "anantnag" / "kokernag" / "2026-11-21")
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 21, 2, 0))
    return inbox, home


def daftar(home: Path, *args: str):
    return CliRunner().invoke(cli_app, [*args, "--home", str(home)])


def said(result) -> str:
    """The command's output as one line (the console wraps long lines)."""
    return " ".join(result.output.split())


def tehsil_progress(home: Path) -> dict:
    result = daftar(home, "progress", "--format", "json")
    assert result.exit_code == 0, result.output
    progress = json.loads(result.output)
    rows = progress["tehsils"] if isinstance(progress, dict) else progress
    [row] = [row for row in rows if row["tehsil"].lower() == "kokernag"]
    return row


def drop_rescan(inbox: Path) -> Path:
    return copy_stack(RESCAN_OF, inbox / "anantnag" / "kokernag" / "2026-11-22") .rename(
        inbox / "anantnag" / "kokernag" / "2026-11-22" / "scan_0003-rescan.pdf")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_rescan_named_by_requeue_closes_the_quarantine_entry_and_counts_once(night, settings: Settings) -> None:
    inbox, home = night
    original = inbox / "anantnag" / "kokernag" / EMPTY
    before = tehsil_progress(home)
    assert (before["quarantined"], before["sources_done"]) == (1, 0)
    # GIVEN a re-scan dropped into a new batch of the same tehsil, named as the replacement
    rescan = drop_rescan(inbox)
    result = daftar(home, "requeue", "scan_0003.tif", "--with", str(rescan), "--reason", "fed again", "--by", "samina")
    assert result.exit_code == 0 and "the next run processes it" in said(result), result.output
    # WHEN the next night runs
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    # THEN the quarantine entry is closed: not in the review queue, progress counts the scan once, as done
    [queue] = json.loads(daftar(home, "review", "--tehsil", "kokernag", "--json").output)
    assert queue["quarantined"] == []
    after = tehsil_progress(home)
    assert (after["quarantined"], after["sources_done"], after["sources_seen"]) == (0, 1, 1)
    assert after["files_done"] == 1
    # AND the re-scan's record file is there to show and search; the audit log has the requeue
    shown = json.loads(daftar(home, "show", RESCAN_NUMBER, "--json").output)
    assert shown["sources"][0]["path"] == "scan_0003-rescan.pdf"
    assert RESCAN_NUMBER in daftar(home, "search", "Hangalgund").output
    assert [(e.user, e.action, e.file_number) for e in audit_entries(home)] == [("samina", "requeue", EMPTY)]
    # AND the original is untouched, in the inbox and in the quarantine
    assert original.stat().st_size == 0 and (home / "quarantine" / "anantnag" / "kokernag" / EMPTY).exists()
    # AND a third night does nothing again
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 23, 2, 0))
    assert report.to_json()["done"] == [] and tehsil_progress(home)["quarantined"] == 0


def test_a_rescan_done_before_it_is_named_closes_the_entry_at_once(night, settings: Settings) -> None:
    inbox, home = night
    rescan = drop_rescan(inbox)
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    assert tehsil_progress(home)["quarantined"] == 1
    result = daftar(home, "requeue", f"kokernag/{EMPTY}", "--with", str(rescan), "--reason", "fed again")
    assert result.exit_code == 0 and "the quarantine entry is closed" in said(result), result.output
    assert tehsil_progress(home)["quarantined"] == 0


def test_a_rescan_outside_the_tehsil_a_link_or_an_unknown_entry_is_refused(night, tmp_path: Path) -> None:
    inbox, home = night
    elsewhere = tmp_path / "scan.pdf"
    shutil.copy(RESCAN_OF, elsewhere)
    link = inbox / "anantnag" / "kokernag" / "2026-11-22" / "link.pdf"
    link.parent.mkdir(parents=True)
    os.symlink(elsewhere, link)
    for entry, rescan, says, code in [
        ("scan_0003.tif", elsewhere, "is not in the inbox folder of anantnag/kokernag", 2),
        ("scan_0003.tif", link, "not a regular file", 2),
        ("scan_0003.tif", inbox / "anantnag" / "kokernag" / "2026-11-22" / "missing.pdf", "drop the re-scan", 5),
        ("scan_0099.tif", elsewhere, "no quarantined scan", 5),
    ]:
        result = daftar(home, "requeue", entry, "--with", str(rescan), "--reason", "x")
        assert result.exit_code == code and says in said(result), (entry, result.output)
    assert sha256(elsewhere) == sha256(RESCAN_OF) and tehsil_progress(home)["quarantined"] == 1
