"""The fleet overview: one row per server — status (its worst finding), name, address, Redis/Valkey and
version, role, memory % of maxmemory, ops/s, hit ratio, clients, keys, the worst finding's id — updated
every round. The app opens on it when given several targets. ``enter`` opens that server's dashboard
(``esc`` there comes back, ``n`` goes to the next server); ``s`` sorts. A server that does not answer is
a red row saying why; the others go on updating. A server that is a node of a cluster is the row of that
node alone (its role says ``cluster node``, and a note above the table says so).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.fleet.poller import CLUSTER_FLAG
from redis_tui.core.fleet.rows import fleet_rows
from redis_tui.core.fleet.source import FleetRound
from redis_tui.ui.fleet.host import fleet_host
from redis_tui.ui.fleet.status import FleetStatus
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.node_table import FLEET_COLUMNS, FLEET_PRIORITY, FLEET_SORTS, NodeTable
from redis_tui.ui.widgets.table import selected_key


def note(fleet: FleetRound | None) -> Text:
    """What a row does not say by itself: which servers are cluster nodes (their row is that node alone)."""
    if fleet is None:
        return Text("Polling every server…", style="dim")
    clustered = [n.name or n.addr for n in fleet.round.topology.nodes if CLUSTER_FLAG in n.flags]
    if not clustered:
        return Text()
    names = ", ".join(safe_text(name, 40) for name in clustered)
    verb = "is a cluster node" if len(clustered) == 1 else "are cluster nodes"
    return Text(f"{names} {verb}: the row and its dashboard show that node alone, not the whole cluster.",
                style="yellow")


class FleetScreen(Screen):
    """Every server of the fleet in one table (the shared `NodeTable`)."""

    DEFAULT_CSS = """
    FleetScreen #fleet-note { height: auto; max-height: 2; padding: 0 1; }
    FleetScreen #servers { height: 1fr; border: round $primary 60%; border-title-style: bold; }
    """

    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="the selected server's dashboard (esc there: back here; "
                "n: the next server)"),
        Binding("s", "sort", "Sort", tooltip="sort by the order given, status (worst first), name, memory %, "
                "ops/s, hit ratio, clients, keys"),
    ]

    def compose(self) -> ComposeResult:
        yield FleetStatus()
        yield Static(id="fleet-note")
        yield NodeTable(FLEET_COLUMNS, priority=FLEET_PRIORITY, sorts=FLEET_SORTS, id="servers")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(NodeTable).border_title = "Servers"
        self.watch(self.app, "fleet", lambda _value: self.refresh_rows(), init=False)
        self.refresh_rows()
        self.query_one(NodeTable).focus()

    def refresh_rows(self) -> None:
        """Show the app's latest round."""
        fleet = fleet_host(self).fleet
        table = self.query_one(NodeTable)
        table.show(fleet_rows(fleet) if fleet is not None else [])
        self._subtitle()
        line = self.query_one("#fleet-note", Static)
        text = note(fleet)
        line.display = bool(text.plain)
        if line.content != text:
            line.update(text)  # with a relayout: the note may take two lines

    def order(self) -> list[str]:
        """The servers' addresses in the order shown."""
        return [str(row.key.value) for row in self.query_one(NodeTable).ordered_rows]

    def _subtitle(self) -> None:
        table = self.query_one(NodeTable)
        subtitle = f"sort: {table.sort_label} (s) · enter: open"
        if table.border_subtitle != subtitle:  # setting it repaints the whole table, even to the same text
            table.border_subtitle = subtitle

    def action_open(self) -> None:
        """Open the dashboard of the server under the cursor."""
        addr = selected_key(self.query_one(NodeTable))
        if addr is not None:
            fleet_host(self).show_member(addr)

    def action_sort(self) -> None:
        """Sort by the next column."""
        self.query_one(NodeTable).cycle_sort()
        self._subtitle()

    @on(NodeTable.Picked)
    def _picked(self, event: NodeTable.Picked) -> None:
        fleet_host(self).show_member(event.addr)
