"""What `daftar run` costs when a night has nothing to do, against the run that always starts
Prefect (the run before `flows/launch.py`), side by side in one run.

Three inboxes, each run as a fresh `daftar run` process, as cron or a scanning team starts it:

- empty: an inbox with no batch;
- done: one batch already processed (a born-digital sample PDF, or `--inbox` with a copy of a
  bigger one, processed once before timing);
- work: the same batch in a new home, so the run has a stack to process (the Prefect start-up is
  then part of the night's cost; shown for scale).

"before" is the same command with the planning look-ahead switched off (`flows.launch.has_work`
answering yes) and Prefect's usage reporting on, so every run goes through the flow and its
ephemeral Prefect API, as it did.

    .venv/bin/python bench/startup.py              # 3 runs of each, medians
    .venv/bin/python bench/startup.py --repeat 5 --inbox sample_scans/inbox
"""

from __future__ import annotations

import argparse
import itertools
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "sample_scans" / "inbox" / "anantnag" / "kokernag" / "2026-11-20" / "jamabandi_extract_hangalgund.pdf"

# `daftar run`, optionally as it was: the look-ahead answering "there is work" every time, and
# Prefect's usage reporting left on (no DO_NOT_TRACK).
RUN = """
import os, sys
if sys.argv[1] == "before":
    os.environ["DO_NOT_TRACK"] = "0"
    import flows.launch
    flows.launch.has_work = lambda *args: True
import cli
sys.argv = ["daftar", *sys.argv[2:]]
cli.main()
"""
BANNER = "Prefect collects anonymous usage data"


def timed_run(route: str, inbox: Path, home: Path, prefect_home: Path) -> tuple[float, bool, bool]:
    """Seconds; whether the ephemeral Prefect API started (its database appeared in a fresh
    PREFECT_HOME); whether Prefect's telemetry notice was printed. The run's output goes to a
    terminal, as a team member's would: Prefect prints its notice only there."""
    env = {key: value for key, value in os.environ.items() if key not in ("PREFECT_API_URL", "DO_NOT_TRACK")}
    env.update(PREFECT_HOME=str(prefect_home), DAFTAR_SETTLE_SECONDS="0")
    started = time.perf_counter()
    code, output = in_terminal([sys.executable, "-c", RUN, route, "run", str(inbox), "--home", str(home)], env)
    seconds = time.perf_counter() - started
    if code not in (0, 4):
        sys.exit(f"daftar run failed ({code}): {output[-2000:]}")
    return seconds, (prefect_home / "prefect.db").exists(), BANNER in output


def in_terminal(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; the exit code and all it printed."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return process.wait(), b"".join(chunks).decode(errors="replace")


def make_inbox(folder: Path, source: Path | None) -> Path:
    if source:
        shutil.copytree(source, folder)
    else:
        batch = folder / "anantnag" / "kokernag" / "2026-11-20"
        batch.mkdir(parents=True)
        shutil.copy2(PDF, batch / PDF.name)
    old = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (old, old))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--inbox", type=Path, help="inbox to copy for the done and work cases (default: one sample PDF)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daftar-startup-") as scratch:
        tmp = Path(scratch)
        runs = itertools.count()  # a fresh PREFECT_HOME and home per run
        empty = tmp / "empty"
        empty.mkdir()
        inbox = make_inbox(tmp / "inbox", args.inbox)
        done_home = tmp / "done-home"
        timed_run("now", inbox, done_home, tmp / "prefect-first")  # processed once: the done case's home
        rows = []
        for case, folder in (("empty inbox", empty), ("done inbox", inbox), ("inbox with work", inbox)):
            for route in ("before", "now"):
                figures = [timed_run(route, folder, done_home if case == "done inbox" else tmp / f"home-{n}",
                                     tmp / f"prefect-{n}") for n in (next(runs) for _ in range(args.repeat))]
                rows.append((case, route, statistics.median(f[0] for f in figures), any(f[1] for f in figures),
                             any(f[2] for f in figures)))
    print(f"{'case':<18}{'route':<8}{'median s':>10}  {'ephemeral Prefect API':<22}{'telemetry notice'}")
    for case, route, seconds, started, printed in rows:
        print(f"{case:<18}{route:<8}{seconds:>10.2f}  {'started' if started else 'not started':<22}{'printed' if printed else 'none'}")
    print(f"({args.repeat} fresh `daftar run` processes each; 'before' = every run through the flow, usage reporting on)")


if __name__ == "__main__":
    main()
