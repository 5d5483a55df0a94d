"""Memory of `daftar serve` under a flood of log-ins, against the server as it was, in one run.

Each side is a fresh server process (uvicorn over `web.app.create_app`, as `daftar serve` runs it)
on a home with one user. After one warm-up request its resident memory is read (idle), then
`--parallel` log-ins are posted at once, each with a wrong password from its own address (sent as
X-Forwarded-For through a trusted proxy on 127.0.0.1, so the per-client limit does not hide the
hashing), and the process's peak resident memory (VmHWM) is read again.

- before: Argon2 hashing unbounded and no per-client or total log-in limit (only the per-name one),
  as the server was;
- after: the server as it is (two hashes at a time, limits per client, per name and in total).

    .venv/bin/python bench/login_flood.py                 # 40 log-ins at once
    .venv/bin/python bench/login_flood.py --parallel 80 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

SERVER = """
import sys, threading
from pathlib import Path
import uvicorn
import store.users
from domain.config import Settings
from web.app import create_app
from web.login_limits import LoginGate, LoginLimits

home, port, side = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
app = create_app(home, Settings.load())
if side == "before":
    store.users._HASHING = threading.BoundedSemaphore(10_000)
    app.state.login_gate = LoginGate(LoginLimits(max_name_failures=10**9, max_client_attempts=10**9, max_attempts=10**9))
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(url)


def flood(base: str, parallel: int, round_: int) -> tuple[Counter, float]:
    def attempt(n: int) -> int:
        address = f"10.{round_}.{n // 256}.{n % 256}"
        return httpx.post(f"{base}/login", data={"name": "bench", "password": f"wrong {n}"},
                          headers={"X-Forwarded-For": address}, timeout=300).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        codes = Counter(pool.map(attempt, range(parallel)))
    return codes, time.monotonic() - started


def measure(side: str, home: Path, parallel: int, rounds: int) -> dict:
    port = free_port()
    env = {**os.environ, "DAFTAR_TRUSTED_PROXIES": "127.0.0.1", "DAFTAR_INDEX": "embedded"}
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(home), str(port), side], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login")
        idle = memory_mb(server.pid, "VmRSS")
        results = [flood(base, parallel, r) for r in range(rounds)]
        return {"side": side, "idle": idle, "peak": memory_mb(server.pid, "VmHWM"),
                "seconds": sum(s for _, s in results), "codes": sum((c for c, _ in results), Counter())}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parallel", type=int, default=40, help="log-ins posted at once")
    parser.add_argument("--rounds", type=int, default=1, help="floods one after the other")
    args = parser.parse_args()
    from domain.config import Settings
    from store.users import add_user

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        add_user(home, "bench", "admin", password="correct horse battery staple", settings=Settings.load())
        rows = [measure(side, home, args.parallel, args.rounds) for side in ("before", "after")]
    print(f"{args.parallel} log-ins at once, {args.rounds} round(s), each from its own address, wrong passwords")
    print(f"{'server':8} {'idle MB':>8} {'peak MB':>8} {'growth MB':>10} {'seconds':>8}  answers")
    for row in rows:
        answers = ", ".join(f"{n}x{code}" for code, n in sorted(row["codes"].items()))
        print(f"{row['side']:8} {row['idle']:8.0f} {row['peak']:8.0f} {row['peak'] - row['idle']:10.0f} "
              f"{row['seconds']:8.1f}  {answers}")


if __name__ == "__main__":
    main()
