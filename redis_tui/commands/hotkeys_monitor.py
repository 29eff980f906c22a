"""The MONITOR method of hot keys: count the first key of each command in a time-boxed sample.

The composition of two core packages (which do not import each other): `core/monitor`'s
session reads the stream (with its guards: output-buffer limit, its own connections left
out) and `core/insight/hotkeys`'s `HitCounter` counts. `KeySink` is the session's sink: one
regex pass over each block pulls (command, first argument) from every line, identical rows
are counted together, and the command table says which argument is the key (a command whose
first key is elsewhere — EVAL, XREAD… — is parsed line by line).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence

from redis_tui.core.connection import make_client
from redis_tui.core.insight.hotkeys import MONITOR, TOP, HitCounter, HotKey, HotKeys, key_types
from redis_tui.core.models import Problem
from redis_tui.core.monitor.commands import CommandTable, key_of
from redis_tui.core.monitor.events import StopReason
from redis_tui.core.monitor.feed import row_regex
from redis_tui.core.monitor.lines import parse_line, unescape
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import MonitorSession
from redis_tui.core.target import Target

ROWS = row_regex(b":", full_key=True)  # (db, client, command, first argument with its opening quote)
CLIENT_NAME = "redis-tui-hotkeys"
ENDED_WELL = (StopReason.MAX_DURATION, StopReason.USER)


class KeySink:
    """A MONITOR session's sink that counts each line's first key into `counter`."""

    def __init__(self, counter: HitCounter, table: Callable[[], CommandTable]) -> None:
        self.counter = counter
        self.table = table  # the session's command table (read from the server when it connects)

    def block(self, block: bytes, count: int) -> None:
        """Whole lines ``+...\\r\\n``."""
        rows = ROWS.findall(b"\n" + block)
        if len(rows) != count:
            self._lines(block.split(b"\r\n")[:-1])
            return
        table, counter = self.table(), self.counter
        special: set[tuple[bytes, ...]] = set()
        for row, number in Counter(rows).items():
            _db, _client, name, first = row
            spec = table.lookup(name, unescape(first[1:]) if first else None)
            if spec.first_key == 1:
                counter.add(unescape(first[1:]) if first else None, number)
            elif spec.first_key == 0:
                counter.add(None, number)
            else:
                special.add(row)
        if special:
            lines = block.split(b"\r\n")
            self._lines([lines[index] for index, row in enumerate(rows) if row in special])

    def lines(self, lines: list[bytes]) -> None:
        """Raw lines without CRLF."""
        self._lines(lines)

    def _lines(self, lines: list[bytes]) -> None:
        table = self.table()
        for raw in lines:
            line = parse_line(raw)
            if line is None or not line.args:
                continue
            spec = table.lookup(line.args[0], line.args[1] if len(line.args) > 1 else None)
            self.counter.add(key_of(spec, line.args))


def _table_of(session: MonitorSession) -> Callable[[], CommandTable]:
    return lambda: session.feed.table


class SampleFailed(Exception):
    """No node could be sampled; `problem` says why (NOPERM for MONITOR, refused, …)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.summary)
        self.problem = problem


class Sample:
    """A MONITOR sample of `seconds` on each of `targets` ((label, target): one server, or every primary
    of a cluster labelled "host:port"), counted per node; `stop()` ends it early."""

    def __init__(self, targets: Sequence[tuple[str, Target]], seconds: float, top: int = TOP) -> None:
        self.targets, self.seconds, self.top = list(targets), seconds, top
        self.counters = [HitCounter() for _ in self.targets]
        options = MonitorOptions(max_duration_s=seconds)
        self.sessions: list[MonitorSession] = []
        for counter, (_label, target) in zip(self.counters, self.targets, strict=True):
            sink = KeySink(counter, CommandTable.default)
            session = MonitorSession(target, options, sink=sink)
            sink.table = _table_of(session)
            self.sessions.append(session)
        self.started = 0.0
        self.problems: dict[str, Problem] = {}

    @property
    def seen(self) -> int:
        """Commands counted so far, on every node."""
        return sum(counter.seen for counter in self.counters)

    @property
    def elapsed(self) -> float:
        """Seconds since the sample started."""
        return time.monotonic() - self.started if self.started else 0.0

    def stop(self) -> None:
        """End the sample now (what was counted is kept)."""
        for session in self.sessions:
            session.stop()

    def current(self) -> list[tuple[bytes, int, str]]:
        """The hottest keys so far (key, hits, node label), without types: for a live view."""
        rows = [(key, hits, label) for counter, (label, _t) in zip(self.counters, self.targets, strict=True)
                for key, hits in counter.top(self.top)]
        return sorted(rows, key=lambda row: (-row[1], row[0]))[: self.top]

    async def run(self) -> HotKeys:
        """Sample, then read the TYPE of the hottest keys; raises `SampleFailed` when no node could be sampled."""
        self.started = time.monotonic()
        events = await asyncio.gather(*(session.run() for session in self.sessions))
        elapsed = self.elapsed
        for (label, target), event in zip(self.targets, events, strict=True):
            if event.reason not in ENDED_WELL:
                self.problems[label or target.display()] = event.problem or Problem("error", event.message)
        if len(self.problems) == len(self.targets):
            raise SampleFailed(next(iter(self.problems.values())))
        keys = await self._typed(self.current())
        nodes = tuple(label for label, _ in self.targets if label and label not in self.problems)
        return HotKeys(MONITOR, elapsed, tuple(keys), self.seen, nodes, complete=not self.problems)

    async def _typed(self, rows: list[tuple[bytes, int, str]]) -> list[HotKey]:
        by_node: dict[str, list[bytes]] = {}
        for key, _hits, label in rows:
            by_node.setdefault(label, []).append(key)
        types: dict[tuple[str, bytes], str] = {}
        where = dict(self.targets)
        for label, keys in by_node.items():
            client = make_client(where[label], client_name=CLIENT_NAME)
            try:
                types.update(zip(((label, key) for key in keys), await key_types(client, keys), strict=True))
            except Exception:  # noqa: BLE001 - the counts stand without their types
                types.update(((label, key), "?") for key in keys)
            finally:
                await client.aclose()
        return [HotKey(key, hits, types.get((label, key), "?"), label) for key, hits, label in rows]
