"""Replication and Sentinel rules on snapshots built from INFO text (the real parsers) and Sentinel states:
what triggers each, and what must not (a healthy replica under heavy writes, a new replica's first sync)."""

from __future__ import annotations

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser, diagnose_cluster
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.models import Outage, Problem
from redis_tui.core.nodes import PRIMARY, REPLICA, SENTINEL, Node, Topology, TopologyUpdate
from redis_tui.core.replication import links, replication_of
from redis_tui.core.sentinel_state import Failover, SentinelState, SentinelView
from redis_tui.core.target import Target
from tests.diag_builders import MB, find, snapshot

T0 = 1_000_000.0
MASTER, R1, R2 = "10.0.0.5:6379", "10.0.0.6:6379", "10.0.0.7:6379"
SENTINELS = ("10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379")


def master_at(t: float, offset: int, replicas: dict[str, tuple[int, int]], full: int = 2, refused: int = 0):
    """A master at `offset`; replicas: addr → (acknowledged offset, seconds since its ack)."""
    repl = {"role": "master", "connected_slaves": len(replicas), "master_repl_offset": offset,
            "repl_backlog_active": 1, "repl_backlog_size": MB, "repl_backlog_histlen": MB}
    for i, (addr, (acked, lag)) in enumerate(replicas.items()):
        host, _, port = addr.rpartition(":")
        repl[f"slave{i}"] = f"ip={host},port={port},state=online,offset={acked},lag={lag}"
    return snapshot({"replication": repl, "stats": {"sync_full": full, "sync_partial_ok": 0,
                                                    "sync_partial_err": refused}}, taken_at=t)


def test_a_replica_falling_behind_is_lagging_and_named():
    before = master_at(T0, 10 * MB, {R1: (10 * MB, 0), R2: (10 * MB, 0)})
    now = master_at(T0 + 10, 20 * MB, {R1: (20 * MB - 100, 0), R2: (12 * MB, 3)})  # R2 stopped acking
    found = find("replica-lagging", now, before)
    assert found is not None and found.node == R2 and found.evidence["lag_bytes"] == 8 * MB
    assert found.title == f"Replica {R2} is 8.0M behind its master and falling further behind"
    assert "redis-cli -h 10.0.0.6 -p 6379 SLOWLOG GET 10" not in found.hints[1]
    assert "redis-cli -h 10.0.0.7 -p 6379 SLOWLOG GET 10" in found.hints[1]


def test_a_healthy_replica_under_heavy_writes_is_not_lagging():
    before = master_at(T0, 0, {R1: (0, 0)})
    now = master_at(T0 + 10, 500 * MB, {R1: (500 * MB - 30 * MB, 0)})  # 50 MB/s, acked a moment ago
    assert find("replica-lagging", now, before) is None
    assert find("replica-lagging", now) is None  # no baseline: no "growing"


def test_full_resyncs_after_refused_partial_ones_mean_the_backlog_is_too_small():
    before = master_at(T0, 0, {R1: (0, 0)}, full=1, refused=0)
    first_sync = master_at(T0 + 30, 60 * MB, {R1: (60 * MB, 0), R2: (60 * MB, 0)}, full=2, refused=0)
    assert find("replication-backlog-too-small", first_sync, before) is None  # a new replica's first sync
    resynced = master_at(T0 + 30, 60 * MB, {R1: (60 * MB, 0)}, full=2, refused=1)
    found = find("replication-backlog-too-small", resynced, before)
    assert found is not None and found.evidence["suggested_repl_backlog_size"] == 600 * MB  # 5 min at 2 MB/s
    assert "CONFIG SET repl-backlog-size 600mb" in found.hints[1]


def test_the_replication_view_joins_both_ends_and_says_replica():
    master = master_at(T0, 5000, {R1: (4000, 1)})
    replica = snapshot({"replication": {"role": "slave", "master_host": "10.0.0.5", "master_port": 6379,
                                        "master_link_status": "down", "master_link_down_since_seconds": 42,
                                        "master_sync_in_progress": 1, "master_sync_total_bytes": 1000,
                                        "master_sync_read_bytes": 250, "slave_repl_offset": 3900,
                                        "slave_read_only": 1}}, config={"replica-serve-stale-data": "no"})
    assert replication_of(replica).role == "replica" and replication_of(replica).sync_progress == 0.25
    masters, rows = links({MASTER: master, R1: replica})
    assert [m.addr for m in masters] == [MASTER] and masters[0].backlog_use == 1.0
    (row,) = rows
    assert (row.state, row.offset, row.lag_bytes, row.lag_s) == ("online", 4000, 1000, 1.0)  # the master's view
    assert (row.link, row.link_down_s, row.sync_progress, row.read_only, row.serve_stale) == \
        ("down", 42, 0.25, True, False)  # the replica's own
    _, alone = links({R1: replica})  # the master not polled: the replica's own offset, no lag
    assert alone[0].offset == 3900 and alone[0].lag_bytes is None and alone[0].master == MASTER


