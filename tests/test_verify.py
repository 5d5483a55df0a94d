"""Fixity: `daftar verify` re-hashes the archive of a real night against the checksums recorded
when it was written, and finds a changed byte, a missing file and an extra one; the night checks
a sample and says so in its report."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from domain.config import Settings
from domain.errors import ExitCode
from night.run import run_inbox
from store.archive import read_record, rewrite_record
from store.fixity import CHECKSUMS, record_folders
from tests.web_fixtures import WebArchive


@pytest.fixture
def home(web_archive: WebArchive, tmp_path: Path) -> Path:
    """This test's own copy of a real night's home."""
    copy = tmp_path / "home"
    shutil.copytree(web_archive.home, copy)
    return copy


def verify(home: Path, *options: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["verify", "--home", str(home), "--json", *options])
    return result.exit_code, json.loads(result.stdout)


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_an_intact_archive_verifies(home: Path) -> None:
    code, result = verify(home)
    assert code == 0
    assert result["checked"] == result["of"] == len(record_folders(home)) >= 7
    assert result["damaged"] == 0 and result["unrecorded"] == []


def test_verify_reports_a_changed_byte_a_missing_and_an_extra_file(home: Path) -> None:
    # GIVEN a real archive where one PDF has one byte changed, one record's METS is gone and a
    # stray file was dropped into a third record's folder
    first, second, third = record_folders(home)[:3]
    pdf = home / read_record(home, first).pdf
    flip_one_byte(pdf)
    (home / second / "mets.xml").unlink()
    (home / third / "notes.txt").write_text("copied here by hand\n")
    # WHEN the archive is verified
    code, result = verify(home)
    # THEN it exits 12 and names each file and what is wrong with it
    assert code == ExitCode.FIXITY == 12
    problems = {p["archive_dir"]: p for p in result["problems"]}
    assert problems[first]["changed"] == [pdf.name]
    assert problems[second]["missing"] == ["mets.xml"]
    assert problems[third]["extra"] == ["notes.txt"]
    assert result["damaged"] == 3
    # AND the table says the same for people
    text = CliRunner().invoke(app, ["verify", "--home", str(home)]).stdout
    assert f"{first}/{pdf.name}: changed" in text and f"{second}/mets.xml: missing" in text


def test_verify_by_tehsil_and_sample(home: Path) -> None:
    kokernag = record_folders(home, "anantnag", "kokernag")
    code, result = verify(home, "--tehsil", "Kokernag")
    assert code == 0 and result["checked"] == len(kokernag) >= 3
    code, result = verify(home, "--district", "anantnag", "--sample", "2")
    assert code == 0 and result["checked"] == 2 and result["of"] == len(record_folders(home))


def test_a_flag_change_keeps_the_checksums_right(home: Path) -> None:
    # GIVEN a record file whose flags change after it was archived (a duplicate number, a review)
    folder = record_folders(home)[0]
    record = read_record(home, folder)
    record.flags = sorted({*record.flags, "duplicate-file-number"})
    rewrite_record(home, folder, record)
    # THEN the archive still verifies, and the checksums list the new record.json
    assert verify(home)[0] == 0
    assert "record.json" in (home / folder / CHECKSUMS).read_text()


def test_a_folder_archived_before_checksums_is_listed_not_failed(home: Path) -> None:
    folder = record_folders(home)[0]
    (home / folder / CHECKSUMS).unlink()
    code, result = verify(home)
    assert code == 0 and result["unrecorded"] == [folder]


def test_the_night_checks_a_sample_of_the_archive(home: Path, tmp_path: Path) -> None:
    # GIVEN an archive with one changed byte, and a night with nothing new in the inbox
    folder = record_folders(home)[0]
    flip_one_byte(home / folder / "record.json")
    (tmp_path / "inbox").mkdir()
    settings = Settings.load()
    settings = settings.model_copy(update={"archive": settings.archive.model_copy(update={"verify_sample": 100})})
    # WHEN the night runs
    report = run_inbox(tmp_path / "inbox", home, settings, now=dt.datetime(2026, 11, 22, 2, 0))
    # THEN its report says what the check found, with the damaged file
    assert report.fixity.endswith("1 damaged")
    assert [(line.what, line.detail.split(";")[0]) for line in report.damaged] == [
        (f"{Path(folder).name}/record.json", "changed (its SHA-256 differs from the one recorded)")]
    assert "archive check" in report.summary() and "Damaged in the archive" in report.markdown()
