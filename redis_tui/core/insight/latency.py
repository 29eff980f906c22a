"""Latency: per-command percentiles (INFO latencystats), the server's latency monitor (LATENCY LATEST,
HISTORY, DOCTOR) and the client's round trip (a timed PING), for the latency screen.

Percentiles and command rates come from the app's INFO polls (no command of their own); the latency
monitor and the PING are read by the screen while it is open (`read_latency`). Nothing here raises
on odd input: a missing or malformed field is left out.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import redis.exceptions as rex

from redis_tui.core.connection import Commands
from redis_tui.core.errors import classify
from redis_tui.core.models import CommandRate, CommandStat, Problem
from redis_tui.core.parse import parse_config_reply, parse_fields, text_of, to_float, to_int
from redis_tui.core.target import Target

Info = Mapping[str, Mapping[str, str]]
PREFIX = "latency_percentiles_usec_"
ENABLE = "CONFIG SET latency-monitor-threshold 100"  # the command the screen offers when the monitor is off
WINDOW = 300  # PING round trips kept (5 minutes at one read a second)


@dataclass(frozen=True)
class CommandLatency:
    """One command: its percentiles since the server started (µs, INFO latencystats), and its activity
    over the last poll interval (INFO commandstats deltas)."""

    name: str
    percentiles: tuple[tuple[str, float], ...] = ()  # (("p50", 4.0), ("p99", 12.1), ("p99.9", 30.0))
    calls_per_s: float | None = None  # None: the app has not seen two polls yet
    usec_per_call: float | None = None  # over the interval when it ran, else since the server started
    share: float | None = None  # of the server's command time over the interval, 0-1

    def percentile(self, label: str) -> float | None:
        """The value of ``p50`` / ``p99`` / ``p99.9``, None when the server does not report it."""
        return next((value for name, value in self.percentiles if name == label), None)


def percentiles_from(info: Info) -> dict[str, tuple[tuple[str, float], ...]] | None:
    """{command: percentiles} from INFO latencystats; None when the server has no such section (Redis 6)."""
    section = info.get("latencystats")
    if section is None:
        return None
    out: dict[str, tuple[tuple[str, float], ...]] = {}
    for key, value in section.items():
        if not key.startswith(PREFIX) or not key[len(PREFIX):]:
            continue
        pairs = tuple((label, number) for label, raw in parse_fields(str(value)).items()
                      if (number := to_float(raw)) is not None and number >= 0)
        if pairs:
            out[key[len(PREFIX):]] = pairs
    return out


def command_latencies(info: Info, stats: Sequence[CommandStat], rates: Sequence[CommandRate],
                      rated: bool = True) -> tuple[CommandLatency, ...]:
    """Every command the server reports, with its percentiles (when there are), calls/s and share of the
    server's time over the last interval (`rated`: the app has two polls to compare); busiest first."""
    percentiles = percentiles_from(info) or {}
    by_rate = {rate.name: rate for rate in rates}
    by_stat = {stat.name: stat for stat in stats}
    busy = {name: rate.calls_per_s * (rate.usec_per_call or 0.0) for name, rate in by_rate.items()}
    total = sum(busy.values())
    out = []
    for name in set(percentiles) | set(by_stat) | set(by_rate):
        rate, stat = by_rate.get(name), by_stat.get(name)
        usec = rate.usec_per_call if rate is not None else None
        if usec is None and stat is not None and stat.calls:
            usec = stat.usec / stat.calls
        out.append(CommandLatency(
            name=name,
            percentiles=percentiles.get(name, ()),
            calls_per_s=rate.calls_per_s if rate is not None else (0.0 if rated else None),
            usec_per_call=usec,
            share=(busy.get(name, 0.0) / total if total > 0 else 0.0) if rated else None,
        ))
    out.sort(key=lambda c: (-(c.share or 0.0), -(c.calls_per_s or 0.0), -(c.percentile("p99") or 0.0), c.name))
    return tuple(out)


@dataclass(frozen=True)
class LatencyEvent:
    """One LATENCY LATEST line: an event (``command``, ``fork``, ``aof-fsync-always``…), when it last
    spiked (server clock), that spike and the worst one (ms); Valkey adds the sum and count."""

    name: str
    at: int
    latest_ms: int
    max_ms: int
    total_ms: int | None = None
    count: int | None = None


def parse_latest(reply: object) -> tuple[LatencyEvent, ...]:
    """LATENCY LATEST → events, most recent first (malformed lines are skipped)."""
    out = []
    for line in reply if isinstance(reply, (list, tuple)) else ():
        if not isinstance(line, (list, tuple)) or len(line) < 4:
            continue
        name = text_of(line[0])
        at, latest, worst = to_int(line[1], None), to_int(line[2], None), to_int(line[3], None)
        if not name or at is None or latest is None or worst is None:
            continue
        extra = [to_int(value, None) for value in line[4:6]]
        out.append(LatencyEvent(name, at, latest, worst, *extra))
    out.sort(key=lambda e: (-e.at, e.name))
    return tuple(out)


def parse_history(reply: object) -> tuple[tuple[int, int], ...]:
    """LATENCY HISTORY → ((unix time, ms), …) oldest first (malformed samples are skipped)."""
    out = []
    for sample in reply if isinstance(reply, (list, tuple)) else ():
        if isinstance(sample, (list, tuple)) and len(sample) >= 2:
            at, ms = to_int(sample[0], None), to_int(sample[1], None)
            if at is not None and ms is not None:
                out.append((at, ms))
    out.sort()
    return tuple(out)


