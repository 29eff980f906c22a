"""Clients pane: INFO clients figures and every client of CLIENT LIST, listed or grouped.

The table is a `VirtualTable`: it holds the clients as the poller parsed them and draws only
the rows on screen, so 10,000 clients cost what 20 do. The list is sorted here (every row),
the cursor follows its client by id. `g` cycles the view: the list, then the clients grouped
by name pattern, host, user, flag, idle time (and node, on a cluster); enter on a group lists
its clients. On a cluster's whole view the table holds every node's clients, keyed by
(node, id), with a node column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from redis_tui.core.clients import (
    GROUPINGS,
    Entry,
    Group,
    entries,
    group_clients,
    in_group,
    sort_entries,
    sort_groups,
)
from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_rate, thousands
from redis_tui.core.models import ClientListCost, ClientRow, Snapshot
from redis_tui.ui.dashboard.client_columns import (
    GROUP_COLUMNS,
    GROUP_LABELS,
    LIST_COLUMNS,
    NODE_COLUMN,
    ListColumn,
    client_cells,
    group_cells,
)
from redis_tui.ui.dashboard.client_kill import WRITE_HINT, KillDialog, is_own, kill, kill_client, own_addresses
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.dashboard.widths import duration_width, figure_width, number_width, text_width
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.text import label_value, set_text
from redis_tui.ui.widgets.virtual_table import Column, VirtualTable

LIST = "list"


class ClientsPane(Pane):
    """INFO clients summary and the CLIENT LIST table (polled rarely: it walks every connection)."""

    TITLE = "Clients"
    DEFAULT_CSS = """
    ClientsPane #clients-list { height: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = LIST  # or one of GROUPINGS
        self.filter: tuple[str, str] | None = None  # (grouping, group key): the list shows that group only
        self.sorts: dict[str, tuple[str, bool]] = {LIST: ("idle", True)}
        self._sources: tuple[tuple[str, object], ...] | None = None  # the lists shown (refreshed when one changes)
        self._denied = False
        self._generation = 0  # counts new client lists
        self._shown_cache: tuple[tuple[object, ...], list[Entry], list[int]] | None = None
        self._entries: list[Entry] = []
        self._node_count = 0  # nodes whose clients are listed (0: none yet)
        self._cluster = False
        self._cost: tuple[ClientListCost, str] | None = None
        self._showing = (0, -1)
        self._clipped = False

    def compose(self) -> ComposeResult:
        yield Static(id="clients-text")
        yield Static(id="clients-list")
        yield VirtualTable(id="clients", zebra_stripes=True)

    # --- compatibility: the list's sort --------------------------------------------------
    @property
    def sort_column(self) -> str:
        return self.sorts.get(self.view, self._default_sort(self.view))[0]

    @property
    def sort_reverse(self) -> bool:
        return self.sorts.get(self.view, self._default_sort(self.view))[1]

    @staticmethod
    def _default_sort(view: str) -> tuple[str, bool]:
        return ("key", False) if view == "idle" else ("clients", True)

    # --- data ----------------------------------------------------------------------------
    def show(self, snapshot: Snapshot | None) -> None:
        text = self.query_one("#clients-text", Static)
        if snapshot is None:
            set_text(text, Text("—", style="dim"))
            return
        clients = snapshot.clients
        limit = f" / {thousands(clients.maxclients)}" if clients.maxclients else ""
        blocked = Text(thousands(clients.blocked), style="bold yellow" if clients.blocked else "bold")
        rejected = Text(f"{thousands(clients.rejected)} ({human_rate(snapshot.rates.rejected)})",
                        style="bold red" if snapshot.rates.rejected else "bold")
        set_text(text, label_value(("connected", f"{thousands(clients.connected)}{limit}"), ("blocked", blocked),
                                   ("rejected", rejected)))
        lists = self._lists(snapshot)
        sources = tuple((node, rows) for node, rows in lists)
        self._denied = any(n.source == "client-list" for n in snapshot.notes)
        old = self._sources
        # by identity: a poll without a new CLIENT LIST hands over the same tuple (comparing 10,000 rows is not free)
        if old is None or len(old) != len(sources) or any(
                a[0] != b[0] or a[1] is not b[1] for a, b in zip(sources, old, strict=True)):
            self._sources = sources
            self._entries = entries(lists)
            self._generation += 1
            self._node_count = len(lists)
            self._refresh_table()
        self._update_subtitle()
        self._update_list_line()

    def _lists(self, snapshot: Snapshot) -> list[tuple[str, Sequence[ClientRow]]]:
        """(node, its client list) to show: every node's on a cluster's whole view, else this snapshot's."""
        cluster = host(self).cluster
        self._cluster = cluster is not None and cluster.focus is None
        if not self._cluster and "node" in (self.view, self.filter and self.filter[0]):
            self.view, self.filter = LIST, None  # grouped by node, then one node was picked
        if cluster is None or cluster.focus is not None:
            cost = snapshot.client_list_cost
            self._cost = (cost, "") if cost is not None else None
            return [("", snapshot.client_list)] if snapshot.client_list is not None else []
        out: list[tuple[str, Sequence[ClientRow]]] = []
        costs: list[tuple[ClientListCost, str]] = []
        for addr, update in cluster.round.updates.items():
            if isinstance(update, Snapshot) and update.client_list is not None:
                out.append((addr, update.client_list))
                if update.client_list_cost is not None:
                    costs.append((update.client_list_cost, addr))
        # the node whose CLIENT LIST is the rarest (then the dearest) speaks for all
        self._cost = max(costs, key=lambda c: (c[0].every_s, c[0].cost_s), default=None)
        return out

    def _refresh_table(self) -> None:
        table = self.query_one(VirtualTable)
        column, descending = self.sort_column, self.sort_reverse
        if self.view == LIST:
            columns = self._list_columns()
            shown, widths = self._shown_list(columns)
            table.sorted_by = (column, descending)
            if [c.key for c in table.columns] != [c.key for c in columns]:
                table.set_columns([Column(c.label, c.key, c.right) for c in columns])
            cluster = self._cluster
            table.set_rows(sort_entries(shown, column, descending), key=lambda e: (e[0], e[1].id),
                           cells=lambda e: client_cells(e, cluster), widths=widths)
            return
        groups = group_clients(self._entries, self.view)
        columns = self._group_columns()
        table.sorted_by = (column, descending)
        if [c.label for c in table.columns] != [c.label for c in columns]:
            table.set_columns([Column(c.label, c.key, c.right) for c in columns])
        total, with_nodes = len(self._entries), self._cluster
        table.set_rows(sort_groups(groups, "clients" if column == "share" else column, descending),
                       key=lambda g: g.key, cells=lambda g: group_cells(g, total, with_nodes),
                       widths=self._group_widths(groups, columns))

    @staticmethod
    def _group_widths(groups: Sequence[Group], columns: Sequence[ListColumn]) -> list[int]:
        counts: dict[str, Callable[[Group], int]] = {"clients": lambda g: g.clients, "names": lambda g: g.names,
                                                     "hosts": lambda g: g.hosts, "nodes": lambda g: g.nodes}
        widths = []
        for column in columns:
            if column.key == "key":
                widths.append(text_width([g.key for g in groups], 40))
            elif column.key in counts:
                widths.append(len(thousands(max((counts[column.key](g) for g in groups), default=0))))
            elif column.key == "share":
                widths.append(6)  # 100.0%
            elif column.key in ("age", "idle"):
                values = [g.max_age_s if column.key == "age" else g.max_idle_s for g in groups]
                widths.append(duration_width(values))
            else:
                widths.append(figure_width((g.omem for g in groups), human_bytes))
        return widths

    def _list_columns(self) -> tuple[ListColumn, ...]:
        return (NODE_COLUMN, *LIST_COLUMNS) if self._cluster else LIST_COLUMNS

    def _group_columns(self) -> tuple[ListColumn, ...]:
        first = ListColumn(GROUP_LABELS[self.view], "key", limit=40)
        rest = [c for c in GROUP_COLUMNS[1:] if c.key != "nodes" or self._cluster]
        return (first, *rest)

    def _shown_list(self, columns: Sequence[ListColumn]) -> tuple[list[Entry], list[int]]:
        """The clients listed (all, or the chosen group's) and the columns' widths, measured once per
        list (a new sort reuses them)."""
        stamp = (self._generation, self.filter, len(columns))
        if self._shown_cache is None or self._shown_cache[0] != stamp:
            shown = self._entries
            if self.filter is not None:
                by, key = self.filter
                shown = [e for e in shown if in_group(e, by, key)]
            self._shown_cache = (stamp, shown, self._list_widths(shown, columns))
        return self._shown_cache[1], self._shown_cache[2]

    def _list_widths(self, shown: Sequence[Entry], columns: Sequence[ListColumn]) -> list[int]:
        fields = dict(zip(ClientRow._fields, zip(*(client for _, client in shown), strict=True), strict=True)) \
            if shown else {name: () for name in ClientRow._fields}
        measure: dict[str, Callable[[], int]] = {
            "node": lambda: text_width([node for node, _ in shown], 40),
            "addr": lambda: text_width(fields["addr"], 48),
            "name": lambda: text_width(fields["name"], 40),
            "age": lambda: duration_width(fields["age_s"]),
            "idle": lambda: duration_width(fields["idle_s"]),
            "db": lambda: number_width(fields["db"]),
            "cmd": lambda: text_width(fields["cmd"], 24),
            "omem": lambda: figure_width(fields["omem"], human_bytes),
            "id": lambda: number_width(fields["id"]),
            "user": lambda: text_width(fields["user"], 24),
            "flags": lambda: text_width(fields["flags"], 16),
        }
        return [measure[column.key]() for column in columns]

    # --- what the pane says --------------------------------------------------------------
    def _update_subtitle(self) -> None:
        arrow = "▼" if self.sort_reverse else "▲"
        column = self.sort_column
        if self.view != LIST:
            column = GROUP_LABELS[self.view] if column == "key" else column
        view = "list" if self.view == LIST else f"by {self.view}"
        parts = [f"sort: {column} {arrow} (s)", f"{view} (g)"]
        if self._denied:
            parts.insert(0, "CLIENT LIST not permitted")
        # no ticking "list Ns old" here: a border that changes every second repaints the whole pane,
        # and so does setting it to the same text (Textual repaints on every assignment)
        subtitle = " · ".join(parts)
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    def _update_list_line(self) -> None:
        line = self.query_one("#clients-list", Static)
        if not self._node_count:
            set_text(line, Text("CLIENT LIST not permitted" if self._denied else "no client list yet", style="dim"))
            return
        table = self.query_one(VirtualTable)
        total = len(self._entries)
        what = f"{thousands(total)} clients" + (f" on {self._node_count} nodes" if self._cluster else "")
        if self.view != LIST:
            what = f"by {self.view}: {thousands(table.row_count)} groups of {what}"
        elif self.filter is not None:
            by, key = self.filter
            what = f"{GROUP_LABELS[by]} {safe_text(key, 40)}: {thousands(table.row_count)} of {what} (g: back)"
        first, last = self._showing
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(what, style="bold")
        if table.row_count:
            out.append(f" · showing {thousands(first + 1)}–{thousands(last + 1)}", style="dim")
            if self._clipped:
                out.append(" · ← → more columns", style="dim")
        if self._cost is not None:
            cost, node = self._cost
            where = f" on {safe_text(node, 40)}" if node else ""
            took = f"{cost.cost_s * 1000:.0f}ms" if cost.cost_s >= 0.0095 else f"{cost.cost_s * 1000:.1f}ms"
            if cost.adapted:
                out.append(f" · CLIENT LIST every {cost.every_s:g}s{where}: it took {took}", style="yellow")
            else:
                out.append(f" · CLIENT LIST every {cost.every_s:g}s ({took})", style="dim")
        set_text(line, out)

    @on(VirtualTable.ViewChanged)
    def _view_changed(self, event: VirtualTable.ViewChanged) -> None:
        self._showing = (event.first, event.last)
        self._clipped = event.clipped
        self._update_list_line()

    # --- keys ----------------------------------------------------------------------------
    def apply_sort(self) -> None:
        """Order the table by the current sort column, keeping the cursor on its client."""
        self._refresh_table()

    def _columns(self) -> tuple[ListColumn, ...]:
        return self._list_columns() if self.view == LIST else self._group_columns()

    def cycle_sort(self) -> None:
        """Sort by the next column (bound to `s`)."""
        keys = [c.key for c in self._columns() if c.key != "share"]
        current = self.sort_column if self.sort_column in keys else keys[0]
        self.sort_by(keys[(keys.index(current) + 1) % len(keys)])

    def sort_by(self, column: str, toggle: bool = False) -> None:
        """Sort by `column`; `toggle` flips the direction when it is already the sort column."""
        if toggle and column == self.sort_column:
            self.sorts[self.view] = (column, not self.sort_reverse)
        else:
            spec = next((c for c in self._columns() if c.key == column), None)
            self.sorts[self.view] = (column, spec.descending if spec else False)
        self._refresh_table()
        self._update_subtitle()

    def cycle_view(self) -> None:
        """Show the next view (bound to `g`): the list, then the clients grouped by name, host, user,
        flag, idle time (and node on a cluster). From a group's list, back to its grouping."""
        if self.filter is not None:
            self.view, self.filter = self.filter[0], None
        else:
            views = [LIST, *(g for g in GROUPINGS if g != "node" or self._cluster)]
            self.view = views[(views.index(self.view) + 1) % len(views)] if self.view in views else LIST
        self._refresh_table()
        self._update_subtitle()
        self._update_list_line()

    @on(VirtualTable.RowSelected)
    def _group_chosen(self, event: VirtualTable.RowSelected) -> None:
        if self.view == LIST:
            return
        self.filter = (self.view, str(event.key))
        self.view = LIST
        self._refresh_table()
        self._update_subtitle()
        self._update_list_line()

    @on(VirtualTable.HeaderSelected)
    def _header_clicked(self, event: VirtualTable.HeaderSelected) -> None:
        self.sort_by("clients" if event.column == "share" else event.column, toggle=True)

    # --- CLIENT KILL (with --write, confirmed; ui/dashboard/client_kill.py) -------------------
    def selected_entry(self) -> Entry | None:
        """The (node, client) under the list's cursor (None in a grouped view or without rows)."""
        if self.view != LIST:
            return None
        key = self.query_one(VirtualTable).selected_key
        return next((e for e in self._entries if (e[0], e[1].id) == key), None)

    def action_kill_client(self) -> None:
        """Ask, then close the selected client's connection (only with --write)."""
        app = host(self)
        entry = self.selected_entry()
        if entry is None:
            self.app.notify("Select a client in the list first (g: back to the list)", timeout=4)
            return
        if not app.write:
            self.app.notify(WRITE_HINT, severity="warning", timeout=6, markup=False)
            return
        node, client = entry
        if not node and app.cluster is not None and app.cluster.focus is not None:
            node = app.cluster.focus  # the dashboard shows one node: its clients are that node's
        dialog = KillDialog(node, client, is_own(client, own_addresses(app)))

        def answered(ok: bool | None) -> None:
            if ok:
                self._kill(node, client)

        self.app.push_screen(dialog, answered)

    @work(group="kill")
    async def _kill(self, node: str, client: ClientRow) -> None:
        what = f"client {client.id} ({safe_text(client.addr, 48)})"
        try:
            done = await kill(kill_client(getattr(self.app, "connections", None), node), client.id)
        except Exception as exc:  # noqa: BLE001 - the server's words (NOPERM, gone) in a toast
            self.app.notify(f"CLIENT KILL {what} failed: {safe_text(str(exc), 200)}", severity="error",
                            timeout=8, markup=False)
            return
        self.app.notify(f"Closed {what}" if done else f"{what} was already gone", timeout=4, markup=False)
        source = getattr(self.app, "source", None)
        refresh = getattr(source, "refresh_now", None)
        if refresh is not None:
            refresh()
