"""The catalog hands out typed rows, and its lookups and lists answer what their names say, the same
on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from domain.model import Batch, PageRecord, RecordFile, SourceFile, Stack
from store.catalog import Catalog, CatalogedFile

NIGHT = dt.datetime(2026, 11, 21, 2, 0)


def record(n: int, flags: list[str] | None = None, tehsil: str = "kokernag", processed_at: str = "2026-11-21T02:00:00") -> RecordFile:
    number = f"REV/TSL-05/1987/{n:04d}"
    return RecordFile(file_id=number.replace("/", "_"), file_number=number, file_number_raw=number,
                      file_number_source="barcode", district="anantnag", tehsil=tehsil, batch="2026-11-20",
                      stack="a.tif", title=f"file {n}", record_type="mutation", year=1987,
                      pages=[PageRecord(1, "a.tif", 1), PageRecord(2, "a.tif", 2, blank=True)], flags=flags or [],
                      processed_at=processed_at)


@pytest.fixture
def catalog(tmp_path: Path, store_engine: str):
    catalog = Catalog.open(tmp_path)
    yield catalog
    catalog.close()


def test_a_record_file_comes_back_as_a_frozen_typed_row(catalog):
    # GIVEN a record file archived with a flag
    catalog.record_done(record(42, ["blank-pages: 2"]), "archive/anantnag/kokernag/REV_TSL-05_1987_0042")
    # WHEN it is read by number and by archive id
    by_number = catalog.record_file("REV/TSL-05/1987/0042")
    by_id = catalog.record_file_by_id("REV_TSL-05_1987_0042")
    # THEN both are the same typed row, its flags a tuple and `indexed` a boolean
    assert by_number == by_id == CatalogedFile(
        file_id="REV_TSL-05_1987_0042", file_number="REV/TSL-05/1987/0042", file_number_source="barcode",
        district="anantnag", tehsil="kokernag", batch="2026-11-20", stack="a.tif", title="file 42",
        record_type="mutation", year=1987, pages=2, blank_pages=1, flags=("blank-pages: 2",),
        archive_dir="archive/anantnag/kokernag/REV_TSL-05_1987_0042", processed_at="2026-11-21T02:00:00", indexed=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        by_number.indexed = True  # type: ignore[misc]
    catalog.mark_indexed(by_number.file_id)
    assert catalog.record_file_by_id(by_number.file_id).indexed is True
    assert catalog.record_file_by_id("REV_TSL-05_1987_0043") is None


def test_many_ids_are_looked_up_past_sqlites_parameter_limit(catalog):
    # GIVEN more record files than one statement may bind
    for n in range(1200):
        catalog.record_done(record(n), f"archive/{n}")
    # WHEN they are looked up together, with an unknown id among them
    found = catalog.record_files_by_id([f"REV_TSL-05_1987_{n:04d}" for n in range(1200)] + ["nowhere"])
    # THEN every known one is found, by its id
    assert len(found) == 1200 and "nowhere" not in found
    assert found["REV_TSL-05_1987_0999"].archive_dir == "archive/999"


def test_lists_for_review_are_the_latest_first_with_the_full_count(catalog):
    # GIVEN three flagged record files and one clean one, and two quarantined sources
    for n, processed in enumerate(["2026-11-19T02:00:00", "2026-11-21T02:00:00", "2026-11-20T02:00:00"]):
        catalog.record_done(record(n, ["no-file-number"], processed_at=processed), f"archive/{n}")
    catalog.record_done(record(9), "archive/9")
    catalog.record_done(record(8, ["low-ocr-confidence"], tehsil="bijbehara"), "archive/8")
    batch = Batch("anantnag", "kokernag", "2026-11-20", Path("/inbox/anantnag/kokernag/2026-11-20"))
    stack = Stack(batch, "stack", ())
    bad = [SourceFile(batch.path / f"bad-{n}.pdf", f"{n}".ljust(64, "0"), 10) for n in range(2)]
    catalog.mark_sources(stack, bad, "quarantined", "corrupt PDF: broken xref", NIGHT)
    # WHEN two of each are asked for
    flagged, flagged_total = catalog.flagged_files("anantnag", "kokernag", limit=2)
    quarantined, quarantined_total = catalog.quarantined_sources("anantnag", "kokernag", limit=1)
    # THEN the latest come first and the totals count them all, in that tehsil only
    assert [row.file_number for row in flagged] == ["REV/TSL-05/1987/0001", "REV/TSL-05/1987/0002"]
    assert flagged_total == 3
    assert [source.reason for source in quarantined] == ["corrupt PDF: broken xref"] and quarantined_total == 2
    assert sorted(catalog.places()) == [("anantnag", "bijbehara", "mutation"), ("anantnag", "kokernag", "mutation")]


def test_the_figures_count_alike_however_a_folder_spelt_the_tehsil(catalog):
    # GIVEN record files of one tehsil whose folders spelt it three ways, one night, and a quarantined scan
    for n, spelling in enumerate(["Dooru Verinag", "dooru-verinag", "ＤＯＯＲＵ_VERINAG"]):
        catalog.record_done(record(n, ["blank-pages: 2", "no-file-number"] if n else [], tehsil=spelling,
                                   processed_at=f"2026-11-21T02:{n:02d}:00"), f"archive/{n}")
    batch = Batch("anantnag", "Dooru Verinag", "2026-11-20", Path("/inbox/anantnag/Dooru Verinag/2026-11-20"))
    catalog.mark_sources(Stack(batch, "x", ()), [SourceFile(batch.path / "bad.pdf", "0" * 64, 3_000_000_000)],
                         "quarantined", "corrupt PDF", NIGHT)
    # WHEN the figures are read for one spelling THEN every spelling is counted, by the hour and by flag
    assert [len(catalog.record_files(tehsil=spelling)) for spelling in ("dooruverinag", "Dooru-Verinag")] == [3, 3]
    assert {h.hour for h in catalog.hourly_output("Anantnag")} == {"2026-11-21T02"}
    assert sum(h.files for h in catalog.hourly_output()) == 3 and sum(h.pages for h in catalog.hourly_output()) == 6
    assert sum(h.flagged for h in catalog.hourly_output()) == 2
    flags = catalog.flag_counts("anantnag")  # one row per spelling: the figures add them up by key
    assert sorted((f.tehsil, f.flag, f.count) for f in flags) == [
        ("dooru-verinag", "blank-pages: 2", 1), ("dooru-verinag", "no-file-number", 1),
        ("ＤＯＯＲＵ_VERINAG", "blank-pages: 2", 1), ("ＤＯＯＲＵ_VERINAG", "no-file-number", 1)]
    assert [(s.state, s.count) for s in catalog.source_counts("ANANTNAG")] == [("quarantined", 1)]
    assert catalog.sources()[0].size == 3_000_000_000  # a scan over 2 GB
    assert [row.file_number for row in catalog.review_files("anantnag", "dooru verinag")] == [
        "REV/TSL-05/1987/0001", "REV/TSL-05/1987/0002"]
