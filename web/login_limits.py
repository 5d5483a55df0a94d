"""How many log-ins are let through, counted four ways, so that guessing is slow and a flood is cheap:

- wrong passwords for one name from one client (10 in 15 minutes): that client waits;
- wrong passwords for one name from every client together (100 in 15 minutes): a guess spread over
  many addresses waits too, yet ten wrong passwords from one place never lock the user out for
  everyone else;
- log-ins tried by one client (30 a minute), whatever the names;
- log-ins tried by all clients together (300 a minute): what reaches the password check at all.

A refused attempt is counted nowhere and costs no password hash, so what is remembered grows only
with attempts let through: at most `max_attempts` a minute, each forgotten after its window (and
never more than `max_tracked` keys a kind). A client is its address; an IPv6 client is its /64,
the block one subscriber gets. Times come from the app's clock (`app.state.clock`).
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass

from domain.translatable import N_


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 10  # wrong passwords for one name from one client within `failure_window`
    max_name_failures: int = 100  # wrong passwords for one name from all clients within `failure_window`
    failure_window: float = 15 * 60
    max_client_attempts: int = 30  # log-ins from one client within `attempt_window`
    max_attempts: int = 300  # log-ins from all clients within `attempt_window`
    attempt_window: float = 60
    max_tracked: int = 20_000  # keys remembered per kind, whatever happens


class _Window:
    """Times of events per key within a sliding window; the least recently seen key is forgotten
    first when `max_keys` are held. Not thread-safe: `LoginGate` holds the lock."""

    def __init__(self, window: float, max_keys: int) -> None:
        self.window = window
        self.max_keys = max_keys
        self._times: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def count(self, key: Hashable, now: float) -> int:
        times = self._times.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._times[key]
            return 0
        return len(times)

    def add(self, key: Hashable, now: float) -> None:
        times = self._times.get(key)
        if times is None:
            while len(self._times) >= self.max_keys:
                self._times.popitem(last=False)
            times = self._times[key] = deque()
        else:
            self._times.move_to_end(key)
        times.append(now)

    def forget(self, key: Hashable) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


class LoginGate:
    """Decides whether a log-in attempt reaches the password check, and remembers its outcome."""

    def __init__(self, limits: LoginLimits | None = None) -> None:
        self.limits = limits = limits or LoginLimits()
        self._lock = threading.Lock()
        self._failures = _Window(limits.failure_window, limits.max_tracked)  # (client, name)
        self._name_failures = _Window(limits.failure_window, limits.max_tracked)  # name
        self._client_attempts = _Window(limits.attempt_window, limits.max_tracked)  # client
        self._attempts = _Window(limits.attempt_window, 1)  # everyone

    def refusal(self, client: str, name: str, now: float) -> str | None:
        """Why this attempt must wait, in English words for the log-in form (which translates them); None
        lets it through (and counts it)."""
        limits, name = self.limits, name[:64]  # a name is at most 64 characters: a longer one is no one's
        with self._lock:
            if (self._failures.count((client, name), now) >= limits.max_failures
                    or self._name_failures.count(name, now) >= limits.max_name_failures):
                return N_("Too many wrong passwords. Wait a few minutes and try again.")
            if self._client_attempts.count(client, now) >= limits.max_client_attempts:
                return N_("Too many log-ins from this computer. Wait a minute and try again.")
            if self._attempts.count(None, now) >= limits.max_attempts:
                return N_("Too many log-ins at once. Wait a minute and try again.")
            self._client_attempts.add(client, now)
            self._attempts.add(None, now)
            return None

    def failed(self, client: str, name: str, now: float) -> None:
        with self._lock:
            self._failures.add((client, name[:64]), now)
            self._name_failures.add(name[:64], now)

    def succeeded(self, client: str, name: str) -> None:
        """The right password: this client's wrong ones for the name are forgiven (not others')."""
        with self._lock:
            self._failures.forget((client, name[:64]))

    def tracked(self) -> int:
        """Keys held in all, to show that memory stays bounded."""
        with self._lock:
            return len(self._failures) + len(self._name_failures) + len(self._client_attempts) + len(self._attempts)


def client_key(host: str | None) -> str:
    """The client a request counts against: its address, an IPv6 one by its /64."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
