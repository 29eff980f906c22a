"""`NodeTable`: one row per server (a cluster's nodes, a fleet's targets), keyed by address,
diffed in place like the clients table, sortable; enter on a row posts `NodeTable.Picked`.

Rows are `core.nodes.NodeRow`s. A down node is a red row; a primary whose memory,
keys or ops/s stand out from the others (see `NodeRow.hot`) has that figure in bold red.

The table never scrolls sideways: when the columns are wider than the table, it leaves out the
least important ones (`PRIORITY`, measured on the rows shown), so at 80 columns a node's status,
address, role, slots, flags, memory, ops/s and lag stay whole. A fleet's table (`FLEET_COLUMNS`,
`FLEET_PRIORITY`, `FLEET_SORTS`) shows a server's name, version, memory % of maxmemory, hit ratio and
worst finding instead of slots, lag and epoch; at 80 columns status, name, role, memory %, ops/s, hit
ratio, clients and keys stay.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_bytes, human_rate, thousands
from redis_tui.core.nodes import DOWN, NodeRow
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
    descending: bool | None = None  # sort order (None: figures, right-aligned, biggest first)


def _lag(row: NodeRow) -> str:
    return DASH if row.lag is None else thousands(row.lag)


def _num(value: float | None) -> float:
    return -1.0 if value is None else float(value)


def _pct(value: float | None, none: str = DASH) -> str:
    return none if value is None else f"{value:.0f}%"


COLUMNS: dict[str, Column] = {c.key: c for c in (
    Column("status", "status", lambda r: BADGES.get(r.status, (r.status, ""))[0],
           lambda r: (list(BADGES).index(r.status) if r.status in BADGES else 0), descending=True),  # worst first
    Column("node", "addr", lambda r: r.addr, lambda r: r.addr),
    Column("name", "name", lambda r: r.name or r.addr, lambda r: r.name or r.addr),
    Column("address", "address", lambda r: r.addr, lambda r: r.addr),
    Column("server", "server", lambda r: r.server or DASH, lambda r: r.server),
    Column("role", "fleet_role", lambda r: r.role or DASH, lambda r: r.role),
    Column("mem%", "memory_pct", lambda r: _pct(r.memory_pct, "no max" if r.memory is not None else DASH),
           lambda r: _num(r.memory_pct), True),
    Column("hit%", "hit", lambda r: _pct(None if r.hit_ratio is None else 100 * r.hit_ratio),
           lambda r: _num(r.hit_ratio), True),
    Column("finding", "problem", lambda r: r.problem or DASH, None),
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
# a Sentinel group: no slots or epochs; link is a replica's master link as the Sentinels see it
SENTINEL_COLUMNS = ("status", "addr", "role", "memory", "ops", "keys", "clients", "lag", "link", "flags")
# the order columns are given up in, last first, when the table is narrower than all of them
PRIORITY = ("status", "addr", "role", "slots", "flags", "memory", "ops", "lag", "keys", "slot_count", "clients",
            "link", "epoch")
# the order `s` goes through: "shard" is the topology's own (each primary followed by its replicas)
SORTS = ("shard", "memory", "ops", "keys", "clients", "addr", "status")
FLEET_COLUMNS = ("status", "name", "address", "server", "fleet_role", "memory_pct", "memory", "ops", "hit",
                 "clients", "keys", "problem")
FLEET_PRIORITY = ("status", "name", "memory_pct", "ops", "hit", "fleet_role", "clients", "keys", "problem",
                  "address", "server", "memory")
# "given": the order the servers were given in (a fleet's own)
FLEET_SORTS = ("given", "status", "name", "memory_pct", "ops", "hit", "clients", "keys")
OWN_ORDERS = ("shard", "given")


def fitting(columns: Sequence[Column], rows: Sequence[tuple[Text, ...]], room: int | None,
            padding: int, priority: Sequence[str] = PRIORITY) -> list[Column]:
    """The columns to show in `room` cells (None: all): the most important that fit (in `priority` order), in
    their own order. A column's width is its widest cell or header plus `padding` on each side; the first two
    of `priority` (status, and the address or name) always stay."""
    if room is None:
        return list(columns)
    widths = {}
    for index, column in enumerate(columns):
        widest = max((row[index].cell_len for row in rows), default=0)
        widths[column.key] = max(widest, cell_len(column.label)) + 2 * padding
    chosen, used = set(), 0
    for key in sorted(widths, key=lambda k: priority.index(k) if k in priority else len(priority)):
        if used + widths[key] <= room or key in priority[:2]:
            chosen.add(key)
            used += widths[key]
    return [column for column in columns if column.key in chosen]


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

    def __init__(self, columns: Sequence[str] = CLUSTER_COLUMNS, *, priority: Sequence[str] = PRIORITY,
                 sorts: Sequence[str] = SORTS, **kwargs) -> None:
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(cursor_type="row", **kwargs)
        self.columns_wanted = [COLUMNS[key] for key in columns]
        self.priority = tuple(priority)
        self.sorts = tuple(sorts)
        self.spec: list[Column] = []  # the columns shown (those that fit)
        self.sort_name = self.sorts[0]
        self._rows: dict[str, NodeRow] = {}
        self._set_columns(self.columns_wanted)

    def show(self, rows: Sequence[NodeRow]) -> None:
        """Hold exactly these rows (diffed by address), in the current sort order, with the columns that fit."""
        self._rows = {row.addr: row for row in rows}
        selected = selected_key(self)
        every = {row.addr: cells(row, self.columns_wanted) for row in rows}  # each cell made once per round
        rebuilt = self._fit(list(every.values()))
        shown = [self.columns_wanted.index(column) for column in self.spec]
        sync_rows(self, {addr: tuple(row[i] for i in shown) for addr, row in every.items()})
        self._apply_order()
        if rebuilt:
            keep_selection(self, selected)

    def use_columns(self, columns: Sequence[str]) -> None:
        """Offer these columns (keys of `COLUMNS`) from the next `show` on."""
        wanted = [COLUMNS[key] for key in columns]
        if [c.key for c in wanted] != [c.key for c in self.columns_wanted]:
            self.columns_wanted = wanted
            self.spec = []  # the next fit sets the columns again

    def on_resize(self, event: Resize) -> None:
        self.show(list(self._rows.values()))

    def _room(self) -> int | None:
        """Cells for the columns (None before the table is laid out); a vertical scrollbar's are kept free."""
        width, height = self.content_region.width, self.content_region.height
        if not width:
            return None
        if len(self._rows) + 1 > height:  # rows + header: a vertical scrollbar will show
            width -= self.styles.scrollbar_size_vertical
        return width

    def _fit(self, rows: Sequence[tuple[Text, ...]]) -> bool:
        """Show the columns that fit now (`rows`: every row's cells of every column wanted); True if they
        changed (every row is then added again)."""
        wanted = fitting(self.columns_wanted, rows, self._room(), self.cell_padding, self.priority)
        if [c.key for c in wanted] == [c.key for c in self.spec]:
            return False
        self._set_columns(wanted)
        return True

    def _set_columns(self, columns: Sequence[Column]) -> None:
        self.clear(columns=True)
        self.spec = list(columns)
        for column in self.spec:
            self.add_column(Text(column.label, justify="right" if column.right else "left"), key=column.key)

    def _order(self) -> list[str]:
        rows = list(self._rows.values())
        if self.sort_name in OWN_ORDERS:
            ranked = sorted(rows, key=lambda r: (r.shard, r.role != "primary", r.addr))
        else:
            column = COLUMNS[self.sort_name]
            assert column.sort is not None
            # figures: biggest first; names in their order; statuses: the worst first
            descending = column.right if column.descending is None else column.descending
            ranked = sorted(rows, key=column.sort, reverse=descending)
        return [row.addr for row in ranked]

    def cycle_sort(self) -> str:
        """Sort by the next of `sorts`; returns its name."""
        self.sort_name = self.sorts[(self.sorts.index(self.sort_name) + 1) % len(self.sorts)]
        self._apply_order()
        return self.sort_name

    @property
    def sort_label(self) -> str:
        """The sort in words: ``given`` / ``shard``, else the column's header."""
        return self.sort_name if self.sort_name in OWN_ORDERS else COLUMNS[self.sort_name].label

    def _apply_order(self) -> None:
        order = self._order()
        if [row.key.value for row in self.ordered_rows] == order:
            return  # sorting again would repaint every row
        # DataTable sorts by cells: by those of the column that names each row (the address, a fleet's name)
        named_by = COLUMNS[self.priority[1]]
        rank = {str(cells(self._rows[key], (named_by,))[0]): index for index, key in enumerate(order)}
        selected = selected_key(self)
        self.sort(named_by.key, key=lambda cell: rank.get(str(cell), len(rank)))
        keep_selection(self, selected)

    @on(DataTable.RowSelected)
    def _picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Picked(event.row_key.value))
