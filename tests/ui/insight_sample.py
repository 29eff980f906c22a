"""Fixed data for the slow log and persistence screens (no server): a server with slow commands, a failing
BGSAVE and AOF on, as the dashboard's poll holds it."""

from __future__ import annotations

from redis_tui.core.models import SlowEntry, Snapshot
from tests.diag_builders import snapshot
from tests.ui.sample import NOW


def slow_entries() -> tuple[SlowEntry, ...]:
    """Newest first: HGETALL user:* most of the slow time, a KEYS, a DEBUG SLEEP, hostile text, our own entry."""
    entries = [
        SlowEntry(120, int(NOW) - 2, 48_000, (b"HGETALL", b"user:1042"), "10.0.1.21:51522", "api-cache-1"),
        SlowEntry(119, int(NOW) - 5, 2_300, (b"INFO", b"all"), "10.0.9.9:4000", "redis-tui"),
        SlowEntry(118, int(NOW) - 9, 52_500, (b"HGETALL", b"user:77"), "10.0.1.22:40102", "api-cache-2"),
        SlowEntry(117, int(NOW) - 30, 12_000, (b"KEYS", b"session:*"), "10.0.3.5:42000", ""),
        SlowEntry(116, int(NOW) - 31, 61_000, (b"HGETALL", b"user:5b2e9c1d-3f4a-4e6b-8c7d-9e0f1a2b3c4d"),
                  "10.0.1.21:51522", "api-cache-1"),
        SlowEntry(115, int(NOW) - 64, 15_100, (b"ZRANGEBYSCORE", b"rank:2026-11", b"0", b"+inf"),
                  "10.0.2.11:60114", "email-worker-1"),
        SlowEntry(114, int(NOW) - 90, 11_000, (b"SET", b"evil\x1b[2J[red]x", b"v" * 300), "10.6.6.6:6666",
                  "\x1b]8;;http://x\x07[b]boom"),
        SlowEntry(113, int(NOW) - 120, 20_400, (b"DEBUG", b"SLEEP", b"0.02"), "127.0.0.1:50000", "ops"),
    ]
    return tuple(entries)


def insight_server() -> Snapshot:
    """Slow commands, a failed BGSAVE (writes refused), AOF on with sizes, RDB rules."""
    return snapshot(
        {"persistence": {"rdb_last_bgsave_status": "err", "rdb_changes_since_last_save": 18_234,
                         "rdb_last_bgsave_time_sec": 2, "rdb_last_cow_size": 3_145_728, "rdb_saves": 41,
                         "aof_enabled": 1, "aof_rewrite_in_progress": 0, "aof_rewrite_scheduled": 0,
                         "aof_last_rewrite_time_sec": 1, "aof_last_bgrewrite_status": "ok",
                         "aof_last_write_status": "ok", "aof_current_size": 98_566_144, "aof_base_size": 73_400_320,
                         "aof_rewrites": 3},
         "stats": {"latest_fork_usec": 1830}},
        config={"save": "3600 1 300 100 60 10000", "appendonly": "yes", "appendfsync": "everysec",
                "stop-writes-on-bgsave-error": "yes", "dir": "/var/lib/redis", "dbfilename": "dump.rdb",
                "slowlog-log-slower-than": "10000", "slowlog-max-len": "128", "requirepass": "(set)",
                "maxmemory": "0", "maxmemory-policy": "noeviction", "bind": "10.0.0.1", "protected-mode": "yes"},
        taken_at=NOW, slowlog=slow_entries(), slowlog_at=NOW - 1,
    )
