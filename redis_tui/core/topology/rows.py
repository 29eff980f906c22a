"""One row per node of a round, in shard order: what the topology screen's node table shows.

Pure: a `TopologyUpdate` and its findings in, `NodeRow`s (from the core base) out.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis_tui.core.findings import Finding, node_status
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.nodes import DOWN, SENTINEL, Node, NodeRow, Spread, TopologyUpdate

__all__ = ["DOWN", "NodeRow", "node_rows", "shard_order", "slot_text", "stands_out"]  # NodeRow, DOWN: from the base

ROUTINE_FLAGS = frozenset({"myself", "master", "slave", "primary", "replica", "noflags"})


def slot_text(ranges: tuple[tuple[int, int], ...], limit: int = 2) -> str:
    """``0-5460`` / ``0-99,200-5460`` / ``0-9,20-29,+3``: the first ranges, and how many more."""
    shown = [f"{a}-{b}" if a != b else str(a) for a, b in ranges[:limit]]
    if len(ranges) > limit:
        shown.append(f"+{len(ranges) - limit}")
    return ",".join(shown)


def stands_out(value: float, spread: Spread | None, ratio: float) -> bool:
    """The value is the highest and at least `ratio` × the median of the primaries."""
    return spread is not None and value > 0 and value == spread.high and value >= ratio * spread.median


def _offset(snapshot: Snapshot | None, key: str) -> int | None:
    raw = snapshot.info.get("replication", {}).get(key) if snapshot is not None else None
    return int(raw) if raw is not None and raw.lstrip("-").isdigit() else None


def _lag(update: TopologyUpdate, node: Node, primary: Node | None) -> int | None:
    if primary is None or node is primary:
        return None
    ahead = _offset(update.snapshot(primary.addr), "master_repl_offset") or primary.repl_offset
    behind = _offset(update.snapshot(node.addr), "master_repl_offset") or node.repl_offset
    return None if ahead is None or behind is None else max(0, ahead - behind)


def shard_order(update: TopologyUpdate) -> list[tuple[int, Node, Node | None]]:
    """(shard rank, node, its shard's primary): each primary by first slot, then its replicas."""
    topology = update.topology
    primaries = sorted(topology.primaries, key=lambda n: (not n.slots, n.slots[:1], n.addr))
    out: list[tuple[int, Node, Node | None]] = []
    for rank, primary in enumerate(primaries):
        out.append((rank, primary, primary))
        out.extend((rank, r, primary) for r in sorted(topology.replicas_of(primary), key=lambda n: n.addr))
    placed = {node.addr for _, node, _ in out}
    out.extend((len(primaries), n, None) for n in topology.nodes if n.addr not in placed)
    return out


def node_rows(update: TopologyUpdate, findings: Iterable[Finding] = (), skew_ratio: float = 2.0) -> list[NodeRow]:
    """Every node of the round, primaries by first slot each followed by its replicas."""
    findings = tuple(findings)
    spread = update.aggregate.spread
    rows = []
    for rank, node, primary in shard_order(update):
        answer = update.updates.get(node.addr)
        snap = answer if isinstance(answer, Snapshot) else None
        data = snap if node.role != SENTINEL else None  # a Sentinel holds no data: no memory or keys to show
        hot: frozenset[str] = frozenset()
        if snap is not None and node.role == "primary":
            values = {"memory": snap.memory.used, "keys": snap.total_keys, "ops": snap.rates.ops or 0.0}
            hot = frozenset(m for m, v in values.items() if stands_out(float(v), spread.get(m), skew_ratio))
        rows.append(NodeRow(
            addr=node.addr, role=node.role, shard=rank,
            primary=primary.addr if primary is not None and primary is not node else (node.primary or ""),
            slots=slot_text(node.slots), slot_count=node.slot_count,
            flags=",".join(sorted(node.flags - ROUTINE_FLAGS)), link=node.link, epoch=node.config_epoch,
            lag=_lag(update, node, primary),
            memory=data.memory.used if data else None, ops=snap.rates.ops if snap else None,
            keys=data.total_keys if data else None, clients=snap.clients.connected if snap else None,
            status=DOWN if isinstance(answer, Outage) or answer is None else node_status(findings, node.addr),
            problem=answer.problem.id if isinstance(answer, Outage) else "",
            hot=hot,
        ))
    return rows
