"""A night spread over two workers of one Prefect work pool (flows/pool.py), on a real Prefect
server: the night's run asks the other worker to take stacks too, each stack is processed under
its lease in the catalog, and when the worker running the night dies mid-stack (SIGKILL, its
flow-run process with it) the other worker's run takes its stacks over once their leases lapse,
and the dead run, its heartbeats stopped, is marked Crashed by the automation `daftar deploy` made.
The archive and the search answers come out the same as the night run without Prefect."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
from contextlib import closing
from pathlib import Path

from indexers import SearchQuery, open_index
from night.run import run_inbox
from store.catalog import Catalog
from tests.test_prefect_server import BIN, deploy, finished_run, prefect_server, wait_for  # noqa: F401 (a fixture)
from tests.test_sample_scans import load_generator

NIGHT = dt.datetime(2026, 11, 20, 23, 30)
PAGES = 5
WORDS = ["mutation", "khasra", "tehsildar", "jamabandi", "waghama"]


def typed_night(batch: Path) -> None:
    """PAGES typed English pages, each a stack (a TIFF) of its own with its file number in its text."""
    samples = load_generator()
    documents = [getattr(samples, name) for name in sorted(dir(samples)) if name.startswith("ENGLISH_")]
    batch.mkdir(parents=True)
    for n in range(PAGES):
        blocks = [samples.line(f"File No. REV/TSL-05/2019/{n + 101:04d}"), *documents[n % len(documents)][:6]]
        page = samples.typed_page(f"workers-{n}", blocks, language="eng")
        page.image.save(batch / f"scan_{n:04d}.tif", dpi=(page.dpi, page.dpi))
        os.utime(batch / f"scan_{n:04d}.tif", (0, 0))  # long settled


def records(home: Path) -> dict[str, dict]:
    """Every record file of the archive, without the seconds each step took."""
    found = {}
    for path in (home / "archive").rglob("record.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        record.pop("timings")
        found[record["file_id"]] = record
    return found


def answers(home: Path, settings) -> dict[str, list[tuple[str, int, str]]]:
    index = open_index(home, settings)
    try:
        return {word: [(hit.file_id, hit.page, hit.snippet) for hit in index.search(SearchQuery(text=word)).hits] for word in WORDS}
    finally:
        index.close()


def leases(home: Path) -> list[tuple[str, str, bool, int]]:
    """(stack, holder, finished, takes) of every lease in the home's catalog, once there is one."""
    if not (home / "catalog.sqlite").exists():
        return []
    with closing(Catalog.open(home)) as catalog:
        rows = catalog.db.execute("SELECT stack, holder, finished_at IS NOT NULL, takes FROM stack_leases").fetchall()
    return [(row[0], row[1], bool(row[2]), row[3]) for row in rows]


def test_a_night_on_two_workers_comes_out_as_the_embedded_one_though_one_dies_mid_stack_and_its_run_is_crashed(
        prefect_server, tmp_path, settings):
    processes, api = prefect_server
    # GIVEN a night of typed pages, and that night run without Prefect, for reference
    typed_night(tmp_path / "pages" / "anantnag" / "bijbehara" / "2026-11-20")
    reference = tmp_path / "embedded-home"
    alone = run_inbox(tmp_path / "pages", reference, settings, NIGHT)
    assert len(alone.done) == PAGES, alone.summary()

    # AND the night deployed to a pool with two workers, each taking one flow run at a time, leases of
    # 10 s, heartbeats every 30 s (deployed twice, the second time with them: one automation, updated)
    inbox, home = tmp_path / "pages", tmp_path / "shared-home"
    deploy(processes, inbox, home)
    deploy(processes, inbox, home, "--heartbeat-seconds", "30")
    [automation] = api.post("/automations/filter", json={}).json()
    assert automation["trigger"]["posture"] == "Proactive" and automation["trigger"]["within"] == 90
    processes.env["DAFTAR_LEASE_SECONDS"] = "10"
    workers = [processes.start(f"worker-{n}", str(BIN / "prefect"), "worker", "start", "--pool", "daftar", "--limit", "1")
               for n in (1, 2)]
    online = {"workers": {"status": {"any_": ["ONLINE"]}}}
    wait_for(lambda: len(api.post("/work_pools/daftar/workers/filter", json=online).json()) == 2, 60,
             "both workers to be online", lambda: processes.log("worker-1") + processes.log("worker-2"))

    # WHEN the night is asked for
    deployment = api.get("/deployments/name/nightly-batch/nightly").json()
    assert deployment["job_variables"] == {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30"}}
    night = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": {"now": NIGHT.isoformat()}}).json()

    # AND the worker running the night is killed (SIGKILL, its flow-run process with it) once it has
    # finished a stack and holds another, the other worker's share of the night asked for
    def night_mid_stack() -> str | None:
        own = [(holder, done) for _, holder, done, _ in leases(home) if holder and holder.endswith(night["id"])]
        helpers = api.post("/flow_runs/filter", json={"flows": {"name": {"any_": ["take-stacks"]}}}).json()
        return own[0][0] if any(done for _, done in own) and not all(done for _, done in own) and helpers else None

    holder = wait_for(night_mid_stack, 180, "the night's run to finish one stack and hold another",
                      lambda: processes.log("worker-1") + processes.log("worker-2"))
    night_pid = int(holder.split(":")[1])
    killed = next(w for w in workers if w.pid in _ancestors(night_pid))
    os.killpg(os.getpgid(night_pid), signal.SIGKILL)
    os.killpg(killed.pid, signal.SIGKILL)
    held = [stack for stack, owner, done, _ in leases(home) if owner == holder and not done]
    finished_by_night = [stack for stack, owner, done, _ in leases(home) if owner == holder and done]
    assert held and finished_by_night

    # THEN the other worker's share of the night completes: it takes the stacks the dead run held
    # over once their leases lapse, and does every stack nobody finished
    helper = api.post("/flow_runs/filter", json={"flows": {"name": {"any_": ["take-stacks"]}}}).json()[0]
    other = f"worker-{2 - workers.index(killed)}"
    done = finished_run(api, processes, helper["id"], timeout=240, worker=other)
    assert done["state_type"] == "COMPLETED", processes.log(other)
    after = {stack: (owner, finished, takes) for stack, owner, finished, takes in leases(home)}
    assert len(after) == PAGES and all(finished for _, finished, _ in after.values())
    assert all(after[stack][0].endswith(helper["id"]) and after[stack][2] == 2 for stack in held)
    assert all(takes == 1 for stack, (_, _, takes) in after.items() if stack not in held)
    # AND the archive holds the same record files as the night without Prefect, search answers the same
    assert records(home) == records(reference)
    assert answers(home, settings) == answers(reference, settings)
    # AND the dead night's run does not stay Running: three heartbeats missed, it is Crashed
    dead = finished_run(api, processes, night["id"], timeout=300, worker=other)
    assert dead["state_type"] == "CRASHED" and "no heartbeat for 90 s" in dead["state"]["message"], dead["state"]
    # AND the next night is not held back by it: the one-night-at-a-time slot is free again
    later = api.post(f"/deployments/{deployment['id']}/create_flow_run", json={"parameters": {"now": NIGHT.isoformat()}}).json()
    assert finished_run(api, processes, later["id"], timeout=180, worker=other)["state_type"] == "COMPLETED"


def _ancestors(pid: int) -> list[int]:
    """The process and its parents, up to the first process."""
    chain = [pid]
    while chain[-1] > 1:
        stat = Path(f"/proc/{chain[-1]}/stat").read_text()
        chain.append(int(stat.rsplit(")", 1)[1].split()[1]))
    return chain