def group(state: SentinelState, taken_at: float = T0) -> TopologyUpdate:
    nodes = (Node(MASTER, role=PRIMARY), Node(R1, role=REPLICA, primary=MASTER),
             *(Node(s, role=SENTINEL) for s in SENTINELS))
    updates = {MASTER: master_at(taken_at, 100, {R1: (100, 0)}), R1: snapshot(taken_at=taken_at)}
    return TopologyUpdate(taken_at, Topology(kind="sentinel", nodes=nodes), updates, sentinel=state)


def view(addr: str, ok: bool = True, flags: frozenset[str] = frozenset({"master"}), **more) -> SentinelView:
    more = {"ckquorum_ok": True if ok else None, **more}
    return SentinelView(addr, ok, master=MASTER if ok else None, master_flags=flags if ok else frozenset(),
                        quorum=2 if ok else None, **more)


def ids(update: TopologyUpdate, **limits) -> dict[str, list]:
    out: dict[str, list] = {}
    for finding in diagnose_cluster(update, limits=Thresholds(**limits), target=Target(sentinel=(("10.0.0.1", 26379),),
                                                                                         master="mymaster")):
        out.setdefault(finding.id, []).append(finding)
    return out


def test_a_healthy_group_says_nothing():
    assert ids(group(SentinelState("mymaster", MASTER, tuple(view(s) for s in SENTINELS), 2))) == {}


def test_two_sentinels_down_is_quorum_lost_and_each_unreachable():
    views = (view(SENTINELS[0], ckquorum="NOQUORUM 1 usable Sentinels", ckquorum_ok=False),
             view(SENTINELS[1], ok=False, error="connection refused"), view(SENTINELS[2], ok=False))
    found = ids(group(SentinelState("mymaster", MASTER, views, 2)))
    (lost,) = found["sentinel-quorum-lost"]
    assert lost.severity == "critical" and lost.evidence["answering"] == 1
    assert "redis-cli -h 10.0.0.1 -p 26379 SENTINEL CKQUORUM mymaster" in lost.hints[0]
    assert sorted(f.node for f in found["sentinel-unreachable"]) == list(SENTINELS[1:])
    assert all(f.severity == "warning" for f in found["sentinel-unreachable"])


def test_the_master_flagged_down_is_critical():
    views = (view(SENTINELS[0], flags=frozenset({"master", "s_down", "o_down"})),
             view(SENTINELS[1], flags=frozenset({"master", "s_down"})), view(SENTINELS[2]))
    (down,) = ids(group(SentinelState("mymaster", MASTER, views, 2)))["sentinel-master-down"]
    assert down.severity == "critical" and down.node == MASTER
    assert down.evidence["flags"] == {SENTINELS[0]: "o_down,s_down", SENTINELS[1]: "s_down"}
    assert down.title == f"Master mymaster at {MASTER} is down for the Sentinels (o_down,s_down)"
    assert "redis-cli -h 10.0.0.5 -p 6379 ping" in down.hints[0]


def test_a_failover_is_a_warning_for_the_window_only():
    failover = Failover("mymaster", R1, MASTER, T0 - 30, 3.1, 2)
    state = SentinelState("mymaster", MASTER, tuple(view(s) for s in SENTINELS), 2, failovers=(failover,))
    (said,) = ids(group(state))["failover-happened"]
    assert said.severity == "warning" and said.node == MASTER
    assert (said.evidence["old"], said.evidence["new"], said.evidence["took_s"]) == (R1, MASTER, 3.1)
    assert said.title == f"Failover: master mymaster moved {R1} → {MASTER}"
    assert "failover-happened" not in ids(group(state, taken_at=T0 + 60))  # past the 60 s window


def test_in_a_group_sentinels_get_no_state_rules_and_a_dead_replica_is_a_warning():
    refused = Outage(Problem("connection-refused", "connection refused", "Error 111"), T0, 1, T0 + 1)
    update = group(SentinelState("mymaster", MASTER, tuple(view(s) for s in SENTINELS), 2))
    update = TopologyUpdate(T0, update.topology, {**update.updates, R1: refused,
                                                  SENTINELS[0]: snapshot(taken_at=T0)}, sentinel=update.sentinel)
    findings = ClusterDiagnoser(Target(sentinel=(("10.0.0.1", 26379),), master="mymaster")).update(update)
    assert not [f for f in findings if f.node == SENTINELS[0]]  # a Sentinel has no maxmemory or persistence
    (dead,) = [f for f in findings if f.node == R1]
    assert dead.id == "connection-refused" and dead.severity == "warning"
