"""Every insight screen, once: its key, title, a sentence for help and the palette, the findings that
point to it, and how to make it. The app builds its bindings, palette commands and the `i` menu from
this list, and the troubleshooting panel opens a finding's screen from it; a new screen is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Insight:
    """One insight screen."""

    name: str  # the screen's install name and its action's argument: "latency"
    key: str  # the app's key for it: "L"
    title: str  # "Latency"
    description: str  # one sentence: help, the palette, the `i` menu
    make: Callable[[], Screen]  # builds the screen (imports lazily: the app imports this module)
    findings: frozenset[str] = frozenset()  # finding ids whose details are on this screen


def _latency() -> Screen:
    from redis_tui.ui.insight.latency import LatencyScreen

    return LatencyScreen()


def _commands() -> Screen:
    from redis_tui.ui.insight.commands import CommandsScreen

    return CommandsScreen()


def _slowlog() -> Screen:
    from redis_tui.ui.insight.slowlog import SlowlogScreen

    return SlowlogScreen()


def _persistence() -> Screen:
    from redis_tui.ui.insight.persistence import PersistenceScreen

    return PersistenceScreen()


def _memory() -> Screen:
    from redis_tui.ui.insight.memory import MemoryScreen

    return MemoryScreen()


def _config() -> Screen:
    from redis_tui.ui.insight.config import ConfigScreen

    return ConfigScreen()


def _pubsub() -> Screen:
    from redis_tui.ui.insight.pubsub import PubSubScreen

    return PubSubScreen()


def _events() -> Screen:
    from redis_tui.ui.events.screen import EventsScreen

    return EventsScreen()


def _hotkeys() -> Screen:
    from redis_tui.ui.insight.hotkeys import HotKeysScreen

    return HotKeysScreen()


INSIGHTS: tuple[Insight, ...] = (
    Insight("latency", "L", "Latency", "PING round trip, the latency monitor (LATEST, HISTORY, DOCTOR), "
            "p50/p99/p99.9 per command", _latency, frozenset({"server-stalled"})),
    Insight("commands", "E", "Commands and errors", "every command's calls, calls/s, µs/call, rejected, failed "
            "(sortable, filterable), and error replies by prefix", _commands),
    Insight("slowlog", "S", "Slow log", "SLOWLOG entries live, grouped by command shape with their share of slow "
            "time; SLOWLOG RESET with --write", _slowlog, frozenset({"slow-commands"})),
    Insight("persistence", "B", "Persistence", "RDB and AOF: last save, changes since, fork time, rewrite, "
            "save rules; BGSAVE with --write, followed to its end", _persistence,
            frozenset({"persistence-disabled", "rdb-save-failing", "aof-write-failing", "backup-stale"})),
    Insight("memory", "M", "Memory", "where used memory went (MEMORY STATS), MEMORY DOCTOR, the clients holding most",
            _memory, frozenset({"memory-pressure", "high-fragmentation", "evictions", "no-maxmemory",
                                "oom-rejecting-writes"})),
    Insight("config", "C", "Config", "every parameter (CONFIG GET *), filtered, changes highlighted, secrets masked; "
            "CONFIG SET with --write", _config),
    Insight("pubsub", "U", "Pub/Sub", "channels, patterns and shard channels with subscribers; slow subscribers' "
            "output buffers", _pubsub, frozenset({"client-output-buffer"})),
    Insight("hotkeys", "H", "Hot keys", "the keys used most: OBJECT FREQ with an LFU policy, else a MONITOR sample",
            _hotkeys),
    Insight("events", "e", "Events", "what happened while you were away: findings opened and cleared, restarts, "
            "failovers, config changes, lost connections, newest first", _events),
)
"""Every insight screen, in the order of the `i` menu."""


def insight(name: str) -> Insight | None:
    """The entry called `name`, None when there is none."""
    return next((entry for entry in INSIGHTS if entry.name == name), None)


def for_finding(finding_id: str) -> Insight | None:
    """The screen that details a finding with this id, None when none does."""
    return next((entry for entry in INSIGHTS if finding_id in entry.findings), None)
