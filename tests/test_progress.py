"""Progress figures: the rules on hand-made numbers, and the figures on catalogs.

The proof that the figures add up is `test_figures_add_up_over_nights_of_real_runs`: a catalog built
by the real nightly flow over several simulated nights of sample scans.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from store.catalog import Catalog
from domain.config import District, Settings, Tehsil
from domain.model import Batch, PageRecord, RecordFile, SourceFile, Stack
from pipeline.progress import (
    Night,
    Status,
    add_working_days,
    decide_status,
    describe_flag,
    district_progress,
    night_of,
    pace,
    progress_markdown,
    projected_completion,
    reason_kind,
    render_progress,
    required_pace,
    tehsil_progress,
    window_start,
    working_days,
    working_days_left,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_INBOX = ROOT / "sample_scans" / "inbox"

# A week in November 2026: Monday the 16th to Sunday the 22nd.
MON, TUE, WED, THU, FRI, SAT, SUN = (dt.date(2026, 11, 16) + dt.timedelta(days=n) for n in range(7))


# working days and nights ---------------------------------------------------------------------------


def test_working_days_are_monday_to_saturday():
    assert working_days(MON, SUN) == 6
    assert working_days(SUN, SUN) == 0
    assert working_days(SAT, FRI) == 0


def test_pace_window_reaches_back_over_sundays():
    # GIVEN Sunday the 22nd WHEN the last 7 working days are counted THEN Sunday the 15th is skipped
    assert window_start(SUN, 7) == dt.date(2026, 11, 14)
    assert window_start(SAT, 1) == SAT


def test_a_batch_finishing_after_midnight_counts_for_the_day_scanned():
    assert night_of("2026-11-17T02:30:00") == MON
    assert night_of("2026-11-16T23:10:00+05:30") == MON
    assert night_of("2026-11-16") == MON


def test_projection_steps_over_sundays():
    assert add_working_days(SAT, 1) == dt.date(2026, 11, 23)
    # 25 files left at 10 a day: three working days after Saturday is Wednesday
    assert projected_completion(SAT, 25, 10.0) == dt.date(2026, 11, 25)


def test_no_projection_without_pace():
    assert projected_completion(SAT, 25, 0.0) is None
    assert projected_completion(SAT, 0, 0.0) == SAT


# pace and required pace ---------------------------------------------------------------------------


def test_pace_counts_only_working_days_since_scanning_began():
    # GIVEN scanning began on Wednesday, 10 files a night WHEN the pace is read on Saturday
    nights = [Night(day, 10, 100) for day in (WED, THU, FRI, SAT)]
    # THEN it is 10 a day, not 40 over 7 days
    assert pace(nights, SAT, 7, begun=WED) == (10.0, 100.0)


def test_pace_over_a_full_window_includes_idle_days():
    nights = [Night(MON, 30, 300), Night(SAT, 12, 120)]
    files, pages = pace(nights, SAT, 6, begun=dt.date(2026, 11, 1))
    assert (files, pages) == (7.0, 70.0)


def test_a_sunday_worked_counts_as_a_working_day():
    nights = [Night(SAT, 10, 50), Night(SUN, 10, 50)]
    assert pace(nights, SUN, 7, begun=SAT) == (10.0, 50.0)


def test_pace_is_zero_before_any_scan():
    assert pace([], SAT, 7, begun=None) == (0.0, 0.0)


def test_required_pace_spreads_what_is_left_over_the_working_days_left():
    # From Sunday to Saturday the 28th: six working days
    days = working_days_left(SAT, start=None, deadline=dt.date(2026, 11, 28))
    assert days == 6
    assert required_pace(60, days) == 10.0
    assert required_pace(0, 0) == 0.0
    assert required_pace(60, 0) is None


def test_working_days_left_start_at_the_start_date_when_it_is_later():
    assert working_days_left(MON, start=FRI, deadline=SAT) == 2


# the status rule ---------------------------------------------------------------------------------


def status(files_done=100, target=1000, pace_now=10.0, required=10.0, today=SAT, start=MON, deadline=dt.date(2027, 3, 31)):
    return decide_status(today=today, target_files=target, files_done=files_done, start=start, deadline=deadline,
                         current_pace=pace_now, required=required)


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({"files_done": 1000}, Status.DONE),
        ({"files_done": 1200, "today": dt.date(2027, 5, 1)}, Status.DONE),
        ({"pace_now": 10.0, "required": 10.0}, Status.ON_TRACK),
        ({"pace_now": 12.0, "required": 10.0}, Status.ON_TRACK),
        ({"pace_now": 8.0, "required": 10.0}, Status.AT_RISK),
        ({"pace_now": 9.9, "required": 10.0}, Status.AT_RISK),
        ({"pace_now": 7.9, "required": 10.0}, Status.BEHIND),
        ({"pace_now": 0.0, "required": 10.0}, Status.BEHIND),
        ({"pace_now": 50.0, "required": None, "today": dt.date(2027, 4, 1)}, Status.BEHIND),
        ({"files_done": 0, "pace_now": 0.0, "today": MON - dt.timedelta(days=3)}, Status.NOT_STARTED),
        ({"target": 0}, Status.NO_TARGET),
        ({"deadline": None}, Status.NO_TARGET),
    ],
)
def test_status_rule(figures, expected):
    assert status(**figures) is expected


def test_on_track_means_projected_on_or_before_the_deadline():
    # The status and the projected date must tell one story, whatever the numbers.
    today, deadline = SAT, dt.date(2026, 12, 31)
    days = working_days_left(today, None, deadline)
    for remaining in (1, 7, 100, 333, 1000):
        for current in (0.5, 1.0, 3.3, 4.0, 9.99, 10.0, 25.0):
            required = required_pace(remaining, days)
            on_track = status(files_done=1000 - remaining, pace_now=current, required=required, today=today,
                              deadline=deadline) is Status.ON_TRACK
            projected = projected_completion(today, remaining, current)
            assert on_track == (projected is not None and projected <= deadline), (remaining, current)


def test_quarantine_reasons_are_grouped_by_kind():
    assert reason_kind("corrupt PDF: xref table broken") == "corrupt PDF"
    assert reason_kind("encrypted PDF (password required)") == "encrypted PDF"
    assert reason_kind("page 3 is 9000x9000 pixels, over the limit") == reason_kind("page 7 is 10x10 pixels, over the limit")
    assert reason_kind(None) == "no reason given"


# figures from a catalog written with the catalog's own methods ------------------------------------------------


def plan(**tehsils: Tehsil) -> Settings:
    return Settings(districts={"anantnag": District(name="anantnag", tehsils=list(tehsils.values()))})


def write_night(catalog: Catalog, tehsil: str, night: dt.datetime, files: list[list[str]], quarantined: int = 0,
                waiting: int = 0, pages: int = 3, district: str = "anantnag") -> None:
    """One night of one tehsil: a done source and a record file per entry of `files` (its flags),
    plus quarantined and waiting sources."""
    batch = Batch(district, tehsil, night.date().isoformat(), Path("/inbox") / district / tehsil / night.date().isoformat())

    def sources(kind: str, count: int) -> list[SourceFile]:
        return [SourceFile(batch.path / f"{kind}-{n}.tif", f"{kind}{n}".ljust(64, "0"), 1000) for n in range(count)]

    stack = Stack(batch, "stack", ())
    catalog.mark_sources(stack, sources("done", len(files)), "done", None, night)
    catalog.mark_sources(stack, sources("bad", quarantined), "quarantined", "corrupt PDF: broken xref", night)
    for source in sources("late", waiting):
        catalog.mark_waiting(district, tehsil, batch.name, "stack", source.path, "still being copied", night)
    for n, flags in enumerate(files):
        number = f"REV/TSL-05/1987/{night:%m%d}{n:02d}{tehsil[:3]}"
        catalog.record_done(RecordFile(
            file_id=number.replace("/", "_"), file_number=number, file_number_raw=number, file_number_source="barcode",
            district=district, tehsil=tehsil, batch=batch.name, stack="stack",
            pages=[PageRecord(p + 1, "done.tif", p + 1) for p in range(pages)], flags=flags,
            processed_at=night.isoformat(timespec="seconds"),
        ), f"archive/{number}")


@pytest.fixture
def catalog(tmp_path):
    catalog = Catalog.open(tmp_path)
    yield catalog
    catalog.close()


def test_configured_tehsil_without_scans_appears_with_zeros(catalog):
    settings = plan(kokernag=Tehsil(name="kokernag", target_files=900, start=MON, deadline=dt.date(2027, 3, 31)))
    [kokernag] = tehsil_progress(catalog, settings, SAT)
    assert (kokernag.tehsil, kokernag.files_done, kokernag.sources_seen, kokernag.pace_files_per_day) == ("kokernag", 0, 0, 0.0)
    assert kokernag.projected_completion is None
    assert kokernag.status is Status.BEHIND  # started Monday, nothing scanned by Saturday


def test_tehsil_scanning_without_a_plan_is_counted_without_target(catalog):
    write_night(catalog, "dooru", dt.datetime(2026, 11, 20, 2), [[], []])
    [dooru] = tehsil_progress(catalog, plan(), SAT)
    assert (dooru.district, dooru.tehsil, dooru.files_done, dooru.target_files, dooru.status) == ("anantnag", "dooru", 2, 0, Status.NO_TARGET)


def test_flagged_counts_each_file_once_and_each_flag_by_kind(catalog):
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 20, 2),
                [["no-file-number", "blank-pages"], ["blank-pages"], [], ["low-ocr-confidence: pages 2"],
                 ["low-ocr-confidence: pages 1, 3"]])
    [bijbehara] = tehsil_progress(catalog, plan(bijbehara=Tehsil(name="bijbehara", target_files=10)), SAT)
    assert bijbehara.flagged == 4
    # flags are counted by kind, whatever their details
    assert bijbehara.flagged_by_kind == {"blank-pages": 2, "low-ocr-confidence": 2, "no-file-number": 1}
    assert describe_flag("low-ocr-confidence: pages 1, 3") == "low OCR confidence: pages 1, 3"
    assert describe_flag("some-new-flag") == "some new flag"


def test_sources_done_quarantined_and_waiting_add_up_to_sources_seen(catalog):
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 19, 2), [[], []], quarantined=2, waiting=1)
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 20, 2), [[]], quarantined=1, waiting=0)
    [bijbehara] = tehsil_progress(catalog, plan(bijbehara=Tehsil(name="bijbehara", target_files=10)), SAT)
    assert (bijbehara.sources_done, bijbehara.quarantined, bijbehara.waiting) == (3, 3, 1)
    assert bijbehara.sources_done + bijbehara.quarantined + bijbehara.waiting == bijbehara.sources_seen == 7
    assert bijbehara.quarantined_by_reason == {"corrupt PDF": 3}


def test_hand_counted_tehsil(catalog):
    # GIVEN 1,000 files to scan by Thursday 31 Dec, scanning since Monday the 16th: 10 files a night
    # on Monday to Thursday, each of 3 pages
    settings = plan(bijbehara=Tehsil(name="bijbehara", target_files=1000, start=MON, deadline=dt.date(2026, 12, 31)))
    for day in (MON, TUE, WED, THU):
        write_night(catalog, "bijbehara", dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2)), [[]] * 10)
    # WHEN read on Saturday
    [t] = tehsil_progress(catalog, settings, SAT)
    # THEN 40 files in 6 working days (Mon..Sat) is 6.67 a day; 960 left over 34 working days (6 a week to Thursday the 31st)
    assert (t.files_done, t.pages_done) == (40, 120)
    assert t.pace_files_per_day == pytest.approx(40 / 6)
    assert t.pace_pages_per_day == pytest.approx(120 / 6)
    assert t.working_days_left == 34
    assert t.required_pace_files_per_day == pytest.approx(960 / 34)
    assert t.required_pace_pages_per_day == pytest.approx(960 / 34 * 3)
    assert t.projected_completion == add_working_days(SAT, 144)  # ceil(960 / 6.67)
    assert t.status is Status.BEHIND  # 6.7 is under 80 % of 27.4
    assert [n.date for n in t.nights] == [MON, TUE, WED, THU]


def test_district_is_the_sum_of_its_tehsils(catalog):
    settings = plan(
        bijbehara=Tehsil(name="bijbehara", target_files=100, start=MON, deadline=dt.date(2026, 12, 31)),
        kokernag=Tehsil(name="kokernag", target_files=50, start=MON, deadline=dt.date(2027, 1, 30)),
    )
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 17, 2), [[], ["blank-pages"]], quarantined=1)
    write_night(catalog, "kokernag", dt.datetime(2026, 11, 17, 2), [[]], waiting=2)
    write_night(catalog, "kokernag", dt.datetime(2026, 11, 18, 2), [["no-file-number"]])
    [district] = district_progress(catalog, settings, SAT)
    tehsils = district.tehsils
    for name in ("files_done", "pages_done", "quarantined", "waiting", "flagged", "sources_seen", "sources_done",
                 "target_files", "pace_files_per_day", "pace_pages_per_day", "required_pace_files_per_day"):
        assert getattr(district, name) == pytest.approx(sum(getattr(t, name) for t in tehsils)), name
    assert district.flagged_by_kind == {"blank-pages": 1, "no-file-number": 1}
    assert district.deadline == dt.date(2027, 1, 30)
    assert district.projected_completion == max(t.projected_completion for t in tehsils)
    assert district.nights == (Night(MON, 3, 9), Night(TUE, 1, 3))
    assert district.status is Status.BEHIND


def test_json_carries_the_promised_fields(catalog):
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 20, 2), [[]])
    settings = plan(bijbehara=Tehsil(name="bijbehara", target_files=10, start=MON, deadline=dt.date(2027, 3, 31)))
    data = json.loads(render_progress(catalog, settings, SAT, None, "json"))
    promised = {"district", "tehsil", "files_done", "pages_done", "quarantined", "flagged", "waiting", "target_files",
                "deadline", "pace_files_per_day", "projected_completion", "status"}
    assert promised <= set(data["tehsils"][0]) and promised - {"tehsil"} <= set(data["districts"][0])
    assert data["tehsils"][0]["deadline"] == "2027-03-31" and data["tehsils"][0]["status"] == "on-track"


def test_csv_and_table_show_every_tehsil_and_the_total(catalog):
    write_night(catalog, "bijbehara", dt.datetime(2026, 11, 20, 2), [[]])
    settings = plan(bijbehara=Tehsil(name="bijbehara", target_files=10), kokernag=Tehsil(name="kokernag", target_files=5))
    rows = render_progress(catalog, settings, SAT, "anantnag", "csv").splitlines()
    assert rows[0].startswith("level,district,tehsil,files_done,target_files")
    assert [row.split(",")[:4] for row in rows[1:]] == [
        ["tehsil", "anantnag", "bijbehara", "1"], ["tehsil", "anantnag", "kokernag", "0"], ["district", "anantnag", "", "1"]]
    table = render_progress(catalog, settings, SAT, None, "table")
    assert "bijbehara" in table and "kokernag" in table and "all tehsils" in table
    assert render_progress(catalog, settings, SAT, "elsewhere", "json") == '{\n  "today": null,\n  "tehsils": [],\n  "districts": []\n}'


def test_markdown_cannot_be_broken_by_a_tehsil_name(catalog):
    write_night(catalog, "a|b <script>", dt.datetime(2026, 11, 20, 2), [[]])
    text = progress_markdown(district_progress(catalog, plan(), SAT))
    assert "a\\|b \\<script\\>" in text and "<script>" not in text


# figures from real nightly runs --------------------------------------------------------------------------------


# Three nights of the nightly flow over the sample scans, run after midnight: the scanning of
# Wednesday, Thursday and Friday. Each night brings the sample batches listed (tehsil, sample batch).
NIGHTS = [
    (dt.datetime(2026, 11, 19, 1, 30), [("bijbehara", "2026-11-20")]),
    (dt.datetime(2026, 11, 20, 1, 30), [("bijbehara", "2026-11-21"), ("kokernag", "2026-11-20")]),
    (dt.datetime(2026, 11, 21, 1, 30), [("kokernag", "2026-11-21")]),
]


def run_nights(home: Path, inbox: Path, nights: list = NIGHTS) -> list:
    """Run the real nightly flow once per night on one inbox, as a record room would: each night
    the team adds that day's batches (named by the day) and leaves the earlier ones. On the last
    night a scan is still being copied in: it must wait. Returns the batch reports."""
    from flows.batch import run_inbox

    settings = Settings.load().model_copy(update={"workers": 2})
    reports = []
    for when, batches in nights:
        day = night_of(when.isoformat()).isoformat()
        for tehsil, sample in batches:
            shutil.copytree(SAMPLE_INBOX / "anantnag" / tehsil / sample, inbox / "anantnag" / tehsil / day)
        if len(reports) == len(nights) - 1:
            late = inbox / "anantnag" / "kokernag" / day / "misl-late"
            late.mkdir()
            # Written now, so younger than the settle time: still being copied in.
            shutil.copyfile(SAMPLE_INBOX / "anantnag" / "bijbehara" / "2026-11-20" / "scan_0001.jpg", late / "page-001.jpg")
        reports.append(run_inbox(inbox, home, settings, now=when))
    return reports


needs_samples = pytest.mark.skipif(not SAMPLE_INBOX.is_dir(), reason="sample_scans/inbox not generated")


_built_nights: list[tuple[Path, list]] = []


def build_nights_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """A home built by the three real nights, once per test session: OCR is the cost, and the tests
    that use it (here and in test_dashboard_browser.py) only read it."""
    if not SAMPLE_INBOX.is_dir():
        pytest.skip("sample_scans/inbox not generated")
    if not _built_nights:
        work = tmp_path_factory.mktemp("nights")
        _built_nights.append((work / "home", run_nights(work / "home", work / "inbox")))
    return _built_nights[0]


@pytest.fixture(scope="module")
def nights_home(tmp_path_factory) -> tuple[Path, list]:
    return build_nights_once(tmp_path_factory)


@needs_samples
def test_figures_add_up_over_nights_of_real_runs(nights_home):
    home, reports = nights_home
    # WHEN the progress is read on the Saturday after three nights
    catalog = Catalog.open(home)
    try:
        [district] = district_progress(catalog, Settings.load(), SAT, "anantnag")
        sources = catalog.sources(district="anantnag")
        records = catalog.record_files(district="anantnag")
    finally:
        catalog.close()
    # THEN every source seen is done, quarantined or waiting, in each tehsil and in the district
    for figures in (*district.tehsils, district):
        assert figures.sources_done + figures.quarantined + figures.waiting == figures.sources_seen
    assert district.sources_seen == len(sources)
    assert district.quarantined == sum(len(r.quarantined) for r in reports) > 0
    assert district.waiting == 1  # the scan still being copied in on the last night
    assert sum(district.quarantined_by_reason.values()) == district.quarantined
    # the record files and pages are the catalog's, each counted once across nights
    assert district.files_done == len(records) == sum(len(r.done) for r in reports) > 0
    assert district.pages_done == sum(row.pages for row in records)
    assert district.flagged == sum(1 for row in records if row.flags)
    # the district is the sum of its tehsils
    for name in ("files_done", "pages_done", "quarantined", "waiting", "flagged", "sources_seen", "sources_done",
                 "target_files", "pace_files_per_day", "pace_pages_per_day"):
        assert getattr(district, name) == pytest.approx(sum(getattr(t, name) for t in district.tehsils)), name
    # each night's output is dated by the day it was scanned
    by_tehsil = {t.tehsil: t for t in district.tehsils}
    assert [n.date for n in by_tehsil["bijbehara"].nights] == [WED, THU]
    assert [n.date for n in by_tehsil["kokernag"].nights] == [THU, FRI]
    assert [n.date for n in district.nights] == [WED, THU, FRI]
    assert sum(n.files for n in district.nights) == district.files_done
    assert all(t.pace_files_per_day > 0 and t.projected_completion for t in district.tehsils)


@needs_samples
def test_cli_formats_agree_with_the_figures(nights_home):
    home, _ = nights_home
    catalog = Catalog.open(home)
    try:
        settings = Settings.load()
        [district] = district_progress(catalog, settings, SAT, "anantnag")
        data = json.loads(render_progress(catalog, settings, SAT, "anantnag", "json"))
        rows = render_progress(catalog, settings, SAT, "anantnag", "csv").splitlines()
    finally:
        catalog.close()
    assert [t["files_done"] for t in data["tehsils"]] == [t.files_done for t in district.tehsils]
    assert data["districts"][0]["files_done"] == district.files_done
    assert data["districts"][0]["quarantined"] == district.quarantined
    assert rows[-1].startswith(f"district,anantnag,,{district.files_done},")


@needs_samples
def test_progress_artifact_is_published_from_real_runs(nights_home):
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterId

    from flows.progress_artifact import MARKDOWN_KEY, TABLE_KEY, publish_progress_artifact

    @flow(name="publish-progress")
    def publish(home: Path) -> tuple:
        # As at the end of the nightly flow: artifacts belong to a flow run.
        return publish_progress_artifact(home, Settings.load(), SAT)

    home, _ = nights_home
    markdown_id, table_id = publish(home)
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(id=ArtifactFilterId(any_=[markdown_id, table_id])))
    markdown, table = sorted(found, key=lambda artifact: artifact.id != markdown_id)
    assert (markdown.key, table.key) == (MARKDOWN_KEY, TABLE_KEY)
    assert "| bijbehara |" in markdown.data and "| kokernag |" in markdown.data
    assert {"bijbehara", "kokernag"} <= {row["tehsil"] for row in json.loads(table.data)}


# the dashboard's routes, without a browser (tests/test_dashboard_browser.py drives a real one) ----------------


def dashboard_client(home: Path, settings: Settings):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from web.progress import router

    app = FastAPI()
    app.state.home, app.state.settings = home, settings
    app.include_router(router)
    return TestClient(app)


def test_dashboard_escapes_what_came_from_the_scans(tmp_path):
    # GIVEN a tehsil folder and a quarantine reason that look like markup
    catalog = Catalog.open(tmp_path)
    write_night(catalog, "<img src=x onerror=alert(1)>", dt.datetime.now(), [["no-file-number"]], quarantined=1)
    catalog.db.execute("UPDATE sources SET reason = 'corrupt PDF: <script>alert(2)</script>' WHERE state = 'quarantined'")
    catalog.close()
    # WHEN the district page is served THEN none of it is markup
    page = dashboard_client(tmp_path, plan()).get("/progress/anantnag").text
    assert "<img src=x" not in page and "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_visible_districts_is_the_one_place_that_restricts(tmp_path, monkeypatch):
    import web.progress

    catalog = Catalog.open(tmp_path)
    write_night(catalog, "bijbehara", dt.datetime.now(), [[]])
    catalog.close()
    client = dashboard_client(tmp_path, plan(bijbehara=Tehsil(name="bijbehara", target_files=10)))
    assert client.get("/progress/anantnag").status_code == 200
    monkeypatch.setattr(web.progress, "visible_districts", lambda request: {"pulwama"})
    assert client.get("/progress/anantnag").status_code == 404
    assert "anantnag" not in client.get("/progress").text
    assert client.get("/progress.csv").text.strip().count("\n") == 0  # the header only
