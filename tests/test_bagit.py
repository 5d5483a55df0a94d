"""`daftar export --bagit`: the archive of a real night handed over as a BagIt bag that bagit's
own validator accepts, and never a bag of damaged files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from cli import app
from domain.errors import ExitCode
from store.fixity import record_folders
from tests.web_fixtures import WebArchive

BAGIT_CLI = Path(sys.executable).parent / "bagit.py"


def export(home: Path, out: Path, *options: str) -> int:
    return CliRunner().invoke(app, ["export", "--bagit", str(out), "--home", str(home), *options]).exit_code


def test_a_tehsil_exported_as_a_bag_validates(web_archive: WebArchive, tmp_path: Path) -> None:
    # GIVEN the archive of a real night; WHEN one tehsil is exported as a bag
    out = tmp_path / "bag"
    assert export(web_archive.home, out, "--district", "Anantnag", "--tehsil", "bijbehara") == 0
    # THEN bagit's own validator accepts it, in Python and on the command line
    bag = bagit.Bag(str(out))
    bag.validate()
    assert bag.algorithms == ["sha256"]
    assert subprocess.run([sys.executable, str(BAGIT_CLI), "--validate", str(out)], capture_output=True).returncode == 0
    # AND it holds that tehsil's record folders whole, each with its METS and checksums
    folders = record_folders(web_archive.home, "anantnag", "bijbehara")
    payload = {Path(name).parent.as_posix() for name in bag.payload_files()}
    assert {f"data/{Path(folder).relative_to('archive').as_posix()}" for folder in folders} <= payload
    assert all(Path(name).parts[2] == "bijbehara" for name in bag.payload_files())
    for folder in folders:
        inside = out / "data" / Path(folder).relative_to("archive")
        assert (inside / "mets.xml").is_file() and (inside / "checksums.sha256").is_file()


def test_a_damaged_archive_is_not_exported(web_archive: WebArchive, tmp_path: Path) -> None:
    # GIVEN an archive with one changed byte
    home = tmp_path / "home"
    shutil.copytree(web_archive.home, home)
    pdf = next((home / record_folders(home)[0]).glob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes()[:-1] + b"\x00")
    # WHEN it is exported, THEN it exits 12 and leaves no bag
    assert export(home, tmp_path / "bag") == ExitCode.FIXITY
    assert not (tmp_path / "bag").exists()


@pytest.mark.parametrize("where", ["not empty", "inside the home"])
def test_the_bag_goes_into_a_new_folder_outside_the_home(web_archive: WebArchive, tmp_path: Path, where: str) -> None:
    out = web_archive.home / "bag" if where == "inside the home" else tmp_path / "full"
    if where == "not empty":
        out.mkdir()
        (out / "keep.txt").write_text("mine\n")
    assert export(web_archive.home, out) == ExitCode.USAGE
    assert not (web_archive.home / "bag").exists()
    if where == "not empty":
        assert [p.name for p in out.iterdir()] == ["keep.txt"]
