"""The programs a night starts (Tesseract, OCRmyPDF, pdftoppm), and stopping the night.

Every such program is started by `run`: in its own process group, so that a stop ends it and
whatever it started, and with its parent-death signal set (util-linux `setpriv --pdeathsig`), so
that it dies with daftar even when daftar itself is killed with SIGKILL. A program started by a
library (Prefect's local API server) is tied to this process by `end_with_this_process`.

A stop (`request_stop`, from SIGTERM or Ctrl-C through `stop_on_signals`) ends every running
program at once and refuses new ones: the page being read is abandoned with `Stopped`, never
reported as a page the program failed on. Standard library only: the CLI loads it before the
night's heavy modules.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from domain.errors import DiskFull, Stopped

# Below this much free space a program that failed to write its output is taken to have failed
# for want of room, not because of its input.
MIN_FREE_BYTES = 1 << 20

_SETPRIV = shutil.which("setpriv")
_running: set[subprocess.Popen[Any]] = set()
# Re-entrant: a signal handler in the main thread may ask for a stop while that thread starts a program.
_lock = threading.RLock()
_stopping = threading.Event()
_stopped_by: list[str] = []


def run(command: list[str], *, writes_to: Path | None = None, timeout: float | None = None,
        input: bytes | str | None = None, text: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[Any]:
    """Run a program to its end, its output captured, like `subprocess.run`. Raises Stopped when a
    stop ends it (or came before it), DiskFull when it failed and `writes_to` has no room left,
    and subprocess.TimeoutExpired (the program killed) after `timeout` seconds."""
    prefix = [_SETPRIV, "--pdeathsig", "KILL", "--"] if _SETPRIV else []
    with _lock:
        if _stopping.is_set():
            raise Stopped(stop_message())
        process = subprocess.Popen([*prefix, *command], stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text, env=env, start_new_session=True)
        _running.add(process)
    try:
        try:
            out, err = process.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            process.communicate()
            raise
    finally:
        with _lock:
            _running.discard(process)
    if process.returncode != 0:
        if _stopping.is_set():
            raise Stopped(stop_message())
        if writes_to is not None and no_room(writes_to):
            raise DiskFull(f"no room left to write in {writes_to}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def no_room(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def request_stop(why: str = "a stop was asked for") -> None:
    """End every running program now and refuse new ones, until `allow_programs`."""
    with _lock:
        if not _stopping.is_set():
            _stopped_by.append(why)
        _stopping.set()
        for process in _running:
            _kill(process)


def stop_requested() -> bool:
    return _stopping.is_set()


def stop_message() -> str:
    return f"stopped ({_stopped_by[-1] if _stopped_by else 'a stop was asked for'})"


def allow_programs() -> None:
    """A new night starts with no stop asked for."""
    with _lock:
        _stopping.clear()
        _stopped_by.clear()


def _kill(process: subprocess.Popen[Any]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its group: the program and whatever it started
    except (ProcessLookupError, PermissionError):
        pass


@contextmanager
def stop_on_signals(at_once: bool) -> Iterator[None]:
    """While inside, SIGTERM and SIGINT stop the night: `at_once`, by raising Stopped where the main
    thread is (nothing of the night has begun); else by `request_stop`, so the night records what
    finished and then ends. The handlers before are put back after. Only the main thread can set
    signal handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(number: int, _frame: object) -> None:
        why = f"by {signal.Signals(number).name}"
        if at_once:
            raise Stopped(f"stopped {why} before the night began; nothing was changed")
        request_stop(why)

    previous = {number: signal.signal(number, handle) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# Kills every process that carries this run's marker in its environment: the processes started
# from the run after the marker was set, found by their environment since their parent may be gone.
_WATCHDOG = """import os, signal, sys
if not sys.stdin.buffer.read(1):  # end of input without a word: the process that started us is gone
    marker = b"DAFTAR_RUN_MARKER=" + sys.argv[1].encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as environ:
                    if marker in environ.read().split(b"\\0"):
                        os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass
"""


def end_with_this_process() -> Callable[[], None]:
    """Kill, when this process ends however it ends (SIGKILL included), every process it starts
    from now on: they inherit a marker in their environment, and a small watchdog holding a pipe
    from this process kills them when the pipe closes unannounced. Set up before a child starts,
    so a kill while it is still starting (Prefect's local API takes seconds) leaves nothing.
    Returns the function that releases the watchdog (for a normal end, before the children stop)."""
    marker = uuid.uuid4().hex
    os.environ["DAFTAR_RUN_MARKER"] = marker
    watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, marker], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                env={name: value for name, value in os.environ.items() if name != "DAFTAR_RUN_MARKER"})

    def release() -> None:
        try:
            assert watchdog.stdin is not None
            watchdog.stdin.write(b"x")
            watchdog.stdin.close()
        except OSError:
            pass
        watchdog.wait()

    return release
