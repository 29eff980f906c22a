"""The help screen: every key, and what each pane shows."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("?", "this help"),
    ("p", "pause / resume polling"),
    ("+ / -", "poll less / more often (0.25 s … 60 s)"),
    ("r", "refresh now (or retry the connection)"),
    ("t", "troubleshooting panel: findings, evidence, what to type (esc: back)"),
    ("c", "production-readiness checklist"),
    ("m", "MONITOR screen: live command stream, filters, top commands/prefixes/clients (s starts it)"),
    ("k", "keys screen: browse keys (SCAN), namespace tree, a key's type, TTL, memory and value"),
    ("a", "analyze screen: keys and bytes by type and prefix, biggest keys, TTLs (s starts it)"),
    ("s", "sort the clients table by the next column (or click a header)"),
    ("tab", "move focus between tables"),
    ("ctrl+p", "command palette: every action by name"),
    ("q", "quit"),
)

KEYS_SCREEN = (
    ("↑ ↓ / pgup pgdn", "move in the key list; the selected key's detail and value show on the right"),
    ("tab", "move between the tree, the key list and the value table"),
    ("enter (tree)", "list only the keys under that prefix (space opens a branch; counts load as it scans)"),
    ("/", "glob filter (SCAN MATCH, e.g. user:*; empty: every key); enter applies, esc closes"),
    ("t", "type filter: all → string → hash → list → set → zset → stream"),
    ("M", "load the next page of keys, or of values when the value table has focus (also automatic)"),
    ("y", "copy the key's name (redis-cli's quoted form if it has control characters or invalid UTF-8)"),
    ("R", "reload the key's detail and value"),
    ("d / e / n", "with --write only: delete, set or remove the TTL, rename (each asks first)"),
    ("esc / k", "back to the dashboard"),
)

ANALYZE_SCREEN = (
    ("s", "start the analysis (it loads the server: batch and pause_ms in [keyspace]); s again stops it"),
    ("esc", "stop (the partial report stays), or back to the dashboard"),
)

PANES = (
    ("Memory", "used memory against maxmemory, RSS, peak, fragmentation (rss/used), eviction policy, evicted keys"),
    ("Cache hit ratio", "keyspace hits and misses per second, the ratio over the last interval and since start, "
                        "and the busiest commands (INFO commandstats)"),
    ("Keyspace", "keys, keys with an expiry and their average TTL per database"),
    ("Throughput", "commands per second and network traffic"),
    ("Clients", "connected / blocked / maxclients and the CLIENT LIST table (refreshed every few seconds)"),
)


def _keys_table(rows: tuple[tuple[str, str], ...]) -> Table:
    keys = Table.grid(padding=(0, 2))
    keys.add_column(style="bold cyan", no_wrap=True)
    keys.add_column()
    for key, what in rows:
        keys.add_row(Text(key), Text(what))
    return keys


class HelpScreen(ModalScreen[None]):
    """Keys and panes, on top of the dashboard."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        keys, keys_screen, analyze_screen = (_keys_table(rows) for rows in (KEYS, KEYS_SCREEN, ANALYZE_SCREEN))
        panes = Table.grid(padding=(0, 2))
        panes.add_column(style="bold", no_wrap=True)
        panes.add_column()
        for name, what in PANES:
            panes.add_row(name, what)
        with VerticalScroll(id="help-body"):
            yield Static(Text("redis-tui — keys", style="bold"))
            yield Static(keys)
            yield Static(Text("\nPanes", style="bold"))
            yield Static(panes)
            yield Static(Text("\nKeys screen (k)", style="bold"))
            yield Static(keys_screen)
            yield Static(Text("\nAnalyze screen (a)", style="bold"))
            yield Static(analyze_screen)
            yield Static(Text("\nRead-only unless started with --write. Esc closes.", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help"
