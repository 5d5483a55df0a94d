"""Unattended nights on a real Prefect server: `prefect server start` on loopback with the locked
versions, `daftar deploy` against it, a worker (`prefect worker start`), and runs of the nightly
flow that the server's API and the server's own scheduler start. Every process started here is
stopped here, its children with it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SAMPLES, copy_stack

BIN = Path(sys.executable).parent
PDF = SAMPLES / "inbox" / "anantnag" / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


class Processes:
    """Processes started for one test, each in a session of its own, stopped with all they started."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.started.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop_all(self) -> None:
        for process in reversed(self.started):
            _signal_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # A flow-run process of the worker may have left the group: find it by our PREFECT_HOME.
        for pid in self.leftovers():
            os.kill(pid, signal.SIGKILL)

    def leftovers(self) -> list[int]:
        marker = f"PREFECT_HOME={self.env['PREFECT_HOME']}".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid():
                try:
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        pids.append(int(entry.name))
                except OSError:  # gone meanwhile, or not ours to read
                    continue
        return pids


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)  # the session's group: its id is the process's own
    except ProcessLookupError:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def prefect_server_in(folder: Path, **env: str) -> Iterator[tuple[Processes, httpx.Client]]:
    """A Prefect server on a free loopback port, with its own PREFECT_HOME (its own database) and
    logs in `folder`; `env` for it and the processes started after it. Stopped with them at the end."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(folder / "prefect"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_WORKER_QUERY_SECONDS": "2",
           "PREFECT_LOGGING_LEVEL": "INFO", "DAFTAR_WORKERS": "1", **env}
    processes = Processes(env, folder)
    try:
        server = processes.start("server", str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                 "--port", str(port), "--no-ui")
        # a fresh connection each request: reusing one the server just closed as idle resets it
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=env["PREFECT_API_URL"], timeout=30, limits=limits) as api:
            wait_for(lambda: server.poll() is not None or _answers(api), 240, "the Prefect server to answer")  # 77 s seen on a loaded machine
            assert server.poll() is None, processes.log("server")
            yield processes, api
    finally:
        processes.stop_all()


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[tuple[Processes, httpx.Client]]:
    with prefect_server_in(tmp_path) as (processes, api):
        yield processes, api
    assert processes.leftovers() == []


def deploy(processes: Processes, inbox: Path, home: Path, *options: str) -> str:
    """`daftar deploy` of the nightly deployment on the server, to the pool `daftar`."""
    deployed = subprocess.run([str(BIN / "daftar"), "deploy", str(inbox), "--home", str(home), *options],
                              env=processes.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    return deployed.stdout


def test_a_deployed_night_runs_when_asked_and_when_its_cron_comes(prefect_server, tmp_path):
    processes, api = prefect_server
    # GIVEN a tehsil's night of one born-digital PDF (no OCR) and `daftar deploy` with a cron every minute
    inbox, home = tmp_path / "inbox", tmp_path / "home"
    copy_stack(PDF, inbox / "anantnag" / "kokernag" / "2026-11-20")
    deployed = deploy(processes, inbox, home, "--cron", "* * * * *")
    assert "work pool daftar (created)" in deployed and "prefect worker start --pool daftar" in deployed
    deployment = api.get("/deployments/name/nightly-batch/nightly").json()
    assert deployment["schedules"][0]["schedule"] == {"cron": "* * * * *", "timezone": "Asia/Kolkata", "day_or": True}
    assert deployment["parameters"] == {"inbox": str(inbox), "home": str(home)}

    # AND prefect.yaml's route deploys beside it, under its own name
    from_yaml = subprocess.run([str(BIN / "prefect"), "--no-prompt", "deploy", "--all"],
                               env={**processes.env, "DAFTAR_REPO": str(ROOT), "DAFTAR_INBOX": str(inbox), "DAFTAR_HOME": str(home)},
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert from_yaml.returncode == 0, from_yaml.stdout[-3000:] + from_yaml.stderr[-3000:]
    names = {d["name"] for d in api.post("/deployments/filter", json={}).json()}
    assert names == {"nightly", "nightly-prefect-yaml"}
    assert api.get("/deployments/name/take-stacks/nightly-prefect-yaml").status_code == 200  # its nights are shared too

    # WHEN a worker serves the pool and two runs are asked for at once through the server's API
    processes.start("worker", str(BIN / "prefect"), "worker", "start", "--pool", "daftar")
    asked = [api.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).json() for _ in range(2)]

    # THEN both complete, one after the other (one night at a time), each with its batch report
    runs = [finished_run(api, processes, run["id"]) for run in asked]
    assert [run["state_type"] for run in runs] == ["COMPLETED", "COMPLETED"], processes.log("worker")

    # AND the server's scheduler creates the cron's run by itself, which completes with its report
    def scheduled() -> dict | None:
        found = api.post("/flow_runs/filter", json={"flow_runs": {"deployment_id": {"any_": [deployment["id"]]}}}).json()
        auto = sorted((r for r in found if r["auto_scheduled"]), key=lambda r: r["expected_start_time"])
        return auto[0] if auto else None

    first = wait_for(scheduled, 30, "the scheduler to create the cron's runs")
    cron_run = finished_run(api, processes, first["id"], timeout=150)
    assert cron_run["state_type"] == "COMPLETED", processes.log("worker")
    # AND the three nights, in whatever order they ran, did the record file once between them
    reports = [_report(api, run["id"]) for run in (*runs, cron_run)]
    assert sum("REV/TSL-07/2016/0088" in report for report in reports) == 1
    assert sum("1 stacks already done" in report for report in reports) == 2


def _report(api: httpx.Client, flow_run_id: str) -> str:
    artifacts = api.post("/artifacts/filter", json={"artifacts": {
        "flow_run_id": {"any_": [flow_run_id]}, "key": {"any_": ["nightly-batch-report"]}}}).json()
    assert len(artifacts) == 1, artifacts
    return json.dumps(artifacts[0])


def finished_run(api: httpx.Client, processes: Processes, flow_run_id: str, timeout: float = 120,
                 worker: str = "worker") -> dict:
    """The flow run, once it is in a final state; its worker's log (`worker`) if it is not in time."""
    return wait_for(lambda: (run := api.get(f"/flow_runs/{flow_run_id}").json())["state_type"] in FINAL and run, timeout,
                    "the flow run to finish", lambda: processes.log(worker))


def _answers(api: httpx.Client) -> bool:
    try:
        return api.get("/health").status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(check, timeout: float, what: str, explain=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}\n{explain()}")
