"""Keys, generated from the bindings: the help screen and ``--help``.

Every screen's ``BINDINGS`` are the one source: a binding's key and description (and its
tooltip, or a line of `DETAILS`, for the longer sentence) make its help row, so help cannot
miss a key the screen has (the footer, `ui/widgets/footer.py`, follows the same order).
`cli_epilog(app_class)` lists the same keys for ``redis-tui --help``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

# Longer sentences for bindings of screens whose Binding has no tooltip: (screen, action) → text.
DETAILS = {
    ("MONITOR", "start_stop"): "start or stop MONITOR (it costs the server: the screen says how much first)",
    ("MONITOR", "pause_view"): "freeze the view; counting and the top tables go on",
    ("MONITOR", "clear"): "empty the view and the counts",
    ("MONITOR", "filter"): "filter by command, key glob, client or database",
    ("MONITOR", "clear_filter"): "remove every filter",
    ("MONITOR", "toggle_window"): "top tables over the last minute, or since MONITOR started",
    ("Keys", "glob"): "glob filter (SCAN MATCH, e.g. user:*; empty: every key); enter applies, esc closes",
    ("Keys", "cycle_type"): "type filter: all → string → hash → list → set → zset → stream",
    ("Keys", "more"): "load the next page of keys (on a cluster: from every primary), or of values when the "
                      "value table has focus",
    ("Keys", "copy"): "copy the key's name (redis-cli's quoted form if it has control characters)",
    ("Keys", "refresh_key"): "reload the key's detail and value",
    ("Keys", "delete"): "delete the key (with --write only; asks first)",
    ("Keys", "expire"): "set or remove the key's TTL (with --write only; asks first)",
    ("Keys", "rename"): "rename the key (with --write only; asks first; on a cluster both names need one hash tag)",
    ("Keys", "copy_value"): "copy a value: the selected element (value table focused) or the string value; text only "
                            "(binary as redis-cli's escaped form), cut at 64K characters (the toast says so)",
    ("Keys", "export"): "write the listed keys (key, type, ttl), or the open collection's elements read so far (value "
                        "table focused), to a JSON-lines file; asks for the path, never overwrites without asking",
    ("Analyze", "start_stop"): "start the analysis (it loads the server: batch and pause_ms in [keyspace]); "
                               "again stops it",
    ("Analyze", "stop_or_back"): "stop (the partial report stays), or back to the dashboard",
}

# Keys that are not bindings of ours (widgets' own): shown after a screen's bindings.
EXTRA = {
    "Dashboard": (("tab", "move focus between tables"),
                  ("↑ ↓ pgup pgdn home end", "move in the clients table (it draws only the rows on screen)"),
                  ("enter (clients, grouped)", "list the clients of that group (g: back to the groups)")),
    "Keys": (("↑ ↓ / pgup pgdn", "move in the key list; the selected key's detail and value show on the right"),
             ("tab", "move between the tree, the key list and the value table"),
             ("enter (tree)", "list only the keys under that prefix (space opens a branch)"),
             ("home / end (values)", "a list's, sorted set's or stream's first / last element (read in one command)"),
             ("f (values)", "find inside the open hash, set or sorted set: HSCAN / SSCAN / ZSCAN MATCH glob, paged; "
                            "the foot says how many matched so far (empty glob: every element)")),
    "Commands and errors (E)": (("enter (filter)", "apply the filter; esc closes it"),),
    "Slow log (S)": (("↑ ↓ pgup pgdn", "move in the entries; new ones come in above and the cursor stays on its "
                      "entry"),),
    "Persistence and backups (B)": (("(reads)", "every second while open; every 0.25 s while a BGSAVE sent from "
                                     "here runs, until it is done (ok or err, and the new last save)"),),
    "Config (C)": (("↑ ↓ pgup pgdn", "move in the parameters; a changed value is highlighted with its time and the "
                                      "value before"),
                   ("enter (filter box)", "apply the filter and go back to the table (empty: every parameter)")),
    "Events": (("↑ ↓ pgup pgdn home end", "move in the list (newest first; new events arrive at the top)"),),
}

PANES = (
    ("Memory", "used memory against maxmemory, RSS, peak, fragmentation (rss/used), eviction policy, evicted keys"),
    ("Cache hit ratio", "keyspace hits and misses per second, the ratio over the last interval and since start, "
                        "and the busiest commands (INFO commandstats)"),
    ("Keyspace", "keys, keys with an expiry and their average TTL per database"),
    ("Throughput", "commands per second and network traffic"),
    ("Clients", "connected / blocked / maxclients and every client of CLIENT LIST (refreshed every few seconds, "
                "more rarely when it is expensive), sortable, or grouped by name, host, user, flag, idle time"),
    ("Newest event", "the line above the keys: the last change seen since start (a finding opened or cleared, a "
                     "restart, a failover, a config change, a lost connection); e lists every one"),
)


def key_label(binding: Binding) -> str:
    """``esc / t`` for ``Binding("escape,t", …)``; a binding's key_display wins."""
    labels: list[str] = []
    for key in binding.key.split(","):
        key = key.strip()
        label = binding.key_display or format_key(key)
        label = {"escape": "esc", "ctrl+p": "^p"}.get(label, label)
        if label not in labels:
            labels.append(label)
    return " / ".join(labels)


