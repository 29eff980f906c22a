"""The MONITOR screen: ``MonitorScreen`` with its stream view, top tables and filter dialog."""

from redis_tui.ui.monitor.screen import MonitorScreen

__all__ = ["MonitorScreen"]
