"""`daftar check INBOX` says what tonight's run will do, writing nothing: batches, stacks, pages,
what is done, still being copied in or bad, places with no config and their defaults, files at the
wrong depth, folder names taken for one tehsil, and configuration problems (exit 8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from domain.model import Batch, SourceFile, Stack
from store.catalog import Catalog
from tests.conftest import ROOT

HOUR_AGO = time.time() - 3600


def daftar(*args: str, home: Path, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home), **environment}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def page(path: Path, frames: int = 1, settled: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.new("L", (200, 300), 255) for _ in range(frames)]
    images[0].save(path, save_all=frames > 1, append_images=images[1:])
    if settled:
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def a_night(inbox: Path) -> None:
    """Configured Anantnag in two spellings, an unplanned tehsil, an unconfigured district, a stray
    page, a file still being copied in and an empty PDF."""
    page(inbox / "Anantnag" / "Bijbehara" / "n1" / "scan_0001.png")
    page(inbox / "Anantnag" / "Bijbehara" / "n1" / "scan_0002.png")
    page(inbox / "anantnag" / "bijbehara" / "n2" / "stack.tif", frames=3)
    page(inbox / "anantnag" / "bijbehara" / "n2" / "fresh.tif", settled=False)
    page(inbox / "anantnag" / "Dooru" / "n1" / "misl-1" / "0001.png")
    page(inbox / "Srinagar" / "Khanyar" / "n1" / "misl-1" / "0001.png")
    empty = inbox / "Srinagar" / "Khanyar" / "n1" / "empty.pdf"
    empty.write_bytes(b"")
    os.utime(empty, (HOUR_AGO, HOUR_AGO))
    page(inbox / "stray.png")


def test_check_says_what_tonights_run_will_do_and_writes_nothing(tmp_path):
    # GIVEN an inbox with a bit of everything, and no home yet
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    a_night(inbox)
    # WHEN it is checked
    result = daftar("check", str(inbox), "--json", home=home)
    # THEN exit 0: the night can run
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["can_run"] is True and plan["config_problems"] == []
    # AND every stack is there with its pages (counted from the files), the fresh file waits, the empty PDF will be quarantined
    stacks = {(s["district"], s["tehsil"], s["batch"], s["name"]): (s["state"], s["pages"]) for s in plan["stacks"]}
    assert stacks == {
        ("Anantnag", "Bijbehara", "n1", "_loose"): ("new", 2),
        ("anantnag", "bijbehara", "n2", "stack.tif"): ("new", 3),
        ("anantnag", "bijbehara", "n2", "fresh.tif"): ("settling", 0),
        ("anantnag", "Dooru", "n1", "misl-1"): ("new", 1),
        ("Srinagar", "Khanyar", "n1", "misl-1"): ("new", 1),
        ("Srinagar", "Khanyar", "n1", "empty.pdf"): ("new", 0),
    }
    assert plan["totals"] == {"batches": 4, "new_stacks": 5, "pages": 7, "done_stacks": 0, "settling_stacks": 1,
                              "to_quarantine": 1, "wrong_depth": 1}
    [bad] = [s for s in plan["stacks"] if s["quarantine"]]
    assert bad["quarantine"] == [{"file": "empty.pdf", "reason": "empty file (0 bytes)"}]
    # AND the places with no config are named with the defaults they get
    unconfigured = {(u["district"], u["tehsil"]): u for u in plan["unconfigured"]}
    assert set(unconfigured) == {("anantnag", "Dooru"), ("Srinagar", None)}
    assert unconfigured["anantnag", "Dooru"]["file_number_patterns"] == ["revenue"]
    assert unconfigured["Srinagar", None]["languages"] == ["eng", "urd"]
    assert unconfigured["Srinagar", None]["file_number_patterns"] == []
    assert "file-number-pattern-unconfigured" in unconfigured["Srinagar", None]["note"]
    # AND the stray page and the two spellings of one district and tehsil are reported
    assert plan["wrong_depth"] == [{"path": "stray.png", "reason": f"at the wrong depth (directly in the inbox): scans go in {inbox}/<district>/<tehsil>/<batch>/"}]
    assert {(c["level"], tuple(c["folders"])) for c in plan["collisions"]} == {
        ("district", ("Anantnag", "anantnag")), ("tehsil", ("Anantnag/Bijbehara", "anantnag/bijbehara"))}
    # AND nothing was written: no home
    assert not home.exists()


def test_the_check_table_ends_with_a_summary_a_person_can_read(tmp_path):
    # GIVEN the same inbox WHEN checked without --json
    inbox = tmp_path / "inbox"
    a_night(inbox)
    result = daftar("check", str(inbox), home=tmp_path / "home")
    # THEN the sections are there and the last line sums the night up
    assert result.returncode == 0, result.stderr
    for title in ("Batches", "Still being copied in", "Will be quarantined", "At the wrong depth", "No configuration", "Names taken for one"):
        assert title in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        "4 batches: 5 stacks to process (7 pages), 0 already done, 1 still being copied in, 1 files to quarantine, "
        "1 at the wrong depth, 2 without configuration, 2 name collisions; the night can run")


def test_a_stack_an_earlier_run_finished_counts_as_done_and_the_catalog_is_left_as_it_was(tmp_path):
    # GIVEN a catalog in which an earlier night finished one stack
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    done = page(inbox / "anantnag" / "bijbehara" / "n1" / "stack.tif", frames=2)
    page(inbox / "anantnag" / "bijbehara" / "n1" / "new.tif")
    batch = Batch("anantnag", "bijbehara", "n1", done.parent)
    source = SourceFile(done, hashlib.sha256(done.read_bytes()).hexdigest(), done.stat().st_size)
    catalog = Catalog.open(home)
    catalog.mark_sources(Stack(batch, "stack.tif", (source,)), [source], "done", None, dt.datetime(2026, 11, 20, 23, 0))
    catalog.close()
    before = {path.name: path.read_bytes() for path in home.iterdir() if path.is_file()}
    # WHEN the inbox is checked
    result = daftar("check", str(inbox), "--json", home=home)
    # THEN that stack is done, the other new, and the home holds exactly what it held
    assert result.returncode == 0, result.stderr
    states = {s["name"]: s["state"] for s in json.loads(result.stdout)["stacks"]}
    assert states == {"stack.tif": "done", "new.tif": "new"}
    assert {path.name: path.read_bytes() for path in home.iterdir() if path.is_file()} == before


def test_a_configuration_problem_is_listed_with_the_plan_and_exits_8(tmp_path):
    # GIVEN a district file whose pattern does not compile
    inbox, configs = tmp_path / "inbox", tmp_path / "configs"
    page(inbox / "baramulla" / "sopore" / "n1" / "scan.png")
    (configs / "districts").mkdir(parents=True)
    (configs / "districts" / "baramulla.yaml").write_text(
        "name: baramulla\nfile_number_patterns:\n  - name: p\n    regex: '(?P<serial>\\d+'\n    normalized: '{serial}'\n")
    # WHEN the inbox is checked
    result = daftar("check", str(inbox), "--json", home=tmp_path / "home", DAFTAR_CONFIG=str(configs))
    # THEN exit 8, the problem in the JSON with its file and line, and the plan still shown
    assert result.returncode == 8, result.stderr
    plan = json.loads(result.stdout)
    assert plan["can_run"] is False
    [problem] = plan["config_problems"]
    assert (problem["file"], problem["line"], problem["field"]) == (str(configs / "districts" / "baramulla.yaml"), 4, "file_number_patterns[0].regex")
    assert "does not compile" in problem["message"]
    assert plan["totals"]["new_stacks"] == 1
    assert result.stderr.startswith("error: configuration invalid: 1 problem (listed above)")


def test_checking_an_inbox_that_is_not_there_is_bad_input(tmp_path):
    result = daftar("check", str(tmp_path / "no-inbox"), home=tmp_path / "home")
    assert result.returncode == 3 and result.stderr.startswith("error: inbox ")
