"""The loop every poller of several servers shares (a cluster, a Sentinel group, a fleet).

`Rounds.run(emit)` polls one round per interval until cancelled; pausing, a new interval and
"poll now" wake it at once. Subclasses give `poll()` (one round, never raising for what a
server does) and `close()`. `Via` lets code that wants a client send a command on a
`Poller`'s own connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.poller import Poller, clamp_interval


class Rounds:
    """Interval, pause and "now" for a poller of several servers; `run` drives its `poll`."""

    def __init__(self, interval: float) -> None:
        self.interval = clamp_interval(interval)
        self.paused = False
        self._wake = asyncio.Event()
        self._forced = False

    def set_interval(self, seconds: float) -> float:
        """Change the interval (clamped to 0.25-60 s)."""
        self.interval = clamp_interval(seconds)
        self._wake.set()
        return self.interval

    def set_paused(self, paused: bool) -> None:
        """Stop or resume polling (a paused poller sends nothing)."""
        self.paused = paused
        self._wake.set()

    def refresh_now(self) -> None:
        """Poll right away."""
        self._forced = True
        self._wake.set()

    async def poll(self) -> TopologyUpdate:
        """One round over every node."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close every connection."""

    async def run(self, emit: Callable[[TopologyUpdate], None]) -> None:
        """Poll round after round until cancelled, calling `emit` after each (a "now" asked for
        during a round starts the next one at once)."""
        try:
            while True:
                started = time.monotonic()
                if not self.paused or self._forced:
                    self._forced = False
                    emit(await self.poll())
                self._wake.clear()
                if self._forced:
                    continue
                remaining = None if self.paused else started + self.interval - time.monotonic()
                if remaining is None:
                    await self._wake.wait()
                elif remaining > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), remaining)
        finally:
            await self.close()


class Via:
    """A client-like adapter: `execute_command` through a `Poller`'s own connection."""

    def __init__(self, poller: Poller) -> None:
        self._poller = poller

    async def execute_command(self, *args: str) -> Any:
        """Send one command on the poller's connection."""
        return await self._poller.execute(*args)
