"""Any district, as a new one adopts daftar: a district, tehsils and a file-number format that no
config names still get every file by the number on its label; folder names match their configs
however they are written.

The inbox is generated here: random names from a seeded generator (one tehsil with a space in its
name), labels in a random format with random separators, Code128 and QR covers drawn with
python-barcode, qrcode and Pillow, typed pages at 200 dpi so OCR stays quick. It runs through
the real night (Tesseract, OCRmyPDF, SQLite); lookups go through the real `daftar` command.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import barcode
import pytest
import qrcode
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

from domain.config import Settings, Tehsil, name_key
from domain.model import Batch, RecordFile, SourceFile, Stack
from night.run import run_inbox
from pipeline.progress import tehsil_progress
from store.catalog import Catalog
from tests.conftest import ROOT

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
DPI = 200
PAGE = (1165, 1654)  # A5 at 200 dpi: few pixels for Tesseract
UNMATCHED = "KHT-778/B"  # filed in Anantnag, in no format its config names
FONT = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)


@dataclass(frozen=True)
class Label:
    number: str  # as printed on the label
    symbology: str  # code128 or qrcode
    tehsil: str


def _word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def _unknown_place(rng: random.Random) -> tuple[str, list[str]]:
    """A district and two tehsils no config names, the first tehsil's name with a space."""
    district = _word(rng, 7).capitalize()
    tehsils = [f"{_word(rng, 5).capitalize()} {_word(rng, 6).capitalize()}", _word(rng, 8)]
    assert all(name_key(name) not in {"anantnag", "bijbehara", "kokernag"} for name in [district, *tehsils])
    return district, tehsils


def _label_format(rng: random.Random) -> list[str]:
    """Three numbers in one random office format: letters, a section, a year and a padded serial,
    with two random separators (e.g. "QZK.17-1994.00042")."""
    office = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 4)))
    first, second = rng.sample(["-", "/", ".", "_"], 2)
    section = rng.randint(1, 99)
    return [f"{office}{first}{section}{second}{rng.randint(1950, 2020)}{first}{rng.randint(1, 9999):05d}" for _ in range(3)]


def _sheet(lines: list[str], top: int = 120) -> Image.Image:
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    for i, text in enumerate(lines):
        draw.text((100, top + i * 60), text, font=FONT, fill=0)
    return page


def _code(value: str, symbology: str) -> Image.Image:
    if symbology == "qrcode":
        return qrcode.make(value, box_size=6, border=4).get_image().convert("L")
    writer_options = {"module_width": 0.3, "module_height": 12.0, "dpi": DPI, "quiet_zone": 6.0, "write_text": False}
    return barcode.get("code128", value, writer=ImageWriter()).render(writer_options).convert("L")


def _cover(label: Label, subject: str) -> Image.Image:
    page = _sheet(["RECORD FILE", f"Tehsil {label.tehsil}", subject], top=600)
    page.paste(_code(label.number, label.symbology), (100, 100))
    return page


def _save(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, dpi=(DPI, DPI))
    old = NIGHT.timestamp() - 3600  # long settled
    os.utime(path, (old, old))


def _typed(words: str) -> Image.Image:
    return _sheet(["Order of the Tehsildar", f"In the matter of {words}", "the entry is corrected as prayed."])


def _write_inbox(inbox: Path, rng: random.Random) -> tuple[list[Label], str, list[str]]:
    """The unknown district's night: a loose stack split by a separator sheet in the tehsil with
    a space, a folder stack in the other; plus one configured file filed as `Anantnag/Bijbehara`."""
    district, tehsils = _unknown_place(rng)
    numbers = _label_format(rng)
    labels = [Label(numbers[0], "code128", tehsils[0]), Label(numbers[1], "qrcode", tehsils[0]), Label(numbers[2], "qrcode", tehsils[1])]
    loose = inbox / district / tehsils[0] / "2026-11-20"
    _save(_cover(labels[0], "Mutation of land"), loose / "001.png")
    _save(_typed("village Alpha"), loose / "002.png")
    separator = _sheet(["SEPARATOR SHEET"], top=600)
    separator.paste(_code("SEPARATOR", "code128"), (100, 100))
    _save(separator, loose / "003.png")
    _save(_cover(labels[1], "Partition case"), loose / "004.png")
    _save(_typed("village Beta"), loose / "005.png")
    folder = inbox / district / tehsils[1] / "2026-11-20" / "misl-a"
    _save(_cover(labels[2], "Inheritance"), folder / "001.png")
    _save(_typed("village Gamma"), folder / "002.png")
    configured = inbox / "Anantnag" / "Bijbehara" / "2026-11-20"
    _save(_cover(Label("rev/tsl-05/1987/42", "code128", "Bijbehara"), "Jamabandi copy"), configured / "001.png")  # padded, upper-cased
    _save(_cover(Label(UNMATCHED, "code128", "Bijbehara"), "Old store file"), configured / "misl-b" / "001.png")
    return labels, district, tehsils


