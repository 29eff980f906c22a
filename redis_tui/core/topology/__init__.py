"""Topology: what servers are behind a target (standalone, cluster…) and polling all of them at once.

Entry points: ``discover`` (the topology behind a seed), ``ClusterPoller`` (one round over every
node → `TopologyUpdate`), ``aggregate`` (totals over primaries), and the pure parsers of
``CLUSTER NODES`` / ``CLUSTER SHARDS`` / ``CLUSTER INFO``. Imports only the core base.
"""

from redis_tui.core.poller import default_budget
from redis_tui.core.topology.aggregate import aggregate
from redis_tui.core.topology.discover import Remap, cluster_enabled, discover, read_cluster, remap_nodes
from redis_tui.core.topology.parse import parse_cluster_info, parse_cluster_nodes, parse_cluster_shards
from redis_tui.core.topology.poller import ClusterPoller

__all__ = [
    "ClusterPoller",
    "Remap",
    "aggregate",
    "cluster_enabled",
    "default_budget",
    "discover",
    "parse_cluster_info",
    "parse_cluster_nodes",
    "parse_cluster_shards",
    "read_cluster",
    "remap_nodes",
]
