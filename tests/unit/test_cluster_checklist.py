"""The cluster checklist on built topologies: every node judged, failing nodes named with their fix."""

from __future__ import annotations

from redis_tui.core.diagnosis.cluster_checklist import cluster_checklist, name_nodes
from redis_tui.core.errors import Problem
from redis_tui.core.models import Outage
from redis_tui.core.nodes import PRIMARY, REPLICA, Node, Topology
from redis_tui.core.target import Target
from tests.diag_builders import MB, snapshot

TARGET = Target(host="127.0.0.1", port=7000, password="pw")
PRIMARIES = ("127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002")
REPLICAS = ("127.0.0.1:7003", "127.0.0.1:7004", "127.0.0.1:7005")
RANGES = ((0, 5460), (5461, 10922), (10923, 16383))
GOOD = {"memory": {"maxmemory": 512 * MB, "maxmemory_policy": "allkeys-lru"}}
CONFIG = {"save": "3600 1", "appendonly": "no", "requirepass": "(set)", "slowlog-log-slower-than": "10000",
          "latency-monitor-threshold": "100", "maxmemory": str(512 * MB), "maxmemory-policy": "allkeys-lru"}


def topology(replicas: int = 3, ranges=RANGES) -> Topology:
    pairs = enumerate(zip(PRIMARIES, ranges, strict=True))
    nodes = [Node(a, node_id=f"p{i}", role=PRIMARY, slots=(r,)) for i, (a, r) in pairs]
    nodes += [Node(a, node_id=f"r{i}", role=REPLICA, primary=PRIMARIES[i], primary_id=f"p{i}")
              for i, a in enumerate(REPLICAS[:replicas])]
    return Topology(kind="cluster", nodes=tuple(nodes), seen_from=PRIMARIES[0])


def healthy(_addr: str):
    return snapshot(GOOD, config=dict(CONFIG))


def by_id(lines):
    return {line.id: line for line in lines}


def test_a_healthy_cluster_passes_every_line_on_every_node():
    top = topology()
    lines = cluster_checklist(top, {n.addr: healthy(n.addr) for n in top.nodes}, TARGET)
    assert [line.id for line in lines] == ["slots", "availability", "password", "persistence", "maxmemory",
                                           "monitoring", "backups"]
    assert {line.status for line in lines} == {"pass"}
    lines = by_id(lines)
    assert lines["availability"].evidence == "3 of 3 shards have a replica"
    assert "Sentinel" not in lines["availability"].evidence + lines["availability"].title
    assert lines["maxmemory"].evidence.startswith("passes on all 6 nodes")


def test_nodes_without_maxmemory_are_named_with_a_fix_each():
    top = topology()
    updates = {n.addr: healthy(n.addr) for n in top.nodes}
    for addr in PRIMARIES[1:]:
        updates[addr] = snapshot(config={**CONFIG, "maxmemory": "0"})
    line = by_id(cluster_checklist(top, updates, TARGET))["maxmemory"]
    assert line.status == "fail"
    assert line.evidence.startswith("no maxmemory on 127.0.0.1:7001, :7002 (127.0.0.1:7001: maxmemory 0")
    assert "passes on 4 of 6 nodes" in line.evidence
    hints = line.hint.split("\n")
    assert hints == [f"redis-cli -h 127.0.0.1 -p {port} --askpass CONFIG SET maxmemory <bytes>; "
                     "CONFIG SET maxmemory-policy allkeys-lru" for port in (7001, 7002)]
    assert "pw" not in line.hint


def test_shards_without_a_replica_fail_and_are_named():
    top = topology(replicas=1)
    lines = by_id(cluster_checklist(top, {n.addr: healthy(n.addr) for n in top.nodes}, TARGET))
    line = lines["availability"]
    assert line.status == "fail"
    assert line.evidence == "1 of 3 shards have a replica; no replica for 127.0.0.1:7001, :7002"
    assert "--cluster-master-id p1" in line.hint and "--cluster-master-id p2" in line.hint


def test_unreachable_nodes_are_unknown_not_passing():
    top = topology()
    updates = {n.addr: healthy(n.addr) for n in top.nodes}
    updates[REPLICAS[2]] = Outage(Problem("connection-refused", "refused", ""), 0.0, 1, 1.0)
    lines = by_id(cluster_checklist(top, updates, TARGET))
    for item in ("password", "persistence", "maxmemory", "monitoring", "backups"):
        assert lines[item].status == "unknown"
        assert lines[item].evidence.startswith("unknown on 127.0.0.1:7005 (no answer)")
    assert lines["availability"].status == "unknown"  # the only replica of :7002 did not answer


def test_uncovered_slots_fail():
    top = topology(ranges=((0, 5460), (5461, 10922), (10923, 16000)))
    line = by_id(cluster_checklist(top, {n.addr: healthy(n.addr) for n in top.nodes}, TARGET))["slots"]
    assert line.status == "fail" and "383 of 16384 slots have no primary (16001-16383)" in line.evidence


def test_name_nodes_shortens_and_caps():
    assert name_nodes(["a:1", "a:2", "b:3", "b:4"]) == "a:1, :2, b:3, :4"
    assert name_nodes([f"h:{p}" for p in range(10)]).endswith(":7 and 2 more")
