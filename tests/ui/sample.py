"""Fixed, hand-built snapshots for pilot and snapshot tests (no server, clock or randomness)."""

from __future__ import annotations

import math

from redis_tui.core.models import (
    ClientRow,
    Clients,
    CommandRate,
    CommandStat,
    DbKeys,
    History,
    Memory,
    Outage,
    Problem,
    Rates,
    Server,
    Snapshot,
    Totals,
)

NOW = 1_764_000_000.0  # the fixed "wall clock" of every sample
MB = 1024 * 1024


def wave(n: int, base: float, amplitude: float, period: float = 17.0) -> tuple[float, ...]:
    """A deterministic wiggle for sparklines."""
    return tuple(base + amplitude * math.sin(i / period * 2 * math.pi) + amplitude * 0.3 * math.sin(i / 3.1)
                 for i in range(n))


def client(cid: int, addr: str, name: str, cmd: str, idle: int, omem: int = 0, db: int = 0) -> ClientRow:
    return ClientRow(id=cid, addr=addr, name=name, age_s=3600 + cid * 7, idle_s=idle, db=db, cmd=cmd,
                     omem=omem, flags="N", user="default", tot_mem=22000)


def healthy(taken_at: float = NOW) -> Snapshot:
    """A busy, healthy cache server."""
    clients = (
        client(5, "10.0.1.21:51522", "api-cache-1", "get", 0),
        client(6, "10.0.1.22:40102", "api-cache-2", "get", 0),
        client(7, "10.0.1.30:38211", "rate-limiter", "expire", 1),
        client(8, "10.0.2.11:60114", "email-worker-1", "brpop", 4),
        client(9, "10.0.2.12:60120", "email-worker-2", "brpop", 2),
        client(12, "10.0.3.5:42000", "", "hgetall", 12),
        client(13, "[::1]:52011", "redis-tui", "client|list", 0),
    )
    commands = (
        CommandRate("get", 1830.0, 1.9),
        CommandRate("set", 212.0, 3.4),
        CommandRate("incr", 140.0, 1.2),
        CommandRate("expire", 140.0, 1.1),
        CommandRate("hgetall", 61.0, 4.8),
        CommandRate("brpop", 9.0, 7.5),
    )
    return Snapshot(
        taken_at=taken_at,
        server=Server(kind="redis", version="7.2.4", role="master", uptime_s=3 * 86400 + 7322, port=6379),
        memory=Memory(used=412 * MB, rss=468 * MB, peak=430 * MB, maxmemory=512 * MB, policy="allkeys-lru",
                      fragmentation=1.13, evicted_keys=12840),
        clients=Clients(connected=len(clients), blocked=2, maxclients=10000, rejected=0),
        keyspace=(DbKeys(0, 182_340, 170_112, 94_000), DbKeys(2, 1_204, 0, 0)),
        commands=tuple(CommandStat(r.name, 10_000, 20_000) for r in commands),
        rates=Rates(interval_s=1.0, ops=2401.0, hits=1702.0, misses=128.0, evicted=3.0, expired=41.0,
                    net_in=310_000.0, net_out=2_450_000.0, keys=4.0, rejected=0.0, errors=0.0,
                    commands=commands),
        totals=Totals(hits=5_120_000, misses=402_000),
        history=History(
            ops=wave(300, 2300, 300),
            used_memory=wave(300, 400 * MB, 10 * MB, 40),
            hit_ratio=wave(300, 92.5, 2.0, 23),
            net_in=wave(300, 300_000, 40_000),
            net_out=wave(300, 2_400_000, 200_000),
        ),
        client_list=clients,
        client_list_at=taken_at - 2,
        config={"maxmemory": str(512 * MB), "maxmemory-policy": "allkeys-lru"},
    )


def hostile(taken_at: float = NOW) -> Snapshot:
    """Client names and addresses a stranger chose: escapes, markup, bidi, invalid UTF-8."""
    base = healthy(taken_at)
    evil = (
        ClientRow(id=66, addr="10.6.6.6:6666", name="\x1b[2J\x1b]8;;http://x\x07[red]boom[/]", cmd="get"),
        ClientRow(id=67, addr="[::1]:1", name="\u202eevil\u202c", cmd="[bold]set"),
        ClientRow(id=68, addr="10.0.0.1:2", name="x" * 300, cmd="\udcff"),
    )
    from dataclasses import replace

    return replace(base, client_list=base.client_list + evil)


def refused(since: float = NOW - 42, attempts: int = 4, retry_in: float = 8) -> Outage:
    """The server is down."""
    problem = Problem("connection-refused", "connection refused: nothing is listening on 127.0.0.1:6379",
                      "Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    return Outage(problem=problem, since=since, attempts=attempts, retry_at=NOW + retry_in)


def noauth(retry_in: float = 4) -> Outage:
    """The server wants a password we did not give."""
    problem = Problem("auth-required", "the server requires a password (NOAUTH)", "Authentication required.")
    return Outage(problem=problem, since=NOW - 5, attempts=2, retry_at=NOW + retry_in)


def memory_pressure() -> Snapshot:
    """98.4% of maxmemory with noeviction, and writes failing with OOM."""
    from dataclasses import replace

    from tests.diag_builders import snapshot

    before = snapshot({"errorstats": {"errorstat_OOM": "count=100"}}, taken_at=NOW - 60)
    now = snapshot(
        {"memory": {"used_memory": 2016 * MB, "maxmemory": 2048 * MB, "maxmemory_policy": "noeviction",
                    "used_memory_rss": 2150 * MB},
         "errorstats": {"errorstat_OOM": "count=412"},
         "stats": {"total_commands_processed": 90_000, "keyspace_hits": 70_000, "keyspace_misses": 2000}},
        taken_at=NOW,
    )
    return replace(now, history=healthy().history, client_list=healthy().client_list), before


def production() -> Snapshot:
    """A production-configured server: password, RDB + AOF, maxmemory + LRU, two replicas, fresh backup."""
    from tests.diag_builders import snapshot

    return snapshot(
        {"memory": {"used_memory": 600 * MB, "maxmemory": 1024 * MB, "maxmemory_policy": "allkeys-lru"},
         "persistence": {"aof_enabled": 1, "rdb_last_bgsave_status": "ok"},
         "replication": {"role": "master", "connected_slaves": 2,
                         "slave0": "ip=10.0.0.2,port=6379,state=online,offset=100,lag=0",
                         "slave1": "ip=10.0.0.3,port=6379,state=online,offset=100,lag=1"}},
        config={"save": "3600 1 300 100", "appendonly": "yes", "requirepass": "(set)",
                "maxmemory-policy": "allkeys-lru",
                "maxmemory": str(1024 * MB), "bind": "10.0.0.1", "protected-mode": "yes",
                "stop-writes-on-bgsave-error": "yes", "slowlog-log-slower-than": "10000",
                "latency-monitor-threshold": "100"},
        taken_at=NOW,
    )
