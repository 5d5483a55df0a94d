"""The web pages in the users' languages (English, Urdu right to left, Hindi), the texts of the code
they show (review flags, error details, log-in refusals, the projection note) included; one site
with the same header and security headers on every page, an unexpected error too; and a restricted
file read as restricted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from domain.config import Settings
from domain.errors import UnreadableSource, UsageError
from domain.translatable import N_, Said, recognised
from night.corrections import checked_reason
from night.split_join import HISTORY_WORDINGS
from pipeline.intake import QUARANTINE_REASONS
from pipeline.pages import page_count
from pipeline.progress import Status
from store.catalog import Catalog
from store.audit import AuditLog
from store.users import INTERFACE_LANGUAGES, add_user, list_users
from tests.web_fixtures import COURT_CASE, MUTATION, PASSWORD, add_users, archive_record, file_id, log_in, record_file
from web.app import create_app
from web.i18n import LANGUAGES, LOCALES, accepted_language, said_in
from web.login_limits import LoginGate, LoginLimits
from web.progress_view import describe_flag, projection_note, public_reason
from web.templating import history_value

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
URDU_TITLE = f"انتقال اراضی موضع اروانی {SCRIPT}"  # record data: shown as it is, escaped, in every language
DAMAGED = "REV/TSL-05/1990/0500"  # its record.json in the archive cut short: opening it is a fault of ours
RUN_TOGETHER = "REV/TSL-05/1993/0777"  # three pages, a missing separator sheet before the third
QUARANTINED = "2026-11-22/empty.pdf"  # a scan of bijbehara the night quarantined, in its batch


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Record files of bijbehara without a night (the mutation flagged, the court case restricted,
    one damaged in the archive) and the usual users."""
    home = tmp_path_factory.mktemp("i18n") / "home"
    settings = Settings.load()
    mutation = record_file(MUTATION, "bijbehara", "mutation", 1987, URDU_TITLE, ["Mutation order"])
    archive_record(home, settings, dataclasses.replace(mutation, flags=["low-ocr-confidence: pages 1"]))
    archive_record(home, settings, record_file(DAMAGED, "bijbehara", "mutation", 1990, "Mutation", ["Order"]))
    next(home.glob(f"archive/**/{file_id(DAMAGED)}/record.json")).write_text("{", encoding="utf-8")
    archive_record(home, settings, record_file(COURT_CASE, "bijbehara", "court-case", 1991, "Joint holding dispute",
                                               ["The joint holding of khasra 12", "Order of the tehsildar"]))
    archive_record(home, settings, record_file(RUN_TOGETHER, "bijbehara", "mutation", 1993, "Mutation",
                                               ["Order", "Copy of the order", "Cover of another file"]))
    _quarantine(home, home.parent / "inbox" / "anantnag" / "bijbehara" / QUARANTINED)
    add_users(home, settings)
    add_user(home, "samina", "scanner", ["anantnag/bijbehara"], [], PASSWORD, settings, language="hi")
    return home


def _quarantine(home: Path, scan: Path) -> None:
    """The empty scan quarantined with the reason the night gives it (its English, in the catalog)."""
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"")
    with pytest.raises(UnreadableSource) as refused:
        page_count(scan)
    catalog = Catalog.open(home)
    try:
        catalog.mark_unread("anantnag", "bijbehara", scan.parent.name, scan, str(refused.value),
                            dt.datetime(2026, 11, 23, 2, tzinfo=dt.timezone.utc), quarantined=True)
    finally:
        catalog.close()


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(home, Settings.load()), follow_redirects=False) as client:
        yield client


def choose_language(client: TestClient, language: str, next_page: str = "/") -> None:
    """The language buttons at the foot of every page, as the browser sends them."""
    html = client.get(next_page, follow_redirects=True).text
    csrf = re.search(r'name="csrf" value="([0-9a-f]*)"', html)
    response = client.post("/language", data={"language": language, "next": next_page, "csrf": csrf.group(1) if csrf else ""})
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_page


