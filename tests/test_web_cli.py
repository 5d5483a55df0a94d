"""The command line of the web side: users, their tokens and languages, e-Office exports, the audit log."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli import app
from store.audit import audit_entries
from store.users import list_users
from tests.web_fixtures import MUTATION, WebArchive, log_in
from web.app import create_app

runner = CliRunner()


def daftar(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def test_a_user_added_from_the_cli_gets_a_token_the_api_accepts(web_archive: WebArchive) -> None:
    home = str(web_archive.home)
    added = daftar("user", "add", "zainab", "--role", "keeper", "--tehsil", "kokernag", "--home", home,
                   env={"DAFTAR_PASSWORD": "a long enough password"})
    assert added.exit_code == 0, added.output
    assert "added zainab (keeper: anantnag/kokernag)" in added.output
    token = daftar("user", "token", "zainab", "--home", home)
    assert token.exit_code == 0 and token.output.startswith("dft_")
    with TestClient(create_app(web_archive.home, web_archive.settings)) as client:
        response = client.get(f"/api/files/{MUTATION}", headers={"Authorization": f"Bearer {token.output.strip()}"})
        assert response.status_code == 200
    listed = json.loads(daftar("user", "list", "--home", home, "--json").output)
    assert {"name": "zainab", "role": "keeper", "districts": ["anantnag"], "tehsils": ["anantnag/kokernag"],
            "language": None} in listed


def test_a_wrong_scope_is_refused_before_asking_for_a_password(web_archive: WebArchive) -> None:
    result = daftar("user", "add", "nobody", "--role", "dc", "--home", str(web_archive.home))
    assert result.exit_code == 2
    assert "needs --district" in result.output and "Password" not in result.output
    assert daftar("user", "token", "ghost", "--home", str(web_archive.home)).exit_code == 5


def test_a_users_language_is_set_from_the_cli_and_kept_in_the_audit_log(web_archive: WebArchive) -> None:
    home = str(web_archive.home)
    # WHEN an administrator gives bashir Urdu pages
    chosen = daftar("user", "language", "bashir", "ur", "--by", "admin-on-call", "--home", home)
    assert chosen.exit_code == 0, chosen.output
    assert "bashir's pages: ur" in chosen.output
    # THEN bashir's pages are Urdu, whatever the browser asks for
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        log_in(client, "bashir")
        assert '<html lang="ur" dir="rtl">' in client.get("/", headers={"Accept-Language": "hi"}).text
    # WHEN it is given back to the browser, THEN bashir has no language of his own
    assert daftar("user", "language", "bashir", "browser", "--home", home).exit_code == 0
    assert {user.name: user.language for user in list_users(web_archive.home)}["bashir"] is None
    # AND both changes are in the audit log, with who made them
    assert [(e.user, e.action, e.file_number, e.via) for e in audit_entries(web_archive.home) if e.action == "user-language"] == [
        (getpass.getuser(), "user-language", "bashir", "cli"), ("admin-on-call", "user-language", "bashir", "cli")]
    # AND an unknown user or language is refused, saying which, and changes nothing
    ghost = daftar("user", "language", "ghost", "ur", "--home", home)
    assert ghost.exit_code == 5 and "no user 'ghost'" in ghost.output
    french = daftar("user", "language", "bashir", "fr", "--home", home)
    assert french.exit_code == 2 and "'fr' is not one of 'en', 'ur', 'hi', 'browser'" in french.output
    assert len([e for e in audit_entries(web_archive.home) if e.action == "user-language"]) == 2


def test_link_eoffice_reports_what_is_not_archived(web_archive: WebArchive, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"e-file number": "GAD-1/2024", "subject": "Appeal", "date": "01-02-2024",
                                   "cited legacy file numbers": "rev/tsl-05/1987/42; REV/TSL-05/2030/0001"}]))
    result = daftar("link-eoffice", str(export), "--home", str(web_archive.home), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["efiles"], report["citations"], report["linked"]) == (1, 2, 1)
    assert report["unmatched"] == [{"efile_number": "GAD-1/2024", "cited": "REV/TSL-05/2030/0001",
                                    "number": "REV/TSL-05/2030/0001", "recognized": True}]
    assert daftar("link-eoffice", str(tmp_path / "missing.csv"), "--home", str(web_archive.home)).exit_code == 3


def test_the_audit_log_is_readable_from_the_cli(web_archive: WebArchive) -> None:
    from store.audit import AuditLog

    log = AuditLog.open(web_archive.home)
    log.record("bashir", "download", MUTATION, "REV_TSL-05_1987_0042", client="10.0.0.7")
    log.close()
    entries = json.loads(daftar("audit", "--home", str(web_archive.home), "--user", "bashir", "--json").output)
    assert entries[0]["action"] == "download" and entries[0]["file_number"] == MUTATION and entries[0]["client"] == "10.0.0.7"
