"""`MergedSession`: a `MergedMonitor` driven the way the MONITOR screen drives one `MonitorSession`.

The screen takes lines once per frame and the aggregates once a second; here the lines are
tagged with the index of the node they came from (`NodeLine`), and `node_rates()` gives each
node's commands/s. Node events reach `on_event` with the node's address in front of the
message; the final ``stopped`` event too (the merged run reports it only as its result).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from redis_tui.core.monitor.commands import CommandSpec
from redis_tui.core.monitor.events import EventKind, SessionState, StopReason
from redis_tui.core.monitor.feed import Feed
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import MonitorLine, cut_line, parse_line
from redis_tui.core.monitor.merged import MergedMonitor
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import MonitorEvent
from redis_tui.core.monitor.stats import MonitorStats
from redis_tui.core.target import Target


@dataclass(frozen=True, slots=True)
class NodeLine:
    """A stream line and the index (in `MergedSession.addrs`) of the node that ran it."""

    node: int
    line: MonitorLine


@dataclass(frozen=True)
class NodeBatch:
    """Tagged lines for the screen since the last `take()`, plus how many were skipped."""

    lines: list[NodeLine]
    dropped: int = 0


@dataclass(frozen=True)
class NodeRate:
    """One node's row: matched commands/s over the last sample, the total, and whether its stream ended."""

    addr: str
    rate: float
    total: int
    ended: bool


class NodeViewBuffer:
    """The merged stream's sink: a bounded buffer of (node, raw line), parsed only when taken."""

    def __init__(self, size: int = 10_000, line_bytes: int = 4096) -> None:
        self.line_bytes = line_bytes
        self.paused = False
        self._lines: deque[tuple[int, bytes]] = deque(maxlen=size)
        self._added = 0
        self._delivered = 0

    def runs(self, runs: list[tuple[int, list[bytes]]]) -> None:
        """See `RunSink.runs`."""
        if self.paused:
            return
        cap = self.line_bytes
        for index, lines in runs:
            self._lines.extend((index, line if len(line) <= cap else cut_line(line, cap)) for line in lines)
            self._added += len(lines)

    def take(self, limit: int | None = None) -> NodeBatch:
        """Parse and hand over the newest lines (at most `limit`); the rest count as dropped."""
        pending = self._added - self._delivered
        self._delivered = self._added
        keep = len(self._lines) if limit is None else min(limit, len(self._lines))
        raw = list(self._lines)[len(self._lines) - keep :] if keep else []
        self._lines.clear()
        parsed = [NodeLine(index, line) for index, data in raw if (line := parse_line(data)) is not None]
        return NodeBatch(parsed, pending - len(parsed))

    def clear(self) -> None:
        """Drop what is waiting."""
        self._lines.clear()
        self._delivered = self._added


