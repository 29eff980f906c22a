"""MONITOR on several nodes at once (a cluster's primaries), merged by timestamp into one stream.

One `MonitorSession` per node (its own MONITOR connection and output-buffer guard, the same
filter); they share one aggregate `Window`, so counts and top tables cover the merged stream.
Lines that pass the filter wait in a small reorder buffer: a line is written once its server
timestamp is `reorder_s` (default 150 ms) in the past — on our clock, through each node's
offset (the smallest arrival − timestamp seen, which absorbs clock skew) — in timestamp
order across nodes (each node's own order is kept). So a node whose lines arrive a little
late still interleaves correctly. The buffer is bounded: past `max_pending` lines it is
written at once (order then may slip).

Which nodes, and their addresses, are the caller's business (no topology here). A node whose
server goes away ends its stream (``ended`` event) and the others go on; the guard of any
node tripping stops every stream (``output-buffer``), as it would on one server.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import math
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, repeat
from operator import itemgetter
from typing import Protocol

from redis_tui.core.monitor.events import EventKind
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import (
    MAX_DURATION,
    OUTPUT_BUFFER,
    USER,
    MonitorEvent,
    MonitorSession,
)
from redis_tui.core.monitor.stats import MonitorStats, Window
from redis_tui.core.target import Target

REORDER_S = 0.15
MAX_PENDING = 200_000
NODE_LOST = "node-lost"
FLUSH_EVERY = 0.05


class RunSink(Protocol):
    """Where the merged stream goes: runs of raw lines (``+...``, no CRLF) from one node, in order."""

    def runs(self, runs: list[tuple[int, list[bytes]]]) -> None:
        """(node index, its lines) one run after another."""


@dataclass(frozen=True)
class NodeEnd:
    """How a node's stream ended (reason as in `MonitorEvent`; message for people)."""

    addr: str
    reason: str
    message: str


class _NodeBuffer:
    """One node's sink: chunks of lines, and the node's clock offset (the smallest arrival − timestamp seen)."""

    def __init__(self, owner: MergedMonitor) -> None:
        self.owner = owner
        self.chunks: deque[list[bytes]] = deque()
        self.offset = math.inf

    def block(self, block: bytes, count: int) -> None:
        self.lines(block.split(b"\r\n")[:-1])

    def lines(self, lines: list[bytes]) -> None:
        if lines:
            stamp = line_time(lines[-1])
            if stamp is not None:
                self.offset = min(self.offset, time.time() - stamp)
            self.chunks.append(lines)
            self.owner.pending += len(lines)

    def take(self, cutoff: float, everything: bool) -> list[bytes]:
        """The lines due by `cutoff` (local wall clock): server time + offset at or before it."""
        chunks, out = self.chunks, []
        if everything or math.isinf(self.offset):
            while chunks:
                out += chunks.popleft()
            return out
        key = b"+%.6f\xff" % (cutoff - self.offset)  # raw lines compare as their timestamps do
        while chunks:
            lines = chunks[0]
            if lines[-1] < key:
                out += chunks.popleft()
                continue
            cut = bisect.bisect_left(lines, key)
            out += lines[:cut]
            chunks[0] = lines[cut:]
            break
        return out


def line_time(raw: bytes) -> float | None:
    """The server timestamp of a raw line (``+1700000000.123456 [...``), None if it has none."""
    try:
        return float(raw[1 : raw.index(b" ")])
    except ValueError:
        return None