@pytest.mark.parametrize(("accept", "lang", "direction", "log_in_text"), [
    ("en-GB,en;q=0.9", "en", "ltr", "Log in"),
    ("ur-PK,ur;q=0.9,en;q=0.5", "ur", "rtl", "لاگ ان"),
    ("hi-IN,hi;q=0.9,en;q=0.5", "hi", "ltr", "लॉग इन"),
])
def test_each_language_renders_with_its_direction(client: TestClient, accept: str, lang: str, direction: str,
                                                  log_in_text: str) -> None:
    page = client.get("/login", headers={"Accept-Language": accept})
    assert page.status_code == 200 and page.headers["content-language"] == lang
    assert f'<html lang="{lang}" dir="{direction}">' in page.text
    assert f"<h1>{log_in_text}</h1>" in page.text
    # signed in, the record page in that language; the record's own Urdu title as it is, escaped
    log_in(client, "kulsum")
    record = client.get(f"/files/{MUTATION}", headers={"Accept-Language": accept})
    assert f'<html lang="{lang}" dir="{direction}">' in record.text
    assert "انتقال اراضی موضع اروانی &lt;script&gt;alert(1)&lt;/script&gt;" in record.text and SCRIPT not in record.text
    heading = {"en": ">Pages</h2>", "ur": ">صفحات</h2>", "hi": ">पृष्ठ</h2>"}[lang]
    assert heading in record.text


def test_the_browsers_languages_are_weighed() -> None:
    assert accepted_language("en;q=0.4, hi;q=0.8, ur;q=0.6") == "hi"
    assert accepted_language("fr-FR, ur;q=0.2") == "ur"
    assert accepted_language("fr, de;q=0.5") == accepted_language("") == accepted_language("ur;q=x") == "en"
    assert accepted_language("ur, hi") == "ur"  # equal weights: the first listed
    assert tuple(LANGUAGES) == INTERFACE_LANGUAGES  # the web offers what the user store keeps


def test_a_users_choice_sticks_in_every_browser(home: Path, client: TestClient) -> None:
    log_in(client, "bashir")
    assert 'lang="en"' in client.get("/").text
    choose_language(client, "ur", "/eoffice")
    assert '<html lang="ur" dir="rtl">' in client.get("/eoffice").text
    assert {u.name: u.language for u in list_users(home)}["bashir"] == "ur"
    # another browser, one that asks for Hindi: after log-in, bashir's own Urdu
    with TestClient(create_app(home, Settings.load()), follow_redirects=False) as other:
        assert 'lang="hi"' in other.get("/login", headers={"Accept-Language": "hi"}).text
        log_in(other, "bashir")
        assert '<html lang="ur" dir="rtl">' in other.get("/", headers={"Accept-Language": "hi"}).text


def test_a_language_given_to_daftar_user_add_is_the_users(client: TestClient) -> None:
    log_in(client, "samina")  # added with --language hi
    page = client.get("/review", headers={"Accept-Language": "ur"})
    assert '<html lang="hi" dir="ltr">' in page.text and ">जाँच</a>" in page.text


def test_the_log_in_pages_choice_holds_for_a_user_without_one(client: TestClient) -> None:
    choose_language(client, "ur", "/login")  # before anyone is signed in: kept in this browser only
    assert '<html lang="ur" dir="rtl">' in client.get("/login").text
    log_in(client, "kulsum")
    assert '<html lang="ur" dir="rtl">' in client.get("/").text


def test_an_unknown_language_an_expired_form_or_another_site_is_refused(home: Path, client: TestClient) -> None:
    assert client.post("/language", data={"language": "fr", "next": "/"}).status_code == 400
    away = client.post("/language", data={"language": "ur", "next": "//evil.example/"})
    assert (away.status_code, away.headers["location"]) == (303, "/")  # never leads off the site
    log_in(client, "kulsum")
    assert client.post("/language", data={"language": "hi", "next": "/", "csrf": "stale"}).status_code == 403
    assert {u.name: u.language for u in list_users(home)}["kulsum"] != "hi"


