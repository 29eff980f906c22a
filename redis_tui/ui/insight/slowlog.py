"""The slow log screen (``S``): ``SLOWLOG GET <count>`` read while the screen is open — every entry (time,
duration, client, the command escaped and cut) and the entries grouped by shape (``HGETALL user:*``: count,
total and longest time, share of slow time). New entries come in live; the cursor stays on its row.

On a cluster it reads every node at once and merges their slow logs, newest first, with a node column.
``x`` sends ``SLOWLOG RESET`` (to every node read) with ``--write`` only, after a confirmation. redis-tui's
own connections' entries are left out (and counted).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH
from redis_tui.core.insight.slowlog import (
    SlowlogOptions,
    SlowRow,
    by_redis_tui,
    command_line,
    duration,
    headline,
    merge_entries,
    shapes,
)
from redis_tui.core.models import SlowEntry
from redis_tui.core.parse import parse_config_reply, parse_slowlog
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.insight.confirm_write import ConfirmWrite
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table, sync_rows

SHAPE_COLUMNS = (("shape", "shape"), ("count", "count"), ("total", "total"), ("max", "max"), ("share", "share"))
RIGHT = frozenset({"count", "total", "max", "share", "duration"})


def when(at: int, now: float) -> str:
    """``14:02:11`` today (local time), ``11-24 14:02`` before."""
    stamp = time.localtime(at)
    if time.strftime("%Y%m%d", stamp) == time.strftime("%Y%m%d", time.localtime(now)):
        return time.strftime("%H:%M:%S", stamp)
    return time.strftime("%m-%d %H:%M", stamp)


def share(ratio: float) -> str:
    """``73 %``; ``<1 %`` for a sliver."""
    return "<1 %" if 0 < ratio < 0.005 else f"{ratio * 100:.0f} %"


def duration_style(us: int) -> str:
    """Red from 100 ms, yellow from 10 ms."""
    return "bold red" if us >= 100_000 else "bold yellow" if us >= 10_000 else ""


def entry_cells(row: SlowRow, now: float, cluster: bool, width: int) -> list[Text]:
    """One entry's cells: [node #id | id], time, duration, command (escaped, cut to `width`), client, name."""
    entry = row.entry
    first = f"{safe_text(row.node, 40)} #{entry.id}" if cluster else str(entry.id)
    return [
        Text(first, no_wrap=True),
        Text(when(entry.at, now)),
        Text(duration(entry.duration_us), justify="right", style=duration_style(entry.duration_us)),
        Text(command_line(entry, width)),
        Text(safe_text(entry.client_addr, 40) or DASH),
        Text(safe_text(entry.client_name, 20) or DASH, style="dim" if not entry.client_name else ""),
    ]


