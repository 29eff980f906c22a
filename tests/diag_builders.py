"""Snapshots for the diagnosis unit tests, built from INFO text through the real parsers."""

from __future__ import annotations

from redis_tui.core import parse
from redis_tui.core.diagnosis.diagnose import diagnose
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.models import Snapshot
from redis_tui.core.target import Target

MB = 1024 * 1024
TARGET = Target(host="cache.example.internal", port=6390, password="s3cret-pw")

BASE_INFO = {
    "server": {"redis_version": "7.0.15", "redis_mode": "standalone", "uptime_in_seconds": 86400, "run_id": "a" * 40},
    "clients": {"connected_clients": 5, "blocked_clients": 0, "maxclients": 10000},
    "memory": {"used_memory": 100 * MB, "used_memory_rss": 110 * MB, "maxmemory": 0,
               "maxmemory_policy": "noeviction", "mem_fragmentation_ratio": 1.1, "total_system_memory": 8192 * MB},
    "persistence": {"loading": 0, "rdb_changes_since_last_save": 0, "rdb_last_save_time": 0,
                    "rdb_last_bgsave_status": "ok", "rdb_saves": 1, "aof_enabled": 0,
                    "aof_last_bgrewrite_status": "ok", "aof_last_write_status": "ok"},
    "stats": {"total_commands_processed": 1000, "keyspace_hits": 0, "keyspace_misses": 0, "evicted_keys": 0,
              "rejected_connections": 0},
    "replication": {"role": "master", "connected_slaves": 0},
    "errorstats": {},
    "keyspace": {"db0": "keys=100,expires=50,avg_ttl=1000"},
}

BASE_CONFIG = {
    "save": "3600 1", "appendonly": "no", "requirepass": "(set)", "bind": "127.0.0.1 -::1", "port": "6379",
    "protected-mode": "yes", "stop-writes-on-bgsave-error": "yes", "replica-serve-stale-data": "yes",
    "slowlog-log-slower-than": "10000", "latency-monitor-threshold": "100", "dir": "/var/lib/redis",
    "dbfilename": "dump.rdb",
}


def info_text(sections: dict) -> str:
    """INFO reply text for {section: {field: value}}."""
    out = []
    for name, fields in sections.items():
        out.append(f"# {name.capitalize()}")
        out += [f"{key}:{value}" for key, value in fields.items()]
        out.append("")
    return "\r\n".join(out)


def snapshot(info: dict | None = None, config: dict | None = None, taken_at: float = 1_000_000.0, **extra) -> Snapshot:
    """A snapshot of BASE_INFO/BASE_CONFIG with `info` sections merged in (``config=None`` keeps the base)."""
    sections = {name: dict(fields) for name, fields in BASE_INFO.items()}
    sections["server"]["server_time_usec"] = int(taken_at * 1e6)
    sections["persistence"]["rdb_last_save_time"] = int(taken_at) - 60
    for name, fields in (info or {}).items():
        sections.setdefault(name, {}).update(fields)
    parsed = parse.parse_info(info_text(sections))
    cfg = dict(BASE_CONFIG) if config is None else config
    return Snapshot(
        taken_at=taken_at,
        server=parse.server_from(parsed),
        memory=parse.memory_from(parsed, cfg),
        clients=parse.clients_from(parsed, cfg),
        keyspace=parse.keyspace_from(parsed),
        info=parsed,
        config=cfg,
        **extra,
    )


def find(finding_id: str, now: Snapshot, before: Snapshot | None = None, target: Target = TARGET, **limits):
    """The finding `finding_id` for `now`, or None."""
    found = [f for f in diagnose(now, before, Thresholds(**limits), target) if f.id == finding_id]
    assert len(found) <= 1
    return found[0] if found else None
