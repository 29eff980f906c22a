"""What the app reads snapshots from: the live `Poller`, or a `FixedSource` of prepared updates; and
`RoundSource`, what the sources of several servers (a cluster, a fleet) drive: rounds over every node.

The app depends only on the `SnapshotSource` protocol, so tests (and screenshots) can feed
it fixed data with no server, no clock and no randomness.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from redis_tui.core.models import Update
from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.poller import clamp_interval

Item = TypeVar("Item")


class SnapshotSource(Protocol):
    """A stream of `Snapshot`/`Outage` updates with the dashboard's controls."""

    interval: float
    paused: bool

    async def run(self, emit: Callable[[Update], None]) -> None:
        """Call `emit` for each update until cancelled."""

    def set_interval(self, seconds: float) -> float:
        """Change the polling interval; returns the interval in effect."""

    def set_paused(self, paused: bool) -> None:
        """Stop or resume polling."""

    def refresh_now(self) -> None:
        """Poll (or retry) at once."""

    def set_password(self, password: str) -> None:
        """Connect with this password from now on (kept in memory only)."""


class RoundSource(Protocol):
    """Rounds over several servers (`TopologyUpdate`s) with the dashboard's controls: a poller of every
    node (a cluster's, a fleet's), or a `FixedSource[TopologyUpdate]` of prepared rounds."""

    interval: float
    paused: bool

    async def run(self, emit: Callable[[TopologyUpdate], None]) -> None: ...
    def set_interval(self, seconds: float) -> float: ...
    def set_paused(self, paused: bool) -> None: ...
    def refresh_now(self) -> None: ...
    def set_password(self, password: str) -> None: ...


class FixedSource(Generic[Item]):
    """Emits prepared updates once, then idles; records the controls it was given.

    `FixedSource[Update]` feeds the dashboard of one server; `FixedSource[TopologyUpdate]`
    plays prepared cluster rounds (tests, screenshots).
    """

    def __init__(self, updates: Iterable[Item], interval: float = 1.0) -> None:
        self.updates = list(updates)
        self.interval = interval
        self.paused = False
        self.refreshes = 0
        self.passwords_given = 0  # how many times, never the password itself
        self._more: asyncio.Queue[Item] | None = None

    async def run(self, emit: Callable[[Item], None]) -> None:
        """Emit every prepared update, then whatever `push()` adds later."""
        self._more = asyncio.Queue()
        for update in self.updates:
            emit(update)
        while True:
            emit(await self._more.get())

    def push(self, update: Item) -> None:
        """Emit one more update (tests use this to play a sequence step by step)."""
        if self._more is not None:
            self._more.put_nowait(update)
        else:
            self.updates.append(update)

    def set_interval(self, seconds: float) -> float:
        self.interval = clamp_interval(seconds)
        return self.interval

    def set_paused(self, paused: bool) -> None:
        self.paused = paused

    def refresh_now(self) -> None:
        self.refreshes += 1

    def set_password(self, password: str) -> None:
        self.passwords_given += 1