class SlowlogScreen(InsightScreen[tuple[SlowEntry, ...]]):
    """Slow log entries and their shapes, every node merged on a cluster."""

    NAME = "slowlog"
    TITLE = "Slow log"
    EVERY = 2.0
    FAN_OUT = True

    DEFAULT_CSS = """
    SlowlogScreen #slowlog-head { height: auto; max-height: 6; padding: 0 1; }
    SlowlogScreen #slowlog-shapes { height: 5; border: round $primary 60%;
                                    border-title-style: bold; }
    SlowlogScreen #slowlog-entries { height: 1fr; border: round $primary 60%; border-title-style: bold; }
    """

    BINDINGS = [
        Binding("x", "reset", "Reset", tooltip="SLOWLOG RESET: empty the slow log (every node on a cluster); "
                "with --write only, after a confirmation"),
    ]

    def __init__(self, connections=None, options: SlowlogOptions | None = None) -> None:
        super().__init__(connections)
        self.options = options
        self._cluster_columns: bool | None = None
        self._live_config: dict[str, str] = {}  # CONFIG GET slowlog-* with the last read

    @property
    def count(self) -> int:
        """Entries read from each node (``[slowlog] count``)."""
        if self.options is None:
            section = getattr(self.app, "sections", {}).get("slowlog", {})
            self.options = SlowlogOptions.from_section(section)
        return self.options.count

    @property
    def COST(self) -> str:  # type: ignore[override]  # the bar's cost line follows the configured count
        return f"SLOWLOG GET {self.count} + CONFIG GET slowlog-* every {self.EVERY:g} s while open"

    def compose_body(self) -> ComposeResult:
        yield Static(id="slowlog-head")
        yield Table(id="slowlog-shapes", cursor_type="row", show_cursor=False)
        yield Table(id="slowlog-entries", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        shapes_table = self.query_one("#slowlog-shapes", Table)
        shapes_table.border_title = "Shapes"
        shapes_table.border_subtitle = "numbers, uuids and hex in the key folded to *"
        for label, key in SHAPE_COLUMNS:
            shapes_table.add_column(Text(label, justify="right" if key in RIGHT else "left"), key=key)
        self.query_one("#slowlog-entries", Table).border_title = "Slow log (newest first)"
        self.query_one("#slowlog-entries", Table).focus()
        if self.connections is None:  # fixed data or a replay: what the dashboard's polls hold
            self.watch(self.app, "snapshot", lambda _s: self._show_polled(), init=True)

    def _show_polled(self) -> None:
        snapshot = self.snapshot()
        if snapshot is not None and snapshot.slowlog is not None:
            self.show_readings({"": Reading("", value=snapshot.slowlog, at=snapshot.slowlog_at or snapshot.taken_at)})

    async def read(self, client: Commands) -> tuple[SlowEntry, ...]:
        entries = parse_slowlog(await client.execute_command("SLOWLOG", "GET", self.count))
        # what the server logs now (the dashboard's CONFIG GET * is up to 30 s old); one pattern: Redis 6 too.
        # Refused (NOPERM): the dashboard's poll will do.
        with contextlib.suppress(Exception):
            self._live_config = parse_config_reply(await client.execute_command("CONFIG", "GET", "slowlog-*"))
        return entries

    def show(self, readings: Mapping[str, Reading[tuple[SlowEntry, ...]]]) -> None:
        cluster = list(readings) != [""]
        every = merge_entries({node: r.value or () for node, r in readings.items()})
        own = [row for row in every if by_redis_tui(row)]
        rows = [row for row in every if not by_redis_tui(row)]
        groups = shapes(rows)
        self._show_head(readings, rows, own, groups)
        self._show_shapes(groups)
        self._show_entries(rows, cluster)

    def _show_head(self, readings: Mapping[str, Reading[Any]], rows: Sequence[SlowRow], own: Sequence[SlowRow],
                   groups: tuple) -> None:
        head = Text()
        for reading in readings.values():
            line = missing(reading, "SLOWLOG GET")
            if line is not None:
                head.append_text(line).append("\n")
        top = headline(groups)
        if top:
            head.append(safe_text(top, 200), style="bold")
        elif not any(r.problem for r in readings.values()):
            head.append("The slow log is empty: no command took longer than slowlog-log-slower-than.", style="dim")
        config = self._threshold()
        if config:
            head.append(f"\n{config}", style="dim")
        if own:
            head.append(f" · {len(own)} entr{'ies' if len(own) != 1 else 'y'} of redis-tui's own connections "
                        f"left out", style="dim")
        self.query_one("#slowlog-head", Static).update(head)

    def _threshold(self) -> str:
        snapshot = self.snapshot()
        config = self._live_config or (snapshot.config if snapshot is not None else {})
        slower, length = config.get("slowlog-log-slower-than"), config.get("slowlog-max-len")
        if slower is None and length is None:
            return ""
        parts = []
        if slower is not None:
            parts.append("logging is off (slowlog-log-slower-than -1)" if slower.startswith("-")
                         else f"logs commands slower than {duration(int(slower))}" if slower.isdigit()
                         else f"slowlog-log-slower-than {safe_text(slower, 20)}")
        if length is not None:
            parts.append(f"keeps the last {safe_text(length, 12)} (slowlog-max-len)")
        return "The server " + ", ".join(parts) + "."

    def _show_shapes(self, groups: tuple) -> None:
        table = self.query_one("#slowlog-shapes", Table)
        cells = {g.shape: [Text(g.shape), Text(str(g.count), justify="right"),
                           Text(duration(g.total_us), justify="right"), Text(duration(g.max_us), justify="right"),
                           Text(share(g.share), justify="right")] for g in groups}
        sync_rows(table, cells, order=[g.shape for g in groups])
        shown = min(max(1, len(groups)), 8 if self.app.size.height >= 34 else 4)
        table.styles.height = shown + 3  # the header and the border: the entries get the rest

    def _show_entries(self, rows: Sequence[SlowRow], cluster: bool) -> None:
        table = self.query_one("#slowlog-entries", Table)
        if cluster != self._cluster_columns:
            table.clear(columns=True)
            for label, key in (("node #id" if cluster else "id", "id"), ("time", "time"),
                               ("duration", "duration"), ("command", "command"), ("client", "client"),
                               ("name", "name")):
                table.add_column(Text(label, justify="right" if key in RIGHT else "left"), key=key)
            self._cluster_columns = cluster
        now = time.time() if self.connections is not None else (max((r.entry.at for r in rows), default=0))
        width = max(30, self.app.size.width - (90 if cluster else 70))  # the command, then who sent it
        sync_rows(table, {row.key: entry_cells(row, now, cluster, width) for row in rows},
                  order=[row.key for row in rows])

    # --- SLOWLOG RESET ---------------------------------------------------------------------------
    def action_reset(self) -> None:
        """SLOWLOG RESET (every node on a cluster), with --write only, after a confirmation."""
        if not host(self).write:
            self.notify("SLOWLOG RESET changes server state: start redis-tui with --write to allow it.",
                        severity="warning", timeout=5, markup=False)
            return
        if self.connections is None:
            return
        nodes = self.targets()
        where = "every node read (" + str(len(nodes)) + ")" if nodes != [""] else safe_text(host(self).target_label, 80)
        self.app.push_screen(ConfirmWrite(f"Empty the slow log on {where}?",
                                          "Sends SLOWLOG RESET: the entries are gone for everyone (other tools "
                                          "and colleagues too); new slow commands are logged from now on.",
                                          "Reset"), self._reset_confirmed)

    def _reset_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.run_worker(self._reset(), group="insight-write", exit_on_error=False)

    async def _reset(self) -> None:
        failed = []
        nodes = self.targets()
        for addr in nodes:
            try:
                await self.client(addr).execute_command("SLOWLOG", "RESET")
            except Exception as exc:  # a node's refusal is a toast, never a crash
                failed.append(f"{addr or 'server'}: {safe_text(str(exc), 120)}")
        if not self.alive():
            return
        if failed:
            self.notify("SLOWLOG RESET failed — " + "; ".join(failed), severity="error", timeout=8, markup=False)
        else:
            self.notify(f"Slow log emptied (SLOWLOG RESET on {len(nodes)} node{'s' if len(nodes) != 1 else ''}).",
                        timeout=4, markup=False)
        self.action_read_now()
