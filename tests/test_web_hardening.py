"""The web findings of a hostile tester, one test each: the dashboard keeps to the access rule,
log-in limits per client, name and in total, bounded password hashing, PDFs served without
JavaScript or attachments, no server paths on a page, forwarded headers believed only from a
configured proxy, owner-only files, and no state change or download claim from another site.

The home is made here, without a night: record files written as the batch writes them
(`archive_record`), a quarantined scan in the catalog, the four users of `web_fixtures`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

import store.users
from domain.config import Settings, WebSettings
from domain.model import Batch, SourceFile, Stack
from store.audit import audit_entries
from store.catalog import Catalog
from tests.web_fixtures import PASSWORD, add_users, archive_record, log_in, record_file
from web.app import create_app
from web.login_limits import LoginGate, LoginLimits, client_key

SECRET_CASE = "REV/TSL-07/2011/0901"  # kokernag court case: restricted to kokernag, flagged
OPEN_MUTATION = "REV/TSL-07/1984/0017"  # kokernag mutation: anyone may see it, flagged
SCRIPTED = "REV/TSL-05/2003/0077"  # bijbehara, a born-digital PDF with JavaScript and an attachment
SECRET_TITLE = "State versus Ghulam Nabi (land dispute)"
KEEPER_ELSEWHERE = ("203.0.113.9", 40000)
KEEPER_AT_DESK = ("198.51.100.7", 40000)


@dataclasses.dataclass
class Home:
    home: Path
    inbox: Path
    settings: Settings
    scripted_pdf: Path
    scripted_id: str


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Home:
    root = tmp_path_factory.mktemp("hardening")
    home, inbox = root / "home", root / "srv-scans" / "inbox"
    settings = Settings.load()
    add_users(home, settings)
    flagged = ["file-number-unmatched"]
    archive_record(home, settings, dataclasses.replace(
        record_file(SECRET_CASE, "kokernag", "court-case", 2011, SECRET_TITLE, ["Court of the Tehsildar."]), flags=flagged))
    archive_record(home, settings, dataclasses.replace(
        record_file(OPEN_MUTATION, "kokernag", "mutation", 1984, "Intiqal of khasra 12", ["Mutation order."]), flags=flagged))
    scripted = record_file(SCRIPTED, "bijbehara", "correspondence", 2003, "Letter of the Naib Tehsildar", ["Letter."])
    archive_record(home, settings, scripted)
    pdf = home / scripted.pdf
    _add_active_content(pdf)
    _quarantine_a_scan(home, inbox)
    return Home(home, inbox, settings, pdf, scripted.file_id)


def _add_active_content(path: Path) -> None:
    """What a born-digital PDF may carry: JavaScript on opening, an attached program, a launch link."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')"))
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not a program", mime_type="application/x-msdownload")
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 200, 50], A=launch)
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
        pdf.save(path)


def _quarantine_a_scan(home: Path, inbox: Path) -> None:
    batch = Batch("anantnag", "bijbehara", "2026-11-22", inbox / "anantnag" / "Bijbehara" / "2026-11-22")
    source = SourceFile(batch.path / "scan_0004" / "bad page.png", "0" * 64, 120)
    catalog = Catalog.open(home)
    try:
        catalog.mark_sources(Stack(batch, "scan_0004", (source,)), [source], "quarantined",
                             f"cannot identify image file '{source.path}' (copied to {home}/quarantine/x)",
                             dt.datetime(2026, 11, 23, 2, 0))
    finally:
        catalog.close()


def _client(home: Home, address: tuple[str, int] = KEEPER_AT_DESK, settings: Settings | None = None, app=None) -> TestClient:
    return TestClient(app or create_app(home.home, settings or home.settings), follow_redirects=False, client=address)


# one access rule, dashboards included -----------------------------------------------------------------


def test_the_district_dashboard_hides_other_tehsils_restricted_files_from_a_keeper(hardened: Home) -> None:
    # GIVEN a restricted kokernag court case and an open kokernag mutation, both flagged for review
    keeper, own_keeper, dc = _client(hardened), _client(hardened), _client(hardened)
    log_in(keeper, "bashir")  # bijbehara's keeper
    log_in(own_keeper, "kulsum")  # kokernag's keeper
    log_in(dc, "dc-anantnag")
    # WHEN each opens the district's dashboard
    seen_elsewhere = keeper.get("/progress/anantnag").text
    # THEN another tehsil's keeper sees the open file but neither the case's number nor its title
    assert OPEN_MUTATION in seen_elsewhere
    assert SECRET_CASE not in seen_elsewhere and SECRET_TITLE not in seen_elsewhere
    assert keeper.get(f"/files/{SECRET_CASE}").status_code == 403  # its own page: restricted, no title
    # AND the tehsil's own keeper and the Deputy Commissioner see it
    assert SECRET_CASE in own_keeper.get("/progress/anantnag").text
    assert SECRET_TITLE in dc.get("/progress/anantnag").text


# log-in limits and bounded memory ---------------------------------------------------------------------


