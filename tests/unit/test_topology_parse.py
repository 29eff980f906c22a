"""CLUSTER NODES / SHARDS / INFO parsers: real shapes, the odd corners, and any input at all (never raise)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from redis_tui.core.nodes import Topology
from redis_tui.core.topology import parse_cluster_info, parse_cluster_nodes, parse_cluster_shards, remap_nodes

NODES = (
    b"07c3 10.0.0.5:6379@16379,cache-a master - 0 1700000000000 1 connected 0-5460 [5461->-e7d1]\n"
    b"e7d1 10.0.0.6:6379@16379 myself,master - 0 0 2 connected 5461-10922 10923\n"
    b"67ed 10.0.0.7:6379@16379 slave,fail? 07c3 1700000000000 1700000000000 1 disconnected\n"
    b"292f :0@0 master,noaddr,fail - 1700000000000 1700000000000 3 disconnected\n"
    b"short line\n"
)


def test_cluster_nodes_fields():
    a, b, c, d = parse_cluster_nodes(NODES)
    expected = ("10.0.0.5:6379", "primary", ((0, 5460),), 5461, 1)
    assert (a.addr, a.role, a.slots, a.slot_count, a.config_epoch) == expected
    assert b.flags == {"myself"} and b.slots == ((5461, 10922), (10923, 10923))
    expected = ("replica", "10.0.0.5:6379", "07c3", True, "disconnected")
    assert (c.role, c.primary, c.primary_id, c.failing, c.link) == expected
    assert d.flags == {"noaddr", "fail"} and d.host_port is None


def test_topology_coverage_and_shards():
    topology = Topology(kind="cluster", nodes=parse_cluster_nodes(NODES))
    assert topology.uncovered == ((10924, 16383),) and topology.slots_assigned == 10924
    primary = topology.node("10.0.0.5:6379")
    assert [r.addr for r in topology.replicas_of(primary)] == ["10.0.0.7:6379"]


def test_cluster_shards_resp2_shape():
    reply = [[b"slots", [0, 5460], b"nodes", [
        [b"id", b"07c3", b"port", 6379, b"ip", b"10.0.0.5", b"endpoint", b"10.0.0.5", b"role", b"master",
         b"replication-offset", 72156, b"health", b"online"],
        [b"id", b"67ed", b"port", 6379, b"ip", b"10.0.0.7", b"endpoint", b"10.0.0.7", b"role", b"replica",
         b"replication-offset", 72100, b"health", b"online"]]]]
    primary, replica = parse_cluster_shards(reply)
    assert (primary.addr, primary.slots, primary.repl_offset) == ("10.0.0.5:6379", ((0, 5460),), 72156)
    assert (replica.role, replica.primary, replica.repl_offset) == ("replica", "10.0.0.5:6379", 72100)


def test_cluster_info_and_remap():
    assert parse_cluster_info(b"cluster_state:ok\r\ncluster_current_epoch:6\r\nnoise\r\n") == {
        "cluster_state": "ok", "cluster_current_epoch": "6"}
    nodes = remap_nodes(parse_cluster_nodes(NODES), {"10.0.0.5:6379": "localhost:16379"})
    assert nodes[0].addr == "localhost:16379" and nodes[0].announced == "10.0.0.5:6379"
    assert nodes[2].primary == "localhost:16379"


resp = st.recursive(
    st.none() | st.integers() | st.binary(max_size=20) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.binary(max_size=8), children, max_size=4),
    max_leaves=30,
)


@given(st.binary(max_size=400) | st.text(max_size=400))
def test_nodes_and_info_never_raise(data):
    for node in parse_cluster_nodes(data):
        assert 0 <= node.slot_count <= 16384
    parse_cluster_info(data)


@given(resp)
def test_shards_never_raise(data):
    for node in parse_cluster_shards(data):
        assert all(0 <= a <= b < 16384 for a, b in node.slots)
