"""How ``redis-tui monitor`` ends, on one server or a cluster: the exit status and the closing report."""

from __future__ import annotations

import sys
from collections.abc import Callable

from redis_tui.core.format import human_duration, percent, thousands
from redis_tui.core.monitor.events import StopReason
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.session import MonitorEvent
from redis_tui.core.monitor.stats import MonitorStats, Share

USAGE_EXIT = 2
REPORTED = (StopReason.USER, StopReason.MAX_DURATION, StopReason.OUTPUT_BUFFER, StopReason.ERROR)


def exit_status(end: MonitorEvent, report: Callable[[], str]) -> int:
    """0 when our reader went away; 2 with the message when MONITOR could not run; otherwise the
    report on stderr and 0 for a stop the user asked for (or the duration), 1 for the rest."""
    if end.reason == StopReason.STDOUT_CLOSED:
        return 0
    if end.reason not in REPORTED:
        print(f"redis-tui monitor: {end.message}", file=sys.stderr)
        return USAGE_EXIT
    print(report(), file=sys.stderr)
    return 0 if end.reason in (StopReason.USER, StopReason.MAX_DURATION) else 1


def report_head(stats: MonitorStats, spec: Filter, started_at: float | None, end: MonitorEvent,
                over: str = "") -> list[str]:
    """The report's first lines: counts and rate (`over` e.g. " over 3 nodes"), filter, top commands and prefixes."""
    seconds = max(end.at - (started_at or end.at), 1e-9)
    lines = [f"redis-tui monitor: {thousands(stats.matched)} commands in {human_duration(seconds)} "
             f"({thousands(round(stats.matched / seconds))}/s){over}; {end.message}"]
    if spec.active:
        lines.append(f"  filter: {spec.describe()} ({thousands(stats.seen)} commands seen in all)")
    lines.append("  top commands: " + shares(stats.since_start_commands))
    lines.append("  top key prefixes: " + shares(stats.since_start_prefixes))
    return lines


def shares(rows: tuple[Share, ...]) -> str:
    """The top five rows as ``label 42.0% (1,234)``."""
    if not rows:
        return "none"
    return ", ".join(f"{row.label} {percent(row.share)} ({thousands(row.count)})" for row in rows[:5])