@dataclass(frozen=True)
class RoundTrip:
    """PING round trips over the window (ms), like ``redis-cli --latency``."""

    samples: int
    last_ms: float
    min_ms: float
    avg_ms: float
    p99_ms: float
    max_ms: float


class RoundTrips:
    """The last `size` PING round trips of one node (mutable; owned by the screen)."""

    def __init__(self, size: int = WINDOW) -> None:
        self.values: deque[float] = deque(maxlen=size)

    def push(self, ms: float) -> None:
        """Add one round trip (ms); a negative or absurd one is ignored."""
        if 0 <= ms < 3_600_000:
            self.values.append(ms)

    def stats(self) -> RoundTrip | None:
        """Min/avg/p99/max over the window, None before the first PING."""
        if not self.values:
            return None
        ordered = sorted(self.values)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return RoundTrip(len(ordered), self.values[-1], ordered[0], sum(ordered) / len(ordered), p99, ordered[-1])


@dataclass(frozen=True)
class LatencyReading:
    """What one read of a node gave: the latency monitor's events and their histories, DOCTOR's text,
    the monitor's threshold, a PING's round trip, and the commands that were refused (with why)."""

    events: tuple[LatencyEvent, ...] = ()
    histories: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    doctor: str | None = None
    threshold_ms: int | None = None  # latency-monitor-threshold; None: unknown (CONFIG GET refused)
    rtt_ms: float | None = None
    problems: Mapping[str, Problem] = field(default_factory=dict)  # "LATENCY LATEST" → why it failed

    def key(self) -> tuple[tuple[str, int], ...]:
        """What changes when a new spike is recorded (DOCTOR is read again only then)."""
        return tuple((e.name, e.at) for e in self.events)


def monitor_off(reading: LatencyReading | None, config: Mapping[str, str]) -> bool | None:
    """True when the latency monitor is off (threshold 0), None when unknown."""
    raw = reading.threshold_ms if reading is not None and reading.threshold_ms is not None \
        else to_int(config.get("latency-monitor-threshold"), None)
    return None if raw is None else raw <= 0


async def read_latency(client: Commands, target: Target, previous: LatencyReading | None = None) -> LatencyReading:
    """One read, in at most three round trips: LATENCY LATEST and CONFIG GET latency-monitor-threshold (and
    LATENCY DOCTOR on the first read) together; then a timed PING alone, on the connection now open; then,
    only when the events changed since `previous`, LATENCY HISTORY of each new spike and DOCTOR again. A
    refused command (NOPERM, unknown) is kept in `problems` and the rest still read; a lost connection raises."""
    problems: dict[str, Problem] = {}
    first: list[tuple[str, tuple[object, ...]]] = [
        ("LATENCY LATEST", ("LATENCY", "LATEST")),
        ("CONFIG GET", ("CONFIG", "GET", "latency-monitor-threshold")),
    ]
    if previous is None:
        first.append(("LATENCY DOCTOR", ("LATENCY", "DOCTOR")))
    replies = await _batch(client, target, problems, first)
    events = parse_latest(replies[0])
    threshold = to_int(parse_config_reply(replies[1]).get("latency-monitor-threshold"), None)
    doctor = text_of(replies[2]) if previous is None and replies[2] is not None else None
    started = time.perf_counter()
    pong = await _batch(client, target, problems, [("PING", ("PING",))])
    rtt = (time.perf_counter() - started) * 1000 if pong[0] is not None else None
    histories: dict[str, tuple[tuple[int, int], ...]] = {}
    before = {e.name: e.at for e in previous.events} if previous is not None else {}
    wanted = []
    for event in events:
        if previous is not None and before.get(event.name) == event.at and event.name in previous.histories:
            histories[event.name] = previous.histories[event.name]
        else:
            wanted.append(event.name)
    changed = previous is not None and (previous.key() != tuple((e.name, e.at) for e in events)
                                        or previous.doctor is None)
    second: list[tuple[str, tuple[object, ...]]] = [("LATENCY HISTORY", ("LATENCY", "HISTORY", name))
                                                    for name in wanted]
    if changed:
        second.append(("LATENCY DOCTOR", ("LATENCY", "DOCTOR")))
    if previous is not None and not changed:
        doctor = previous.doctor
    if second:
        replies = await _batch(client, target, problems, second)
        for name, reply in zip(wanted, replies, strict=False):
            if reply is not None:
                histories[name] = parse_history(reply)
        if changed:
            doctor = text_of(replies[-1]) if replies[-1] is not None else None
    return LatencyReading(events, histories, doctor, threshold, rtt, problems)


async def _batch(client: Commands, target: Target, problems: dict[str, Problem],
                 commands: Sequence[tuple[str, tuple[object, ...]]]) -> list[object]:
    """Send `commands` in one round trip (a pipeline when the client has one); a command the server refuses
    gives None and a `problems` entry under its name, a lost connection raises."""
    pipeline = getattr(client, "pipeline", None)
    if pipeline is not None and len(commands) > 1:
        pipe = pipeline(transaction=False)
        for _, args in commands:
            pipe.execute_command(*args)
        replies = list(await pipe.execute(raise_on_error=False))
    else:
        replies = []
        for _, args in commands:
            try:
                replies.append(await client.execute_command(*args))
            except rex.ResponseError as exc:
                replies.append(exc)
    out: list[object] = []
    for (name, _), reply in zip(commands, replies, strict=False):
        if isinstance(reply, rex.ResponseError):  # NOPERM, unknown command: the rest still works
            problems.setdefault(name, classify(reply, target, connected=True))
            out.append(None)
        elif isinstance(reply, BaseException):
            raise reply
        else:
            out.append(reply)
    return out
