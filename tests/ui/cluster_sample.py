"""Fixed cluster rounds for pilot and snapshot tests: 3 shards (primary + replica each), no server.

Shard 2's primary (10.0.0.12:6379) is the hot one: 3× the memory, keys and ops/s of the others.
"""

from __future__ import annotations

from dataclasses import replace

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
from redis_tui.core.models import ClientRow, Clients, DbKeys, Memory, Outage, Problem, Server, Snapshot, Totals
from redis_tui.core.nodes import PRIMARY, REPLICA, Node, Topology, TopologyUpdate
from redis_tui.core.target import Target
from redis_tui.core.topology.aggregate import aggregate
from redis_tui.core.topology.source import ClusterSource, FixedRounds
from redis_tui.ui.app import RedisTuiApp
from tests.ui.sample import MB, NOW, healthy

SEED = Target(host="10.0.0.10", password="hunter2")
PRIMARIES = ("10.0.0.10:6379", "10.0.0.11:6379", "10.0.0.12:6379")
REPLICAS = ("10.0.0.20:6379", "10.0.0.21:6379", "10.0.0.22:6379")
RANGES = ((0, 5460), (5461, 10922), (10923, 16383))
# per primary: (used memory MB, keys, ops/s, hits/s, misses/s, clients)
FIGURES = ((100, 1000, 200.0, 90.0, 10.0, 11), (120, 1100, 220.0, 50.0, 50.0, 12),
           (330, 3300, 660.0, 300.0, 0.0, 13))


def node_snapshot(addr: str, used_mb: int, keys: int, ops: float, hits: float, misses: float, clients: int,
                  role: str = "master", offset: int = 5000, taken_at: float = NOW) -> Snapshot:
    base = healthy(taken_at)
    port = int(addr.rpartition(":")[2])
    return replace(
        base,
        server=Server(kind="redis", version="7.2.4", mode="cluster", role=role, uptime_s=86400, port=port),
        memory=Memory(used=used_mb * MB, rss=used_mb * MB + 10 * MB, peak=used_mb * MB, maxmemory=512 * MB,
                      policy="allkeys-lru", fragmentation=1.1),
        clients=Clients(connected=clients, blocked=0, maxclients=10000),
        keyspace=(DbKeys(0, keys, keys // 2, 60_000),),
        rates=replace(base.rates, ops=ops, hits=hits, misses=misses),
        totals=Totals(hits=int(hits * 1000), misses=int(misses * 1000)),
        client_list=(ClientRow(id=5, addr="10.0.9.1:5000", name=f"app-{port}", cmd="get"),),
        info={"replication": {"master_repl_offset": str(offset), "master_link_status": "up",
                              "master_last_io_seconds_ago": "1", "master_sync_in_progress": "0"},
              "cluster": {"cluster_enabled": "1"}},
    )


def topology(failed: str | None = None) -> Topology:
    nodes = []
    for i, (addr, ranges) in enumerate(zip(PRIMARIES, RANGES, strict=True)):
        flags = frozenset({"master", "fail"} if addr == failed else {"master"})
        nodes.append(Node(addr, node_id=f"p{i}", role=PRIMARY, slots=(ranges,), flags=flags, config_epoch=i + 1,
                          link="disconnected" if addr == failed else "connected"))
    for i, addr in enumerate(REPLICAS):
        nodes.append(Node(addr, node_id=f"r{i}", role=REPLICA, primary=PRIMARIES[i], primary_id=f"p{i}",
                          flags=frozenset({"slave"}), config_epoch=i + 1))
    return Topology(kind="cluster", nodes=tuple(nodes), state="fail" if failed else "ok", current_epoch=6,
                    known_nodes=6, seen_from=PRIMARIES[0], read_at=NOW - 4)


def down(addr: str) -> Outage:
    problem = Problem("connection-refused", f"connection refused: nothing is listening on {addr}", "Error 111")
    return Outage(problem, NOW - 10, 3, NOW + 1)


def cluster_round(taken_at: float = NOW, failed: str | None = None, keys_bump: int = 0) -> TopologyUpdate:
    """One round; `failed`: that primary is down (flagged fail, no answer); `keys_bump`: keys added on each primary."""
    updates: dict = {}
    for i, (addr, figures) in enumerate(zip(PRIMARIES, FIGURES, strict=True)):
        used, keys, ops, hits, misses, clients = figures
        updates[addr] = down(addr) if addr == failed else node_snapshot(
            addr, used, keys + keys_bump, ops, hits, misses, clients, offset=5000 + i, taken_at=taken_at)
        replica = REPLICAS[i]
        updates[replica] = node_snapshot(replica, used, keys + keys_bump, 1.0, 0.0, 0.0, 2, role="slave",
                                         offset=5000 + i - 40 * i, taken_at=taken_at)
    top = topology(failed)
    return TopologyUpdate(taken_at, top, updates, aggregate(top, updates), round_s=0.012, seed=SEED.display())


def make_cluster_app(*rounds: TopologyUpdate) -> tuple[RedisTuiApp, FixedRounds]:
    """The dashboard on fixed cluster rounds (clock frozen at NOW); the FixedRounds to push more."""
    fixed = FixedRounds(rounds or (cluster_round(),))
    source = ClusterSource(fixed, ClusterDiagnoser(SEED))
    return RedisTuiApp(source, target=SEED, clock=lambda: NOW), fixed
