"""Sentinel: a master, its replicas and the Sentinels that watch them, polled as one topology.

Entry points: ``SentinelPoller`` (one round over every Sentinel and data node → `TopologyUpdate`
with ``sentinel`` set), ``MasterTracker`` (which master, confirmed; the failovers), ``sentinel_masters``
/ ``group_target`` (is a target a Sentinel, and the group to watch). Imports only the core base.
"""

from redis_tui.core.sentinel.discover import group_target, sentinel_masters
from redis_tui.core.sentinel.follow import MasterTracker
from redis_tui.core.sentinel.poller import SentinelPoller

__all__ = ["MasterTracker", "SentinelPoller", "group_target", "sentinel_masters"]
