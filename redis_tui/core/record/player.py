"""`Player`: a recording played back as the dashboard's snapshot source (``redis-tui --replay FILE``).

It has the live source's controls (`SnapshotSource`: pause, "now", an interval) and a position in recorded
time that the replay keys move: a step to the next or previous snapshot, a jump by any number of seconds,
a time to go to, the next or previous event (or critical finding), and play at 1×–60×. Every recorded
update between the old and the new position is emitted in order, so the app's rules see them all (as they
did live); a long jump first hands the rules' window before the new position to `warm` (the app restarts
its diagnosis with it), so the findings shown are those of that moment, not of the one left.

A recording of several nodes (a cluster, a fleet) is played one node at a time (`node`, `next_node`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

from redis_tui.core.events import Event
from redis_tui.core.models import Update
from redis_tui.core.record.recording import Recording

SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0)
TICK_S = 0.25  # how often playing moves the position (real seconds)
CATCH_UP = 600  # updates emitted one by one at most per move; a longer move warms the rules instead


class Player:
    """The dashboard's source on a `Recording`: a position, playing or not, at a speed."""

    def __init__(self, recording: Recording, *, warm_s: float = 120.0, node: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.recording = recording
        self.start = recording.start or 0.0
        self.end = recording.end or self.start
        self.nodes: Sequence[str] = recording.nodes or [""]
        self.node = node if node in self.nodes else self.nodes[0]
        self.interval = recording.interval
        self.paused = True  # not playing (the SnapshotSource name for it)
        self.speed = SPEEDS[0]
        self.position = self.start
        self.warm_s = warm_s
        self.warm: Callable[[list[Update]], None] | None = None  # the app's: restart the rules on these
        self.moved: Callable[[], None] | None = None  # the app's: the position changed
        self._clock = clock
        self._emit: Callable[[Update], None] | None = None
        self._shown: float | None = None  # the recorded time of the last update emitted
        self._wake = asyncio.Event()

    # --- SnapshotSource ----------------------------------------------------------------------------
    async def run(self, emit: Callable[[Update], None]) -> None:
        """Emit the update at the start, then follow the position (moved by keys, or by playing)."""
        self._emit = emit
        self.go(self.position, warm=True)
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), TICK_S if not self.paused else None)
            self._wake.clear()
            if not self.paused:
                self.go(min(self.end, self.position + TICK_S * self.speed))
                if self.position >= self.end:
                    self.paused = True  # the end of the recording: stop there
                    self._changed()

    def set_interval(self, seconds: float) -> float:
        """The recording's interval stays what it was (a replay cannot poll more often)."""
        return self.interval

    def set_paused(self, paused: bool) -> None:
        """Stop or start playing (from the end: from the start again)."""
        if not paused and self.position >= self.end:
            self.go(self.start, warm=True)
        self.paused = paused
        self._wake.set()
        self._changed()

    def refresh_now(self) -> None:
        """Show the update at the position again."""
        self._shown = None
        self.go(self.position, warm=True)

    def set_password(self, password: str) -> None:
        """A recording needs no password."""

    # --- moving -----------------------------------------------------------------------------------
    def go(self, t: float, warm: bool = False) -> None:
        """Move to `t` (clamped to the recording) and emit what changed on the way."""
        t = max(self.start, min(self.end, t))
        before, self.position = self._shown, t
        if self._emit is None:
            return
        if warm or before is None or t < before or len(self.recording.times(before, t, self.node)) > CATCH_UP:
            self._warm_at(t)
        else:
            passed = [(when, update) for when, _node, update in self.recording.between(before, t, [self.node])
                      if when > before]
            for _when, update in passed[:-1]:  # the rules see every one; the panes show the last
                self._emit(update)
            if passed:
                self._emit(self.recording.at(passed[-1][0], [self.node]).get(self.node, passed[-1][1]))
                self._shown = passed[-1][0]
        self._changed()

    def step(self, count: int) -> None:
        """To the `count`-th next (negative: previous) snapshot of the node shown."""
        span = abs(count) * self.interval * 4 + 60.0  # read a window, not the whole day; widen it if empty
        while True:
            if count > 0:
                times = self.recording.times(self.position + 1e-6, self.position + span, self.node)[:count]
            else:
                times = self.recording.times(self.position - span, self.position - 1e-6, self.node)[count:]
            if times or span > self.end - self.start:
                break
            span *= 8
        if times:
            self.go(times[-1] if count > 0 else times[0])

    def jump(self, seconds: float) -> None:
        """Forward (or back, negative) by `seconds` of recorded time."""
        self.go(self.position + seconds)

    def to_event(self, forward: bool, critical: bool = False) -> Event | None:
        """To the next (or previous) event — or critical finding event — and return it (None: there is none)."""
        event = self.recording.event_near(self.position, forward, severity="critical" if critical else None)
        if event is not None:
            self.go(event.at)
        return event

    def faster(self) -> float:
        """The next speed (after 60×: 1× again)."""
        self.speed = SPEEDS[(SPEEDS.index(self.speed) + 1) % len(SPEEDS)] if self.speed in SPEEDS else SPEEDS[0]
        self._changed()
        return self.speed

    def next_node(self) -> str:
        """Show the next recorded node."""
        self.node = self.nodes[(list(self.nodes).index(self.node) + 1) % len(self.nodes)]
        self.go(self.position, warm=True)
        return self.node

    # --- internals -------------------------------------------------------------------------------
    def _warm_at(self, t: float) -> None:
        """Restart the rules on the window before `t`, then emit the update at `t` (its rates and history)."""
        assert self._emit is not None
        window = [u for when, _n, u in self.recording.between(t - self.warm_s, t, [self.node]) if when < t]
        if self.warm is not None:
            self.warm(window)
        now = self.recording.at(t, [self.node]).get(self.node)
        if now is not None:
            self._emit(now)
            times = self.recording.times(t - self.warm_s - 2 * self.interval, t, self.node)[-1:]
            self._shown = times[0] if times else t

    def _changed(self) -> None:
        if self.moved is not None:
            self.moved()
