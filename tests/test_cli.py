"""The command line's promises: documented exit codes, a working doctor, JSON where asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def daftar(*args: str, home) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home)}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_doctor_finds_tesseract_languages_ghostscript_zbar_and_the_index(tmp_path):
    result = daftar("doctor", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for check in ("tesseract", "urd", "hin", "osd", "ghostscript", "zbar", "ocrmypdf", "index (embedded)"):
        assert check in result.stdout


def test_exit_codes_say_what_went_wrong(tmp_path):
    assert daftar("run", str(tmp_path / "no-such-inbox"), home=tmp_path).returncode == 3
    assert daftar("show", "REV/TSL-05/1900/0001", home=tmp_path).returncode == 5
    assert daftar("barcodes", str(tmp_path / "missing.png"), home=tmp_path).returncode == 3
    assert daftar("run", "--no-such-option", home=tmp_path).returncode == 2


def test_an_empty_inbox_runs_cleanly_and_reports_nothing_to_do(tmp_path):
    (tmp_path / "inbox").mkdir()
    result = daftar("run", str(tmp_path / "inbox"), "--json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["done"] == [] and report["quarantined"] == [] and report["waiting"] == []
