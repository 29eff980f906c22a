"""A cheap check that a server's port accepts connections again, while a retry waits out its backoff.

Retrying a whole poll (or a MONITOR handshake) against a dead server is backed off up to
15 s, so after a restart the screen could stay stale for as long. A bare TCP connect (a
unix-socket connect for ``unix://``) costs the server nothing: no command, no AUTH. Done
once a second, it notices the server coming back within a second; only then is the heavy
work retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from redis_tui.core.target import Target

PROBE_EVERY = 1.0
PROBE_TIMEOUT = 0.5
# Failures after which a probe is worth it (the server may come back on the same address).
PROBED_IDS = frozenset({"connection-refused", "connection-timeout", "no-such-socket", "host-unresolved",
                        "connection-error", "tls-expected"})
# Of those, the ones that mean "nothing was listening".
CLOSED_IDS = frozenset({"connection-refused", "no-such-socket"})


def can_probe(target: Target) -> bool:
    """False for targets reached through Sentinel (the master's address is not known up front)."""
    return not target.sentinel


async def port_open(target: Target, timeout: float = PROBE_TIMEOUT) -> bool:
    """True when the target's port (or unix socket) accepts a connection; closed at once after."""
    try:
        if target.socket:
            opening = asyncio.open_unix_connection(target.socket)
        else:
            opening = asyncio.open_connection(target.host, target.port)
        _reader, writer = await asyncio.wait_for(opening, timeout)
    except (TimeoutError, OSError, ValueError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class PortWatch:
    """Waits out a backoff step, but ends it early when the port opens again.

    "Open again" means a probe connects after the port was seen closed (by the failure that
    started the wait, or by an earlier probe): a port that stays open (a server answering
    with an error, or a frozen one whose kernel still accepts) never cuts the backoff short.
    """

    def __init__(self, target: Target, every: float = PROBE_EVERY) -> None:
        self.target = target
        self.every = every
        self.watching = False
        self.closed = False
        self.probes = 0

    def failed(self, problem_id: str | None) -> None:
        """Note why the last attempt failed (None: it succeeded, stop watching)."""
        self.watching = problem_id in PROBED_IDS and can_probe(self.target)
        self.closed = problem_id in CLOSED_IDS

    async def sleep(self, seconds: float, wake: asyncio.Event | None = None) -> str:
        """Wait up to `seconds`: ``"open"`` when the port opened again, ``"woken"`` when `wake`
        was set, ``"timeout"`` otherwise."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            step = min(self.every, remaining) if self.watching else remaining
            if wake is not None:
                try:
                    await asyncio.wait_for(wake.wait(), step)
                    return "woken"
                except TimeoutError:
                    pass
            else:
                await asyncio.sleep(step)
            if step < remaining and self.watching:
                self.probes += 1
                if await port_open(self.target):
                    if self.closed:
                        return "open"
                else:
                    self.closed = True
