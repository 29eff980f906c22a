"""Where the diagnosis rules draw their lines: defaults, and the ``[thresholds]`` config table.

Every field of `Thresholds` is a key of ``[thresholds]`` in config.toml (documented in
config.example.toml), declared with its check and meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis_tui.core.options import COUNT, PERCENT, POSITIVE, Options, option


@dataclass(frozen=True)
class Thresholds(Options):
    """Limits the rules compare measured values with (percentages are 0-100)."""

    memory_warning_pct: float = option(90.0, PERCENT, "memory-pressure is a warning from this % of maxmemory")
    memory_critical_pct: float = option(98.0, PERCENT, "memory-pressure is critical from this % of maxmemory")
    volatile_ttl_min_pct: float = option(
        10.0, PERCENT, "with a volatile-* policy, fewer keys with a TTL than this % leaves little to evict"
    )
    no_maxmemory_system_pct: float = option(
        50.0, PERCENT, "no-maxmemory is a warning once used memory passes this % of the host's RAM"
    )
    fragmentation_ratio: float = option(1.5, POSITIVE, "high-fragmentation from this RSS/used ratio")
    fragmentation_swap_ratio: float = option(
        0.9, POSITIVE, "below this RSS/used ratio part of the dataset is swapped out"
    )
    fragmentation_min_mb: float = option(
        64.0, POSITIVE, "ignore fragmentation while RSS and used memory differ by less than this"
    )
    backup_max_age_hours: float = option(
        24.0, POSITIVE, "backup-stale when the last successful save is older than this"
    )
    evictions_min: int = option(1, COUNT, "evictions when at least this many keys were evicted in the window")
    rejected_connections_min: int = option(1, COUNT, "rejected-connections from this many rejections in the window")
    blocked_clients: int = option(10, COUNT, "blocked-clients from this many clients in a blocking call")
    hit_ratio_pct: float = option(50.0, PERCENT, "low-hit-ratio below this % of lookups finding their key")
    hit_ratio_min_lookups: int = option(1000, COUNT, "judge the hit ratio only over at least this many lookups")
    slowlog_window_s: float = option(300.0, POSITIVE, "slow-commands counts SLOWLOG entries this recent (seconds)")
    slow_commands_min: int = option(1, COUNT, "slow-commands from this many recent SLOWLOG entries")
    client_output_buffer_mb: float = option(
        32.0, POSITIVE, "client-output-buffer for a client whose output buffer holds this many MB"
    )
    replica_lag_s: float = option(10.0, POSITIVE, "replication-broken when a replica lags behind by this many seconds")
    replica_lag_mb: float = option(
        1.0, POSITIVE, "replica-lagging when a replica's offset is this many MB behind its master's and growing"
    )
    window_s: float = option(60.0, POSITIVE, "the live app measures rising counters over this many seconds")
    cluster_skew_ratio: float = option(
        2.0, POSITIVE, "cluster-skew when a primary's memory, keys or ops/s reach this many times the median"
    )
