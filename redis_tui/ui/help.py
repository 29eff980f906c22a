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
    ("s", "sort the clients table by the next column (or click a header)"),
    ("tab", "move focus between tables"),
    ("ctrl+p", "command palette: every action by name"),
    ("q", "quit"),
)

PANES = (
    ("Memory", "used memory against maxmemory, RSS, peak, fragmentation (rss/used), eviction policy, evicted keys"),
    ("Cache hit ratio", "keyspace hits and misses per second, the ratio over the last interval and since start, "
                        "and the busiest commands (INFO commandstats)"),
    ("Keyspace", "keys, keys with an expiry and their average TTL per database"),
    ("Throughput", "commands per second and network traffic"),
    ("Clients", "connected / blocked / maxclients and the CLIENT LIST table (refreshed every few seconds)"),
)


class HelpScreen(ModalScreen[None]):
    """Keys and panes, on top of the dashboard."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(key, what)
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
            yield Static(Text("\nRead-only unless started with --write. Esc closes.", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Help"