def test_every_string_a_page_shows_has_its_urdu_and_hindi() -> None:
    """What scripts/translations.sh extracts (babel.cfg: the templates and the code of web/, night/
    and pipeline/) is translated in both catalogs, with the same placeholders."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    wanted = {message for folder in ("web", "night", "pipeline")
              for _, _, message, _, _ in extract_from_dir(str(ROOT / folder), method_map, options_map)}
    assert len(wanted) > 300 and {"low OCR confidence", "you may not review %(place)s", "target reached",
                                  "year %(year)d is outside %(first)d-%(last)d", "encrypted PDF (password required)",
                                  "pages %(first)d-%(last)d of %(number)s"} <= wanted
    for code in ("ur", "hi"):
        with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=code)
        for message in wanted:
            english = (message,) if isinstance(message, str) else message
            entry = catalog.get(english[0])
            translated = (entry.string,) if entry is not None and isinstance(entry.string, str) else entry and entry.string
            assert translated and all(translated), f"{code}: no translation of {english[0]!r}"
            for text in translated:  # the same placeholders and the same marked-up figures
                assert _marks(text) == _marks(" ".join(english)), f"{code}: {english[0]!r} -> {text!r}"


def _marks(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]|data-field=\"\w+\"", text))


# The texts of the code ---------------------------------------------------------------------------


def in_language(code: str) -> dict:
    """What a template's context holds of its reader, for the functions the templates call."""
    return {"language": LANGUAGES[code]}


def test_a_review_flag_reads_in_the_readers_words() -> None:
    assert describe_flag(in_language("en"), "low-ocr-confidence: pages 2, 5") == "low OCR confidence: pages 2, 5"
    assert describe_flag(in_language("ur"), "low-ocr-confidence: pages 2, 5") == "OCR پر کم اعتماد: صفحات 2, 5"
    assert describe_flag(in_language("hi"), "dark-page: page 4") == "पृष्ठ इतना गहरा कि काग़ज़ नहीं दिखता: पृष्ठ 4"
    # the night's own details stay as they are; a kind without a label reads as it is written
    assert (describe_flag(in_language("ur"), "conflicting-file-numbers: A/1 (barcode) != A/2 (text)")
            == "متضاد فائل نمبر: A/1 (barcode) != A/2 (text)")
    assert describe_flag(in_language("hi"), "some-new-flag") == "some new flag"


@pytest.mark.parametrize(("status", "projected", "english", "urdu"), [
    (Status.DONE, None, "target reached", "ہدف پورا ہو گیا"),
    (Status.ON_TRACK, dt.date(2027, 3, 30), "1 day before the deadline", "آخری تاریخ سے 1 دن پہلے"),
    (Status.BEHIND, dt.date(2027, 4, 30), "30 days after the deadline", "آخری تاریخ سے 30 دن بعد"),
    (Status.BEHIND, None, "no scanning in the last 7 working days", "پچھلے 7 کام کے دنوں میں کوئی اسکیننگ نہیں"),
])
def test_the_projection_note_reads_in_the_readers_words(status: Status, projected: dt.date | None, english: str,
                                                        urdu: str) -> None:
    figures = SimpleNamespace(status=status, target_files=100, deadline=dt.date(2027, 3, 31), projected_completion=projected)
    assert projection_note(in_language("en"), figures) == english
    assert projection_note(in_language("ur"), figures) == urdu


def test_log_in_refusals_read_in_the_readers_words(client: TestClient) -> None:
    refusals = [LoginGate(LoginLimits(max_attempts=0)).refusal("192.0.2.1", "bashir", 0.0),
                LoginGate(LoginLimits(max_client_attempts=0)).refusal("192.0.2.1", "bashir", 0.0)]
    assert all(refusal and said_in("ur", refusal) != refusal and said_in("hi", refusal) != refusal for refusal in refusals)
    client.cookies.set("daftar_language", "ur")
    wrong = client.post("/login", data={"name": "bashir", "password": "not the password", "next": "/"})
    assert wrong.status_code == 401 and "غلط نام یا پاس ورڈ۔" in wrong.text and "Wrong name" not in wrong.text


