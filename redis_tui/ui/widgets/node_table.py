"""`NodeTable`: one row per server (a cluster's nodes, a fleet's targets), keyed by address,
diffed in place like the clients table, sortable; enter on a row posts `NodeTable.Picked`.

Rows are `core.topology.rows.NodeRow`s. A down node is a red row; a primary whose memory,
keys or ops/s stand out from the others (see `NodeRow.hot`) has that figure in bold red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_bytes, human_rate, thousands
from redis_tui.core.topology.rows import DOWN, NodeRow
from redis_tui.ui.widgets.table import Table, keep_selection, selected_key, sync_rows

BADGES = {"OK": ("● ok", "bold green"), "WARNING": ("▲ warn", "bold yellow"),
          "CRITICAL": ("✖ crit", "bold red"), DOWN: ("✖ DOWN", "bold white on red")}


@dataclass(frozen=True)
class Column:
    """A column: its header, the cell text of a row, the sort value (None: not sortable), right-aligned."""

    label: str
    key: str
    text: Callable[[NodeRow], str]
    sort: Callable[[NodeRow], Any] | None = None
    right: bool = False
    hot: str = ""  # the NodeRow.hot measure this column shows


def _lag(row: NodeRow) -> str:
    return DASH if row.lag is None else thousands(row.lag)


def _num(value: float | None) -> float:
    return -1.0 if value is None else float(value)


COLUMNS: dict[str, Column] = {c.key: c for c in (
    Column("status", "status", lambda r: BADGES.get(r.status, (r.status, ""))[0],
           lambda r: (list(BADGES).index(r.status) if r.status in BADGES else 0)),
    Column("node", "addr", lambda r: r.addr, lambda r: r.addr),
    Column("role", "role", lambda r: r.role if r.role != "replica" else "└ replica", None),
    Column("slots", "slots", lambda r: r.slots or DASH, None),
    Column("#slots", "slot_count", lambda r: thousands(r.slot_count) if r.slot_count else DASH,
           lambda r: r.slot_count, right=True),
    Column("memory", "memory", lambda r: human_bytes(r.memory), lambda r: _num(r.memory), True, "memory"),
    Column("ops/s", "ops", lambda r: human_rate(r.ops, ""), lambda r: _num(r.ops), True, "ops"),
    Column("keys", "keys", lambda r: thousands(r.keys) if r.keys is not None else DASH,
           lambda r: _num(r.keys), True, "keys"),
    Column("clients", "clients", lambda r: thousands(r.clients) if r.clients is not None else DASH,
           lambda r: _num(r.clients), True),
    Column("lag", "lag", _lag, lambda r: _num(r.lag), True),
    Column("epoch", "epoch", lambda r: str(r.epoch), lambda r: r.epoch, True),
    Column("link", "link", lambda r: r.link or DASH, None),
    Column("flags", "flags", lambda r: r.flags or (r.problem and f"({r.problem})"), None),
)}
CLUSTER_COLUMNS = ("status", "addr", "role", "slots", "slot_count", "memory", "ops", "keys", "clients", "lag",
                   "epoch", "link", "flags")
# the order `s` goes through: "shard" is the topology's own (each primary followed by its replicas)
SORTS = ("shard", "memory", "ops", "keys", "clients", "addr", "status")


def cells(row: NodeRow, columns: Sequence[Column]) -> tuple[Text, ...]:
    """One row's cells: server text escaped; a down node all red, a standing-out figure bold red."""
    out = []
    for column in columns:
        text = Text(safe_text(column.text(row), 60), justify="right" if column.right else "left")
        if column.key == "status":
            text.stylize(BADGES.get(row.status, ("", "bold"))[1])
        elif row.down:
            text.stylize("red")
        elif column.hot and column.hot in row.hot:
            text.stylize("bold red")
        elif column.key == "flags" and row.flags:
            text.stylize("yellow")
        out.append(text)
    return tuple(out)


class NodeTable(Table):
    """The servers of a topology, one row each (key: the address)."""

    class Picked(Message):
        """Enter on a row: show this node."""

        def __init__(self, addr: str) -> None:
            super().__init__()
            self.addr = addr

    def __init__(self, columns: Sequence[str] = CLUSTER_COLUMNS, **kwargs) -> None:
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(cursor_type="row", **kwargs)
        self.spec = [COLUMNS[key] for key in columns]
        self.sort_name = "shard"
        self._rows: dict[str, NodeRow] = {}
        for column in self.spec:
            self.add_column(Text(column.label, justify="right" if column.right else "left"), key=column.key)

    def show(self, rows: Sequence[NodeRow]) -> None:
        """Hold exactly these rows (diffed by address), in the current sort order."""
        self._rows = {row.addr: row for row in rows}
        sync_rows(self, {row.addr: cells(row, self.spec) for row in rows})
        self._apply_order()

    def _order(self) -> list[str]:
        rows = list(self._rows.values())
        if self.sort_name == "shard":
            ranked = sorted(rows, key=lambda r: (r.shard, r.role != "primary", r.addr))
        else:
            column = COLUMNS[self.sort_name]
            assert column.sort is not None
            # figures: biggest first; names and statuses: in their order
            ranked = sorted(rows, key=column.sort, reverse=column.right)
        return [row.addr for row in ranked]

    def cycle_sort(self) -> str:
        """Sort by the next of `SORTS`; returns its name."""
        self.sort_name = SORTS[(SORTS.index(self.sort_name) + 1) % len(SORTS)]
        self._apply_order()
        return self.sort_name

    def _apply_order(self) -> None:
        order = self._order()
        if [row.key.value for row in self.ordered_rows] == order:
            return  # sorting again would repaint every row
        rank = {addr: index for index, addr in enumerate(order)}
        selected = selected_key(self)
        self.sort("addr", key=lambda cell: rank.get(str(cell), len(rank)))
        keep_selection(self, selected)

    @on(DataTable.RowSelected)
    def _picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Picked(event.row_key.value))
