"""The ``[cluster]`` config table: how to reach cluster nodes (see config.example.toml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis_tui.core.options import Key, Options, option


def _is_remap(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(a, str) for k, a in value.items())


@dataclass(frozen=True)
class ClusterOptions(Options):
    """Cluster settings; every field is a ``[cluster]`` key."""

    remap: Mapping[str, str] = option(
        None, Key(_is_remap, 'a table of "announced-ip:port" = "reachable-host:port"'),
        "nodes whose announced address cannot be reached from here (NAT, containers)", factory=dict)
