"""Identity that cannot collide: every record file keeps its own id, whatever its name or number.

Each case that once lost a record file silently is made real here, with tiny generated pages (a
few typed lines at 150 dpi, Code128 labels drawn with python-barcode) run through the real night
(`night.run.run_inbox`: Tesseract, OCRmyPDF, SQLite, the embedded index), twice:

- night 1: six stacks with no number whose names read alike once cleaned (`Scan.pdf`/`scan.pdf`,
  `report (1).pdf`/`report-1.pdf`, two Urdu names); two stacks the manifest gives one number; one
  number in bijbehara and in kokernag; a label that comes again on night 2.
- night 2: that label in a new batch, and `Scan.pdf` done again (as after a kill between its
  archive and its catalog row).

Then: every record file is in the archive, the catalog and the index; a number seen twice is
flagged `duplicate-file-number` on both, and both are reached by `daftar show` and the web page.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import barcode
import pytest
from barcode.writer import ImageWriter
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

import store.catalog
from domain.config import Settings
from indexers import open_index
from night.run import run_inbox
from store.archive import read_record
from store.catalog import DUPLICATE_FLAG, Catalog
from store.users import add_user
from tests.conftest import ROOT
from tests.web_fixtures import PASSWORD, log_in
from web.app import create_app
from web.archived import row_by_file_id

NIGHT_1 = dt.datetime(2026, 11, 20, 23, 30)
NIGHT_2 = dt.datetime(2026, 11, 21, 23, 30)
DPI = 150
PAGE = (700, 700)
FONT = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 22)
UNNUMBERED = ["Scan.pdf", "scan.pdf", "report (1).pdf", "report-1.pdf", "مثل.pdf", "فائل.pdf"]
MANIFEST_NUMBER = "REV/TSL-05/1990/0007"  # given to two stacks by the manifest
AGAIN = "REV/TSL-05/1987/0042"  # a label on night 1, again in night 2's batch
TWO_TEHSILS = "REV/TSL-05/1995/0100"  # a label in bijbehara and in kokernag


def _page(lines: list[str], label: str | None = None) -> Image.Image:
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(lines):
        draw.text((60, 330 + i * 45), text, font=FONT, fill=0)
    if label:
        options = {"module_width": 0.4, "module_height": 10.0, "dpi": DPI, "quiet_zone": 5.0, "write_text": False}
        page.paste(barcode.get("code128", label, writer=ImageWriter()).render(options).convert("L"), (40, 60))
    return page


def _save(image: Image.Image, path: Path, night: dt.datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, dpi=(DPI, DPI), **({"resolution": DPI} if path.suffix == ".pdf" else {}))
    settled = night.timestamp() - 3600
    os.utime(path, (settled, settled))


def _typed(words: str) -> list[str]:
    return ["Order of the Tehsildar", f"In the matter of {words}", "the entry is corrected."]


def _night_1(inbox: Path) -> None:
    batch = inbox / "anantnag" / "bijbehara" / "2026-11-20"
    for i, name in enumerate(UNNUMBERED):
        _save(_page(_typed(f"village number {i + 1}")), batch / name, NIGHT_1)
    _save(_page(_typed("Arwani mutation")), batch / "misl-a" / "001.png", NIGHT_1)
    _save(_page(_typed("Arwani partition")), batch / "misl-b" / "001.png", NIGHT_1)
    (batch / "manifest.csv").write_text(f"source,file_number,title\nmisl-a,{MANIFEST_NUMBER},Mutation\n"
                                        f"misl-b,{MANIFEST_NUMBER},Partition\n", encoding="utf-8")
    _save(_page(_typed("Kokernag road"), AGAIN), batch / "cover-1" / "001.png", NIGHT_1)
    _save(_page(_typed("Bijbehara canal"), TWO_TEHSILS), batch / "cover-2" / "001.png", NIGHT_1)
    other = inbox / "anantnag" / "kokernag" / "2026-11-20"
    _save(_page(_typed("Kokernag spring"), TWO_TEHSILS), other / "cover-3" / "001.png", NIGHT_1)


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """GIVEN night 1's inbox WHEN it runs, THEN night 2 adds a batch and `Scan.pdf` waits again
    (as if a kill had struck between its archive and its catalog row) WHEN the night runs again."""
    base = tmp_path_factory.mktemp("identity")
    inbox, home = base / "inbox", base / "home"
    loaded = Settings.load()
    settings = loaded.model_copy(update={"workers": 2, "intake": loaded.intake.model_copy(update={"settle_seconds": 0}),
                                         "index": loaded.index.model_copy(update={"backend": "embedded"})})
    _night_1(inbox)
    first = run_inbox(inbox, home, settings, NIGHT_1)
    catalog = Catalog.open(home)
    ids_1 = {row.file_id: row for row in catalog.record_files()}
    scan = next(s for s in catalog.sources() if s.path.endswith("/Scan.pdf"))
    catalog.db.execute("UPDATE sources SET state = 'waiting' WHERE path = ?", (scan.path,))
    catalog.close()
    _save(_page(_typed("Kokernag road, second copy"), AGAIN), inbox / "anantnag" / "bijbehara" / "2026-11-21" / "cover-4" / "001.png",
          NIGHT_2)
    second = run_inbox(inbox, home, settings, NIGHT_2)
    add_user(home, "admin", "admin", [], [], PASSWORD, settings)
    return home, settings, first, second, ids_1


def _rows(home: Path) -> list[store.catalog.CatalogedFile]:
    catalog = Catalog.open(home)
    try:
        return catalog.record_files()
    finally:
        catalog.close()


def _daftar(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    env.pop("DAFTAR_INDEX", None)
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_every_record_file_survives_in_archive_catalog_and_index(nights):
    home, settings, first, second, _ = nights
    # THEN night 1 made 11 record files and night 2 one more: none overwritten, none quarantined
    assert len(first.done) == 11 and not first.quarantined and not first.waiting
    assert len(second.done) == 2 and not second.quarantined  # the new batch, and Scan.pdf done again
    rows = _rows(home)
    assert len(rows) == 12 and len({row.file_id for row in rows}) == 12
    index = open_index(home, settings)
    try:
        for row in rows:
            record = read_record(home, row.archive_dir)
            assert record.file_id == row.file_id and (home / record.pdf).is_file()
            assert index.lookup(row.file_id).file_number == row.file_number
    finally:
        index.close()


def test_stacks_with_names_alike_get_distinct_provisional_numbers(nights):
    home, _, _, _, _ = nights
    provisional = [row for row in _rows(home) if row.file_number_source == "provisional"]
    assert sorted(row.stack for row in provisional) == sorted(UNNUMBERED)
    assert len({row.file_number for row in provisional}) == len(UNNUMBERED)
    assert all(DUPLICATE_FLAG not in row.flags and "no-file-number" in " ".join(row.flags) for row in provisional)


@pytest.mark.parametrize("number, places", [
    (MANIFEST_NUMBER, {("bijbehara", "2026-11-20", "misl-a"), ("bijbehara", "2026-11-20", "misl-b")}),
    (AGAIN, {("bijbehara", "2026-11-20", "cover-1"), ("bijbehara", "2026-11-21", "cover-4")}),
    (TWO_TEHSILS, {("bijbehara", "2026-11-20", "cover-2"), ("kokernag", "2026-11-20", "cover-3")}),
])
def test_a_number_seen_twice_is_two_record_files_both_flagged(nights, number, places):
    home, _, _, _, _ = nights
    rows = [row for row in _rows(home) if row.file_number == number]
    assert {(row.tehsil, row.batch, row.stack) for row in rows} == places
    for row in rows:
        assert DUPLICATE_FLAG in row.flags  # in the catalog
        assert DUPLICATE_FLAG in read_record(home, row.archive_dir).flags  # and in the archive's record


def test_progress_counts_the_file_of_each_tehsil(nights):
    home, _, _, _, _ = nights
    progress = _daftar("progress", "--format", "json", "--as-of", "2026-11-22", home=home)
    assert progress.returncode == 0, progress.stderr
    done = {row["tehsil"]: row["files_done"] for row in json.loads(progress.stdout)["tehsils"]}
    assert done["kokernag"] == 1 and done["bijbehara"] == 11


def test_a_stack_done_again_keeps_its_ids_and_nothing_is_indexed_twice(nights):
    home, settings, _, second, ids_1 = nights
    rows = {row.file_id: row for row in _rows(home)}
    assert set(ids_1) <= set(rows)  # every id of night 1 still names its record file
    scan = [row for row in rows.values() if row.stack == "Scan.pdf"]
    assert len(scan) == 1 and scan[0].file_id in ids_1 and scan[0].processed_at == NIGHT_2.isoformat(timespec="seconds")
    assert second.skipped_stacks == 10  # night 1's other stacks
    index = open_index(home, settings)
    try:
        assert tuple(index.db.execute("SELECT count(*), count(DISTINCT file_id) FROM files").fetchone()) == (12, 12)
    finally:
        index.close()


def test_daftar_show_shows_the_newest_and_names_the_others(nights):
    home, _, _, _, _ = nights
    shown = _daftar("show", AGAIN.lower(), "--json", home=home)
    assert shown.returncode == 0, shown.stderr
    newest = json.loads(shown.stdout)
    assert newest["batch"] == "2026-11-21" and DUPLICATE_FLAG in newest["flags"]
    [other] = newest["same_number"]
    assert other["batch"] == "2026-11-20"
    older = json.loads(_daftar("show", other["file_id"], "--json", home=home).stdout)
    assert older["file_id"] == other["file_id"] and older["stack"] == "cover-1"
    assert [o["file_id"] for o in older["same_number"]] == [newest["file_id"]]
    text = _daftar("show", TWO_TEHSILS, home=home)
    assert text.returncode == 0 and "2 record files have the number REV/TSL-05/1995/0100" in text.stdout


def test_the_permanent_address_shows_both_and_says_so(nights):
    home, settings, _, _, _ = nights
    rows = [row for row in _rows(home) if row.file_number == TWO_TEHSILS]
    with TestClient(create_app(home, settings), follow_redirects=False) as client:
        log_in(client, "admin")
        page = client.get(f"/files/{TWO_TEHSILS}")
        assert page.status_code == 200 and "2 record files have this number" in page.text and "This is the newest" in page.text
        shown = [row for row in rows if f'href="/records/{row.file_id}/pdf"' in page.text]
        assert len(shown) == 1  # the newest, with a link to the other
        [other] = [row for row in rows if row is not shown[0]]
        assert f'href="/records/{other.file_id}"' in page.text
        page = client.get(f"/records/{other.file_id}")
        assert page.status_code == 200 and f'href="/records/{other.file_id}/pdf"' in page.text and "This is one of them" in page.text
        assert f'href="/records/{shown[0].file_id}"' in page.text


def test_an_old_home_keeps_its_ids_and_flags_both_of_a_number_it_holds_twice(tmp_path):
    # GIVEN a catalog the previous release wrote: one stack's two files of one number, `X` and `X~2`,
    # only the second flagged (as that release did)
    home = tmp_path / "home"
    home.mkdir()
    db = sqlite3.connect(home / "catalog.sqlite")
    db.executescript(store.catalog.MIGRATIONS[0])
    for file_id, flags in (("REV_TSL-05_1987_0042", "[]"), ("REV_TSL-05_1987_0042~2", f'["{DUPLICATE_FLAG}"]')):
        db.execute("INSERT INTO record_files VALUES (?, 'REV/TSL-05/1987/0042', 'barcode', 'anantnag', 'bijbehara', "
                   "'2026-11-20', 'a.tif', NULL, NULL, 1987, 1, 0, ?, ?, '2026-11-21T02:00:00', 1)",
                   (file_id, flags, f"archive/anantnag/bijbehara/{file_id}"))
    db.commit()
    db.close()
    # WHEN this release opens it
    catalog = Catalog.open(home)
    try:
        # THEN both are flagged, both old ids are still addresses, and a new file never takes either
        rows = catalog.same_number("REV/TSL-05/1987/0042")
        assert [DUPLICATE_FLAG in row.flags for row in rows] == [True, True]
        assert row_by_file_id(catalog, "REV_TSL-05_1987_0042~2").file_id == "REV_TSL-05_1987_0042~2"
        assert catalog.claim_file_ids([("new origin", "REV_TSL-05_1987_0042")]) == ["REV_TSL-05_1987_0042~3"]
    finally:
        catalog.close()
