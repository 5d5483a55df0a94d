"""Leases on stacks in the catalog (store/leases.py), on the real catalog in SQLite and in PostgreSQL
(`store_engine`): one taker of two racing, expiry and take-over, renewal, a finished stack never
taken again; and a night shared by two runs (night/sharing.py) processing each stack once, taking
over a stack whose run died."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import closing

from domain.report import BatchReport, ReportLine
from night.run import run_inbox
from night.sharing import Sharing, stack_key
from pipeline.intake import discover_batches, plan_batch
from store.catalog import Catalog
from store.leases import StackLeases
from tests.conftest import SAMPLES, copy_stack

NIGHT = "2026-11-20T23:30:00"
PDF = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def leases(catalog: Catalog, holder: str, clock: Clock, seconds: float = 60) -> StackLeases:
    return StackLeases(catalog.db, holder, seconds, clock)


def test_of_two_runs_racing_for_each_stack_exactly_one_takes_it(tmp_path, store_engine):
    # GIVEN two runs, each on its own connection to one catalog, and 40 stacks
    catalogs = [Catalog.open(tmp_path), Catalog.open(tmp_path)]
    clock = Clock()
    runs = [leases(catalogs[0], "a", clock), leases(catalogs[1], "b", clock)]
    stacks = [f"d/t/b/stack-{n}@00" for n in range(40)]
    won: dict[str, list[str]] = {stack: [] for stack in stacks}
    start = threading.Barrier(2)

    def take_all(run: StackLeases) -> None:
        start.wait()
        for stack in stacks:
            if run.take(stack, NIGHT):
                won[stack].append(run.holder)

    # WHEN both try every stack at the same moment
    threads = [threading.Thread(target=take_all, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for catalog in catalogs:
        catalog.close()

    # THEN every stack has exactly one holder
    assert all(len(holders) == 1 for holders in won.values()), won


def test_a_lease_not_renewed_lapses_and_is_taken_over(tmp_path, store_engine):
    with closing(Catalog.open(tmp_path)) as catalog:
        clock = Clock()
        dead, alive = leases(catalog, "dead", clock, 60), leases(catalog, "alive", clock, 60)
        # GIVEN a stack taken by a run that then stops renewing
        assert dead.take("s", NIGHT)
        # WHEN its lease has not lapsed THEN no other run takes it
        clock.now += 59
        assert not alive.take("s", NIGHT)
        # WHEN it has lapsed THEN another run of the night takes it over, and the first has lost it
        clock.now += 2
        assert alive.lapsed(alive.read(["s"])["s"])
        assert alive.take("s", NIGHT)
        assert not dead.holds("s") and alive.holds("s")
        assert not dead.finish("s", BatchReport(), NIGHT) and dead.renew() == 0
        assert alive.read(["s"])["s"].takes == 2


def test_a_renewed_lease_is_kept_past_its_first_lapse(tmp_path, store_engine):
    with closing(Catalog.open(tmp_path)) as catalog:
        clock = Clock()
        holder, other = leases(catalog, "holder", clock, 60), leases(catalog, "other", clock, 60)
        assert holder.take("s", NIGHT) and holder.take("t", NIGHT)
        # GIVEN the holder renews before the lease lapses, every 45 s, for five minutes
        for _ in range(7):
            clock.now += 45
            assert holder.renew() == 2
        # THEN no other run takes its stacks
        assert not other.take("s", NIGHT) and not other.take("t", NIGHT)
        assert holder.holds("s") and holder.holds("t")


def test_a_finished_stack_is_never_taken_again_that_night(tmp_path, store_engine):
    with closing(Catalog.open(tmp_path)) as catalog:
        clock = Clock()
        first, second = leases(catalog, "first", clock, 60), leases(catalog, "second", clock, 60)
        assert first.take("s", NIGHT)
        line = ReportLine("anantnag", "kokernag", "2026-11-20", "REV/TSL-07/2016/0088", "2 pages")
        # WHEN its outcome is recorded and the lease finished with its lines
        assert first.finish("s", BatchReport(done=[line], pages=2), NIGHT)
        # THEN no run of that night takes it, long after it would have lapsed, nor its holder renews it
        clock.now += 3600
        assert not second.take("s", NIGHT) and not first.take("s", NIGHT)
        assert first.renew() == 0
        # AND its lines are there for the other runs' reports
        outcome = second.outcome("s")
        assert outcome.done == [line] and outcome.pages == 2
        # AND a later night may take it (a stack that failed for our own reasons is tried again)
        assert second.take("s", "2026-11-21T23:30:00")


def test_a_released_stack_is_free_at_once(tmp_path, store_engine):
    with closing(Catalog.open(tmp_path)) as catalog:
        clock = Clock()
        stopping, other = leases(catalog, "stopping", clock), leases(catalog, "other", clock)
        assert stopping.take("s", NIGHT)
        stopping.release("s")
        assert other.take("s", NIGHT)


def test_two_runs_sharing_a_night_process_each_stack_once_and_both_report_it_all(tmp_path, settings):
    # GIVEN a night of three born-digital stacks (no OCR) and two runs of it at once: the first and one joining it
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    batch = inbox / "anantnag" / "kokernag" / "2026-11-20"
    for n in range(3):
        copy_stack(PDF, batch / f"part-{n}")
    now = dt.datetime.fromisoformat(NIGHT)
    one = settings.model_copy(update={"workers": 1})
    reports: dict[str, BatchReport] = {}

    def run(name: str, joined: bool) -> None:
        reports[name] = run_inbox(inbox, home, one, now, sharing=Sharing(name, 4, joined))

    # WHEN both run
    threads = [threading.Thread(target=run, args=("first", False)), threading.Thread(target=run, args=("joined", True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN each stack was taken once, and each run's report holds all three record files
    with closing(Catalog.open(home)) as catalog:
        keys = [stack_key(stack) for stack in plan_batch(discover_batches(inbox)[0], 0)[0]]
        taken = StackLeases(catalog.db, "test", 60).read(keys)
        assert len(catalog.record_files()) == 3
    assert sorted(lease.takes for lease in taken.values()) == [1, 1, 1]
    assert all(lease.finished for lease in taken.values())
    assert {lease.holder for lease in taken.values()} <= {"first", "joined"}
    for report in reports.values():
        assert len(report.done) == 3 and report.pages == 6, report.summary()  # two pages each


def test_a_stack_whose_run_died_is_taken_over_once_its_lease_lapses(tmp_path, settings):
    # GIVEN a stack whose lease a run took tonight, 10 s ago, before it died (its lease lasting 1 s)
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(PDF, inbox / "anantnag" / "kokernag" / "2026-11-20")
    now = dt.datetime.fromisoformat(NIGHT)
    stack = plan_batch(discover_batches(inbox)[0], 0)[0][0]
    with closing(Catalog.open(home)) as catalog:
        clock = Clock(dt.datetime.now().timestamp() - 10)
        assert StackLeases(catalog.db, "died", 1, clock).take(stack_key(stack), NIGHT)

    # WHEN another run of the night runs
    report = run_inbox(inbox, home, settings, now, sharing=Sharing("alive", 1))

    # THEN it takes the stack over and does it
    assert len(report.done) == 1, report.summary()
    with closing(Catalog.open(home)) as catalog:
        lease = StackLeases(catalog.db, "alive", 1).read([stack_key(stack)])[stack_key(stack)]
    assert lease.holder == "alive" and lease.finished and lease.takes == 2


def test_a_night_started_meanwhile_leaves_a_joined_runs_work_folder_alone(tmp_path):
    # GIVEN a home whose work folder holds a joined run's stack in progress, and one a killed run left
    from store.archive import exclusive_run, working

    home = tmp_path / "home"
    (home / "work" / "stack-joined").mkdir(parents=True)
    with working(home):
        # WHEN a night takes the home's lock meanwhile THEN the work folder is left as it is
        with exclusive_run(home):
            assert (home / "work" / "stack-joined").is_dir()
    # AND once no run works there, the next night clears what the killed run left
    with exclusive_run(home):
        assert not (home / "work").exists()
