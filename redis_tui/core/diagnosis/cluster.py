"""Diagnosis of several nodes at once: every state rule per node, plus the cluster and Sentinel rules.

    diagnoser = ClusterDiagnoser(settings.target, limits)
    findings = diagnoser.update(topology_update)   # on every round of the ClusterPoller

Each node keeps its own `Diagnoser` (its own window of snapshots), so "rising" rules work per
node; its findings carry ``node``. A node that does not answer gives ``cluster-node-failing``
(not a connection finding) unless the reason is one the user must fix on our side (a wrong
password, a forbidden command, TLS): then that finding too, naming the node. In a Sentinel group
the Sentinels themselves get the Sentinel rules only (``sentinel-unreachable``…), and a master or
replica that does not answer keeps its connection finding (a replica's as a warning).
"""

from __future__ import annotations

import dataclasses
from collections import deque

from redis_tui.core.diagnosis.diagnose import Diagnoser, diagnose_problem
from redis_tui.core.diagnosis.rules.cluster import CLUSTER_RULES, ClusterSituation
from redis_tui.core.diagnosis.rules.sentinel import SENTINEL_RULES
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import WARNING, Finding, ordered
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.nodes import REPLICA, SENTINEL, TopologyUpdate
from redis_tui.core.target import Target

# Outages that only say "the node is down" (cluster-node-failing says it for a cluster node)
UNREACHABLE_IDS = frozenset({"connection-refused", "connection-timeout", "server-stalled", "connection-lost",
                             "host-unresolved", "connection-error", "server-loading"})


def diagnose_cluster(now: TopologyUpdate, before: TopologyUpdate | None = None, limits: Thresholds = Thresholds(),
                     target: Target = Target()) -> tuple[Finding, ...]:
    """The cluster and Sentinel rules alone (no per-node state rules)."""
    kind = next((s.server.kind for s in now.updates.values() if isinstance(s, Snapshot)), "redis")
    situation = ClusterSituation(now, before, limits, target, kind)
    return ordered(f for rule in (*CLUSTER_RULES, *SENTINEL_RULES) for f in rule(situation))


class ClusterDiagnoser:
    """Feeds each `TopologyUpdate` through the per-node rules and the cluster rules."""

    def __init__(self, target: Target, limits: Thresholds = Thresholds()) -> None:
        self.target = target
        self.limits = limits
        self._nodes: dict[str, Diagnoser] = {}
        self._previous: TopologyUpdate | None = None
        self._moves: deque[tuple[float, Finding]] = deque()  # cluster-failover findings of the window
        self.findings: tuple[Finding, ...] = ()

    def update(self, update: TopologyUpdate) -> tuple[Finding, ...]:
        """Findings for this round (also kept in `findings`)."""
        # a shard's primary is compared round to round, and each change is kept for the window: one that
        # fails over and back (A → B → A) within it shows both moves, not neither
        found: list[Finding] = list(diagnose_cluster(update, self._previous, self.limits, self.target))
        self._previous = dataclasses.replace(update, updates={})  # a baseline for its topology alone
        self._moves.extend((update.taken_at, f) for f in found if f.id == "cluster-failover")
        while self._moves and update.taken_at - self._moves[0][0] > self.limits.window_s:
            self._moves.popleft()
        found = [f for f in found if f.id != "cluster-failover"] + [f for _, f in self._moves]
        several = len(update.topology.nodes) > 1 or update.topology.kind == "cluster"
        roles = {n.addr: n.role for n in update.topology.nodes}
        for addr, node_update in update.updates.items():
            if roles.get(addr) == SENTINEL:
                continue  # a Sentinel is judged by the Sentinel rules, not as a data server
            findings = self._per_node(addr, node_update, several, update.topology.kind)
            if update.topology.kind == "sentinel" and roles.get(addr) == REPLICA:
                findings = [dataclasses.replace(f, severity=WARNING) if isinstance(node_update, Outage) else f
                            for f in findings]
            found += findings
        self._nodes = {a: d for a, d in self._nodes.items() if a in update.updates}
        self.findings = ordered(found)
        return self.findings

    def _per_node(self, addr: str, node_update: Update, several: bool, kind: str = "cluster") -> list[Finding]:
        diagnoser = self._nodes.get(addr)
        if diagnoser is None:
            target = self.target
            if several:
                host, _, port = addr.rpartition(":")
                if host and port.isdigit():
                    target = dataclasses.replace(target, host=host.strip("[]"), port=int(port), socket=None, db=0,
                                                 sentinel=(), master=None)
            diagnoser = self._nodes[addr] = Diagnoser(target, self.limits)
        if isinstance(node_update, Outage):
            diagnoser.update(node_update)  # forget the node's baseline
            if several and kind == "cluster" and node_update.problem.id in UNREACHABLE_IDS:
                return []  # said by cluster-node-failing
            findings: tuple[Finding, ...] = diagnose_problem(node_update.problem, diagnoser.target)
        else:
            findings = diagnoser.update(node_update)
        return [dataclasses.replace(f, node=f.node or addr) for f in findings] if several else list(findings)
