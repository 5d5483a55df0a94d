"""Users, passwords, sessions and API tokens (on either engine: tests/postgres_fixtures.py)."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.config import Settings
from store.users import UsageError, add_user, issue_token, revoke_tokens, set_password
from tests.web_fixtures import PASSWORD, WebArchive, add_users, log_in
from web.app import create_app
from web.auth import SessionPolicy, load_secret_key, safe_next


def test_passwords_are_stored_as_argon2id_hashes(web_archive: WebArchive) -> None:
    db = sqlite3.connect(web_archive.home / "users.sqlite")
    hashes = dict(db.execute("SELECT name, password_hash FROM users"))
    db.close()
    assert set(hashes) == {"bashir", "kulsum", "dc-anantnag", "admin"}
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes.values())
    assert len(set(hashes.values())) == 4  # salted: the same password hashes differently


def test_roles_need_their_scope(tmp_path: Path, store_engine: str) -> None:
    settings = Settings.load()
    with pytest.raises(UsageError, match="needs at least one --tehsil"):
        add_user(tmp_path, "k1", "keeper", [], [], PASSWORD, settings)
    with pytest.raises(UsageError, match="needs --district"):
        add_user(tmp_path, "d1", "dc", [], [], PASSWORD, settings)
    with pytest.raises(UsageError, match="role must be one of"):
        add_user(tmp_path, "x1", "clerk", [], [], PASSWORD, settings)
    with pytest.raises(UsageError, match="in no configured district"):
        add_user(tmp_path, "k2", "keeper", ["atlantis"], [], PASSWORD, settings)
    with pytest.raises(UsageError, match="at least 8 characters"):
        add_user(tmp_path, "k3", "keeper", ["bijbehara"], [], "short", settings)
    with pytest.raises(UsageError, match="user name"):
        add_user(tmp_path, "../etc", "admin", [], [], PASSWORD, settings)
    # a tehsil is placed in its district by the configs, or written district/tehsil
    assert add_user(tmp_path, "k4", "keeper", ["bijbehara"], [], PASSWORD, settings).tehsils == ("anantnag/bijbehara",)
    assert add_user(tmp_path, "k5", "keeper", ["pahalgam"], ["anantnag"], PASSWORD, settings).tehsils == ("anantnag/pahalgam",)
    with pytest.raises(UsageError, match="already exists"):
        add_user(tmp_path, "k4", "keeper", ["bijbehara"], [], PASSWORD, settings)


def test_a_wrong_password_or_name_is_refused_alike(app_client: TestClient) -> None:
    wrong_password = app_client.post("/login", data={"name": "bashir", "password": "not the password"})
    wrong_name = app_client.post("/login", data={"name": "nobody", "password": PASSWORD})
    assert wrong_password.status_code == wrong_name.status_code == 401
    assert "Wrong name or password." in wrong_password.text and "Wrong name or password." in wrong_name.text
    assert "daftar_session" not in app_client.cookies


def test_repeated_wrong_passwords_pause_log_in(web_archive: WebArchive) -> None:
    app = create_app(web_archive.home, web_archive.settings, SessionPolicy(max_failures=3))
    with TestClient(app, follow_redirects=False) as client:
        for _ in range(3):
            assert client.post("/login", data={"name": "kulsum", "password": "guess guess"}).status_code == 401
        assert client.post("/login", data={"name": "kulsum", "password": PASSWORD}).status_code == 429
        app.state.clock = lambda: __import__("time").time() + 16 * 60  # the window has passed
        assert client.post("/login", data={"name": "kulsum", "password": PASSWORD}).status_code == 303


def test_the_session_cookie_is_http_only_and_holds_no_user_data(app_client: TestClient, web_archive: WebArchive) -> None:
    response = app_client.post("/login", data={"name": "bashir", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    value = app_client.cookies["daftar_session"]
    assert "bashir" not in value and len(value) >= 40
    db = sqlite3.connect(web_archive.home / "users.sqlite")
    stored = [row[0] for row in db.execute("SELECT id_hash FROM sessions")]
    db.close()
    assert value not in stored  # only an HMAC of the id is kept


def test_sessions_expire_when_idle_and_at_their_end(web_archive: WebArchive) -> None:
    app = create_app(web_archive.home, web_archive.settings, SessionPolicy(idle=600, lifetime=3600))
    clock = [1_000_000.0]
    app.state.clock = lambda: clock[0]
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, "bashir")
        clock[0] += 500
        assert client.get("/").status_code == 200  # used within the idle time
        clock[0] += 590
        assert client.get("/").status_code == 200  # idle time counts from the last use
        clock[0] += 601
        assert client.get("/").status_code == 303  # idle too long: log in again
        log_in(client, "bashir")
        for _ in range(8):  # busy, but the session has an absolute end (3600 s)
            clock[0] += 500
            client.get("/")
        assert client.get("/").headers["location"].startswith("/login")


@pytest.fixture
def users_home(tmp_path: Path, store_engine: str) -> Path:
    """A home with the users of tests/web_fixtures.py and nothing else, its stores on either engine."""
    add_users(tmp_path, Settings.load())
    return tmp_path


def test_sessions_and_tokens_end_alike_on_either_engine(users_home: Path) -> None:
    # GIVEN a log-in on a clock the test turns
    app = create_app(users_home, Settings.load(), SessionPolicy(idle=600, lifetime=3600))
    clock = [1_000_000.0]
    app.state.clock = lambda: clock[0]
    with TestClient(app, follow_redirects=False) as client:
        log_in(client, "bashir")
        clock[0] += 500
        assert client.get("/").status_code == 200
        # THEN a session idle too long ends, and so does one whose user's password changed
        clock[0] += 601
        assert client.get("/").status_code == 303
        log_in(client, "bashir")
        set_password(users_home, "bashir", "another long password")
        assert client.get("/").status_code == 303
        # AND an API token works until it is revoked
        headers = {"Authorization": f"Bearer {issue_token(users_home, 'kulsum')}"}
        assert client.get("/api/files/REV/TSL-07/1999/0215", headers=headers).status_code == 404  # known token, no such file
        revoke_tokens(users_home, "kulsum")
        assert client.get("/api/files/REV/TSL-07/1999/0215", headers=headers).status_code == 401


def test_log_out_ends_the_session_and_needs_the_form_token(app_client: TestClient) -> None:
    log_in(app_client, "bashir")
    assert app_client.post("/logout", data={"csrf": "forged"}).status_code == 403
    page = app_client.get("/").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    cookie = app_client.cookies["daftar_session"]
    assert app_client.post("/logout", data={"csrf": csrf}).status_code == 303
    app_client.cookies.set("daftar_session", cookie)  # a copied cookie is dead too
    assert app_client.get("/").status_code == 303


def test_a_new_password_ends_old_sessions(web_archive: WebArchive) -> None:
    settings = web_archive.settings
    add_user(web_archive.home, "temp-keeper", "keeper", ["bijbehara"], [], PASSWORD, settings)
    with TestClient(create_app(web_archive.home, settings), follow_redirects=False) as client:
        log_in(client, "temp-keeper")
        set_password(web_archive.home, "temp-keeper", "another long password")
        assert client.get("/").status_code == 303
        log_in(client, "temp-keeper", "another long password")


def test_api_tokens_are_stored_as_digests_and_can_be_revoked(app_client: TestClient, web_archive: WebArchive) -> None:
    token = issue_token(web_archive.home, "kulsum")
    db = sqlite3.connect(web_archive.home / "users.sqlite")
    stored = [row[0] for row in db.execute("SELECT token_hash FROM api_tokens WHERE user = 'kulsum'")]
    db.close()
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored
    headers = {"Authorization": f"Bearer {token}"}
    assert app_client.get("/api/files/REV/TSL-07/1999/0215", headers=headers).status_code == 200
    revoke_tokens(web_archive.home, "kulsum")
    assert app_client.get("/api/files/REV/TSL-07/1999/0215", headers=headers).status_code == 401
    with pytest.raises(UsageError):
        issue_token(web_archive.home, "nobody")


def test_secret_key_is_made_once_with_owner_only_permissions(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DAFTAR_SECRET_KEY", raising=False)
    key = load_secret_key(tmp_path)
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64 and load_secret_key(tmp_path) == key
    monkeypatch.setenv("DAFTAR_SECRET_KEY", "from-the-environment")
    assert load_secret_key(tmp_path) == b"from-the-environment"


def test_log_in_never_redirects_to_another_site(app_client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert safe_next(target) == "/"
        response = app_client.post("/login", data={"name": "bashir", "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/"
    assert safe_next("/files/REV/TSL-05/1987/0042?x=1") == "/files/REV/TSL-05/1987/0042?x=1"


def test_a_log_in_posted_from_another_site_is_refused(app_client: TestClient) -> None:
    response = app_client.post("/login", data={"name": "bashir", "password": PASSWORD},
                               headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    same_site = app_client.post("/login", data={"name": "bashir", "password": PASSWORD},
                                headers={"Origin": "http://testserver"})
    assert same_site.status_code == 303


def test_the_progress_dashboard_uses_the_same_log_in_and_scope(web_archive: WebArchive) -> None:
    add_user(web_archive.home, "dc-elsewhere", "dc", [], ["baramulla"], PASSWORD, web_archive.settings)
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        assert client.get("/progress").headers["location"] == "/login?next=%2Fprogress"
        assert client.get("/progress.csv").status_code == 303
        log_in(client, "dc-elsewhere")
        assert client.get("/progress/anantnag").status_code == 404
        assert "bijbehara" not in client.get("/progress.csv").text
    with TestClient(create_app(web_archive.home, web_archive.settings), follow_redirects=False) as client:
        log_in(client, "dc-anantnag")
        assert client.get("/progress/anantnag").status_code == 200
        assert "bijbehara" in client.get("/progress.csv").text


def test_session_lengths_come_from_the_environment(monkeypatch) -> None:
    from web.auth import session_policy_from_env

    monkeypatch.setenv("DAFTAR_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("DAFTAR_SESSION_HOURS", "8")
    policy = session_policy_from_env()
    assert (policy.idle, policy.lifetime) == (900, 8 * 3600)
