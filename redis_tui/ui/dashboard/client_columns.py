"""The clients table's columns (list and grouped views) and the cells of one row."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from redis_tui.core.clients import Entry, Group
from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, thousands


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
