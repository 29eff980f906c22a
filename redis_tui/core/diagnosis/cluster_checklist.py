"""The production checklist for a whole Redis Cluster, from one poll round.

`cluster_checklist(topology, updates, target, limits)` → `CheckLine`s that judge the cluster:
slot coverage, a replica for every shard (high availability on a cluster is its replicas, not
Sentinel), and password, persistence, maxmemory, monitoring and backups on every node. A line
that does not pass names the nodes that fail, with the fix command for each (``redis-cli -h H
-p P …``, one per hint line); nodes that did not answer are named as unknown.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from redis_tui.core.diagnosis.checklist import FAIL, PASS, UNKNOWN, WARN, CheckLine, CheckStatus, checklist
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.models import Snapshot, Update
from redis_tui.core.nodes import SENTINEL, SLOTS, Node, Topology, TopologyUpdate
from redis_tui.core.target import Target

PER_NODE = ("password", "persistence", "maxmemory", "monitoring", "backups")
ORDER = (FAIL, WARN, UNKNOWN, PASS)  # worst first
NAMED = 8  # nodes named in a line before "and N more"
# what a node's status means, per item ("no maxmemory on 127.0.0.1:7001, :7002")
SAYS: dict[str, dict[CheckStatus, str]] = {
    "password": {FAIL: "no password", WARN: "password warning"},
    "persistence": {FAIL: "the last save/write failed", WARN: "no persistence (no save rules, AOF off)"},
    "maxmemory": {FAIL: "no maxmemory", WARN: "a maxmemory policy unsuited to a cache"},
    "monitoring": {FAIL: "monitoring off", WARN: "slow log or latency monitor off"},
    "backups": {FAIL: "the last BGSAVE failed", WARN: "no recent save"},
}
TITLES = {
    "slots": "All hash slots served",
    "availability": "High availability (a replica for every shard)",
    "password": "Password authentication (every node)",
    "persistence": "Persistence (every node)",
    "maxmemory": "maxmemory and a policy that suits a cache (every node)",
    "monitoring": "Monitoring (every node)",
    "backups": "Recent backups (every node)",
}


def node_target(target: Target, addr: str) -> Target:
    """`target` pointed at the node `addr` (same credentials and TLS), so hints say ``-h H -p P``."""
    host, _, port = addr.rpartition(":")
    if not host or not port.isdigit():
        return target
    return dataclasses.replace(target, host=host.strip("[]"), port=int(port), socket=None, db=0,
                                   sentinel=(), master=None)


def name_nodes(addrs: list[str]) -> str:
    """``127.0.0.1:7001, :7002`` (a node on the same host as the one before it is named by its port)."""
    out, last_host = [], None
    for addr in addrs[:NAMED]:
        host, _, port = addr.rpartition(":")
        out.append(f":{port}" if host and host == last_host else addr)
        last_host = host
    more = len(addrs) - NAMED
    return ", ".join(out) + (f" and {more} more" if more > 0 else "")


def cluster_checklist(topology: Topology, updates: Mapping[str, Update], target: Target = Target(),
                      limits: Thresholds = Thresholds()) -> tuple[CheckLine, ...]:
    """The checklist for the cluster as a whole (`updates`: node addr → its Snapshot or Outage this round)."""
    per_node: dict[str, dict[str, CheckLine]] = {}
    for node in topology.nodes:
        snapshot = updates.get(node.addr)
        if isinstance(snapshot, Snapshot):
            lines = checklist(snapshot, node_target(target, node.addr), limits)
            per_node[node.addr] = {line.id: line for line in lines}
    addrs = [n.addr for n in topology.nodes]
    return (_slots(topology), _availability(topology, updates),
            *(_per_node(item, addrs, per_node) for item in PER_NODE))


def topology_checklist(update: TopologyUpdate, target: Target = Target(),
                       limits: Thresholds = Thresholds()) -> tuple[CheckLine, ...]:
    """The checklist for several nodes: a cluster's (`cluster_checklist`), or a Sentinel group's (high availability
    from the Sentinels' quorum and the replicas, then every item on the master and each replica)."""
    topology = update.topology
    if topology.kind != "sentinel" or update.sentinel is None:
        return cluster_checklist(topology, update.updates, target, limits)
    data = [n for n in topology.nodes if n.role != SENTINEL]
    per_node: dict[str, dict[str, CheckLine]] = {}
    for node in data:
        snapshot = update.updates.get(node.addr)
        if isinstance(snapshot, Snapshot):
            per_node[node.addr] = {line.id: line for line in checklist(snapshot, node_target(target, node.addr),
                                                                         limits)}
    state = update.sentinel
    replicas = [n for n in topology.replicas if isinstance(update.updates.get(n.addr), Snapshot)]
    quorum_ok = any(v.ckquorum_ok for v in state.reachable)
    evidence = (f"{len(replicas)} replica(s) answer; {len(state.reachable)}/{len(state.sentinels)} Sentinels answer, "
                f"quorum {state.quorum or '?'}: {'reachable' if quorum_ok else 'NOT reachable'}")
    hint = "" if quorum_ok and replicas else (
        f"Check: redis-cli -h <sentinel-host> -p 26379 SENTINEL CKQUORUM {state.name}; run at least 3 Sentinels "
        "on separate hosts and at least one replica")
    title = "High availability (Sentinel quorum and a replica)"
    availability = CheckLine("availability", title, PASS if quorum_ok and replicas else FAIL, evidence, hint)
    addrs = [n.addr for n in data]
    return (availability, *(_per_node(item, addrs, per_node) for item in PER_NODE))


def _slots(topology: Topology) -> CheckLine:
    holes = topology.uncovered
    if not holes:
        return CheckLine("slots", TITLES["slots"], PASS, f"all {SLOTS} slots are served by a primary")
    ranges = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in holes[:8])
    seed = topology.seen_from or (topology.nodes[0].addr if topology.nodes else "<host>:<port>")
    return CheckLine("slots", TITLES["slots"], FAIL,
                     f"{SLOTS - topology.slots_assigned} of {SLOTS} slots have no primary ({ranges})",
                     f"redis-cli --cluster fix {seed} (or CLUSTER ADDSLOTSRANGE <first> <last> on a primary)")