def help_text(section: str, binding: Binding) -> str:
    """``Description: the longer sentence`` for one binding."""
    detail = binding.tooltip or DETAILS.get((section, binding.action.rsplit(".", 1)[-1]), "")
    return f"{binding.description}: {detail}" if detail else binding.description


def sections_of(app_class) -> list[tuple[str, tuple[type, ...]]]:
    """(title, classes holding the BINDINGS) for the app (with its dashboard) and each screen."""
    from redis_tui.ui.analyze.screen import AnalyzeScreen
    from redis_tui.ui.dashboard.screen import DashboardScreen
    from redis_tui.ui.events.screen import EventsScreen
    from redis_tui.ui.fleet.screen import FleetScreen
    from redis_tui.ui.insight.base import InsightScreen
    from redis_tui.ui.insight.commands import CommandsScreen
    from redis_tui.ui.insight.config import ConfigScreen
    from redis_tui.ui.insight.hotkeys import HotKeysScreen
    from redis_tui.ui.insight.latency import LatencyScreen
    from redis_tui.ui.insight.memory import MemoryScreen
    from redis_tui.ui.insight.persistence import PersistenceScreen
    from redis_tui.ui.insight.pubsub import PubSubScreen
    from redis_tui.ui.insight.slowlog import SlowlogScreen
    from redis_tui.ui.keys.screen import KeysScreen
    from redis_tui.ui.monitor.screen import MonitorScreen
    from redis_tui.ui.replay.actions import ReplayKeys
    from redis_tui.ui.replication.screen import ReplicationScreen
    from redis_tui.ui.topology.screen import TopologyScreen
    from redis_tui.ui.troubleshoot.screen import TroubleshootScreen

    return [("Dashboard", (app_class, DashboardScreen)), ("Troubleshooting panel", (TroubleshootScreen,)),
            ("MONITOR", (MonitorScreen,)), ("Keys", (KeysScreen,)), ("Analyze", (AnalyzeScreen,)),
            ("Topology (cluster)", (TopologyScreen,)), ("Replication", (ReplicationScreen,)),
            ("Latency (L)", (InsightScreen, LatencyScreen)),
            ("Commands and errors (E)", (InsightScreen, CommandsScreen)),
            ("Slow log (S)", (InsightScreen, SlowlogScreen)),
            ("Persistence and backups (B)", (InsightScreen, PersistenceScreen)),
            ("Memory (M)", (InsightScreen, MemoryScreen)), ("Config (C)", (InsightScreen, ConfigScreen)),
            ("Pub/Sub (U)", (InsightScreen, PubSubScreen)), ("Hot keys (H)", (InsightScreen, HotKeysScreen)),
            ("Events", (EventsScreen,)), ("Fleet overview (several servers)", (FleetScreen,)),
            ("Replay (--replay FILE)", (ReplayKeys,))]


def sections(app_class) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, text)]) per screen, from the bindings of the app and each screen."""
    out = []
    for title, owners in sections_of(app_class):
        rows = [(key_label(b), help_text(title, b)) for b in bindings_of(*owners)]
        rows.extend(EXTRA.get(title, ()))
        out.append((title, rows))
    return out


def bindings_of(*owners) -> list[Binding]:
    """The Binding objects the classes declare, in order (tuples normalised); the replay keys only in their own
    section (the app declares them, but they work in a replay only)."""
    from redis_tui.ui.replay.actions import REPLAY_ACTIONS, ReplayKeys

    out = []
    for owner in owners:
        for item in owner.BINDINGS:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if owner is not ReplayKeys and binding.action.split("(")[0] in REPLAY_ACTIONS:
                continue
            out.append(binding)
    return out


def cli_epilog(app_class) -> str:
    """Every key of every screen of `app_class`, one sentence per screen, for ``redis-tui --help``."""
    lines = ["Keys in the app (? shows them with details):"]
    for title, owners in sections_of(app_class):
        keys = ", ".join(f"{key_label(b)} {b.description}" for b in bindings_of(*owners))
        lines.append(f"{title}: {keys}.")
    return "\n".join(lines)


def _keys_table(rows: Iterable[tuple[str, str]]) -> Table:
    keys = Table.grid(padding=(0, 2))
    keys.add_column(style="bold cyan", no_wrap=True)
    keys.add_column()
    for key, what in rows:
        keys.add_row(Text(key), Text(what))
    return keys


class HelpScreen(ModalScreen[None]):
    """Every screen's keys and what each pane shows, on top of the current screen."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        panes = Table.grid(padding=(0, 2))
        panes.add_column(style="bold", no_wrap=True)
        panes.add_column()
        for name, what in PANES:
            panes.add_row(name, what)
        with VerticalScroll(id="help-body"):
            for number, (title, rows) in enumerate(sections(type(self.app))):
                yield Static(Text(("\n" if number else "") + f"{title} — keys", style="bold"))
                yield Static(_keys_table(rows))
                if number == 0:
                    yield Static(Text("\nPanes", style="bold"))
                    yield Static(panes)
            yield Static(Text("\nctrl+p: command palette, every action by name. Read-only unless started with "
                              "--write. Esc closes.", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help"
