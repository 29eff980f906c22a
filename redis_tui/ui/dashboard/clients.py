"""Clients pane: INFO clients figures and every client of CLIENT LIST, listed or grouped.

The table is a `VirtualTable`: it holds the clients as the poller parsed them and draws only
the rows on screen, so 10,000 clients cost what 20 do. The list is sorted here (every row),
the cursor follows its client by id. `g` cycles the view: the list, then the clients grouped
by name pattern, host, user, flag, idle time (and node, on a cluster); enter on a group lists
its clients. On a cluster's whole view the table holds every node's clients, keyed by
(node, id), with a node column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
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
from redis_tui.core.format import human_bytes, human_duration, human_rate, thousands
from redis_tui.core.models import ClientListCost, ClientRow, Snapshot
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.text import label_value, set_text
from redis_tui.ui.widgets.virtual_table import Column, VirtualTable

LIST = "list"


@dataclass(frozen=True)
class ListColumn:
    """A column of the clients list: how it is shown, how wide it may get, how it sorts."""

    label: str
    key: str
    right: bool = False
    descending: bool = False  # the first sort on it puts the biggest first
    limit: int = 0  # longest text shown (server strings; 0: a figure)


LIST_COLUMNS = (
    ListColumn("addr", "addr", limit=48),
    ListColumn("name", "name", limit=40),
    ListColumn("age", "age", right=True, descending=True),
    ListColumn("idle", "idle", right=True, descending=True),
    ListColumn("db", "db", right=True),
    ListColumn("last cmd", "cmd", limit=24),
    ListColumn("omem", "omem", right=True, descending=True),
    ListColumn("id", "id", right=True),
    ListColumn("user", "user", limit=24),
    ListColumn("flags", "flags", limit=16),
)
NODE_COLUMN = ListColumn("node", "node", limit=40)
KEYS = [column.key for column in LIST_COLUMNS]

GROUP_LABELS = {"name": "name (pool)", "host": "host", "user": "user", "flags": "flag", "idle": "idle",
                "node": "node"}
GROUP_COLUMNS = (
    ListColumn("", "key", limit=40),
    ListColumn("clients", "clients", right=True, descending=True),
    ListColumn("%", "share", right=True, descending=True),
    ListColumn("names", "names", right=True, descending=True),
    ListColumn("hosts", "hosts", right=True, descending=True),
    ListColumn("nodes", "nodes", right=True, descending=True),
    ListColumn("max age", "age", right=True, descending=True),
    ListColumn("max idle", "idle", right=True, descending=True),
    ListColumn("omem", "omem", right=True, descending=True),
)


def client_cells(entry: Entry, with_node: bool = False) -> tuple[str | Text, ...]:
    """One list row; every server-sent string is escaped and bounded."""
    node, client = entry
    omem: str | Text = human_bytes(client.omem)
    if client.omem >= 1024 * 1024:
        omem = Text(str(omem), style="bold red")
    cells: tuple[str | Text, ...] = (
        safe_text(client.addr, 48),
        safe_text(client.name, 40),
        human_duration(client.age_s),
        human_duration(client.idle_s),
        str(client.db),
        safe_text(client.cmd, 24),
        omem,
        str(client.id),
        safe_text(client.user, 24),
        safe_text(client.flags, 16),
    )
    return (safe_text(node, 40), *cells) if with_node else cells


def group_cells(group: Group, total: int, with_nodes: bool) -> tuple[str, ...]:
    """One group row."""
    share = f"{group.clients / total * 100:.1f}%" if total else "—"
    cells = (safe_text(group.key, 40), thousands(group.clients), share, thousands(group.names),
             thousands(group.hosts), thousands(group.nodes), human_duration(group.max_age_s),
             human_duration(group.max_idle_s), human_bytes(group.omem))
    return cells if with_nodes else cells[:5] + cells[6:]


def text_width(values: Sequence[str], limit: int) -> int:
    """The widest `safe_text(value, limit)` among `values` (plain ASCII is measured without escaping)."""
    joined = "".join(values)
    if joined.isascii() and joined.isprintable() and "\\" not in joined:  # nothing to escape: the lengths
        widest = max(map(len, values), default=0)
        return widest if widest <= limit else limit + 1
    return max((len(safe_text(value, limit)) for value in set(values)), default=0)


def figure_width(values: Iterable[int], show: Callable[[int], str]) -> int:
    """The widest `show(value)` among `values`."""
    return max((len(show(value)) for value in set(values)), default=0)


def duration_width(values: Sequence[int]) -> int:
    """The widest `human_duration` among `values`: its width grows with the value within each unit
    (s, m, h, d), so the biggest value of each unit decides."""
    widest = 0
    for low, high in ((0, 60), (60, 3600), (3600, 86400), (86400, None)):
        top = max((v for v in values if v >= low and (high is None or v < high)), default=None)
        if top is not None:
            widest = max(widest, len(human_duration(top)))
    return widest


def number_width(values: Sequence[int]) -> int:
    """The widest `str` of non-negative `values`."""
    return len(str(max(values, default=0)))


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