def test_flags_and_error_details_read_in_the_readers_words_and_the_api_stays_english(client: TestClient) -> None:
    log_in(client, "samina")  # a scanner of bijbehara, in Hindi
    review = client.get("/review/anantnag/bijbehara").text
    assert '<li data-flag="low-ocr-confidence: pages 1">OCR पर कम भरोसा: पृष्ठ 1</li>' in review
    refused = client.get("/review/anantnag/kokernag")
    assert refused.status_code == 403 and "आप anantnag/kokernag की जाँच नहीं कर सकते" in refused.text
    assert "you may not" not in refused.text
    form = client.get(f"/records/{file_id(MUTATION)}/correct").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    year = client.post(f"/records/{file_id(MUTATION)}/correct", data={"csrf": csrf, "year": "1987x", "reason": "typo"})
    assert year.status_code == 400 and "वर्ष 1987x कोई संख्या नहीं है" in year.text
    missing = client.get("/api/files/REV/TSL-05/1991/0999", headers={"Accept-Language": "hi"})
    assert missing.status_code == 404 and missing.json() == {"detail": "no record file REV/TSL-05/1991/0999"}


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_a_forms_errors_read_in_the_readers_words_and_the_command_line_keeps_the_english(client: TestClient) -> None:
    # GIVEN a scanner whose pages are in Hindi, on the correction form
    log_in(client, "samina")
    csrf = _csrf(client.get(f"/records/{file_id(MUTATION)}/correct").text)
    # WHEN the year is out of the district's range, or no reason is given, THEN the form says so in Hindi
    year = client.post(f"/records/{file_id(MUTATION)}/correct", data={"csrf": csrf, "year": "3000", "reason": "typo"})
    assert year.status_code == 400 and re.search(r"वर्ष 3000 1850-\d{4} से बाहर है", year.text) and "outside" not in year.text
    reasonless = client.post(f"/records/{file_id(MUTATION)}/correct", data={"csrf": csrf, "title": "Intiqal", "reason": " "})
    assert reasonless.status_code == 400 and "कारण बताएँ (--reason): 1 से 500 अक्षर" in reasonless.text
    # AND the same error keeps its English for the command line
    with pytest.raises(UsageError) as raised:
        checked_reason(" ")
    assert str(raised.value) == "say why (--reason): 1 to 500 characters"
    assert said_in("ur", raised.value.said) == "وجہ بتائیں (--reason): 1 سے 500 حروف"


def test_a_value_in_daftars_words_is_translated_with_its_message() -> None:
    error = UsageError(Said(N_("record type %(kind)s is not one of %(district)s's: %(known)s"),
                            {"kind": "'court'", "district": "anantnag", "known": Said(N_("none configured"))}))
    assert str(error) == "record type 'court' is not one of anantnag's: none configured"
    assert said_in("hi", error.said) == "रिकॉर्ड का प्रकार 'court' anantnag के प्रकारों में से नहीं है: कोई तय नहीं किया गया"
    assert UsageError("a message of its own").said == "a message of its own"


def test_a_split_in_the_history_reads_in_the_readers_words(home: Path, client: TestClient) -> None:
    # GIVEN a scanner in Hindi WHEN she splits a record file on the web
    log_in(client, "samina")
    form = f"/records/{file_id(RUN_TOGETHER)}/split"
    split = client.post(form, data={"csrf": _csrf(client.get(form).text), "page": "3", "file_number": "REV/TSL-05/1993/0778",
                                    "reason": "no separator sheet"})
    assert split.status_code == 303, split.text
    # THEN the history says what moved in Hindi, the file numbers as they are
    history = client.get(f"/records/{file_id(RUN_TOGETHER)}/correct").text
    assert "<td dir=\"auto\">पृष्ठ 1-3</td>" in history
    assert "<td dir=\"auto\">पृष्ठ 1-2; पृष्ठ 3-3 अब REV/TSL-05/1993/0778 हैं</td>" in history
    # AND the catalog keeps the English, as the command line shows it
    catalog = Catalog.open(home)
    try:
        [change] = catalog.corrections(file_id(RUN_TOGETHER))
    finally:
        catalog.close()
    assert (change.old_value, change.new_value) == ("pages 1-3", "pages 1-2; pages 3-3 are now REV/TSL-05/1993/0778")


