"""Fixed Sentinel-group rounds for pilot and snapshot tests: a master, 2 replicas, 3 Sentinels, no server.

`group_round(moved=True)` is the round after a failover 10.0.0.5:6379 → 10.0.0.6:6379 (the old master is back
as a replica, its link still coming up); one replica lags 3 MB behind.
"""

from __future__ import annotations

from dataclasses import replace

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import PRIMARY, REPLICA, SENTINEL, Node, Topology, TopologyUpdate
from redis_tui.core.sentinel_state import Failover, SentinelEvent, SentinelState, SentinelView
from redis_tui.core.target import Target
from redis_tui.core.topology.aggregate import aggregate
from redis_tui.core.topology.source import ClusterSource, FixedRounds
from redis_tui.ui.app import RedisTuiApp
from tests.ui.cluster_sample import node_snapshot
from tests.ui.sample import MB, NOW

SEED = Target(sentinel=(("10.0.0.1", 26379),), master="mymaster", password="hunter2")
OLD, NEW, OTHER = "10.0.0.5:6379", "10.0.0.6:6379", "10.0.0.7:6379"
SENTINELS = ("10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379")
OFFSET = 90_000_000


def _data(addr: str, master: str, offset: int, used_mb: int, taken_at: float,
          replicas: tuple[tuple[str, int, str], ...] = (), link: str = "up") -> Snapshot:
    role = "master" if addr == master else "slave"
    snap = node_snapshot(addr, used_mb, 2000, 300.0 if role == "master" else 2.0, 200.0, 20.0, 9, role=role,
                         offset=offset, taken_at=taken_at)
    repl = {"role": role, "master_repl_offset": str(offset)}
    if role == "master":
        repl.update(connected_slaves=str(len(replicas)), repl_backlog_active="1", repl_backlog_size=str(MB),
                    repl_backlog_histlen=str(MB // 2))
        for i, (replica, acked, state) in enumerate(replicas):
            host, _, port = replica.rpartition(":")
            lag = 0 if acked > OFFSET - MB else 4
            repl[f"slave{i}"] = f"ip={host},port={port},state={state},offset={acked},lag={lag}"
    else:
        host, _, port = master.rpartition(":")
        repl.update(master_host=host, master_port=port, master_link_status=link, master_last_io_seconds_ago="1",
                    master_sync_in_progress="0", slave_repl_offset=str(offset), slave_read_only="1")
        if link != "up":
            repl["master_link_down_since_seconds"] = "3"
    info = {"server": {"redis_version": "7.2.4", "redis_mode": "standalone"}, "replication": repl,
            "stats": {"sync_full": "2", "sync_partial_ok": "1", "sync_partial_err": "0"}}
    return replace(snap, server=replace(snap.server, mode="standalone"), info=info,
                   config={**snap.config, "replica-serve-stale-data": "yes", "replica-read-only": "yes"})


def _sentinel(addr: str, taken_at: float) -> Snapshot:
    snap = node_snapshot(addr, 0, 0, 12.0, 0.0, 0.0, 4, taken_at=taken_at)
    return replace(snap, server=replace(snap.server, mode="sentinel"), keyspace=(), client_list=None,
                   info={"server": {"redis_mode": "sentinel"}, "sentinel": {"sentinel_masters": "1"}})


def group_round(taken_at: float = NOW, moved: bool = False, sentinel_down: str | None = None) -> TopologyUpdate:
    """One round of the group (after the failover with `moved`; `sentinel_down`: that Sentinel does not answer)."""
    master = NEW if moved else OLD
    replicas = (OTHER, OLD) if moved else (NEW, OTHER)
    acked = ((replicas[0], OFFSET - 3 * MB, "online"), (replicas[1], OFFSET - 200, "online" if not moved
                                                           else "wait_bgsave"))
    updates: dict = {master: _data(master, master, OFFSET, 300, taken_at, acked)}
    updates[replicas[0]] = _data(replicas[0], master, OFFSET - 3 * MB, 300, taken_at)
    updates[replicas[1]] = _data(replicas[1], master, OFFSET - 200, 290, taken_at, link="connecting" if moved
                                 else "up")
    nodes = [Node(master, role=PRIMARY, link="", repl_offset=OFFSET)]
    nodes += [Node(r, role=REPLICA, primary=master, link="ok") for r in replicas]
    nodes += [Node(s, role=SENTINEL, link="", flags=frozenset({"s_down"}) if s == sentinel_down else frozenset())
              for s in SENTINELS]
    views = []
    for i, addr in enumerate(SENTINELS):
        if addr == sentinel_down:
            views.append(SentinelView(addr, False, error="connection refused: nothing is listening on " + addr,
                                      last_ok=NOW - 12, configured=i == 0, flags=frozenset({"s_down"})))
            updates[addr] = None
            continue
        views.append(SentinelView(addr, True, master=master, master_flags=frozenset({"master"}), quorum=2,
                                  replicas=2, other_sentinels=2, ckquorum="OK 3 usable Sentinels", ckquorum_ok=True,
                                  rtt_ms=1.0 + i, last_ok=taken_at, configured=i == 0))
        updates[addr] = _sentinel(addr, taken_at)
    updates = {a: u for a, u in updates.items() if u is not None}
    failovers = (Failover("mymaster", OLD, NEW, NOW - 20, 3.1, 3),) if moved else ()
    events = ()
    if moved:
        old, new = OLD.replace(":", " "), NEW.replace(":", " ")
        events = (SentinelEvent(NOW - 24, SENTINELS[0], "+sdown", f"master mymaster {old}"),
                  SentinelEvent(NOW - 23, SENTINELS[1], "+odown", f"master mymaster {old} #quorum 2/2"),
                  SentinelEvent(NOW - 22, SENTINELS[1], "+try-failover", f"master mymaster {old}"),
                  SentinelEvent(NOW - 20, SENTINELS[1], "+switch-master", f"mymaster {old} {new}"))
    state = SentinelState("mymaster", master, tuple(views), 2, events, failovers)
    topology = Topology(kind="sentinel", nodes=tuple(nodes), seen_from=SENTINELS[0], read_at=taken_at)
    return TopologyUpdate(taken_at, topology, updates, aggregate(topology, updates), round_s=0.01,
                          seed=SEED.display(), sentinel=state)


def make_group_app(*rounds: TopologyUpdate) -> tuple[RedisTuiApp, FixedRounds]:
    """The dashboard on fixed Sentinel-group rounds (clock frozen at NOW); the FixedRounds to push more."""
    fixed = FixedRounds(rounds or (group_round(),))
    source = ClusterSource(fixed, ClusterDiagnoser(SEED))
    return RedisTuiApp(source, target=SEED, clock=lambda: NOW), fixed
