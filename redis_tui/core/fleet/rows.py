"""One row per member of a fleet round, in the order given: what the fleet overview's table shows.

Pure: a `FleetRound` in, `NodeRow`s out. A member that does not answer is a ``DOWN`` row that says why;
a member that is a cluster node has the role ``cluster node`` (or ``cluster replica``): its figures are
that one node's, not the cluster's.
"""

from __future__ import annotations

from redis_tui.core.findings import INFO
from redis_tui.core.fleet.poller import CLUSTER_FLAG
from redis_tui.core.fleet.source import FleetRound
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.nodes import PRIMARY, Node, NodeRow


def role_text(node: Node) -> str:
    """``primary``, ``replica``, ``sentinel``; ``cluster node`` / ``cluster replica`` for a cluster's node."""
    if CLUSTER_FLAG in node.flags:
        return "cluster node" if node.role == PRIMARY else f"cluster {node.role}"
    return node.role


def fleet_rows(fleet: FleetRound) -> list[NodeRow]:
    """Every member of the round, in the order given."""
    rows = []
    for rank, node in enumerate(fleet.round.topology.nodes):
        answer = fleet.round.updates.get(node.addr)
        snap = answer if isinstance(answer, Snapshot) else None
        worst = next((f.id for f in fleet.findings.get(node.addr, ()) if f.severity != INFO), "")
        ratio = snap.memory.limit_ratio if snap is not None else None
        rows.append(NodeRow(
            addr=node.addr, role=role_text(node) if snap is not None else "", shard=rank, name=node.name or node.addr,
            primary=node.primary or "",
            server=snap.server.label if snap is not None else "",
            memory=snap.memory.used if snap is not None else None,
            memory_pct=100 * ratio if ratio is not None else None,
            ops=snap.rates.ops if snap is not None else None,
            hit_ratio=snap.rates.hit_ratio if snap is not None else None,
            keys=snap.total_keys if snap is not None else None,
            clients=snap.clients.connected if snap is not None else None,
            status=fleet.status(node.addr),
            problem=answer.problem.id if isinstance(answer, Outage) else worst,
        ))
    return rows
