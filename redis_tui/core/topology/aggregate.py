"""The cluster total: sums over the primaries that answered, and the spread between them.

Rates and values are summed (memory, keys, clients, ops/s, hits/s, misses/s); the hit ratio
comes from the summed hits and misses (`Aggregate.hit_ratio`), never from an average of the
nodes' ratios. The spread of memory, keys and ops names the lowest and highest primary.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Mapping

from redis_tui.core.models import (
    Clients,
    CommandRate,
    CommandStat,
    DbKeys,
    History,
    Memory,
    Rates,
    Snapshot,
    Totals,
    Update,
)
from redis_tui.core.nodes import Aggregate, Spread, Topology


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def spread(values: Mapping[str, float]) -> Spread | None:
    """Lowest, highest and median of {node: value}; None for no values."""
    if not values:
        return None
    low = min(values, key=lambda a: (values[a], a))
    high = max(values, key=lambda a: (values[a], a))
    return Spread(values[low], values[high], low, high, statistics.median(values.values()))


def aggregate(topology: Topology, updates: Mapping[str, Update]) -> Aggregate:
    """The `Aggregate` over `topology`'s primaries that hold slots (every node when it has no slots: not a cluster)."""
    primaries = [n for n in topology.primaries if n.slots] if topology.kind == "cluster" else list(topology.primaries)
    snaps = {n.addr: u for n in primaries if isinstance(u := updates.get(n.addr), Snapshot)}
    measures = {
        "memory": {a: float(s.memory.used) for a, s in snaps.items()},
        "keys": {a: float(s.total_keys) for a, s in snaps.items()},
        "ops": {a: s.rates.ops for a, s in snaps.items() if s.rates.ops is not None},
    }
    spreads = {name: sp for name, values in measures.items() if (sp := spread(values)) is not None}
    return Aggregate(
        primaries=len(primaries),
        reporting=len(snaps),
        used_memory=sum(s.memory.used for s in snaps.values()),
        keys=sum(s.total_keys for s in snaps.values()),
        clients=sum(s.clients.connected for s in snaps.values()),
        ops=_sum([s.rates.ops for s in snaps.values()]),
        hits=_sum([s.rates.hits for s in snaps.values()]),
        misses=_sum([s.rates.misses for s in snaps.values()]),
        spread=spreads,
    )


def _sum_rate(snaps: list[Snapshot], name: str) -> float | None:
    return _sum([getattr(s.rates, name) for s in snaps])


def _commands(snaps: list[Snapshot]) -> tuple[CommandRate, ...]:
    """Per-command rates summed by name; µs/call weighted by calls."""
    calls: dict[str, float] = {}
    usec: dict[str, float] = {}
    for snap in snaps:
        for rate in snap.rates.commands:
            calls[rate.name] = calls.get(rate.name, 0.0) + rate.calls_per_s
            if rate.usec_per_call is not None:
                usec[rate.name] = usec.get(rate.name, 0.0) + rate.usec_per_call * rate.calls_per_s
    return tuple(
        CommandRate(name, per_s, usec[name] / per_s if name in usec and per_s > 0 else None)
        for name, per_s in sorted(calls.items(), key=lambda item: (-item[1], item[0])))


def _command_stats(snaps: list[Snapshot]) -> tuple[CommandStat, ...]:
    stats: dict[str, list[int]] = {}
    for snap in snaps:
        for stat in snap.commands:
            row = stats.setdefault(stat.name, [0, 0, 0, 0])
            for i, value in enumerate((stat.calls, stat.usec, stat.rejected, stat.failed)):
                row[i] += value
    return tuple(CommandStat(name, *row) for name, row in stats.items())


def _keyspace(snaps: list[Snapshot]) -> tuple[DbKeys, ...]:
    """Keys and expires summed per database; the average TTL weighted by keys with an expiry."""
    out: dict[int, list[int]] = {}
    for snap in snaps:
        for db in snap.keyspace:
            row = out.setdefault(db.db, [0, 0, 0])
            row[0] += db.keys
            row[1] += db.expires
            row[2] += db.avg_ttl_ms * db.expires
    return tuple(DbKeys(db, keys, expires, ttl // expires if expires else 0)
                 for db, (keys, expires, ttl) in sorted(out.items()))


def _memory(snaps: list[Snapshot]) -> Memory:
    used = sum(s.memory.used for s in snaps)
    rss = sum(s.memory.rss for s in snaps)
    policies = {s.memory.policy for s in snaps}
    # one node without a limit: the cluster as a whole has none either
    limited = all(s.memory.maxmemory for s in snaps)
    return Memory(
        used=used, rss=rss, peak=sum(s.memory.peak for s in snaps),
        maxmemory=sum(s.memory.maxmemory for s in snaps) if limited else 0,
        policy=policies.pop() if len(policies) == 1 else "mixed",
        fragmentation=rss / used if used and rss else None,
        evicted_keys=sum(s.memory.evicted_keys for s in snaps),
        dataset=sum(s.memory.dataset for s in snaps),
    )


def _clients(snaps: list[Snapshot]) -> Clients:
    limits = [s.clients.maxclients for s in snaps]
    return Clients(
        connected=sum(s.clients.connected for s in snaps),
        blocked=sum(s.clients.blocked for s in snaps),
        maxclients=None if None in limits else sum(limit or 0 for limit in limits),
        rejected=sum(s.clients.rejected for s in snaps),
    )


def summed_primaries(topology: Topology, updates: Mapping[str, Update]) -> list[Snapshot]:
    """The Snapshots of the primaries the totals are made of (as in `aggregate`), in topology order."""
    primaries = [n for n in topology.primaries if n.slots] if topology.kind == "cluster" else list(topology.primaries)
    return [u for n in primaries if isinstance(u := updates.get(n.addr), Snapshot)]


def whole_snapshot(topology: Topology, updates: Mapping[str, Update],
                   history: History | None = None) -> Snapshot | None:
    """The cluster as one server: a `Snapshot` summing the primaries that answered (None when none did).

    Memory, clients, keyspace, command counters and every rate are sums; the hit ratio
    (`Rates.hit_ratio`, `Totals.hit_ratio`) follows from the summed hits and misses. Replicas
    are left out (their keys and memory copy their primary's). The client list is not merged:
    client ids are per node. `history` is the caller's (the sum of the nodes' rings would
    jump whenever a node comes or goes).
    """
    snaps = summed_primaries(topology, updates)
    if not snaps:
        return None
    first = snaps[0]
    rates = Rates(
        interval_s=max(s.rates.interval_s for s in snaps),
        **{name: _sum_rate(snaps, name) for name in RATE_FIELDS},
        commands=_commands(snaps),
    )
    return Snapshot(
        taken_at=max(s.taken_at for s in snaps),
        server=dataclasses.replace(first.server, mode="cluster", role="master",
                                   uptime_s=min(s.server.uptime_s for s in snaps), port=None, process_id=None),
        memory=_memory(snaps),
        clients=_clients(snaps),
        keyspace=_keyspace(snaps),
        commands=_command_stats(snaps),
        rates=rates,
        totals=Totals(hits=sum(s.totals.hits for s in snaps), misses=sum(s.totals.misses for s in snaps)),
        history=history or History(),
        config=first.config,
    )


RATE_FIELDS = ("ops", "hits", "misses", "evicted", "expired", "net_in", "net_out", "keys", "rejected", "errors")