def test_ten_wrong_passwords_from_one_client_do_not_lock_the_user_out_elsewhere(hardened: Home) -> None:
    app = create_app(hardened.home, hardened.settings)
    guesser, kulsum = _client(hardened, KEEPER_ELSEWHERE, app=app), _client(hardened, KEEPER_AT_DESK, app=app)
    # GIVEN ten wrong passwords for kulsum from one address
    for _ in range(10):
        assert guesser.post("/login", data={"name": "kulsum", "password": "guess guess"}).status_code == 401
    # WHEN that address tries again, even with the right password, and kulsum logs in at her desk
    paused = guesser.post("/login", data={"name": "kulsum", "password": PASSWORD})
    at_desk = kulsum.post("/login", data={"name": "kulsum", "password": PASSWORD})
    # THEN the guesser waits and kulsum is in
    assert paused.status_code == 429 and paused.headers["retry-after"] == "60"
    assert at_desk.status_code == 303


def test_a_client_spraying_names_and_a_flood_from_everywhere_are_paused(hardened: Home) -> None:
    app = create_app(hardened.home, hardened.settings)
    app.state.login_gate = LoginGate(LoginLimits(max_client_attempts=4, max_attempts=6))
    sprayer = _client(hardened, KEEPER_ELSEWHERE, app=app)
    # GIVEN one address trying a different name each time
    codes = [sprayer.post("/login", data={"name": f"clerk{n}", "password": "guess guess"}).status_code for n in range(5)]
    # THEN it is paused after its share, whatever the names
    assert codes == [401, 401, 401, 401, 429]
    # AND WHEN other addresses go on, the log-in as a whole is paused once the total is reached
    others = [_client(hardened, (f"192.0.2.{n}", 1000), app=app).post(
        "/login", data={"name": "bashir", "password": "guess guess"}).status_code for n in range(1, 4)]
    assert others == [401, 401, 429]
    assert "Too many log-ins at once" in _client(hardened, ("192.0.2.99", 1), app=app).post(
        "/login", data={"name": "bashir", "password": PASSWORD}).text


