"""A night on one Prefect worker against the same night on two worker processes, side by side in
one run: the speed-up that sharing a night's stacks over a work pool gives (flows/pool.py).

Each case has a real `prefect server`, `daftar deploy` to a fresh home, and its workers
(`prefect worker start --pool daftar --limit 1`, each with a temp folder of its own), sharing the
one inbox, home, archive and catalog; the night is asked for through the server's API, and timed
from then to the end of the night's run (worker polls and flow-run start-up included). The
night: typed A4 pages at 300 dpi (bench/throughput.py's), in record files of `--file-pages`.
On one machine both workers share its cores, so expect about 1x here; across machines each
worker brings its own. With DAFTAR_DATABASE_URL set (scripts/postgres.sh start), the catalog is
in that PostgreSQL, in a schema of each case's own; else a SQLite file in the shared home.

    .venv/bin/python bench/workers.py                 # 24 pages, 3 a file
    .venv/bin/python bench/workers.py --pages 60 --file-pages 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from store.catalog import Catalog  # noqa: E402
from tests.test_prefect_server import BIN, deploy, finished_run, prefect_server_in, wait_for  # noqa: E402
from throughput import generated_pages  # noqa: E402

CORES = os.cpu_count() or 1
NIGHT = dt.datetime(2026, 11, 20, 23, 30)
ONLINE = {"workers": {"status": {"any_": ["ONLINE"]}}}


def make_inbox(pages: list[Path], file_pages: int, inbox: Path) -> Path:
    batch = inbox / "benchdistrict" / "benchtehsil" / "night-1"
    for index, page in enumerate(pages):
        target = batch / f"file-{index // file_pages:03d}" / page.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
        os.utime(target, (0, 0))  # long settled
    return inbox


@contextmanager
def case_catalog(case: str) -> Iterator[dict[str, str]]:
    """The environment naming this case's PostgreSQL catalog, a schema of its own (dropped after),
    set for this process too; none for a SQLite catalog."""
    url = os.environ.get("DAFTAR_DATABASE_URL")
    if not url:
        yield {}
        return
    import psycopg

    schema = f"bench_workers_{case}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    os.environ["DAFTAR_DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    try:
        yield {"DAFTAR_DATABASE_URL": os.environ["DAFTAR_DATABASE_URL"]}
    finally:
        os.environ["DAFTAR_DATABASE_URL"] = url
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


def timed_night(workers: int, inbox: Path, folder: Path) -> tuple[float, Counter]:
    """Seconds from asking for the night to its end, on `workers` worker processes; and how many
    stacks each run of the night took."""
    home = folder / "home"
    with case_catalog(f"{workers}w") as catalog_env, \
            prefect_server_in(folder, DAFTAR_WORKERS=str(CORES), **catalog_env) as (processes, api):
        deploy(processes, inbox, home)
        for n in range(1, workers + 1):
            tmp = folder / f"tmp-{n}"
            tmp.mkdir()
            processes.env["TMPDIR"] = str(tmp)
            processes.start(f"worker-{n}", str(BIN / "prefect"), "worker", "start", "--pool", "daftar", "--limit", "1")
        wait_for(lambda: len(api.post("/work_pools/daftar/workers/filter", json=ONLINE).json()) == workers, 120,
                 f"{workers} workers to be online")
        deployment = api.get("/deployments/name/nightly-batch/nightly").json()
        started = time.perf_counter()
        run = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": {"now": NIGHT.isoformat()}}).json()
        done = finished_run(api, processes, run["id"], timeout=3600, worker="worker-1")
        seconds = time.perf_counter() - started
        if done["state_type"] != "COMPLETED":
            sys.exit(f"the night ended {done['state_type']}:\n{processes.log('worker-1')}")
        with closing(Catalog.open(home)) as catalog:
            holders = [row[0] for row in catalog.db.execute("SELECT holder FROM stack_leases").fetchall()]
    return seconds, Counter(holder.rsplit(":", 1)[-1][:8] for holder in holders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--file-pages", type=int, default=3, help="pages per record file (a stack each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-workers-") as scratch:
        tmp = Path(scratch)
        (tmp / "pages").mkdir()
        inbox = make_inbox(generated_pages(args.pages, tmp / "pages"), args.file_pages, tmp / "inbox")
        stacks = -(-args.pages // args.file_pages)
        print(f"{args.pages} typed pages in {stacks} stacks; {CORES} cores on this machine; "
              f"catalog: {'PostgreSQL' if os.environ.get('DAFTAR_DATABASE_URL') else 'SQLite in the shared home'}")
        rows = []
        for workers in (1, 2):
            folder = tmp / f"{workers}-workers"
            folder.mkdir()
            seconds, taken = timed_night(workers, inbox, folder)
            rows.append((workers, seconds, taken))
        base = rows[0][1]
        print(f"\n{'workers':>7} {'wall s':>8} {'pages/min':>10} {'speed-up':>9}  stacks taken by each run")
        for workers, seconds, taken in rows:
            print(f"{workers:>7} {seconds:>8.1f} {args.pages / seconds * 60:>10.1f} {base / seconds:>8.2f}x  "
                  f"{', '.join(str(n) for n in sorted(taken.values(), reverse=True))}")
        print(f"\nBoth cases share this machine's {CORES} cores: the speed-up across machines is each worker's own cores.")


if __name__ == "__main__":
    main()
