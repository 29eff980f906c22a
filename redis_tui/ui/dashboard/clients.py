"""Clients pane: connection counts and the CLIENT LIST table, sortable, diffed by client id."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, human_rate, thousands
from redis_tui.core.models import ClientRow, Snapshot
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import build_table, keep_selection, selected_key, sync_rows
from redis_tui.ui.widgets.text import label_value, set_text

# (label, column key, sort value, descending by default)
COLUMNS = (
    ("addr", "addr", lambda c: c.addr, False),
    ("name", "name", lambda c: c.name, False),
    ("age", "age", lambda c: c.age_s, True),
    ("idle", "idle", lambda c: c.idle_s, True),
    ("db", "db", lambda c: c.db, False),
    ("last cmd", "cmd", lambda c: c.cmd, False),
    ("omem", "omem", lambda c: c.omem, True),
    ("id", "id", lambda c: c.id, False),
    ("user", "user", lambda c: c.user, False),
    ("flags", "flags", lambda c: c.flags, False),
)
KEYS = [key for _, key, _, _ in COLUMNS]


def cells(client: ClientRow) -> tuple[Text, ...]:
    """One table row; every server-sent string is escaped and bounded."""
    omem = Text(human_bytes(client.omem), justify="right")
    if client.omem >= 1024 * 1024:
        omem.stylize("bold red")
    return (
        Text(safe_text(client.addr, 48)),
        Text(safe_text(client.name, 40)),
        Text(human_duration(client.age_s), justify="right"),
        Text(human_duration(client.idle_s), justify="right"),
        Text(str(client.db), justify="right"),
        Text(safe_text(client.cmd, 24)),
        omem,
        Text(str(client.id), justify="right"),
        Text(safe_text(client.user, 24)),
        Text(safe_text(client.flags, 16)),
    )


class ClientsPane(Pane):
    """INFO clients summary and the CLIENT LIST table (polled rarely: it walks every connection)."""

    TITLE = "Clients"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sort_column = "idle"
        self.sort_reverse = True
        self._clients: dict[int, ClientRow] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="clients-text")
        yield build_table([(label, key, None) for label, key, _, _ in COLUMNS], id="clients", zebra_stripes=True)

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
        self._update_subtitle(snapshot)
        if snapshot.client_list is None:
            return
        self._clients = {client.id: client for client in snapshot.client_list}
        rows = {str(client.id): cells(client) for client in snapshot.client_list}
        sync_rows(self.query_one(DataTable), rows, sort_key=self._sort_key(), reverse=self.sort_reverse)

    def _update_subtitle(self, snapshot: Snapshot) -> None:
        arrow = "▼" if self.sort_reverse else "▲"
        parts = [f"sort: {self.sort_column} {arrow} (s)"]
        denied = next((n for n in snapshot.notes if n.source == "client-list"), None)
        if denied:
            parts.insert(0, "CLIENT LIST not permitted")
        # no ticking "list Ns old" here: a border that changes every second repaints the whole pane,
        # and so does setting it to the same text (Textual repaints on every assignment)
        subtitle = " · ".join(parts)
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    def _sort_key(self):
        value = COLUMNS[KEYS.index(self.sort_column)][2]
        id_index = KEYS.index("id")
        clients = self._clients

        def key(row):
            client = clients.get(int(str(row[id_index])))
            return value(client) if client else 0

        return key

    def apply_sort(self) -> None:
        """Order the table by the current sort column, keeping the cursor on its client."""
        table = self.query_one(DataTable)
        selected = selected_key(table)
        table.sort(key=self._sort_key(), reverse=self.sort_reverse)
        keep_selection(table, selected)

    def cycle_sort(self) -> None:
        """Sort by the next column (bound to `s`)."""
        index = (KEYS.index(self.sort_column) + 1) % len(KEYS)
        self.sort_by(KEYS[index])

    def sort_by(self, column: str, toggle: bool = False) -> None:
        """Sort by `column`; `toggle` flips the direction when it is already the sort column."""
        if toggle and column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column
            self.sort_reverse = COLUMNS[KEYS.index(column)][3]
        self.apply_sort()
        snapshot = host(self).snapshot
        if snapshot is not None:
            self._update_subtitle(snapshot)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value), toggle=True)