def daftar(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    env.pop("DAFTAR_INDEX", None)  # the embedded index the night wrote
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """GIVEN a generated inbox of a district no config names (and one configured file under a
    differently written folder name) WHEN the real night runs it."""
    base = tmp_path_factory.mktemp("any-district")
    inbox, home = base / "inbox", base / "home"
    labels, district, tehsils = _write_inbox(inbox, random.Random(11))
    loaded = Settings.load()
    settings = loaded.model_copy(update={"intake": loaded.intake.model_copy(update={"settle_seconds": 0}),
                                         "index": loaded.index.model_copy(update={"backend": "embedded"})})
    report = run_inbox(inbox, home, settings, NIGHT)
    return home, settings, report, labels, district, tehsils


def test_every_file_of_an_unconfigured_district_is_found_by_its_label(night):
    home, _, report, labels, district, _ = night
    # THEN every record file carries its label's number, never a provisional one
    assert len(report.done) == 5 and not report.quarantined
    for label in labels:
        for typed in (label.number, label.number.lower()):
            shown = daftar("show", typed, "--json", home=home)
            assert shown.returncode == 0, (typed, shown.stderr)
            record = json.loads(shown.stdout)
            assert record["file_number"] == label.number and record["file_number_source"] == "barcode"
            assert record["district"] == district and record["tehsil"] == label.tehsil
            assert "file-number-pattern-unconfigured" in record["flags"] and "no-file-number" not in record["flags"]
            assert Path(record["pdf_path"]).is_file()
        found = daftar("search", label.number, "--json", home=home)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)[0]["file_number"] == label.number


def test_the_web_page_and_e_office_links_find_a_label_typed_as_printed(night, tmp_path: Path):
    from store.eoffice import import_eoffice_export
    from web.archived import canonical_number

    home, settings, _, labels, _, _ = night
    catalog = Catalog.open(home)
    try:  # /files/<number> resolves its number here
        for label in labels:
            number, row = canonical_number(label.number.lower(), catalog, settings)
            assert number == label.number and row is not None and row.file_number == label.number
    finally:
        catalog.close()
    export = tmp_path / "export.csv"
    export.write_text("E-File Number,Subject,Date,Cited Legacy File Numbers\n"
                      f"GAD-1/2/2026-GAD,Appeal,2026-01-02,{labels[0].number.lower()}; {labels[2].number}\n", encoding="utf-8")
    report = import_eoffice_export(export, home, settings)
    assert (report.citations, report.linked) == (2, 2)


def test_the_report_says_the_number_was_read_without_a_pattern(night):
    _, _, report, labels, _, _ = night
    flagged = {line.what: line.detail for line in report.flagged}
    for label in labels:
        assert "file-number-pattern-unconfigured" in flagged[label.number]


def test_an_unconfigured_tehsil_with_a_space_is_archived_under_its_key(night):
    home, _, _, labels, district, tehsils = night
    folders = {p.relative_to(home / "archive").parts[:2] for p in (home / "archive").rglob("record.json")}
    assert (name_key(district), name_key(tehsils[0])) in folders  # "Abcde Fghijk" -> "abcdefghijk"
    assert all(" " not in part for folder in folders for part in folder)


