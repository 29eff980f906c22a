"""The cluster total: sums over the primaries that answered, and the spread between them.

Rates and values are summed (memory, keys, clients, ops/s, hits/s, misses/s); the hit ratio
comes from the summed hits and misses (`Aggregate.hit_ratio`), never from an average of the
nodes' ratios. The spread of memory, keys and ops names the lowest and highest primary.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping

from redis_tui.core.models import Snapshot, Update
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