def test_only_daftars_own_words_in_a_history_are_translated() -> None:
    urdu = in_language("ur")
    assert history_value(urdu, "pages 3-5 of REV/TSL-05/1987/0042", "split") == "REV/TSL-05/1987/0042 کے صفحات 3-5"
    assert history_value(urdu, "page 2 from 2026-11-24/again.tif", "rescan-pages") == "صفحہ 2، 2026-11-24/again.tif سے"
    assert history_value(urdu, "pages 4-6 from REV/TSL-05/1991/0114", "join") == "صفحات 4-6، REV/TSL-05/1991/0114 سے"
    # a person's value stays as typed, even in daftar's words; so does a value of no known shape
    assert history_value(urdu, "pages 1-3 of the register", "title") == "pages 1-3 of the register"
    assert history_value(urdu, "REV/TSL-05/1991/0114", "join") == "REV/TSL-05/1991/0114"
    assert history_value(urdu, None, "title") == ""


def test_a_quarantine_reason_and_a_re_scan_refused_read_in_the_readers_words(client: TestClient) -> None:
    # GIVEN a scanner in Hindi WHEN she opens the review queue THEN the empty scan's reason is in Hindi
    log_in(client, "samina")
    review = client.get("/review/anantnag/bijbehara").text
    assert "खाली फ़ाइल (0 बाइट)" in review and "empty file" not in review
    # WHEN she names a re-scan that is not in the inbox THEN the form says so in Hindi
    refused = client.post("/review/anantnag/bijbehara/requeue", data={
        "csrf": _csrf(review), "entry": QUARANTINED, "rescan": "2026-11-24/again.pdf", "reason": "scanned again"})
    assert refused.status_code == 400 and "2026-11-24/again.pdf मौजूद नहीं है" in refused.text
    assert "is not there" not in refused.text


def test_quarantine_reasons_read_in_the_readers_words(tmp_path: Path) -> None:
    # GIVEN scans the night refuses, with the reasons it stores (English)
    scans = {"corrupt.pdf": b"%PDF-1.4\n garbage", "notes.txt": b"a note"}
    reasons = {}
    for name, content in scans.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(UnreadableSource) as refused:
            page_count(tmp_path / name)
        reasons[name] = str(refused.value)
    # THEN the pages say them in Urdu, the details of the file as they are
    urdu = in_language("ur")
    corrupt = public_reason(urdu, reasons["corrupt.pdf"], str(tmp_path / "corrupt.pdf"), "batch")
    assert corrupt.startswith("خراب PDF: ") and "corrupt" not in corrupt
    assert public_reason(urdu, reasons["notes.txt"], str(tmp_path / "notes.txt"), "batch") == "غیر معاون فائل کی قسم .txt"
    assert public_reason(urdu, None, "/inbox/a/b/c/scan.tif", "c") == "کوئی وجہ نہیں دی گئی"
    assert public_reason(urdu, "a reason of another kind", "/inbox/a/b/c/scan.tif", "c") == "a reason of another kind"


@pytest.mark.parametrize("wordings", [QUARANTINE_REASONS, HISTORY_WORDINGS], ids=["quarantine", "history"])
def test_each_of_daftars_stored_wordings_is_recognised_from_its_english(wordings: tuple[str, ...]) -> None:
    for wording in wordings:
        values = {name: 7 if kind == "d" else f"value of {name}" for name, kind in re.findall(r"%\((\w+)\)([sd])", wording)}
        assert recognised(str(Said(wording, values)), wordings) == Said(wording, values), wording


def test_the_progress_pages_projection_note_reads_in_the_readers_words(client: TestClient) -> None:
    log_in(client, "dc-anantnag")
    client.cookies.set("daftar_language", "ur")
    page = client.get("/progress/anantnag").text
    notes = re.findall(r"</span>;\s*([^<]+?)</small>", page)
    english = ("target reached", "no target set", "no scanning in the last", "before the deadline", "after the deadline")
    assert notes and not [note for note in notes if any(words in note for words in english)], notes


