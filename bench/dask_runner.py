"""prefect-dask's DaskTaskRunner against the project's work pool, side by side in one run: the
measurement behind the choice of flows/pool.py (issue 16).

prefect-dask is not among daftar's requirements; run this with an environment that has it, e.g.
a throwaway venv that sees the project's packages and adds prefect-dask for the installed Prefect:

    python3.11 -m venv /tmp/daskvenv
    echo $PWD/.venv/lib/python3.11/site-packages > /tmp/daskvenv/lib/python3.11/site-packages/daftar.pth
    /tmp/daskvenv/bin/pip install -c requirements.lock prefect-dask
    /tmp/daskvenv/bin/python bench/dask_runner.py [--tasks 200] [--pages 18] [--file-pages 3]

It prints, on this machine: the seconds a flow's task runner takes to start, and each task's cost,
for Prefect's thread runner (the project's) and a DaskTaskRunner over a LocalCluster of two
worker processes; then one night of generated stacks (bench/throughput.py's pages, a stack per
`--file-pages`) through the nightly flow in this process on the thread runner, on the Dask
cluster, and on the project's work pool with one and two workers (bench/workers.py, run with the
project's own environment). Without prefect_dask it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flows  # noqa: E402,F401  first: its Prefect settings (the local API's start-up time) before Prefect loads
from domain.config import Settings  # noqa: E402
from domain.report import BatchReport  # noqa: E402
from night.run import Finished, StackJob, StackRunner, run_inbox, run_stack  # noqa: E402

try:
    from prefect_dask import DaskTaskRunner
except ImportError:
    DaskTaskRunner = None

CORES = os.cpu_count() or 1


def dask_runner() -> DaskTaskRunner:
    # one stack at a time per worker process, as the pool's workers take one flow run each
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def task_costs(count: int) -> list[tuple[str, float, float]]:
    """Per runner: seconds of a flow with no task (the runner's start-up included, once Prefect's
    API is warm), and seconds per task of `count` tasks that do nothing, submitted at once, timed
    inside the flow after as many again warmed the runner (Dask's workers import Prefect first)."""
    from prefect import flow, task
    from prefect.task_runners import ThreadPoolTaskRunner

    @task
    def nothing(number: int) -> int:
        return number

    @flow
    def tasks(count: int) -> float:
        seconds = 0.0
        for _ in ("warm-up", "timed"):
            started = time.perf_counter()
            for future in [nothing.submit(n) for n in range(count)]:
                future.result()
            seconds = time.perf_counter() - started
        return seconds

    rows = []
    tasks.with_options(task_runner=ThreadPoolTaskRunner(max_workers=CORES))(0)  # Prefect's first flow run
    for name, make in (("thread runner (the project's)", lambda: ThreadPoolTaskRunner(max_workers=CORES)),
                       ("DaskTaskRunner, LocalCluster of 2", dask_runner)):
        started = time.perf_counter()
        tasks.with_options(task_runner=make())(0)
        empty = time.perf_counter() - started
        rows.append((name, empty, tasks.with_options(task_runner=make())(count) / count))
    return rows


def night_runner(settings: Settings, home: Path, now: dt.datetime) -> StackRunner:
    """Each stack a task of the flow's task runner, as flows.batch.prefect_runner makes them; its
    task is this module's: Dask failed to serialize the nightly flow's own (pickle cannot find
    flows.batch's function behind its Task, and its fallback met a ContextVar; not pursued)."""
    from prefect import task
    from prefect.futures import as_completed

    stack_task = task(run_stack, name="process-stack")

    def run(jobs: list[StackJob]) -> Iterator[tuple[StackJob, Finished]]:
        futures = {stack_task.submit(job, settings, home, now): job for job in jobs}
        for future in as_completed(list(futures)):
            yield futures[future], future
    return run


def night_seconds(inbox: Path, home: Path, runner: object) -> float:
    """Wall seconds of one night of the inbox in a flow on `runner`, each stack a task."""
    from prefect import flow

    @flow(name="dask-bench-night")
    def night() -> BatchReport:
        settings, now = Settings.load(), dt.datetime.now()
        return run_inbox(inbox, home, settings, now, runner=night_runner(settings, home, now))

    started = time.perf_counter()
    report = night.with_options(task_runner=runner)()
    print(f"  {report.summary()}", file=sys.stderr)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=200, help="no-op tasks for the per-task cost")
    parser.add_argument("--pages", type=int, default=18)
    parser.add_argument("--file-pages", type=int, default=3, help="pages per record file (a stack each)")
    parser.add_argument("--no-pool", action="store_true", help="leave out bench/workers.py's work pool")
    args = parser.parse_args()
    if DaskTaskRunner is None:
        print("skipped: prefect_dask is not importable here (not among daftar's requirements); "
              "see this script's docstring for a throwaway venv that has it", file=sys.stderr)
        return 0
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.task_runners import ThreadPoolTaskRunner

    from bench.throughput import generated_pages
    from bench.workers import make_inbox
    from flows.batch import start_local_api

    start_local_api()
    # Dask's worker processes report their task runs to this process's local API
    os.environ["PREFECT_API_URL"] = SubprocessASGIServer().api_url
    print(f"{'task runner':36} {'start s':>8} {'ms a task':>10}")
    for name, start, per_task in task_costs(args.tasks):
        print(f"{name:36} {start:8.2f} {1000 * per_task:10.1f}")
    with tempfile.TemporaryDirectory(prefix="daftar-dask-") as tmp:
        folder = Path(tmp)
        (folder / "pages").mkdir()
        pages = generated_pages(args.pages, folder / "pages")
        inbox = make_inbox(pages, args.file_pages, folder / "inbox")
        stacks = -(-args.pages // args.file_pages)
        print(f"\na night of {args.pages} pages in {stacks} stacks, {CORES} cores")
        for case, (name, runner) in enumerate((("in this process, thread runner", ThreadPoolTaskRunner(max_workers=CORES)),
                                               ("DaskTaskRunner, LocalCluster of 2", dask_runner()))):
            seconds = night_seconds(inbox, folder / f"home-{case}", runner)
            print(f"{name:36} {seconds:8.1f} s {60 * args.pages / seconds:8.1f} pages/min")
    if not args.no_pool:
        print("\nthe project's work pool (bench/workers.py, the project's environment):", flush=True)
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "bench" / "workers.py"),
                        "--pages", str(args.pages), "--file-pages", str(args.file_pages)], check=True, cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