class MergedSession:
    """MONITOR on several nodes as one session: state, controls, tagged lines, aggregates, per-node rates."""

    def __init__(
        self,
        nodes: Sequence[tuple[str, Target]],
        options: MonitorOptions = MonitorOptions(),
        spec: Filter = Filter(),
        *,
        on_event: Callable[[MonitorEvent], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self.clock = clock
        self.on_event = on_event
        self.view = NodeViewBuffer(options.buffer_lines)
        self.merged = MergedMonitor(nodes, options, spec, sink=self.view, on_event=self._node_event, clock=clock)
        self.addrs = list(self.merged.addrs)
        self.state = SessionState.STOPPED
        self.started_at: float | None = None
        self._sample: tuple[float, list[int]] | None = None
        self._rates = [0.0] * len(self.addrs)

    # --- what the screen reads ------------------------------------------------------------
    @property
    def filter(self) -> Filter:
        """The filter in force."""
        return self.merged.filter

    @property
    def feed(self) -> Feed:
        """The first node's feed (its command table serves the filter dialog)."""
        return self.merged.sessions[0].feed

    @property
    def paused(self) -> bool:
        """True while the view is paused (counting and aggregates go on)."""
        return self.view.paused

    @paused.setter
    def paused(self, value: bool) -> None:
        self.view.paused = value

    @property
    def last_omem(self) -> int | None:
        """The largest MONITOR output buffer on a node at the last look (None before any look)."""
        seen = [s.last_omem for s in self.merged.sessions if s.last_omem is not None]
        return max(seen) if seen else None

    @property
    def peak_omem(self) -> int:
        """The highest MONITOR output buffer seen on any node."""
        return self.merged.peak_omem

    @property
    def elapsed(self) -> float:
        """Seconds since the stream started (0 when stopped)."""
        if self.started_at is None or self.state == SessionState.STOPPED:
            return 0.0
        return self.clock() - self.started_at

    @property
    def running(self) -> int:
        """Nodes whose stream has not ended."""
        return len(self.addrs) - len(self.merged.ended)

    def take(self, limit: int | None = None) -> NodeBatch:
        """New tagged lines since the last call (at most once per frame)."""
        return self.view.take(limit)

    def stats(self) -> MonitorStats:
        """The aggregates of the merged stream now."""
        return self.merged.stats()

    def command_spec(self, line: MonitorLine) -> CommandSpec:
        """Label, family and write flag of a line's command."""
        return self.merged.sessions[0].command_spec(line)

    def node_rates(self) -> list[NodeRate]:
        """Each node's matched commands/s since the previous call (call about once a second)."""
        now, written = self.clock(), list(self.merged.written)
        if self._sample is not None and now > self._sample[0]:
            span = now - self._sample[0]
            self._rates = [(new - old) / span for new, old in zip(written, self._sample[1], strict=True)]
        self._sample = (now, written)
        ended = self.merged.ended
        return [NodeRate(addr, rate, total, addr in ended)
                for addr, rate, total in zip(self.addrs, self._rates, written, strict=True)]

    # --- controls -------------------------------------------------------------------------
    def stop(self, reason: str = StopReason.USER) -> None:
        """Stop every node's stream."""
        self.merged.stop(reason)

    def set_filter(self, spec: Filter) -> None:
        """Filter the merged stream and the aggregates from now on (both start afresh)."""
        self.merged.set_filter(spec)
        self.view.clear()

    def hide_clients(self, addresses: Iterable[str]) -> None:
        """Leave these client addresses out of every node's stream (the dashboard's own connections)."""
        hidden = set(addresses)
        for session in self.merged.sessions:
            session.hide_clients(hidden)

    def clear(self) -> None:
        """Empty the view and the aggregates."""
        self.view.clear()
        self.merged.window.clear()
        self._sample = None
        self._rates = [0.0] * len(self.addrs)

    async def run(self, retry_first: bool = True) -> MonitorEvent:
        """Stream every node until stopped or every stream ended; the final ``stopped`` event
        (also given to `on_event`). `retry_first` is for the screen's call; nodes never retry."""
        self.state = SessionState.CONNECTING
        self.started_at = self.clock()
        try:
            end = await self.merged.run()
        finally:
            self.state = SessionState.STOPPED
        if self.on_event is not None:
            self.on_event(end)
        return end

    def _node_event(self, addr: str, event: MonitorEvent) -> None:
        if event.kind in (EventKind.STARTED, EventKind.RESUMED):
            if self.state == SessionState.RUNNING:
                return  # the stream is already running on another node
            self.state = SessionState.RUNNING
            event = replace(event, message=f"MONITOR {event.kind} on {len(self.addrs)} nodes")
        elif event.kind == EventKind.ENDED:
            left = self.running
            rest = f"; the other {left} node{'s' if left != 1 else ''} go on" if left else ""
            event = replace(event, message=f"{addr}: its stream ended: {event.message}{rest}")
        else:
            event = replace(event, message=f"{addr}: {event.message}")
        if self.on_event is not None:
            self.on_event(event)