class MergedMonitor:
    """MONITOR on every node of `nodes` ((addr, target) pairs), one merged stream into `sink`."""

    def __init__(
        self,
        nodes: Sequence[tuple[str, Target]],
        options: MonitorOptions = MonitorOptions(),
        spec: Filter = Filter(),
        *,
        sink: RunSink,
        on_event: Callable[[str, MonitorEvent], None] | None = None,
        reorder_s: float = REORDER_S,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.addrs = [addr for addr, _ in nodes]
        self.options = options
        self.filter = spec
        self.sink = sink
        self.on_event = on_event
        self.reorder_s = reorder_s
        self.max_pending = max_pending
        self.clock = clock
        self.window = Window(options.window_s)
        self.pending = 0
        self.written = [0] * len(nodes)  # lines written per node
        self.ended: dict[str, NodeEnd] = {}
        self.started_at: float | None = None
        self._buffers = [_NodeBuffer(self) for _ in nodes]
        self.sessions: list[MonitorSession] = []
        for index, (addr, target) in enumerate(nodes):
            session = MonitorSession(target, options, spec, sink=self._buffers[index],
                                     on_event=self._listener(index, addr), clock=clock)
            session.window = session.feed.window = self.window  # one set of aggregates for the merged stream
            self.sessions.append(session)
        self._stop_reason: str | None = None

    @property
    def peak_omem(self) -> int:
        """The highest MONITOR output buffer seen on any node (bytes)."""
        return max((s.peak_omem for s in self.sessions), default=0)

    def stats(self) -> MonitorStats:
        """The aggregates of the merged stream now."""
        return self.window.snapshot(self.clock(), self.options.top)

    def set_filter(self, spec: Filter) -> None:
        """Filter every node's stream and the aggregates from now on (lines waiting to be merged are dropped)."""
        self.filter = spec
        for session in self.sessions:
            session.set_filter(spec)
        for buffer in self._buffers:
            buffer.chunks.clear()
        self.pending = 0

    def stop(self, reason: str = USER) -> None:
        """Stop every node's stream (run() then returns)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        for session in self.sessions:
            session.stop(reason)

    async def run(self) -> MonitorEvent:
        """Stream until stopped or every node's stream ended; the final ``stopped`` event."""
        self.started_at = self.clock()
        flusher = asyncio.create_task(self._flush_loop())
        try:
            ends = await asyncio.gather(*(self._run_node(i) for i in range(len(self.sessions))))
        finally:
            flusher.cancel()
            await asyncio.gather(flusher, return_exceptions=True)
            self._flush(everything=True)
        return self._final(ends)

    async def _run_node(self, index: int) -> MonitorEvent:
        session, addr = self.sessions[index], self.addrs[index]
        end = await session.run()
        if end.reason == OUTPUT_BUFFER:
            self.stop(OUTPUT_BUFFER)
        elif self._stop_reason is None and end.reason not in (USER, MAX_DURATION):
            message = self.ended[addr].message if addr in self.ended else end.message
            self.ended[addr] = NodeEnd(addr, end.reason, message)
            self._emit(addr, MonitorEvent(EventKind.ENDED, message, end.reason, end.problem, at=self.clock()))
        return end

    def _final(self, ends: list[MonitorEvent]) -> MonitorEvent:
        reason = self._stop_reason
        tripped = next((e for e in ends if e.reason == OUTPUT_BUFFER), None)
        if tripped is not None:
            index = ends.index(tripped)
            event = MonitorEvent(EventKind.STOPPED, f"{self.addrs[index]}: {tripped.message}", OUTPUT_BUFFER,
                                 tripped.problem, at=self.clock())
        elif reason is not None:
            event = next((e for e in ends if e.reason == reason), ends[0])
        elif any(e.reason == MAX_DURATION for e in ends):
            event = next(e for e in ends if e.reason == MAX_DURATION)
        else:  # every node's stream ended by itself
            last = ends[-1]
            event = MonitorEvent(EventKind.STOPPED, "MONITOR stopped: the stream of every node ended",
                                 last.reason, last.problem, at=self.clock())
        return event

    def _listener(self, index: int, addr: str) -> Callable[[MonitorEvent], None]:
        def listen(event: MonitorEvent) -> None:
            if event.kind == "lost" and self._stop_reason is None:
                # on a cluster a node that went away is not waited for: its stream ends, the others go on
                self.ended[addr] = NodeEnd(addr, NODE_LOST, event.message.split("; retrying")[0])
                self.sessions[index].stop(NODE_LOST)
                return
            if event.kind != "stopped":
                self._emit(addr, event)

        return listen

    def _emit(self, addr: str, event: MonitorEvent) -> None:
        if self.on_event is not None:
            self.on_event(addr, event)

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY)
            self._flush(everything=self.pending > self.max_pending)

    def _flush(self, everything: bool = False) -> None:
        """Write the lines that are `reorder_s` old, merged by timestamp."""
        cutoff = time.time() - self.reorder_s
        parts = [buffer.take(cutoff, everything) for buffer in self._buffers]
        taken = sum(map(len, parts))
        if not taken:
            return
        self.pending -= taken
        busy = [i for i, lines in enumerate(parts) if lines]
        if len(busy) == 1:
            runs = [(busy[0], parts[busy[0]])]
        else:
            runs = list(_runs(heapq.merge(*(zip(parts[i], repeat(i)) for i in busy))))
        for index, lines in runs:
            self.written[index] += len(lines)
        self.sink.runs(runs)


def _runs(merged: Iterator[tuple[bytes, int]]) -> Iterator[tuple[int, list[bytes]]]:
    """Consecutive lines of one node as one run. Raw lines start ``+<seconds>.<micros>``, so
    comparing the bytes compares the timestamps; ties between nodes fall to the rest of the line."""
    first = itemgetter(0)
    for index, group in groupby(merged, key=itemgetter(1)):
        yield index, list(map(first, group))
