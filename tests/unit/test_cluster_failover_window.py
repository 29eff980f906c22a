"""cluster-failover is judged round to round and kept for the window: a shard that fails over and
back within it (A → B → A) shows both moves."""

from __future__ import annotations

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.nodes import PRIMARY, REPLICA, Node, Topology, TopologyUpdate
from redis_tui.core.target import Target

A, B, C = "10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"


def shard(primary: str, replica: str) -> tuple[Node, ...]:
    """One shard serving every slot, and a second primary/replica-less node so the cluster is a cluster."""
    ids = {A: "a" * 40, B: "b" * 40}
    return (Node(primary, ids[primary], PRIMARY, slots=((0, 16383),)),
            Node(replica, ids[replica], REPLICA, primary=primary, primary_id=ids[primary]),
            Node(C, "c" * 40, REPLICA, primary=primary, primary_id=ids[primary]))


def round_at(t: float, primary: str, replica: str) -> TopologyUpdate:
    return TopologyUpdate(t, Topology("cluster", shard(primary, replica)), {})


def moves(findings) -> list[tuple[str, str]]:
    return sorted((f.evidence["old"], f.evidence["new"]) for f in findings if f.id == "cluster-failover")


def test_a_failover_and_back_within_the_window_shows_both_moves_until_each_leaves_it():
    diagnoser = ClusterDiagnoser(Target(), Thresholds(window_s=60))
    assert moves(diagnoser.update(round_at(0, A, B))) == []
    assert moves(diagnoser.update(round_at(10, B, A))) == [(A, B)]
    assert moves(diagnoser.update(round_at(20, A, B))) == [(A, B), (B, A)]  # the old rule saw A then A: nothing
    assert moves(diagnoser.update(round_at(75, A, B))) == [(B, A)]  # A → B left the window
    assert moves(diagnoser.update(round_at(81, A, B))) == []
