"""Fixed fleet rounds for pilot and snapshot tests: four servers, no Redis.

``cache`` (a profile, with a password) is healthy; ``sessions`` is a Valkey replica near its maxmemory
(memory-pressure); ``10.0.0.7:6379`` is a node of a cluster (its row covers that node alone);
``10.0.0.9:6380`` does not answer (connection refused).
"""

from __future__ import annotations

from dataclasses import replace

from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.fleet import FixedFleet, FleetSource, Member
from redis_tui.core.fleet.poller import member_node
from redis_tui.core.models import Clients, DbKeys, Outage, Problem, Server, Snapshot, Update
from redis_tui.core.nodes import Topology, TopologyUpdate
from redis_tui.core.target import Target
from redis_tui.ui.app import RedisTuiApp
from tests.ui.sample import MB, NOW, healthy

MEMBERS = (
    Member("cache", Target(host="cache.internal", port=6379, password="hunter2")),
    Member("sessions", Target(host="10.0.0.5", port=6379, db=2, username="monitor", password="s3cret")),
    Member("10.0.0.7:6379", Target(host="10.0.0.7", port=6379)),
    Member("10.0.0.9:6380", Target(host="10.0.0.9", port=6380)),
)
DOWN_ADDR = MEMBERS[3].addr


def member_snapshot(kind: str, version: str, mode: str, role: str, used_mb: int, max_mb: int, keys: int,
                    ops: float, hits: float, misses: float, clients: int, taken_at: float = NOW) -> Snapshot:
    base = healthy(taken_at)
    info = dict(base.info)
    info["replication"] = ({"role": "slave", "master_host": "10.0.0.4", "master_port": "6379",
                            "master_link_status": "up", "master_last_io_seconds_ago": "1",
                            "master_sync_in_progress": "0"} if role == "slave" else {"role": "master"})
    return replace(
        base,
        server=Server(kind=kind, version=version, mode=mode, role=role, uptime_s=86400 * 9, port=6379),
        memory=replace(base.memory, used=used_mb * MB, rss=used_mb * MB + 20 * MB, peak=used_mb * MB,
                       maxmemory=max_mb * MB, policy="allkeys-lru" if max_mb else "noeviction"),
        clients=Clients(connected=clients, blocked=0, maxclients=10000),
        keyspace=(DbKeys(0, keys, keys // 3, 90_000),),
        rates=replace(base.rates, ops=ops, hits=hits, misses=misses),
        info=info,
    )


def refused(addr: str) -> Outage:
    problem = Problem("connection-refused", f"connection refused: nothing is listening on {addr}", "Error 111")
    return Outage(problem, NOW - 30, 9, NOW + 1)


def fleet_round(taken_at: float = NOW, ops_bump: float = 0.0) -> TopologyUpdate:
    """One round; `ops_bump` is added to the ops/s of each server that answers."""
    updates: dict[str, Update] = {
        MEMBERS[0].addr: member_snapshot("redis", "7.2.4", "standalone", "master", 412, 512, 1_250_000,
                                         2400.0 + ops_bump, 1800.0, 200.0, 48, taken_at),
        MEMBERS[1].addr: member_snapshot("valkey", "8.1.1", "standalone", "slave", 1004, 1024, 380_000,
                                         310.0 + ops_bump, 120.0, 180.0, 12, taken_at),
        MEMBERS[2].addr: member_snapshot("redis", "7.0.15", "cluster", "master", 96, 0, 5_461,
                                         80.0 + ops_bump, 0.0, 0.0, 6, taken_at),
        DOWN_ADDR: refused(DOWN_ADDR),
    }
    nodes = tuple(member_node(m, updates[m.addr]) for m in MEMBERS)
    return TopologyUpdate(taken_at, Topology(kind="fleet", nodes=nodes, read_at=taken_at), updates,
                          round_s=0.004, seed="fleet of 4")


def make_fleet_app(*rounds: TopologyUpdate) -> tuple[RedisTuiApp, FixedFleet]:
    """The app on fixed fleet rounds (clock frozen at NOW); the FixedFleet to push more."""
    fixed = FixedFleet(rounds or (fleet_round(),))
    source = FleetSource(fixed, MEMBERS, lambda target: Diagnoser(target))
    return RedisTuiApp(source, target=MEMBERS[0].target, clock=lambda: NOW), fixed
