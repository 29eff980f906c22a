"""The dashboard screen: status line, outage banner, the five panes, footer."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen

from redis_tui.core.models import Outage
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.dashboard.hits import HitsPane
from redis_tui.ui.dashboard.keyspace import KeyspacePane
from redis_tui.ui.dashboard.memory import MemoryPane
from redis_tui.ui.dashboard.throughput import ThroughputPane
from redis_tui.ui.events.line import EventLine
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar

TALL = 34  # from this many rows the panes get taller sparklines and tables (see app.tcss)


class DashboardScreen(Screen):
    """Everything at once; the grid grows with the terminal (see app.tcss)."""

    BINDINGS = [
        Binding("s", "sort_clients", "Sort clients", show=False,
                tooltip="sort the clients table by the next column (or click a header)"),
        Binding("g", "group_clients", "Group clients", show=False,
                tooltip="the clients: list → by name (pool) → by host → by user → by flag → by idle time "
                "(→ by node on a cluster); enter on a group lists its clients"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield OutageBanner(id="outage")
        with Grid(id="panes"):
            yield MemoryPane(id="memory")
            yield HitsPane(id="hits")
            yield KeyspacePane(id="keyspace-pane")
            yield ThroughputPane(id="throughput")
            yield ClientsPane(id="clients-pane")
        yield EventLine(id="event-line")  # the newest event, once there is one (e: every event)
        replay = getattr(self.app, "replay", None)
        if replay is not None:
            from redis_tui.ui.replay.timeline import Timeline

            yield Timeline(replay, id="timeline")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "outage", self._show_stale, init=True)
        self._fit(self.app.size.height)

    def _show_stale(self, outage: Outage | None) -> None:
        self.set_class(outage is not None, "-stale")

    def action_sort_clients(self) -> None:
        """Sort the clients table by the next column."""
        self.query_one(ClientsPane).cycle_sort()

    def action_group_clients(self) -> None:
        """Show the clients list, or the next grouping of them."""
        self.query_one(ClientsPane).cycle_view()

    def on_resize(self, event: events.Resize) -> None:
        # the event's size: App.size may still hold the old one while this handler runs
        self._fit(event.size.height)

    def on_screen_resume(self) -> None:
        self._fit(self.app.size.height)  # resized while another screen was on top

    def _fit(self, height: int) -> None:
        self.set_class(height >= TALL, "-tall")
