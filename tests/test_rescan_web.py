"""The review page's re-scan form: only the scanning team of the tehsil (or an administrator) may
name a re-scan; the form's CSRF token is checked; a path out of the tehsil's inbox folder is
refused without a server path in the answer."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from domain.config import Settings
from store.audit import audit_entries
from store.users import add_user
from tests.test_rescan import EMPTY, drop_rescan, night, tehsil_progress  # noqa: F401 (night: a fixture)
from tests.web_fixtures import PASSWORD, log_in
from web.app import create_app

QUEUE = "/review/anantnag/kokernag"


def client(home: Path, name: str) -> TestClient:
    page = TestClient(create_app(home, Settings.load()), follow_redirects=False)
    log_in(page, name)
    return page


def csrf(page: TestClient) -> str:
    return page.get(QUEUE).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_only_the_tehsils_scanners_name_a_rescan_and_nothing_outside_its_folder(night, settings: Settings) -> None:
    inbox, home = night
    rescan = drop_rescan(inbox)
    add_user(home, "samina", "scanner", ["kokernag"], [], PASSWORD, settings)
    add_user(home, "irfan", "scanner", ["bijbehara"], [], PASSWORD, settings)
    add_user(home, "bashir", "keeper", ["kokernag"], [], PASSWORD, settings)
    wanted = {"entry": EMPTY, "rescan": f"2026-11-22/{rescan.name}", "reason": "fed again"}
    # GIVEN a keeper of the tehsil and a scanner of another: refused
    for name in ("bashir", "irfan"):
        page = client(home, name)
        assert page.post(f"{QUEUE}/requeue", data={**wanted, "csrf": "x"}).status_code == 403
    samina = client(home, "samina")
    # a forged form, and a path climbing out of the tehsil's folder: refused, nothing noted
    assert samina.post(f"{QUEUE}/requeue", data={**wanted, "csrf": "forged"}).status_code == 403
    climbing = samina.post(f"{QUEUE}/requeue", data={**wanted, "rescan": "../../../../etc/passwd", "csrf": csrf(samina)})
    assert climbing.status_code == 400 and "is not in the inbox folder of anantnag/kokernag" in climbing.text
    assert str(inbox) not in climbing.text
    assert audit_entries(home) == []
    # WHEN the tehsil's scanner names the re-scan, THEN it is noted, pending on the page
    done = samina.post(f"{QUEUE}/requeue", data={**wanted, "csrf": csrf(samina)})
    assert done.status_code == 303 and done.headers["location"] == QUEUE
    assert f"Re-scan 2026-11-22/{rescan.name} named by samina" in samina.get(QUEUE).text
    assert [(e.user, e.action, e.via) for e in audit_entries(home)] == [("samina", "requeue", "web")]
    assert tehsil_progress(home)["quarantined"] == 1  # until the next night does the re-scan
