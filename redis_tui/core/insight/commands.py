"""Commands and errors: the whole INFO commandstats table (calls, calls/s, µs/call, rejected, failed) and
INFO errorstats (error prefix, count, rate), from the app's INFO polls — no command of their own.

A cluster is summed node by node (`summed`); rates come from two polls of the same node (`error_rates`).
Pure functions over parsed INFO; nothing here raises on odd input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redis_tui.core.models import CommandRate, CommandStat
from redis_tui.core.parse import parse_fields, to_int

Info = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class CommandRow:
    """One command: counters since the server started, and its calls/s over the last poll interval."""

    name: str
    calls: int
    usec: int
    rejected: int = 0  # refused before running (unknown arguments, ACL, OOM…)
    failed: int = 0  # ran and replied with an error
    calls_per_s: float | None = None  # None: no two polls to compare yet
    usec_per_call_now: float | None = None  # over the interval, when it ran

    @property
    def usec_per_call(self) -> float | None:
        """µs per call over the last interval when it ran, else since the server started."""
        if self.usec_per_call_now is not None:
            return self.usec_per_call_now
        return self.usec / self.calls if self.calls else None


@dataclass(frozen=True)
class ErrorRow:
    """One error prefix of INFO errorstats (``WRONGTYPE``, ``NOPERM``, ``OOM``…): count since the server
    started and per second over the last interval (None: not known yet)."""

    prefix: str
    count: int
    per_s: float | None = None


def command_rows(stats: Sequence[CommandStat], rates: Sequence[CommandRate],
                 rated: bool = True) -> tuple[CommandRow, ...]:
    """`CommandRow`s from commandstats and the interval's rates (`rated`: the app has compared two polls, so a
    command missing from `rates` was idle)."""
    by_rate = {rate.name: rate for rate in rates}
    out = []
    for stat in stats:
        rate = by_rate.get(stat.name)
        per_s = rate.calls_per_s if rate is not None else (0.0 if rated else None)
        out.append(CommandRow(stat.name, stat.calls, stat.usec, stat.rejected, stat.failed, per_s,
                              rate.usec_per_call if rate is not None else None))
    return tuple(out)


def summed(tables: Iterable[Sequence[CommandRow]]) -> tuple[CommandRow, ...]:
    """Several nodes' tables as one: counters and calls/s summed, µs/call weighted by calls."""
    rows: dict[str, list[Any]] = {}
    for table in tables:
        for row in table:
            acc = rows.setdefault(row.name, [0, 0, 0, 0, None, 0.0])
            acc[0] += row.calls
            acc[1] += row.usec
            acc[2] += row.rejected
            acc[3] += row.failed
            if row.calls_per_s is not None:
                acc[4] = (acc[4] or 0.0) + row.calls_per_s
                if row.usec_per_call_now is not None:
                    acc[5] += row.usec_per_call_now * row.calls_per_s
    return tuple(CommandRow(name, calls, usec, rejected, failed, per_s,
                            busy / per_s if per_s else None)
                 for name, (calls, usec, rejected, failed, per_s, busy) in rows.items())


# sort name → (what it sorts by, largest first?)
SORTS: dict[str, tuple[Callable[[CommandRow], object], bool]] = {
    "calls/s": (lambda r: (r.calls_per_s or 0.0, r.calls), True),
    "time": (lambda r: ((r.calls_per_s or 0.0) * (r.usec_per_call_now or 0.0), r.usec), True),
    "µs/call": (lambda r: r.usec_per_call or 0.0, True),
    "calls": (lambda r: r.calls, True),
    "failed": (lambda r: (r.failed, r.rejected), True),
    "rejected": (lambda r: (r.rejected, r.failed), True),
    "name": (lambda r: r.name, False),
}


def sorted_rows(rows: Iterable[CommandRow], by: str = "calls/s", match: str = "") -> tuple[CommandRow, ...]:
    """`rows` whose name holds `match` (case-insensitive), sorted by `by` (a `SORTS` name), then by name."""
    key, descending = SORTS.get(by, SORTS["calls/s"])
    needle = match.strip().lower()
    kept = sorted((r for r in rows if needle in r.name.lower()), key=lambda r: r.name)
    return tuple(sorted(kept, key=key, reverse=descending))  # type: ignore[arg-type]


def error_counts(info: Info) -> dict[str, int]:
    """{prefix: count} from INFO errorstats (``errorstat_WRONGTYPE:count=3``); {} when there is none."""
    out: dict[str, int] = {}
    for key, value in info.get("errorstats", {}).items():
        if key.startswith("errorstat_") and len(key) > len("errorstat_"):
            count = to_int(parse_fields(str(value)).get("count"), -1)
            if count >= 0:
                out[key[len("errorstat_"):]] = count
    return out


def has_errorstats(info: Info) -> bool:
    """True when the server reports INFO errorstats (Redis 6.2+, Valkey)."""
    return "errorstats" in info


def error_rates(now: Mapping[str, int], before: Mapping[str, int] | None, seconds: float) -> tuple[ErrorRow, ...]:
    """Error rows, most frequent first: count, and per second over `seconds` since `before` (None when there is
    no earlier poll or a counter went back: a restart or CONFIG RESETSTAT)."""
    out = []
    for prefix, count in now.items():
        per_s = None
        if before is not None and seconds > 0:
            old = before.get(prefix, 0)
            per_s = (count - old) / seconds if count >= old else None
        out.append(ErrorRow(prefix, count, per_s))
    out.sort(key=lambda r: (-(r.per_s or 0.0), -r.count, r.prefix))
    return tuple(out)


def summed_errors(tables: Iterable[Sequence[ErrorRow]]) -> tuple[ErrorRow, ...]:
    """Several nodes' error rows as one (a rate is known when any node's is)."""
    rows: dict[str, list[Any]] = {}
    for table in tables:
        for row in table:
            acc = rows.setdefault(row.prefix, [0, None])
            acc[0] += row.count
            if row.per_s is not None:
                acc[1] = (acc[1] or 0.0) + row.per_s
    out = [ErrorRow(prefix, count, per_s) for prefix, (count, per_s) in rows.items()]
    out.sort(key=lambda r: (-(r.per_s or 0.0), -r.count, r.prefix))
    return tuple(out)
