"""The replication screen: masters, their replicas, offsets, lag, links and backlog (any topology)."""

from redis_tui.ui.replication.screen import ReplicationScreen

__all__ = ["ReplicationScreen"]
