"""Where the real-terminal sweep goes: the screens, the keys bound on each (read from the
classes, so a new binding is swept without editing the sweep), and how to read a screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from redis_tui.core.display import safe_text
from redis_tui.ui.analyze.screen import AnalyzeScreen
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.events.screen import EventsScreen
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.help import HelpScreen
from redis_tui.ui.insight.commands import CommandsScreen
from redis_tui.ui.insight.config import ConfigScreen
from redis_tui.ui.insight.hotkeys import HotKeysScreen
from redis_tui.ui.insight.latency import LatencyScreen
from redis_tui.ui.insight.memory import MemoryScreen
from redis_tui.ui.insight.persistence import PersistenceScreen
from redis_tui.ui.insight.pubsub import PubSubScreen
from redis_tui.ui.insight.slowlog import SlowlogScreen
from redis_tui.ui.keys.detail import RowList, ValueList
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.replication.screen import ReplicationScreen
from redis_tui.ui.topology.screen import TopologyScreen
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen


@dataclass(frozen=True)
class Place:
    """A screen of the app: the class whose bindings are pressed, and how to get there."""

    name: str
    screen: type
    open: str | None  # key pressed on the dashboard
    app_keys: bool = True  # the app's own bindings work here (not where an input eats letters)


PLACES = [
    Place("dashboard", DashboardScreen, None),
    Place("troubleshoot", TroubleshootScreen, "t"),
    Place("keys", KeysScreen, "k"),
    Place("monitor", MonitorScreen, "m"),
    Place("analyze", AnalyzeScreen, "a"),
    Place("topology", TopologyScreen, "o"),
    Place("replication", ReplicationScreen, "l"),
    Place("latency", LatencyScreen, "L"),
    Place("commands", CommandsScreen, "E"),
    Place("slowlog", SlowlogScreen, "S"),
    Place("persistence", PersistenceScreen, "B"),
    Place("memory", MemoryScreen, "M"),
    Place("config", ConfigScreen, "C"),
    Place("pubsub", PubSubScreen, "U"),
    Place("events", EventsScreen, "e"),
    Place("hotkeys", HotKeysScreen, "H"),
    Place("help", HelpScreen, "question_mark"),
    Place("palette", CommandPalette, "ctrl+p", app_keys=False),
]
# the fleet overview: home of an app given several targets (swept by its own session, FleetSweep)
FLEET = Place("fleet", FleetScreen, None)
# what only each place shows, checked in order (overlays first: the screen below stays visible)
MARKERS = [
    ("palette", "Search for commands"),
    ("dialog", "Delete this key?"),
    ("dialog", "Set the TTL of"),
    ("dialog", "RENAMENX: if the new name"),
    ("dialog", "This name is taken"),
    ("dialog", "Filter the stream and the top tables"),
    ("dialog", "Insight: which screen?"),
    ("dialog", "Empty the slow log on"),
    ("dialog", "Save a snapshot now on"),
    ("dialog", "The server applies it at once"),
    ("dialog", "Close this client's connection"),
    ("dialog", "Switch to another database"),
    ("dialog", "Search inside this key"),
    ("dialog", "(JSON lines)"),
    ("dialog", '"payload": {'),
    ("help", "╭─ Help ─"),
    ("glob", "SCAN MATCH glob"),
    ("config-filter", "filter: part of a name or value"),
    ("memory", "MEMORY STATS + MEMORY DOCTOR every"),
    ("config", "CONFIG GET * every"),
    ("pubsub", "PUBSUB CHANNELS (first"),
    ("keys", "─ Namespaces ("),
    ("monitor", "─ Stream "),
    ("analyze", "─ Analyze keyspace"),
    ("troubleshoot", "Findings (f)"),
    ("topology", "─ Nodes "),
    ("fleet", "─ Servers "),
    ("replication", "─ Replicas "),
    ("latency", "─ Latency monitor "),
    ("commands", "─ Errors (errorstats) "),
    ("slowlog", "─ Shapes "),
    ("persistence", "─ RDB snapshots "),
    ("events", "Events · "),
    ("hotkeys", "─ Hot keys "),
    ("dashboard", "─ Memory "),
]
QUIT_ACTIONS = {"quit", "app.quit"}
UNTYPABLE = {"super+c"}  # macOS command key: no terminal sends it


def _bindings(cls: type, own: bool = False) -> dict[str, str]:
    """key → action of a class's BINDINGS (its own first, then its bases'; only redis-tui's with `own`)."""
    out: dict[str, str] = {}
    for klass in cls.__mro__:
        if own and not klass.__module__.startswith("redis_tui"):
            continue
        for item in klass.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            for key in binding.key.split(","):
                out.setdefault(key.strip(), binding.action)
    return out


def _widget_classes() -> list[type]:
    """redis-tui's own widgets that bring bindings (pressed on every screen)."""
    return [RowList, ValueList]


def _typable(keys: dict[str, str]) -> list[str]:
    return [key for key, action in keys.items() if action not in QUIT_ACTIONS and key not in UNTYPABLE]


def screen_keys(place: Place) -> list[str]:
    """The keys of `place`'s screen class, quit keys left out."""
    return _typable(_bindings(place.screen))


def widget_keys(place: Place) -> list[str]:
    """The keys of redis-tui's own widgets (list navigation), those the screen does not bind."""
    if not place.app_keys:
        return []
    keys: dict[str, str] = {}
    for widget in _widget_classes():
        for key, action in _bindings(widget, own=True).items():
            keys.setdefault(key, action)
    taken = _bindings(place.screen)
    return [key for key in _typable(keys) if key not in taken]


def app_keys(place: Place) -> list[str]:
    """The app's keys that reach `place` (those its screen does not bind itself)."""
    if not place.app_keys:
        return []
    keys = _bindings(RedisTuiApp)
    keys.setdefault(App.COMMAND_PALETTE_BINDING, "command_palette")
    taken = _bindings(place.screen)
    return [key for key in _typable(keys) if key not in taken]


def same(shown: str, name: bytes) -> bool:
    """`shown` is the escaped `name` (or its start, cut with an ellipsis)."""
    full = safe_text(name, None)
    cut = shown.rstrip("…")
    return shown == full or (len(cut) >= 8 and full.startswith(cut))


def listed_keys(text: str) -> list[str]:
    """The key names in the keys screen's list, as shown."""
    lines = text.splitlines()
    top = next((i for i, line in enumerate(lines) if line.startswith("╭─ Keys")), None)
    if top is None:
        return []
    right = lines[top].index("╮")
    rows = []
    for line in lines[top + 2:]:
        if line.startswith("╰"):
            break
        rows.append(line[1:right - 1].strip())  # the last column may hold the scrollbar
    return rows


def selected_key(text: str) -> str:
    """The first line of the Key pane (the selected key's name, as shown)."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        left = line.find("╭─ Key ─")
        if left >= 0:
            return lines[i + 1][left + 1:].rstrip().rstrip("│").strip()
    return ""
