"""The dashboard: ``DashboardScreen`` and its panes (memory, clients, keyspace, throughput, hit ratio).

Each pane is a ``Pane`` that re-renders whenever the app's snapshot changes.
"""

from redis_tui.ui.dashboard.screen import DashboardScreen

__all__ = ["DashboardScreen"]
