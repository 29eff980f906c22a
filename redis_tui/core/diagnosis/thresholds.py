"""Where the diagnosis rules draw their lines: defaults, and the ``[thresholds]`` config table.

Every field of `Thresholds` is a key of ``[thresholds]`` in config.toml (documented in
config.example.toml); `FIELDS` is the schema the config file checks values against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    """Limits the rules compare measured values with (percentages are 0-100)."""

    memory_warning_pct: float = 90.0
    memory_critical_pct: float = 98.0
    volatile_ttl_min_pct: float = 10.0
    no_maxmemory_system_pct: float = 50.0
    fragmentation_ratio: float = 1.5
    fragmentation_swap_ratio: float = 0.9
    fragmentation_min_mb: float = 64.0
    backup_max_age_hours: float = 24.0
    evictions_min: int = 1
    rejected_connections_min: int = 1
    blocked_clients: int = 10
    hit_ratio_pct: float = 50.0
    hit_ratio_min_lookups: int = 1000
    slowlog_window_s: float = 300.0
    slow_commands_min: int = 1
    client_output_buffer_mb: float = 32.0
    replica_lag_s: float = 10.0
    window_s: float = 60.0
    cluster_skew_ratio: float = 2.0

    @classmethod
    def from_config(cls, section: Mapping[str, Any]) -> Thresholds:
        """Defaults overridden by a validated ``[thresholds]`` table."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in section.items() if k in known})


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _percent(value: Any) -> bool:
    return _number(value) and 0 < value <= 100


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


PERCENT = (_percent, "a percentage above 0, at most 100")
POSITIVE = (_positive, "a number above 0")
COUNT = (_count, "a whole number, 1 or more")

# key → (check, what it must be, what it means)
FIELDS: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    "memory_warning_pct": (*PERCENT, "memory-pressure is a warning from this % of maxmemory"),
    "memory_critical_pct": (*PERCENT, "memory-pressure is critical from this % of maxmemory"),
    "volatile_ttl_min_pct": (*PERCENT, "with a volatile-* policy, fewer keys with a TTL than this % leaves little to evict"),
    "no_maxmemory_system_pct": (*PERCENT, "no-maxmemory is a warning once used memory passes this % of the host's RAM"),
    "fragmentation_ratio": (*POSITIVE, "high-fragmentation from this RSS/used ratio"),
    "fragmentation_swap_ratio": (*POSITIVE, "below this RSS/used ratio part of the dataset is swapped out"),
    "fragmentation_min_mb": (*POSITIVE, "ignore fragmentation while RSS and used memory differ by less than this"),
    "backup_max_age_hours": (*POSITIVE, "backup-stale when the last successful save is older than this"),
    "evictions_min": (*COUNT, "evictions when at least this many keys were evicted in the window"),
    "rejected_connections_min": (*COUNT, "rejected-connections from this many rejections in the window"),
    "blocked_clients": (*COUNT, "blocked-clients from this many clients in a blocking call"),
    "hit_ratio_pct": (*PERCENT, "low-hit-ratio below this % of lookups finding their key"),
    "hit_ratio_min_lookups": (*COUNT, "judge the hit ratio only over at least this many lookups"),
    "slowlog_window_s": (*POSITIVE, "slow-commands counts SLOWLOG entries this recent (seconds)"),
    "slow_commands_min": (*COUNT, "slow-commands from this many recent SLOWLOG entries"),
    "client_output_buffer_mb": (*POSITIVE, "client-output-buffer for a client whose output buffer holds this many MB"),
    "replica_lag_s": (*POSITIVE, "replication-broken when a replica lags behind by this many seconds"),
    "window_s": (*POSITIVE, "the live app measures rising counters over this many seconds"),
    "cluster_skew_ratio": (*POSITIVE, "cluster-skew when a primary's memory, keys or ops/s reach this many times the median"),
}