def _shards(topology: Topology) -> tuple[Node, ...]:
    serving = tuple(p for p in topology.primaries if p.slots)
    return serving or topology.primaries


def _availability(topology: Topology, updates: Mapping[str, Update]) -> CheckLine:
    shards = _shards(topology)
    alone, unknown = [], []
    for primary in shards:
        replicas = [r for r in topology.replicas_of(primary) if not r.failing]
        if not replicas:
            alone.append(primary)
        elif not any(isinstance(updates.get(r.addr), Snapshot) for r in replicas):
            unknown.append(primary)
    covered = len(shards) - len(alone)
    evidence = f"{covered} of {len(shards)} shards have a replica"
    if alone:
        hints = [f"redis-cli --cluster add-node <new-ip>:<port> {p.addr} --cluster-slave "
                 f"--cluster-master-id {p.node_id or '<primary-id>'}" for p in alone]
        return CheckLine("availability", TITLES["availability"], FAIL,
                         f"{evidence}; no replica for {name_nodes([p.addr for p in alone])}", "\n".join(hints))
    if unknown:
        return CheckLine("availability", TITLES["availability"], UNKNOWN,
                         f"{evidence}; unknown: the replicas of {name_nodes([p.addr for p in unknown])} "
                         "did not answer")
    return CheckLine("availability", TITLES["availability"], PASS, evidence)


def _per_node(item: str, addrs: list[str], per_node: dict[str, dict[str, CheckLine]]) -> CheckLine:
    by_status: dict[CheckStatus, list[str]] = {status: [] for status in ORDER}
    unreachable = [a for a in addrs if a not in per_node]
    for addr in addrs:
        if addr in per_node:
            by_status[per_node[addr][item].status].append(addr)
    status = next((s for s in ORDER if by_status[s] or (s == UNKNOWN and unreachable)), PASS)
    if status == PASS:
        first = addrs[0] if addrs else ""
        example = f" ({first}: {per_node[first][item].evidence})" if first in per_node else ""
        return CheckLine(item, TITLES[item], PASS, f"passes on all {len(addrs)} nodes{example}")
    parts, hints = [], []
    for state in (FAIL, WARN):
        nodes = by_status[state]
        if nodes:
            example = per_node[nodes[0]][item].evidence
            parts.append(f"{SAYS[item][state]} on {name_nodes(nodes)} ({nodes[0]}: {example})")
            hints += [per_node[a][item].hint for a in nodes if per_node[a][item].hint]
    if by_status[UNKNOWN]:
        first = by_status[UNKNOWN][0]
        parts.append(f"cannot check on {name_nodes(by_status[UNKNOWN])} ({per_node[first][item].evidence})")
    if unreachable:
        parts.append(f"unknown on {name_nodes(unreachable)} (no answer)")
    if by_status[PASS]:
        parts.append(f"passes on {len(by_status[PASS])} of {len(addrs)} nodes")
    return CheckLine(item, TITLES[item], status, "; ".join(parts), "\n".join(dict.fromkeys(hints)))
