"""MONITOR: a raw session with an output-buffer guard, the filter, the line parser and the aggregates.

Entry point: ``MonitorSession(target, options)``; ``Filter`` picks lines, ``MonitorStats`` sums them up.
"""

from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import MonitorLine
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import MonitorEvent, MonitorSession
from redis_tui.core.monitor.stats import MonitorStats, Share

__all__ = ["Filter", "MonitorEvent", "MonitorLine", "MonitorOptions", "MonitorSession", "MonitorStats", "Share"]
