"""The nightly batch end to end: real Prefect flow, real Tesseract and OCRmyPDF, real files.

One night of one sample tehsil (barcoded covers, separator sheets, a skewed and an upside-down
page, a blank back page, a corrupt scanner PDF) plus real scans from the shared corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from flows.batch import run_inbox
from indexers import SearchQuery, open_index
from store.catalog import Catalog
from pipeline.intake import stack_paths
from domain.model import Batch
from tests.conftest import ROOT, SAMPLES, copy_stack

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
BATCH = SAMPLES / "inbox" / "anantnag" / "bijbehara" / "2026-11-20"
TRUTH = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))


def daftar(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def night(tmp_path_factory, corpus):
    """One real run over the sample night plus corpus scans; returns (inbox, home, report)."""
    from domain.config import Settings

    base = tmp_path_factory.mktemp("night")
    inbox, home = base / "inbox", base / "home"
    batch = inbox / "anantnag" / "bijbehara" / "2026-11-20"
    for source in sorted(BATCH.iterdir()):
        copy_stack(source, batch)
    for name in ("skew.pdf", "invalid.pdf", "tagged.pdf"):
        copy_stack(corpus / "scans" / "ocrmypdf" / name, batch)
    (batch / "empty-scan.pdf").write_bytes(b"")
    os.utime(batch / "empty-scan.pdf", (0, 0))
    loaded = Settings.load()
    settings = loaded.model_copy(update={"intake": loaded.intake.model_copy(update={"settle_seconds": 0})})
    before = digest_tree(inbox)
    report = run_inbox(inbox, home, settings, NIGHT)
    return inbox, home, settings, report, before


def expected_records():
    return [r for r in TRUTH["record_files"] if r["tehsil"] == "bijbehara" and r["batch"] == "2026-11-20"]


def test_every_barcoded_file_number_is_found_by_show(night):
    inbox, home, settings, report, _ = night
    for record in expected_records():
        result = daftar("show", record["file_number"], "--json", home=home)
        assert result.returncode == 0, result.stderr
        shown = json.loads(result.stdout)
        assert shown["file_number"] == record["file_number"]
        assert shown["file_number_source"] == "barcode"
        assert len(shown["pages"]) == len(record["pages"])
        assert Path(shown["pdf_path"]).is_file()


def test_separator_sheets_split_the_stack_and_are_recorded_not_kept(night):
    _, home, _, _, _ = night
    catalog = Catalog.open(home)
    rows = [row for row in catalog.record_files() if row.stack == "_loose"]
    catalog.close()
    assert sorted(row.file_number for row in rows) == sorted(r["file_number"] for r in expected_records())
    second = json.loads(daftar("show", expected_records()[1]["file_number"], "--json", home=home).stdout)
    assert second["separators"], "the separator sheet before the second file is recorded"


def test_a_phrase_from_a_page_finds_its_file_and_page(night):
    _, home, _, _, _ = night
    for record in expected_records():
        for number, page in enumerate(record["pages"], 1):
            words = [w for w in page["text"].split() if w.isalpha() and len(w) > 4 and page["language"] == "eng"]
            if len(words) < 3:
                continue
            result = daftar("search", " ".join(words[:3]), "--json", home=home)
            hits = json.loads(result.stdout)
            assert any(h["file_number"] == record["file_number"] and h["page"] == number for h in hits), (words[:3], hits)


def test_urdu_page_text_is_in_logical_order_and_searchable(night):
    _, home, settings, _, _ = night
    urdu = [(r, n, p) for r in expected_records() for n, p in enumerate(r["pages"], 1) if p["language"] == "urd"]
    if not urdu:
        pytest.skip("this sample night has no Urdu page")
    record, number, page = urdu[0]
    # OCR of the fast Urdu model misses some words; most of the five longest must be found.
    words = sorted(set(page["text"].split()), key=len, reverse=True)[:5]
    index = open_index(home, settings)
    found = [w for w in words if any(h.file_number == record["file_number"] and h.page == number
                                     for h in index.search(SearchQuery(text=w)).hits)]
    index.close()
    assert len(found) >= 3, (words, found)


def test_skewed_and_upside_down_pages_are_read(night):
    _, home, _, _, _ = night
    for record in expected_records():
        shown = json.loads(daftar("show", record["file_number"], "--json", home=home).stdout)
        for truth, page in zip(record["pages"], shown["pages"]):
            if truth["kind"] == "text" and (abs(truth["skew_degrees"]) >= 1 or truth["orientation"]):
                expected = set(truth["text"].split())
                found = set(page["text"].split())
                assert len(expected & found) >= 0.7 * len(expected), (record["file_number"], truth["skew_degrees"], truth["orientation"])


def test_blank_back_page_is_recorded_not_ocred(night):
    _, home, _, _, _ = night
    record = next(r for r in expected_records() if any(p["kind"] == "blank" for p in r["pages"]))
    shown = json.loads(daftar("show", record["file_number"], "--json", home=home).stdout)
    blank = [p for p in shown["pages"] if p["blank"]]
    assert len(blank) == 1 and blank[0]["text"] == "" and blank[0]["confidence"] is None
    assert "blank-pages" in shown["flags"]


def test_archive_is_pdfa_with_a_text_layer(night):
    _, home, _, _, _ = night
    pdf = Path(json.loads(daftar("show", expected_records()[0]["file_number"], "--json", home=home).stdout)["pdf_path"])
    with pikepdf.open(pdf) as document:
        meta = document.open_metadata()
        # a scan whose only font is the text layer daftar wrote, every glyph mapped to Unicode: PDF/A-2u
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "U"
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        assert document.pages[1].extract_text().strip()


def test_bad_inputs_are_quarantined_with_reasons_and_the_batch_goes_on(night):
    _, home, _, report, _ = night
    reasons = {line.what: line.detail for line in report.quarantined}
    assert "corrupt" in reasons["invalid.pdf"].lower()
    assert "empty" in reasons["empty-scan.pdf"].lower()
    expected_bad = [q for q in TRUTH["quarantined"] if q["path"].startswith("anantnag/bijbehara/2026-11-20/")]
    for bad in expected_bad:
        name = Path(bad["path"]).name
        assert bad["reason_contains"] in reasons[name].lower()
        assert (home / "quarantine" / "anantnag" / "bijbehara" / "2026-11-20" / name).is_file()
        assert (home / "quarantine" / "anantnag" / "bijbehara" / "2026-11-20" / f"{name}.reason.txt").is_file()
    assert len(report.done) == len(expected_records()) + 2  # plus skew.pdf and tagged.pdf


def test_born_digital_pdf_keeps_its_text_and_is_not_ocred(night):
    _, home, _, _, _ = night
    catalog = Catalog.open(home)
    row = next(row for row in catalog.record_files() if row.stack == "tagged.pdf")
    catalog.close()
    shown = json.loads(daftar("show", row.file_id, "--json", home=home).stdout)
    assert all(page["born_digital"] for page in shown["pages"])
    assert "Heading" in shown["pages"][0]["text"]
    assert "no-file-number" in " ".join(shown["flags"])  # provisional id, flagged, still searchable
    hits = json.loads(daftar("search", "Heading", "--json", home=home).stdout)
    assert any(h["file_id"] == row.file_id for h in hits)


def test_every_source_is_accounted_for_and_originals_are_untouched(night):
    inbox, home, _, _, before = night
    catalog = Catalog.open(home)
    states = {Path(s.path).name: s.state for s in catalog.sources()}
    catalog.close()
    files = [p for p in inbox.rglob("*") if p.is_file() and p.name != "manifest.csv"]
    assert {p.name for p in files} == set(states)
    assert set(states.values()) <= {"done", "quarantined"}
    assert digest_tree(inbox) == before


def test_rerun_does_no_work_twice_and_indexes_nothing_twice(night):
    inbox, home, settings, first, _ = night
    index = open_index(home, settings)
    count_before = index.count()
    index.close()
    again = run_inbox(inbox, home, settings, NIGHT + dt.timedelta(days=1))
    assert again.done == [] and again.quarantined == []
    batch = Batch("anantnag", "bijbehara", "2026-11-20", inbox / "anantnag" / "bijbehara" / "2026-11-20")
    assert again.skipped_stacks == len(stack_paths(batch))
    index = open_index(home, settings)
    assert index.count() == count_before
    index.close()
