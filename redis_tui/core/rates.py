"""Rates from counter deltas between two INFO replies, and rings of recent values.

A counter that goes backwards (server restart, CONFIG RESETSTAT, failover) restarts its
rate: that interval's rate is None, never negative and never absurd.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from redis_tui.core.models import CommandRate, CommandStat, History, Rates, Totals
from redis_tui.core.parse import parse_fields, to_int

Info = Mapping[str, Mapping[str, str]]

# rate name → (INFO section, counter field)
COUNTERS = {
    "ops": ("stats", "total_commands_processed"),
    "hits": ("stats", "keyspace_hits"),
    "misses": ("stats", "keyspace_misses"),
    "evicted": ("stats", "evicted_keys"),
    "expired": ("stats", "expired_keys"),
    "net_in": ("stats", "total_net_input_bytes"),
    "net_out": ("stats", "total_net_output_bytes"),
    "rejected": ("stats", "rejected_connections"),
}


def counter(info: Info, section: str, name: str) -> int | None:
    """A counter's value, None when the server does not report it."""
    value = info.get(section, {}).get(name)
    if value is None:
        return None
    number = to_int(value, -1)
    return number if number >= 0 else None


def error_replies(info: Info) -> int | None:
    """Error replies since the server started: ``total_error_replies`` (Redis 6.2+, Valkey), else
    the sum of the ``errorstat_*`` counts, else None (an older server reports neither)."""
    total = counter(info, "stats", "total_error_replies")
    if total is not None:
        return total
    stats = info.get("errorstats")
    if stats is None:
        return None
    return sum(to_int(parse_fields(value).get("count")) for value in stats.values())


def per_second(now: int | None, before: int | None, seconds: float) -> float | None:
    """(now - before) / seconds, or None if unknown, reset, or no time passed."""
    if now is None or before is None or seconds <= 0 or now < before:
        return None
    return (now - before) / seconds


def restarted(now: Info, before: Info) -> bool:
    """True when the server behind `before` is not the one behind `now` (new run id or uptime went back)."""
    run_now = now.get("server", {}).get("run_id")
    run_before = before.get("server", {}).get("run_id")
    if run_now and run_before and run_now != run_before:
        return True
    up_now = counter(now, "server", "uptime_in_seconds")
    up_before = counter(before, "server", "uptime_in_seconds")
    return up_now is not None and up_before is not None and up_now < up_before


def compute_rates(
    now: Info,
    before: Info | None,
    seconds: float,
    commands_now: tuple[CommandStat, ...] = (),
    commands_before: tuple[CommandStat, ...] = (),
    keys_now: int | None = None,
    keys_before: int | None = None,
) -> Rates:
    """Rates over `seconds` between two parsed INFO replies."""
    if before is None or seconds <= 0 or restarted(now, before):
        return Rates(interval_s=max(seconds, 0.0))
    values = {
        name: per_second(counter(now, section, field), counter(before, section, field), seconds)
        for name, (section, field) in COUNTERS.items()
    }
    values["errors"] = per_second(error_replies(now), error_replies(before), seconds)
    keys = None
    if keys_now is not None and keys_before is not None:
        keys = (keys_now - keys_before) / seconds
    commands = command_rates(commands_now, commands_before, seconds)
    return Rates(interval_s=seconds, keys=keys, commands=commands, **values)


def command_rates(
    now: tuple[CommandStat, ...], before: tuple[CommandStat, ...], seconds: float
) -> tuple[CommandRate, ...]:
    """Per-command calls/s and µs per call over the interval, busiest first (idle ones left out)."""
    previous = {stat.name: stat for stat in before}
    out = []
    for stat in now:
        old = previous.get(stat.name)
        calls = stat.calls - old.calls if old else stat.calls
        usec = stat.usec - old.usec if old else stat.usec
        if old is None or calls <= 0 or usec < 0:
            continue  # new since last time (we cannot tell when it ran), idle, or reset
        out.append(CommandRate(stat.name, calls / seconds, usec / calls))
    out.sort(key=lambda r: (-r.calls_per_s, r.name))
    return tuple(out)


def add_totals(totals: Totals, now: Info, before: Info | None) -> Totals:
    """`totals` plus this interval's positive hit/miss deltas (a reset adds nothing)."""
    if before is None or restarted(now, before):
        return totals
    gained = {}
    for name in ("hits", "misses"):
        section, field = COUNTERS[name]
        n, b = counter(now, section, field), counter(before, section, field)
        gained[name] = n - b if n is not None and b is not None and n >= b else 0
    return Totals(hits=totals.hits + gained["hits"], misses=totals.misses + gained["misses"])


class Rings:
    """Bounded rings of recent values feeding `History` (mutable; owned by the poller)."""

    def __init__(self, size: int = 300) -> None:
        self.size = size
        self._rings: dict[str, deque[float]] = {name: deque(maxlen=size) for name in History.__dataclass_fields__}

    def push(self, rates: Rates, used_memory: int) -> History:
        """Append one poll's values and return the rings as an immutable `History`."""
        ratio = rates.hit_ratio
        values = {
            "ops": rates.ops,
            "used_memory": float(used_memory),
            "hit_ratio": None if ratio is None else ratio * 100.0,
            "net_in": rates.net_in,
            "net_out": rates.net_out,
        }
        for name, value in values.items():
            ring = self._rings[name]
            if value is None:
                # unknown this interval (first poll, reset, no lookups): repeat the last value
                value = ring[-1] if ring else 0.0
            ring.append(value)
        return self.history()

    def history(self) -> History:
        """The current rings as an immutable `History`."""
        return History(**{name: tuple(ring) for name, ring in self._rings.items()})
