"""Mistakes in the configuration stop every command with exit 8 and say where they are (file, line)
and what to fix, never with a traceback; a date given on the command line that is no date is a
usage error (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from domain.config import Settings, load_checked
from tests.conftest import ROOT

GOOD_DISTRICT = """\
name: baramulla
languages: [eng, urd]
file_number_patterns:
  - name: revenue
    regex: '(?P<office>[A-Z]{2,5})/(?P<year>\\d{4})/(?P<serial>\\d{1,6})'
    normalized: '{office}/{year}/{serial}'
tehsils:
  - name: sopore
    target_files: 500
    start: 2026-11-01
    deadline: 2027-03-31
"""


def daftar(*args: str, config: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_CONFIG": str(config), "DAFTAR_HOME": str(home)}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def config_with(tmp_path: Path, district: str, name: str = "baramulla.yaml") -> Path:
    folder = tmp_path / "configs" / "districts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(district, encoding="utf-8")
    return folder.parent


def test_a_valid_district_file_loads(tmp_path):
    # GIVEN the district file every case below breaks in one place
    config = config_with(tmp_path, GOOD_DISTRICT)
    # WHEN it is loaded THEN it has no problems and its pattern and plan are there
    settings, problems = load_checked(config)
    assert problems == []
    assert settings.district("Baramulla").tehsil("Sopore").target_files == 500


MISTAKES = {
    # what is wrong: (the district file with the mistake, line reported, words the message must hold)
    "yaml syntax": (GOOD_DISTRICT.replace("languages: [eng, urd]", "languages: [eng, urd"), 3, ["YAML syntax error"]),
    "no name": (GOOD_DISTRICT.replace("name: baramulla\n", ""), None, ["name", "missing", "name: <district>"]),
    "missing field": (GOOD_DISTRICT.replace("    regex: '(?P<office>[A-Z]{2,5})/(?P<year>\\d{4})/(?P<serial>\\d{1,6})'\n", ""),
                      4, ["file_number_patterns[0].regex", "missing"]),
    "unknown field": (GOOD_DISTRICT.replace("target_files: 500", "targt_files: 500"), 9,
                      ["tehsils[0].targt_files", "unknown field", "did you mean `target_files`"]),
    "regex does not compile": (GOOD_DISTRICT.replace("(?P<serial>\\d{1,6})'", "(?P<serial>\\d{1,6}'"), 5,
                               ["file_number_patterns[0].regex", "does not compile"]),
    "format names a missing group": (GOOD_DISTRICT.replace("'{office}/{year}/{serial}'", "'{office}/{section}/{year}/{serial}'"), 6,
                                     ["normalized", "{section}", "no group (?P<section>"]),
    "impossible date": (GOOD_DISTRICT.replace("2027-03-31", "2027-02-30"), 11, ["tehsils[0].deadline", "not a date", "YYYY-MM-DD"]),
    "date written day first": (GOOD_DISTRICT.replace("2026-11-01", "01-11-2026"), 10, ["tehsils[0].start", "not a date"]),
    "deadline before start": (GOOD_DISTRICT.replace("2027-03-31", "2026-10-01"), 8, ["deadline", "before start"]),
    "a key written twice": (GOOD_DISTRICT.replace("    target_files: 500\n", "    target_files: 500\n    target_files: 50\n"), 10,
                            ["target_files", "written twice", "line 9"]),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_in_a_district_file_exits_8_with_the_file_the_line_and_what_to_fix(tmp_path, mistake):
    # GIVEN a district file with one mistake
    text, line, words = MISTAKES[mistake]
    config = config_with(tmp_path, text)
    # WHEN any command loads the configuration
    result = daftar("progress", config=config, home=tmp_path / "home")
    # THEN exit 8, one error naming the file (and the line where known) and what to fix, no traceback
    assert result.returncode == 8, result.stdout + result.stderr
    assert result.stderr.startswith("error: configuration invalid: ") and "Traceback" not in result.stderr
    where = str(config / "districts" / "baramulla.yaml") + (f":{line}:" if line else ":")
    assert where in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_two_files_for_one_district_are_an_error_naming_both(tmp_path):
    # GIVEN two district files whose names differ only in case
    config = config_with(tmp_path, GOOD_DISTRICT)
    config_with(tmp_path, GOOD_DISTRICT.replace("name: baramulla", "name: Baramulla"), name="other.yml")
    # WHEN the configuration is loaded THEN exit 8 and both files are named
    result = daftar("progress", config=config, home=tmp_path / "home")
    assert result.returncode == 8
    assert f"{config / 'districts' / 'other.yml'}:1: name: district `Baramulla` is already configured in" in result.stderr
    assert str(config / "districts" / "baramulla.yaml") in result.stderr


def test_a_configuration_folder_that_does_not_exist_is_an_error(tmp_path):
    # GIVEN DAFTAR_CONFIG naming a folder that is not there WHEN a command runs THEN exit 8 naming it
    result = daftar("progress", config=tmp_path / "no-such-configs", home=tmp_path / "home")
    assert result.returncode == 8, result.stderr
    assert f"{tmp_path / 'no-such-configs'}: no such configuration folder: DAFTAR_CONFIG" in result.stderr


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    # GIVEN an installation file with an unknown setting and a district file with a bad date
    config = config_with(tmp_path, GOOD_DISTRICT.replace("2027-03-31", "soon"))
    (config / "settings.yaml").write_text("ocr:\n  dpii: 300\n", encoding="utf-8")
    # WHEN it is loaded THEN both problems are reported, each at its file and line
    with pytest.raises(ValueError) as raised:
        Settings.load(config)
    message = str(raised.value)
    assert message.startswith("2 problems:")
    assert f"{config / 'settings.yaml'}:2: ocr.dpii: unknown field: did you mean `dpi`?" in message
    assert f"{config / 'districts' / 'baramulla.yaml'}:11: tehsils[0].deadline: 'soon' is not a date" in message


@pytest.mark.parametrize("command", [["progress"], ["run", "INBOX"]])
def test_a_date_option_that_is_no_date_is_a_usage_error(tmp_path, command):
    # GIVEN a valid configuration and an --as-of that is no date
    (tmp_path / "inbox").mkdir()
    args = [str(tmp_path / "inbox") if part == "INBOX" else part for part in command]
    # WHEN the command runs THEN exit 2 with how to write the date, no traceback
    result = daftar(*args, "--as-of", "2026-13-01", config=ROOT / "configs", home=tmp_path / "home")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == "error: --as-of '2026-13-01' is not a date: write it as YYYY-MM-DD (for example 2026-11-21)\n"