def test_an_unexpected_error_is_a_page_of_the_site_in_the_readers_language(home: Path, client: TestClient,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    log_in(client, "bashir")
    client.cookies.set("daftar_language", "ur")
    with caplog.at_level(logging.ERROR, logger="web.app"):
        page = client.get(f"/files/{DAMAGED}")
    assert page.status_code == 500
    assert '<html lang="ur" dir="rtl">' in page.text and '<header class="top">' in page.text and 'action="/logout"' in page.text
    assert "ہماری طرف سے کچھ غلط ہو گیا" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert "Traceback" not in page.text and "JSONDecodeError" not in page.text and str(home) not in page.text
    # the fault is in the server's log, with its traceback
    logged = [record for record in caplog.records if record.name == "web.app"]
    assert logged and f"GET /files/{DAMAGED}" in logged[0].getMessage() and logged[0].exc_info[0].__name__ == "JSONDecodeError"
    # the API answers in JSON
    api = client.get(f"/api/files/{DAMAGED}")
    assert api.status_code == 500 and api.json() == {"detail": "internal error"}


# One site -----------------------------------------------------------------------------------------


PAGES = ["/", "/search?q=mutation", f"/files/{MUTATION}", f"/records/{file_id(MUTATION)}/pages/1", "/review",
         f"/review/anantnag/bijbehara", "/progress", "/progress/anantnag", "/eoffice", "/users", "/docs",
         "/files/REV/TSL-05/1991/0999", "/no-such-page"]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_every_page_has_the_header_navigation_log_out_and_security_headers(client: TestClient, language: str) -> None:
    log_in(client, "admin")
    client.cookies.set("daftar_language", language)
    for path in PAGES:
        page = client.get(path)
        assert page.status_code in (200, 404), path
        assert '<header class="top">' in page.text and 'action="/logout"' in page.text, path
        assert all(f'href="{link}"' in page.text for link in ("/", "/review", "/progress", "/eoffice", "/users")), path
        assert "default-src 'self'" in page.headers["content-security-policy"], path
        assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff", path
        assert f'lang="{language}"' in page.text, path
    login = TestClient(client.app).get("/login")
    assert '<header class="top">' in login.text and "default-src 'self'" in login.headers["content-security-policy"]


def test_the_navigation_shows_what_the_role_may_use(client: TestClient) -> None:
    log_in(client, "kulsum")  # a keeper: search and e-Office
    nav = re.search(r"<nav.*?</nav>", client.get("/").text, re.DOTALL).group(0)
    assert 'href="/eoffice"' in nav and 'href="/review"' not in nav and 'href="/progress"' not in nav
    assert 'href="/users"' not in nav and "record keeper" in nav
    log_in(client, "dc-anantnag")
    nav = re.search(r"<nav.*?</nav>", client.get("/").text, re.DOTALL).group(0)
    assert 'href="/progress"' in nav and 'href="/review"' not in nav and 'href="/users"' not in nav


# Restricted, not missing --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ur", "hi"])
def test_a_restricted_file_outside_the_scope_reads_as_restricted(home: Path, client: TestClient, language: str) -> None:
    log_in(client, "kulsum")  # kokernag's keeper; the court case is bijbehara's, restricted
    client.cookies.set("daftar_language", language)
    word = {"en": "Restricted", "ur": "محدود", "hi": "सीमित"}[language]
    for path in (f"/files/{COURT_CASE}", f"/records/{file_id(COURT_CASE)}", f"/records/{file_id(COURT_CASE)}/pdf",
                 f"/records/{file_id(COURT_CASE)}/pages/2"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert f"<h1>{word}</h1>" in page.text and COURT_CASE in page.text, path
        assert "Joint holding" not in page.text and "khasra" not in page.text and b"%PDF" not in page.content, path
    log = AuditLog.open(home)
    try:
        entry = log.entries(user="kulsum", limit=1)[0]
    finally:
        log.close()
    assert (entry.action, entry.file_number) == ("denied", COURT_CASE)
    # a number that is not archived is still not found, and says so
    missing = client.get("/files/REV/TSL-05/1991/0999")
    assert missing.status_code == 404 and "REV/TSL-05/1991/0999" in missing.text and word not in missing.text
