"""Cluster rules: the whole cluster's state from one `TopologyUpdate` (and one from earlier in the window).

Each rule is ``rule(ClusterSituation) -> tuple[Finding, ...]``; a finding about one node names
it (`Finding.node`) and its hints address that node.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from redis_tui.core.diagnosis import hints
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import CRITICAL, WARNING, Finding, Severity
from redis_tui.core.format import human_bytes
from redis_tui.core.nodes import PRIMARY, SLOTS, Node, TopologyUpdate
from redis_tui.core.target import Target

# cluster-skew needs the highest node this far above the median too (so that 3 keys vs 1 is not skew)
SKEW_FLOOR = {"memory": 64 * 1024 * 1024, "keys": 1000, "ops": 100}


@dataclass(frozen=True)
class ClusterSituation:
    """The inputs of every cluster rule."""

    now: TopologyUpdate
    before: TopologyUpdate | None = None
    limits: Thresholds = Thresholds()
    target: Target = Target()
    kind: str = "redis"
    ctx: Mapping[str, str] = field(default_factory=dict)

    def node_target(self, addr: str) -> Target:
        """The seed target moved to `addr` (same credentials and TLS)."""
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            return self.target
        return dataclasses.replace(self.target, host=host.strip("[]"), port=int(port), socket=None, db=0,
                                   sentinel=(), master=None)

    def finding(self, finding_id: str, severity: Severity, evidence: Mapping[str, Any], detail: str,
                node: str = "", values: Mapping[str, Any] | None = None) -> Finding:
        """A finding with hints filled for the seed (``{cli}``) and the node (``{node_host}``…)."""
        ctx = hints.context(self.target, self.kind)
        ctx["seen_from"] = self.now.topology.seen_from
        if node:
            where = self.node_target(node)
            ctx.update(node=node, node_host=where.host, node_port=str(where.port))
        title, steps = hints.render(finding_id, {**ctx, **dict(evidence), **(values or {})})
        return Finding(finding_id, severity, title, evidence, steps, detail, node)


def _ranges(ranges: tuple[tuple[int, int], ...], limit: int = 5) -> str:
    words = [f"{a}-{b}" if a != b else str(a) for a, b in ranges[:limit]]
    return ", ".join(words) + (f" and {len(ranges) - limit} more" if len(ranges) > limit else "")


def cluster_down(s: ClusterSituation) -> tuple[Finding, ...]:
    """The node we read the topology from says cluster_state:fail."""
    topology = s.now.topology
    if topology.kind != "cluster" or topology.state != "fail":
        return ()
    evidence = {"cluster_state": topology.state, "seen_from": topology.seen_from,
                "slots_assigned": topology.slots_assigned, "failing_nodes": sum(n.failing for n in topology.nodes)}
    detail = f"cluster_state:fail on {topology.seen_from}; {topology.slots_assigned}/{SLOTS} slots assigned"
    return (s.finding("cluster-down", CRITICAL, evidence, detail),)


def slots_uncovered(s: ClusterSituation) -> tuple[Finding, ...]:
    """Hash slots that no primary serves."""
    topology = s.now.topology
    holes = topology.uncovered
    if not holes:
        return ()
    count = SLOTS - topology.slots_assigned
    evidence = {"slots_uncovered": count, "ranges": _ranges(holes), "slots_assigned": topology.slots_assigned}
    return (s.finding("cluster-slots-uncovered", CRITICAL, evidence, f"{count} slots unassigned: {_ranges(holes)}"),)


def _why_failing(s: ClusterSituation, node: Node) -> str | None:
    outage = s.now.outages.get(node.addr)
    reasons = []
    if node.flags & {"fail", "fail?"}:
        reasons.append("flagged " + "/".join(sorted(node.flags & {"fail", "fail?"})) + " by the cluster")
    if outage is not None:
        reasons.append(f"unreachable from here: {outage.problem.summary}")
    return "; ".join(reasons) or None


def node_failing(s: ClusterSituation) -> tuple[Finding, ...]:
    """A node the cluster flags fail/fail?, or that does not answer us: critical for a primary serving slots."""
    if s.now.topology.kind != "cluster":
        return ()
    out = []
    for node in s.now.topology.nodes:
        why = _why_failing(s, node)
        if why is None:
            continue
        serving = node.role == PRIMARY and node.slot_count > 0
        role = "primary" if node.role == PRIMARY else "replica"
        outage = s.now.outages.get(node.addr)
        evidence = {"role": role, "flags": ",".join(sorted(node.flags)), "slots": node.slot_count,
                    "reachable": outage is None, "error": outage.problem.id if outage else None}
        out.append(s.finding("cluster-node-failing", CRITICAL if serving else WARNING, evidence,
                             f"{role} {node.addr}: {why}", node.addr, {"why": why, "node": node.addr}))
    return tuple(out)


def no_replica(s: ClusterSituation) -> tuple[Finding, ...]:
    """A primary serving slots with no replica that works (as ``redis-cli --cluster check`` warns)."""
    topology = s.now.topology
    if topology.kind != "cluster":
        return ()
    out = []
    for primary in topology.primaries:
        if not primary.slots:
            continue
        working = [r for r in topology.replicas_of(primary) if not r.failing and s.now.reachable(r.addr)]
        if working:
            continue
        evidence = {"replicas": len(topology.replicas_of(primary)), "working_replicas": 0, "slots": primary.slot_count}
        out.append(s.finding("cluster-no-replica", WARNING, evidence,
                             f"{primary.addr} serves {primary.slot_count} slots with no working replica",
                             primary.addr, {"node_id": primary.node_id or "<primary-id>"}))
    return tuple(out)


def skew(s: ClusterSituation) -> tuple[Finding, ...]:
    """One primary with ≥ `cluster_skew_ratio` × the median memory, keys or ops/s of the primaries."""
    aggregate = s.now.aggregate
    if s.now.topology.kind != "cluster" or aggregate.reporting < 2:
        return ()
    by_node: dict[str, dict[str, Any]] = {}
    for measure in ("memory", "keys", "ops"):
        spread = aggregate.spread.get(measure)
        if spread is None or spread.high < s.limits.cluster_skew_ratio * spread.median:
            continue
        if spread.high - spread.median < SKEW_FLOOR[measure]:
            continue
        by_node.setdefault(spread.high_node, {})[measure] = (spread.high, spread.median)
    out = []
    for addr, measures in by_node.items():
        evidence: dict[str, Any] = {"ratio_limit": s.limits.cluster_skew_ratio}
        words = []
        for measure, (high, median) in measures.items():
            ratio = high / median if median else None
            evidence[measure] = high
            evidence[f"{measure}_median"] = median
            shown = human_bytes(high) if measure == "memory" else f"{high:,.0f}{' ops/s' if measure == 'ops' else ''}"
            words.append(f"{shown} {measure}" + (f" ({ratio:.1f}× the median)" if ratio else " (the others: none)"))
        what = ", ".join(words)
        out.append(s.finding("cluster-skew", WARNING, evidence, f"{addr}: {what}", addr, {"what": what}))
    return tuple(out)


def failover(s: ClusterSituation) -> tuple[Finding, ...]:
    """A shard's primary changed within the window: old and new (shards matched by their slots)."""
    if s.before is None or s.now.topology.kind != "cluster":
        return ()
    old_owner = {}
    for node in s.before.topology.primaries:
        for first, _last in node.slots:
            old_owner[first] = node
    out = []
    for node in s.now.topology.primaries:
        if not node.slots:
            continue
        old = old_owner.get(node.slots[0][0])
        if old is None or old.addr == node.addr or (old.node_id and old.node_id == node.node_id):
            continue
        old_where, new_where = s.node_target(old.addr), s.node_target(node.addr)
        evidence = {"old": old.addr, "new": node.addr, "slots": node.slot_count,
                    "old_id": old.node_id, "new_id": node.node_id}
        values = {"old_host": old_where.host, "old_port": old_where.port, "new_host": new_where.host}
        out.append(s.finding("cluster-failover", WARNING, evidence,
                             f"{node.addr} took over {node.slot_count} slots from {old.addr}", node.addr, values))
    return tuple(out)


CLUSTER_RULES = (cluster_down, slots_uncovered, node_failing, no_replica, skew, failover)
