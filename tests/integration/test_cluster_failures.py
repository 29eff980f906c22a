"""A real cluster broken on purpose (each test builds its own): a killed primary, a stalled node, a slot hole."""

from __future__ import annotations

import asyncio
import time

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.target import Target
from redis_tui.core.topology import ClusterPoller
from redis_tui.demo.cluster import LocalCluster
from tests.doctor_helpers import run_doctor

BUDGET = 0.5


def poller_for(cluster: LocalCluster) -> ClusterPoller:
    return ClusterPoller(Target(host="127.0.0.1", port=cluster.nodes[0].port), interval=0.3, budget=BUDGET)


async def watch_failover(cluster: LocalCluster):
    """Kill primary 0, poll until the cluster diagnosis says its replica took over; every round's view."""
    poller = poller_for(cluster)
    diagnoser = ClusterDiagnoser(poller.seed)
    rounds = []
    try:
        diagnoser.update(await poller.poll())
        cluster.kill(cluster.primaries[0])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            update = await poller.poll()
            rounds.append((update, diagnoser.update(update)))
            if any(f.id == "cluster-failover" for f in rounds[-1][1]):
                break
            await asyncio.sleep(0.3)
    finally:
        await poller.close()
    return rounds


def test_killed_primary_fails_then_fails_over_while_the_others_keep_updating(cluster_factory):
    cluster = cluster_factory()
    dead, heir = cluster.addr(cluster.primaries[0]), cluster.addr(cluster.replicas[0])
    others = [a for a in cluster.addrs if a != dead]
    rounds = asyncio.run(watch_failover(cluster))
    first_update, first_findings = rounds[0]
    failing = [f for f in first_findings if f.id == "cluster-node-failing"]
    assert [f.node for f in failing] == [dead] and failing[0].severity == "critical"  # a primary serving slots
    assert failing[0].evidence["reachable"] is False
    assert any(f.id == "cluster-failover" for f in rounds[-1][1]), "no failover diagnosed within 30 s"
    (over,) = [f for f in rounds[-1][1] if f.id == "cluster-failover"]
    assert (over.evidence["old"], over.evidence["new"], over.node) == (dead, heir, heir)
    assert over.severity == "warning" and over.evidence["slots"] == 5462
    still = [f for f in rounds[-1][1] if f.id == "cluster-node-failing"]
    assert [f.node for f in still] == [dead] and still[0].severity == "warning"  # it serves no slot any more
    for update, _ in rounds:  # the other five nodes answered in every round
        assert all(isinstance(update.updates.get(a), Snapshot) for a in others)
        assert isinstance(update.updates[dead], Outage)
    timestamps = [u.snapshot(others[-1]).taken_at for u, _ in rounds]
    assert timestamps == sorted(set(timestamps))  # fresh snapshots each round, not a stale copy


async def rounds_with_a_stalled_node(cluster: LocalCluster, count: int):
    poller = poller_for(cluster)
    try:
        await poller.poll()
        cluster.pause(cluster.replicas[1])
        return [await poller.poll() for _ in range(count)]
    finally:
        await poller.close()
        cluster.resume(cluster.replicas[1])


def test_a_stopped_node_is_down_and_never_holds_up_the_round(cluster_factory):
    cluster = cluster_factory()
    stalled = cluster.addr(cluster.replicas[1])
    rounds = asyncio.run(rounds_with_a_stalled_node(cluster, 3))
    for update in rounds:
        outage = update.updates[stalled]
        assert isinstance(outage, Outage) and outage.problem.id in ("server-stalled", "connection-timeout")
        assert all(isinstance(u, Snapshot) for a, u in update.updates.items() if a != stalled)
        # bounded by the per-node budget (+ slack for 2 shared cores), not by the node's silence
        assert update.round_s < BUDGET + 1.5
    findings = ClusterDiagnoser(Target(host="127.0.0.1", port=cluster.nodes[0].port)).update(rounds[-1])
    (failing,) = [f for f in findings if f.id == "cluster-node-failing"]
    assert failing.node == stalled and failing.severity == "warning"  # a replica


def test_uncovered_slots_are_critical(cluster_factory, capsys):
    cluster = cluster_factory(primaries=3, replicas=0)
    owner = cluster.primaries[1]
    first, last = 6000, 6009
    for node in cluster.nodes:  # every node forgets the slots: nobody serves them
        cluster.client(node).execute_command("CLUSTER", "DELSLOTSRANGE", first, last)
    code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(cluster.nodes[0].port))
    (hole,) = [f for f in report["findings"] if f["id"] == "cluster-slots-uncovered"]
    assert hole["severity"] == "critical" and hole["evidence"]["slots_uncovered"] == 10
    assert hole["evidence"]["ranges"] == "6000-6009"
    assert report["status"] == "CRITICAL" and code == 2
    assert any(f["id"] == "cluster-down" for f in report["findings"])  # cluster-require-full-coverage yes
    node = [n for n in report["topology"]["nodes"] if n["addr"] == cluster.addr(owner)][0]
    assert node["slots"] == 5461 - 10
    assert {f["id"] for f in report["findings"] if f.get("node")} >= {"cluster-no-replica"}
