"""The command line's promises: documented exit codes, a working doctor, JSON where asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def daftar(*args: str, home, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DAFTAR_HOME": str(home), **environment}
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
    result = daftar("run", str(tmp_path / "inbox"), "--json", home=tmp_path / "home", PREFECT_HOME=str(tmp_path / "prefect"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["done"] == [] and report["quarantined"] == [] and report["waiting"] == []
    # AND Prefect's local API was never started (it would have made its database), nor said anything
    assert not (tmp_path / "prefect").exists() and "prefect" not in result.stderr.lower()


def test_a_night_with_only_settling_files_reports_them_waiting_without_starting_prefect(tmp_path):
    # GIVEN a batch whose only scan is being copied in right now (younger than the settle time)
    batch = tmp_path / "inbox" / "anantnag" / "kokernag" / "2026-11-20"
    batch.mkdir(parents=True)
    (batch / "scan_0001.pdf").write_bytes(b"%PDF-1.7 still copying")
    # WHEN the night runs
    result = daftar("run", str(tmp_path / "inbox"), "--json", home=tmp_path / "home", PREFECT_HOME=str(tmp_path / "prefect"))
    # THEN the scan waits for the next run, and Prefect was not needed to say so
    assert result.returncode == 0, result.stderr
    assert [line["what"] for line in json.loads(result.stdout)["waiting"]] == ["scan_0001.pdf"]
    assert not (tmp_path / "prefect").exists()


def test_deploy_says_how_to_start_a_prefect_server_when_none_is_configured(tmp_path):
    (tmp_path / "inbox").mkdir()
    no_server = {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": ""}
    # GIVEN no Prefect server configured WHEN deploying THEN exit 2, saying what to start
    result = daftar("deploy", str(tmp_path / "inbox"), home=tmp_path, **no_server)
    assert result.returncode == 2 and "prefect server start" in result.stderr and "Traceback" not in result.stderr
    # GIVEN a server configured that does not answer THEN exit 7 (installation), naming its address
    down = daftar("deploy", str(tmp_path / "inbox"), home=tmp_path, **{**no_server, "PREFECT_API_URL": "http://127.0.0.1:1/api"})
    assert down.returncode == 7 and "http://127.0.0.1:1/api" in down.stderr
    # GIVEN a timezone or a cron that does not exist THEN exit 2 before any server is asked
    bad_zone = daftar("deploy", str(tmp_path / "inbox"), "--timezone", "Asia/Srinagar", home=tmp_path, **no_server)
    assert bad_zone.returncode == 2 and "Asia/Srinagar" in bad_zone.stderr
    bad_cron = daftar("deploy", str(tmp_path / "inbox"), "--cron", "61 * * *", home=tmp_path, **no_server)
    assert bad_cron.returncode == 2 and "'61 * * *' is not a cron" in bad_cron.stderr


def test_each_failure_kind_prints_one_error_line_and_exits_with_its_code(tmp_path):
    # GIVEN a configuration that cannot be read WHEN any command loads it THEN exit 8, one error line
    bad_config = daftar("show", "X", home=tmp_path, DAFTAR_WORKERS="many")
    assert bad_config.returncode == 8
    assert bad_config.stderr.startswith("error: configuration invalid: ") and "Traceback" not in bad_config.stderr
    # GIVEN an Elasticsearch nobody answers at WHEN searching THEN exit 6 and the index named as the cause
    no_index = daftar("search", "mutation", home=tmp_path, DAFTAR_INDEX="elasticsearch", DAFTAR_ES_URL="http://127.0.0.1:1")
    assert no_index.returncode == 6
    assert no_index.stderr.startswith("error: index unavailable: ") and "Traceback" not in no_index.stderr
    # GIVEN no such record file WHEN shown THEN exit 5 with the number in the message
    missing = daftar("show", "NOPE", home=tmp_path)
    assert (missing.returncode, missing.stderr) == (5, "error: no record file 'NOPE'\n")


def test_an_unexpected_failure_exits_1_with_a_short_message(tmp_path, monkeypatch):
    # GIVEN a bug deep inside a command (here: loading the settings blows up)
    from typer.testing import CliRunner

    import commands.common
    from cli import app

    def broken_load(cls):
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(commands.common.Settings, "load", classmethod(broken_load))
    # WHEN the command runs THEN it ends with exit 1 and one line, not a traceback
    result = CliRunner().invoke(app, ["show", "X", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == "error: unexpected RuntimeError: something nobody expected\n"


def test_index_indexes_what_waits_without_a_pending_option(tmp_path):
    assert daftar("index", "--pending", home=tmp_path).returncode == 2
    done = daftar("index", home=tmp_path)
    assert done.returncode == 0 and "0 record files indexed, 0 still waiting" in done.stdout


def test_tesseract_reports_its_languages_without_the_words_of_its_heading():
    from pipeline import tesseract

    languages = tesseract.installed_languages()
    assert {"eng", "osd"} <= languages
    assert not languages & {"List", "of", "available", "languages", "in"}
    assert tesseract.version().startswith("tesseract ")