def test_the_log_in_limits_remember_a_bounded_number_of_clients_and_names() -> None:
    # GIVEN the default limits and a flood of 50,000 attempts, each from a new address and name
    gate, now = LoginGate(), 1000.0
    for n in range(50_000):
        client, name = client_key(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"), f"user{n}"
        if gate.refusal(client, name, now + n * 0.001) is None:
            gate.failed(client, name, now + n * 0.001)
    # THEN only the attempts let through (300 a minute) are remembered, four keys each at most
    assert gate.tracked() <= 4 * LoginLimits().max_attempts
    # AND an IPv6 client is its /64: a subscriber cannot be a new client at each address
    assert client_key("2001:db8:1:2::5") == client_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"


def test_password_hashing_runs_at_most_two_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a password check that takes a while (a stand-in for Argon2's 64 MiB, 3 passes)
    running, most, lock = [0], [0], threading.Lock()

    class SlowHasher:
        def verify(self, password_hash: str, password: str) -> None:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1

    monkeypatch.setattr(store.users, "_HASHER", SlowHasher())
    # WHEN twelve log-ins check their passwords at once
    threads = [threading.Thread(target=store.users._verify, args=("$argon2id$x", "pw")) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN no more than two hashes ever ran together
    assert most[0] == store.users.HASHES_AT_ONCE == 2


# what is served -------------------------------------------------------------------------------------


def test_a_born_digital_pdf_is_served_without_javascript_attachments_or_launch_actions(hardened: Home) -> None:
    client = _client(hardened)
    log_in(client, "bashir")
    archived_bytes = hardened.scripted_pdf.read_bytes()
    # WHEN the PDF is opened and downloaded
    opened = client.get(f"/records/{hardened.scripted_id}/pdf")
    downloaded = client.get(f"/records/{hardened.scripted_id}/pdf?download=1")
    # THEN what is sent has its page but no script, attachment or launch action
    assert opened.status_code == downloaded.status_code == 200 and opened.content == downloaded.content
    served = hardened.home / "served" / f"{hardened.scripted_id}.pdf"
    with pikepdf.open(served) as pdf:
        assert len(pdf.pages) == 1 and not pdf.attachments
        assert "/OpenAction" not in pdf.Root and "/Names" not in pdf.Root or "/EmbeddedFiles" not in pdf.Root.Names
        assert all("/A" not in annotation for annotation in pdf.pages[0].get("/Annots", []))
    for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile"):
        assert marker not in opened.content
    # AND the archive keeps what arrived; the cleaned copy is the owner's only
    assert hardened.scripted_pdf.read_bytes() == archived_bytes
    assert stat.S_IMODE(served.stat().st_mode) == 0o600


def test_quarantine_reasons_on_the_dashboard_name_no_server_folder(hardened: Home) -> None:
    client = _client(hardened)
    log_in(client, "dc-anantnag")
    # WHEN the Deputy Commissioner reads the overview and the district's lists
    pages = client.get("/progress").text + client.get("/progress/anantnag").text
    # THEN the scan is named inside its batch, and neither the inbox nor the home appears
    assert "scan_0004/bad page.png" in pages
    assert str(hardened.inbox) not in pages and str(hardened.home) not in pages and "/srv-scans" not in pages


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(hardened: Home) -> None:
    proxied = hardened.settings.model_copy(update={"web": WebSettings(trusted_proxies=["10.0.0.0/24"])})
    forged = {"X-Forwarded-For": "192.0.2.200"}
    # GIVEN no proxy configured: a client's own X-Forwarded-For is ignored
    direct = _client(hardened, KEEPER_AT_DESK)
    log_in(direct, "bashir")
    direct.get(f"/files/{SCRIPTED}", headers=forged)
    # AND a configured proxy's header is believed, another client's is not
    behind, stranger = _client(hardened, ("10.0.0.2", 5000), proxied), _client(hardened, KEEPER_ELSEWHERE, proxied)
    log_in(behind, "admin")
    log_in(stranger, "kulsum")
    behind.get(f"/files/{SCRIPTED}", headers={"X-Forwarded-For": "192.0.2.10"})
    stranger.get(f"/files/{SCRIPTED}", headers=forged)
    # THEN the audit log has each client's true address
    clients = {(e.user, e.client) for e in audit_entries(hardened.home, SCRIPTED) if e.action == "view"}
    assert {("bashir", KEEPER_AT_DESK[0]), ("admin", "192.0.2.10"), ("kulsum", KEEPER_ELSEWHERE[0])} <= clients
    assert not any(client == "192.0.2.200" for _, client in clients)
    with pytest.raises(ValidationError, match="never every client"):
        WebSettings(trusted_proxies=["*"])


def test_a_run_writes_catalog_index_and_archive_for_their_owner_only(tmp_path: Path) -> None:
    # GIVEN an inbox whose one batch is still being copied in (no OCR needed), as a real `daftar run`
    batch = tmp_path / "inbox" / "anantnag" / "bijbehara" / "2026-11-22"
    batch.mkdir(parents=True)
    (batch / "scan_0001.tif").write_bytes(b"II*\x00")
    home = tmp_path / "home"
    # WHEN it runs
    done = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "run", str(tmp_path / "inbox"), "--home", str(home),
                           "--settle-seconds", "3600"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DAFTAR_INDEX": "embedded"})
    assert done.returncode == 0, done.stderr
    # THEN what it made under the home is the owner's only
    made = [home, *home.rglob("*")]
    assert any(path.name == "catalog.sqlite" for path in made)
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is {oct(path.stat().st_mode)}"


# nothing done on another site's behalf -----------------------------------------------------------------


def test_a_link_from_another_site_opens_the_page_but_cannot_log_a_download(hardened: Home) -> None:
    client = _client(hardened)
    log_in(client, "kulsum")
    before = len(audit_entries(hardened.home, SCRIPTED, "kulsum"))
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    # WHEN another site's link asks for the PDF's download, a page image, and the record's page
    download = client.get(f"/records/{hardened.scripted_id}/pdf?download=1", headers=cross_site)
    image = client.get(f"/records/{hardened.scripted_id}/images/page/1", headers=cross_site)
    page = client.get(f"/files/{SCRIPTED}", headers=cross_site)
    # THEN the PDF and the image are not sent: the browser goes to the page view, which is logged as what it is
    assert download.status_code == image.status_code == 303
    assert download.headers["location"] == image.headers["location"] == f"/records/{hardened.scripted_id}/pages/1"
    assert page.status_code == 200
    entries = audit_entries(hardened.home, SCRIPTED, "kulsum")
    actions = [e.action for e in entries[: len(entries) - before]]
    assert actions == ["view"]
    # AND from daftar's own page the download is sent and logged
    own = client.get(f"/records/{hardened.scripted_id}/pdf?download=1", headers={"Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 200 and audit_entries(hardened.home, SCRIPTED, "kulsum")[0].action == "download"


def test_a_form_posted_from_another_site_changes_nothing(hardened: Home) -> None:
    client = _client(hardened)
    log_in(client, "kulsum")
    # WHEN another site posts the log-out form, with the right CSRF token even
    page = client.get("/")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    refused = client.post("/logout", data={"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"})
    # THEN it is refused and the session lives on
    assert refused.status_code == 403
    assert client.get(f"/files/{SCRIPTED}").status_code == 200
    assert client.post("/logout", data={"csrf": token}, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303


def test_only_paths_are_cut_from_a_reason_never_its_words() -> None:
    from web.progress_view import without_paths

    assert without_paths("decode failed: /tmp/tmpab12/page-3.png (No such file)") == "decode failed: page-3.png (No such file)"
    assert without_paths("cannot identify image file '/srv/in box/a b.png'") == "cannot identify image file 'a b.png'"
    for text in ("corrupt PDF: <script>alert(2)</script>", "ratio 1/2, see https://example.org/a/b"):
        assert without_paths(text) == text
