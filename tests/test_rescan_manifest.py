"""A re-scan named in the batch's manifest (`replaces` column): a real night notes it, processes
it and closes the quarantine entry, as `daftar requeue` would; a row naming no quarantined scan,
two of them, or no stack of the batch is in the batch report, never silently dropped."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from domain.config import Settings
from night.run import run_inbox
from store.audit import audit_entries
from tests.test_rescan import EMPTY, RESCAN_NUMBER, daftar, drop_rescan, night, tehsil_progress  # noqa: F401 (night: a fixture)


def write_manifest(batch: Path, rows: list[tuple[str, str]]) -> None:
    lines = ["source,replaces,operator", *(f"{source},{replaces},samina" for source, replaces in rows)]
    (batch / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def manifest_flags(report) -> str:
    return " ".join(line["detail"] for line in report.to_json()["flagged"] if line["what"] == "manifest.csv")


def test_a_rescan_named_in_the_manifest_closes_the_quarantine_entry(night, settings: Settings) -> None:
    inbox, home = night
    # GIVEN a re-scan dropped into a new batch whose manifest names the quarantined scan it replaces
    rescan = drop_rescan(inbox)
    write_manifest(rescan.parent, [(rescan.name, EMPTY)])
    # WHEN the next night runs
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    # THEN the entry is closed, counted once, its re-scan archived; the manifest raised nothing
    assert manifest_flags(report) == ""
    assert tehsil_progress(home)["quarantined"] == 0 and tehsil_progress(home)["sources_done"] == 2  # the re-scan, the manifest
    [queue] = json.loads(daftar(home, "review", "--tehsil", "kokernag", "--json").output)
    assert queue["quarantined"] == []
    assert json.loads(daftar(home, "show", RESCAN_NUMBER, "--json").output)["sources"][0]["path"] == rescan.name
    assert [(e.user, e.action, e.file_number, e.via) for e in audit_entries(home)] == [("samina", "requeue", EMPTY, "manifest")]


def test_a_manifest_row_naming_nothing_or_two_scans_is_in_the_report(night, settings: Settings, tmp_path: Path) -> None:
    inbox, home = night
    # GIVEN a second quarantined scan of the same name in another batch, and a manifest whose rows
    # name a scan never quarantined, a name both quarantined scans have, and a stack not in the batch
    other = inbox / "anantnag" / "kokernag" / "2026-11-19" / "scan_0003.tif"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"")
    run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 21, 3, 0))
    rescan = drop_rescan(inbox)
    write_manifest(rescan.parent, [(rescan.name, "scan_0099.tif"), (rescan.name + "-x", EMPTY)])
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    flags = manifest_flags(report)
    assert "scan_0099.tif: not noted, no quarantined scan" in flags
    assert "the batch has no scan or folder scan_0003-rescan.pdf-x" in flags
    write_manifest(rescan.parent, [(rescan.name, "scan_0003.tif")])
    (rescan.parent / "late.pdf").write_bytes(rescan.read_bytes())  # a fresh stack, so the night reads the manifest
    report = run_inbox(inbox, home, settings, now=dt.datetime(2026, 11, 23, 2, 0))
    assert "names 2 quarantined scans" in manifest_flags(report)
    # AND nothing was closed on a guess
    assert tehsil_progress(home)["quarantined"] == 2 and audit_entries(home) == []
