"""Aggregates over the MONITOR stream: commands/s, top commands, key prefixes and clients.

Lines are counted into one bucket per second — three tables: commands, key prefixes and
clients, each counted on its own (not their combinations: 50 clients × 1,000 prefixes is
1,050 names, not 50,000) — kept for a sliding window (default 60 s); a snapshot merges the
buckets. Buckets leaving the window are folded into totals since the start. Memory stays
bounded whatever the traffic: past `cap` distinct names in a second's table (`total_cap`
since the start), further names count as ``(other)``, and a key prefix is kept to its first
`PREFIX_BYTES` bytes (more than the tables show).
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

from redis_tui.core.display import safe_text

OTHER = "(other)"
NO_KEY = None
PREFIX_BYTES = 256  # a longer prefix counts by its head (a table row shows at most 80 characters)

Table = dict[str | bytes, int]  # name → count
Tables = tuple[Table, Table, Table]  # commands, prefixes, clients


@dataclass(frozen=True, slots=True)
class Share:
    """One row of a top-N table: a name, its count, its share of the matched traffic (0-1)."""

    name: str | bytes
    count: int
    share: float

    @property
    def label(self) -> str:
        """The name as safe, printable text (key prefixes are untrusted bytes)."""
        return safe_text(self.name, 80)


@dataclass(frozen=True)
class MonitorStats:
    """What the MONITOR screen shows beside the stream, at one moment.

    `per_second` holds the lines that passed the filters in each of the last `window_s`
    seconds, oldest first, the current (partial) second last. Top tables cover the window;
    `since_start_*` cover the whole run.
    """

    window_s: int = 60
    seen: int = 0
    matched: int = 0
    rate: float = 0.0
    per_second: tuple[int, ...] = ()
    commands: tuple[Share, ...] = ()
    prefixes: tuple[Share, ...] = ()
    clients: tuple[Share, ...] = ()
    since_start_commands: tuple[Share, ...] = ()
    since_start_prefixes: tuple[Share, ...] = ()
    since_start_clients: tuple[Share, ...] = ()


class Window:
    """Per-second buckets over a sliding window, plus bounded totals since the start."""

    def __init__(self, seconds: int = 60, cap: int = 2000, total_cap: int = 10_000) -> None:
        self.seconds = max(1, int(seconds))
        self.cap = cap
        self.total_cap = total_cap
        self.clear()

    def clear(self) -> None:
        """Forget everything (after a filter change or on the user's request)."""
        self.seen = 0
        self.matched = 0
        self._second: int | None = None
        self._count = 0  # matched lines in the current second
        self._bucket: Tables = ({}, {}, {})
        self._buckets: deque[tuple[int, int, Tables]] = deque()  # (second, lines, tables), oldest first
        self._totals: Tables = ({}, {}, {})

    def add(self, second: int, label: str, prefix: bytes | None, client: str, count: int) -> None:
        """Count `count` matched lines of one (command, prefix, client) in `second`."""
        if second != self._second:
            self._advance(second)
        commands, prefixes, clients = self._bucket
        cap = self.cap
        _count(commands, label, count, cap)
        if prefix is not None:  # NO_KEY
            _count(prefixes, prefix[:PREFIX_BYTES], count, cap)
        _count(clients, client, count, cap)
        self._count += count
        self.matched += count

    def _advance(self, second: int) -> None:
        if self._second is not None and self._count:
            self._buckets.append((self._second, self._count, self._bucket))
        self._bucket, self._count = ({}, {}, {}), 0
        self._second = second if self._second is None else max(second, self._second)
        while self._buckets and self._buckets[0][0] <= self._second - self.seconds:
            _, _, old = self._buckets.popleft()
            for total, table in zip(self._totals, old, strict=True):
                _merge(total, table, self.total_cap)

    def snapshot(self, now: float, top: int = 10) -> MonitorStats:
        """The aggregates as of `now` (seconds since the epoch)."""
        second = int(now)
        if self._second is None or second > self._second:
            self._advance(second)
        latest = second if self._second is None else self._second
        per_second = [0] * self.seconds
        window: Tables = ({}, {}, {})
        live = [*self._buckets, (latest, self._count, self._bucket)]
        for at, lines, bucket in live:
            slot = at - (second - self.seconds + 1)
            if 0 <= slot < self.seconds:
                per_second[slot] += lines
                for merged, table in zip(window, bucket, strict=True):
                    _merge(merged, table)
        totals: Tables = (dict(self._totals[0]), dict(self._totals[1]), dict(self._totals[2]))
        for _, _, bucket in live:
            for merged, table in zip(totals, bucket, strict=True):
                _merge(merged, table)
        in_window = sum(per_second)
        return MonitorStats(
            window_s=self.seconds,
            seen=self.seen,
            matched=self.matched,
            rate=float(per_second[-2]) if self.seconds > 1 else float(per_second[-1]),
            per_second=tuple(per_second),
            commands=_top(window[0], in_window, top),
            prefixes=_top(window[1], in_window, top),
            clients=_top(window[2], in_window, top),
            since_start_commands=_top(totals[0], self.matched, top),
            since_start_prefixes=_top(totals[1], self.matched, top),
            since_start_clients=_top(totals[2], self.matched, top),
        )

    def sizes(self) -> tuple[int, int]:
        """(names held in the window's buckets, names held in the totals): what the caps bound."""
        held = sum(len(table) for _, _, bucket in self._buckets for table in bucket)
        held += sum(len(table) for table in self._bucket)
        return held, sum(len(table) for table in self._totals)


def _count(table: Table, name: str | bytes, count: int, cap: int) -> None:
    if name not in table and len(table) >= cap:
        name = OTHER
    table[name] = table.get(name, 0) + count


def _merge(into: Table, table: Table, cap: int | None = None) -> None:
    """Add `table`'s counts into `into` (past `cap` names, new ones count as OTHER)."""
    get = into.get
    if cap is None:
        for name, count in table.items():
            into[name] = get(name, 0) + count
        return
    for name, count in table.items():
        if name not in into and len(into) >= cap:
            name = OTHER
        into[name] = get(name, 0) + count


def _top(table: Table, whole: int, top: int) -> tuple[Share, ...]:
    best = heapq.nlargest(top, table.items(), key=lambda item: item[1])
    rows = sorted(best, key=lambda item: (-item[1], str(item[0])))
    return tuple(Share(name, count, count / whole if whole else 0.0) for name, count in rows)
