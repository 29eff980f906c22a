"""A healthy real cluster (3 primaries + 3 replicas, shared by the module): discovery, aggregate, doctor."""

from __future__ import annotations

import asyncio

from redis.asyncio.cluster import RedisCluster

from redis_tui.core.connection import make_client
from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import SLOTS
from redis_tui.core.target import Target
from redis_tui.core.topology import ClusterPoller, discover
from redis_tui.demo.cluster import LocalCluster, slot_ranges
from tests.doctor_helpers import run_doctor

KEYS = 600


def seed(cluster: LocalCluster, host: str = "127.0.0.1") -> Target:
    return Target(host=host, port=cluster.nodes[0].port)


async def _discover(target: Target):
    client = make_client(target)
    try:
        return await discover(client, target)
    finally:
        await client.aclose()


def test_discovery_finds_every_node_with_its_role_and_slots(cluster: LocalCluster):
    topology = asyncio.run(_discover(seed(cluster, "localhost")))
    assert topology.kind == "cluster" and topology.state == "ok"
    assert sorted(n.addr for n in topology.nodes) == sorted(cluster.addrs)
    ids = {port: node_id for port, node_id in cluster.ids.items()}
    for node, assigned in zip(cluster.primaries, slot_ranges(3), strict=True):
        found = topology.node(cluster.addr(node))
        assert found.role == "primary" and found.node_id == ids[node.port]
        assert found.slots == (assigned,)  # as the fixture gave them with CLUSTER ADDSLOTSRANGE
    for i, node in enumerate(cluster.replicas):
        found = topology.node(cluster.addr(node))
        assert found.role == "replica" and found.primary == cluster.addr(cluster.primaries[i % 3])
    assert sum(n.slot_count for n in topology.primaries) == SLOTS and topology.uncovered == ()
    assert "myself" in topology.node(cluster.addr(cluster.nodes[0])).flags  # a localhost seed maps to its node


async def _fill_and_poll(cluster: LocalCluster):
    writer = RedisCluster(host="127.0.0.1", port=cluster.nodes[0].port)
    try:
        await writer.initialize()
        for i in range(KEYS):  # keys land on every primary (and, through {tags}, in many slots)
            await writer.set(f"agg:{{{i}}}", "x" * (i % 50))
            await writer.get(f"agg:{{{i}}}" if i % 3 else f"missing:{{{i}}}")
    finally:
        await writer.aclose()
    poller = ClusterPoller(seed(cluster), interval=0.3)
    try:
        await poller.poll()
        await asyncio.sleep(0.3)
        return await poller.poll()
    finally:
        await poller.close()


def test_aggregate_is_the_sum_over_primaries(cluster: LocalCluster):
    update = asyncio.run(_fill_and_poll(cluster))
    assert len(update.updates) == 6 and all(isinstance(u, Snapshot) for u in update.updates.values())
    primaries = [n.addr for n in update.topology.primaries]
    snaps = [update.snapshot(a) for a in primaries]
    total = update.aggregate
    assert total.primaries == total.reporting == 3
    assert total.keys == sum(s.total_keys for s in snaps)
    truth = sum(cluster.client(n).dbsize() for n in cluster.running() if cluster.role(n) == "master")
    assert total.keys == truth >= KEYS
    assert all(s.total_keys > 0 for s in snaps)  # every primary got keys
    assert total.used_memory == sum(s.memory.used for s in snaps)
    assert total.clients == sum(s.clients.connected for s in snaps)
    assert total.ops == sum(s.rates.ops for s in snaps)
    hits, misses = sum(s.rates.hits for s in snaps), sum(s.rates.misses for s in snaps)
    assert (total.hits, total.misses) == (hits, misses)
    if hits + misses:
        assert total.hit_ratio == hits / (hits + misses)
    memory = total.spread["memory"]
    assert memory.high == max(s.memory.used for s in snaps) and memory.high_node in primaries


def test_doctor_json_lists_every_node(cluster: LocalCluster, capsys):
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port))
    topology = report["topology"]
    assert topology["kind"] == "cluster" and topology["state"] == "ok"
    assert sorted(n["addr"] for n in topology["nodes"]) == sorted(cluster.addrs)
    assert {n["role"] for n in topology["nodes"]} == {"primary", "replica"}
    assert sum(n["slots"] for n in topology["nodes"]) == SLOTS
    assert all(n["reachable"] and n["status"] == "OK" for n in topology["nodes"])
    assert set(topology["nodes"][0]) == {"addr", "role", "primary", "slots", "status", "reachable"}
    assert report["status"] == "OK" and code == 0
    nodes_named = {f["node"] for f in report["findings"] if f["id"] == "persistence-disabled"}
    assert nodes_named == set(cluster.addrs)  # per-node rules ran on every node, and say which


def test_doctor_node_only_checks_one_node(cluster: LocalCluster, capsys):
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port), "--node-only")
    assert "topology" not in report and code == 0
    assert all("node" not in f for f in report["findings"])


def test_cluster_flag_on_a_standalone_server_is_unknown(server, capsys):
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(server.port), "-c")
    assert code == 3 and "not a cluster" in report["error"]


def test_doctor_text_names_the_cluster_and_each_node(cluster: LocalCluster, capsys):
    from redis_tui import cli

    assert cli.main(["doctor", "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port)]) == 0
    out = capsys.readouterr().out
    assert "Cluster: state ok, 6 nodes, 16384/16384 slots served" in out
    for node in cluster.nodes:
        assert cluster.addr(node) in out