def test_a_folder_spelt_differently_gets_its_districts_config_and_counts_under_the_configured_tehsil(night):
    home, _, _, _, district, tehsils = night
    # THEN `Anantnag/Bijbehara` read anantnag's pattern (padded, upper case) ...
    shown = daftar("show", "REV/TSL-05/1987/0042", "--json", home=home)
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert (record["district"], record["tehsil"]) == ("anantnag", "bijbehara")
    assert record["candidates"][0]["pattern"] == "revenue" and "file-number-unmatched" not in record["flags"]
    assert (home / "archive" / "anantnag" / "bijbehara" / "REV_TSL-05_1987_0042" / "record.json").is_file()
    # a label in no configured format is still the number, flagged as matching no pattern
    unmatched = json.loads(daftar("show", UNMATCHED.lower(), "--json", home=home).stdout)
    assert unmatched["file_number"] == UNMATCHED and unmatched["tehsil"] == "bijbehara"
    assert "file-number-unmatched" in unmatched["flags"] and "file-number-pattern-unconfigured" not in unmatched["flags"]
    # ... and progress lists the configured tehsil once, with the file and its source counted
    progress = daftar("progress", "--format", "json", "--as-of", "2026-11-21", home=home)
    assert progress.returncode == 0, progress.stderr
    rows = json.loads(progress.stdout)["tehsils"]
    anantnag = [row for row in rows if name_key(row["district"]) == "anantnag"]
    assert [row["tehsil"] for row in anantnag] == ["bijbehara", "kokernag"]
    assert anantnag[0]["files_done"] == 2 and anantnag[0]["sources_done"] == 2 and anantnag[0]["target_files"] == 1200
    unknown = sorted(row["tehsil"] for row in rows if row["district"] == district)
    assert unknown == sorted(tehsils)
    # a filter typed in another case finds the same district
    only = daftar("progress", "--format", "json", "--district", "ANANTNAG", "--as-of", "2026-11-21", home=home)
    assert [row["tehsil"] for row in json.loads(only.stdout)["tehsils"]] == ["bijbehara", "kokernag"]


def test_names_match_without_regard_to_case_spaces_hyphens_and_underscores() -> None:
    settings = Settings.load()
    assert {name_key(n) for n in ("Dooru Verinag", "dooru-verinag", "DOORU_VERINAG", " DooruVerinag ")} == {"dooruverinag"}
    assert settings.district("Anantnag").name == "anantnag" and settings.district("ANANT-NAG").file_number_patterns
    assert settings.district("anantnag").tehsil("KOKER_NAG").languages == ["eng", "urd", "hin"]
    assert settings.district("Anantnag").languages_for("Kokernag") == ["eng", "urd", "hin"]
    assert settings.district("Nowhere").name == "Nowhere" and settings.district("Nowhere").file_number_patterns == []
    assert settings.district("anantnag").tehsil("Elsewhere") == Tehsil(name="Elsewhere")


def test_one_tehsil_written_three_ways_is_counted_once(tmp_path: Path) -> None:
    # GIVEN three nights of one unconfigured tehsil, its folder spelt differently each night
    catalog = Catalog.open(tmp_path)
    for night, spelling in enumerate(["Dooru Verinag", "dooru-verinag", "DOORU_VERINAG"], 1):
        batch = Batch("Islamabad", spelling, f"2026-11-2{night}", tmp_path / spelling)
        stack = Stack(batch, "misl", (SourceFile(tmp_path / f"{night}.png", "0" * 64, 1),))
        catalog.mark_sources(stack, stack.sources, "done", None, dt.datetime(2026, 11, 20 + night, 23))
        catalog.record_done(RecordFile(file_id=f"F-{night}", file_number=f"F-{night}", file_number_raw=f"F-{night}",
                                       file_number_source="barcode", district="Islamabad", tehsil=spelling,
                                       batch=batch.name, stack="misl", processed_at=f"2026-11-2{night}T23:00:00"), f"archive/{night}")
    # WHEN progress is figured THEN it is one tehsil, under one of its spellings, with every file and source
    rows = [row for row in tehsil_progress(catalog, Settings.load(), dt.date(2026, 11, 24)) if row.district == "Islamabad"]
    catalog.close()
    assert [(row.files_done, row.sources_done) for row in rows] == [(3, 3)]
    assert rows[0].tehsil in {"Dooru Verinag", "dooru-verinag", "DOORU_VERINAG"}
