"""The commands and errors screen (``E``): the whole INFO commandstats table and INFO errorstats.

Every command the server has run: calls, calls/s over the last poll, µs per call, rejected (refused
before running) and failed (ran, replied an error) — sorted by a column (``s`` cycles), filtered by a
substring of the name (``/``). Below it every error prefix (WRONGTYPE, NOPERM, OOM…): count since the
server started and per second. All of it comes from the dashboard's INFO polls: the screen sends
nothing. On a cluster it sums the primaries (``n``: one node at a time, then the whole cluster again).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_rate, thousands
from redis_tui.core.insight.commands import (
    SORTS,
    CommandRow,
    ErrorRow,
    command_rows,
    error_counts,
    error_rates,
    has_errorstats,
    sorted_rows,
    summed,
    summed_errors,
)
from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import SENTINEL
from redis_tui.ui.insight.base import InsightScreen
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table, sync_rows

COLUMNS = (("command", "command", None), ("calls", "calls", 12), ("calls/s", "rate", 9), ("µs/call", "usec", 9),
           ("rejected", "rejected", 9), ("failed", "failed", 9))
ERROR_COLUMNS = (("error", "prefix", None), ("count", "count", 12), ("per s", "rate", 9))
SORT_ORDER = tuple(SORTS)  # s cycles through these


def command_cells(row: CommandRow) -> list[Text]:
    """One command's row (its name escaped; failures in red)."""
    usec = row.usec_per_call
    return [
        Text(safe_text(row.name, 40)),
        Text(thousands(row.calls), justify="right"),
        Text(human_rate(row.calls_per_s), justify="right"),
        Text(DASH if usec is None else f"{usec:.1f}" if usec < 1000 else f"{usec:,.0f}", justify="right"),
        Text(thousands(row.rejected), justify="right", style="bold yellow" if row.rejected else "dim"),
        Text(thousands(row.failed), justify="right", style="bold red" if row.failed else "dim"),
    ]


def error_cells(row: ErrorRow) -> list[Text]:
    """One error prefix's row (escaped; a rising one in red)."""
    return [
        Text(safe_text(row.prefix, 40), style="bold red" if row.per_s else ""),
        Text(thousands(row.count), justify="right"),
        Text(human_rate(row.per_s), justify="right", style="bold red" if row.per_s else ""),
    ]


class CommandsScreen(InsightScreen[None]):
    """Commands and errors: commandstats (sortable, filterable) and errorstats, from the dashboard's polls."""

    NAME = "commands"
    TITLE = "Commands and errors"
    COST = "no command of its own: from the dashboard's INFO polls"

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="close the filter, or back to where you came from"),
        Binding("r", "read_now", "Read now", tooltip="show the dashboard's latest poll now (the screen follows "
                "every poll by itself)"),
        Binding("s", "sort", "Sort", tooltip="sort the commands by the next column (calls/s, time, µs/call, calls, "
                "failed, rejected, name)"),
        Binding("slash", "filter", "Filter", key_display="/", tooltip="show only commands whose name holds a text "
                "(enter applies, empty: every command)"),
        Binding("n", "next_node", "Next node", tooltip="on a cluster: one node at a time, then the whole cluster "
                "(summed over the primaries)"),
    ]

    DEFAULT_CSS = """
    CommandsScreen #commands-table { height: 1fr; min-height: 5; border: round $primary 60%;
        border-title-style: bold; }
    CommandsScreen #commands-errors { height: auto; max-height: 10; border: round $primary 60%;
        border-title-style: bold; }
    CommandsScreen #commands-note { height: auto; padding: 0 1; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sort = SORT_ORDER[0]
        self.match = ""
        self.scope: str | None = None  # on a cluster: None for the whole cluster, else one node's address
        self._counts: dict[str, tuple[float, dict[str, int]]] = {}  # node → (taken_at, errorstats counts)
        self._errors: dict[str, tuple[ErrorRow, ...]] = {}  # node → its error rows from its last two polls

    def compose_body(self) -> ComposeResult:
        yield Input(id="commands-filter", placeholder="command name holds… (enter applies, empty: every command)")
        table = Table(id="commands-table", cursor_type="row", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(Text(label, justify="left" if key == "command" else "right"), key=key, width=width)
        yield table
        errors = Table(id="commands-errors", cursor_type="row", zebra_stripes=True)
        for label, key, width in ERROR_COLUMNS:
            errors.add_column(Text(label, justify="left" if key == "prefix" else "right"), key=key, width=width)
        yield errors
        yield Static(id="commands-note")

    def on_mount(self) -> None:
        self.query_one("#commands-filter").display = False
        self.query_one("#commands-errors", Table).border_title = "Errors (errorstats)"
        self.watch(self.app, "snapshot", lambda _value: self.refresh_view(), init=False)

    def on_screen_resume(self) -> None:
        # Textual calls this, then the base's handler: the latest poll is in the first paint
        self.refresh_view()

    def _start(self) -> None:  # after the first paint on each opening; nothing to read: the app's polls hold it all
        self._show_bar()
        if self.polled() and self.first_data_s is None and self.opened_at:
            self.first_data_s = time.monotonic() - self.opened_at
        self.query_one("#commands-table").focus()

    def action_read_now(self) -> None:
        """Show the latest poll now."""
        self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_node":
            return bool(self.nodes())
        if action == "read_now":
            return True
        return super().check_action(action, parameters)

    def action_next_node(self) -> None:
        """On a cluster: the next node, and after the last the whole cluster again."""
        nodes = self.nodes()
        if not nodes:
            return
        if self.scope is None:
            self.scope = nodes[0]
        else:
            at = nodes.index(self.scope) if self.scope in nodes else len(nodes) - 1
            self.scope = nodes[at + 1] if at + 1 < len(nodes) else None
        self.refresh_view()

    def action_sort(self) -> None:
        """Sort by the next column."""
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self.refresh_view()

    def action_filter(self) -> None:
        """Open the name filter."""
        box = self.query_one("#commands-filter", Input)
        box.value = self.match
        box.display = True
        box.focus()

    @on(Input.Submitted, "#commands-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.match = event.value.strip()
        self._close_filter()
        self.refresh_view()

    def _close_filter(self) -> None:
        self.query_one("#commands-filter").display = False
        self.query_one("#commands-table").focus()

    def action_back(self) -> None:
        """Close the filter, or go back to where you came from."""
        if self.query_one("#commands-filter").display:
            self._close_filter()
            return
        self.dismiss()

    # --- data --------------------------------------------------------------------------------------
    def polled(self) -> dict[str, Snapshot]:
        """{node: Snapshot} of the data nodes that answered ({"": the app's snapshot} on one server)."""
        cluster = host(self).cluster
        if cluster is None:
            snapshot = self.snapshot()
            return {"": snapshot} if snapshot is not None else {}
        roles = {n.addr: n.role for n in cluster.round.topology.nodes}
        return {addr: u for addr, u in cluster.round.updates.items()
                if isinstance(u, Snapshot) and roles.get(addr) != SENTINEL}

    def summed_nodes(self, polled: Mapping[str, Snapshot]) -> list[str]:
        """The nodes the whole-cluster view sums: the primaries holding slots (replicas replay their writes)."""
        cluster = host(self).cluster
        if cluster is None:
            return list(polled)
        topology = cluster.round.topology
        primaries = [n for n in topology.primaries if n.slots] if topology.kind == "cluster" \
            else list(topology.primaries)
        return [n.addr for n in primaries if n.addr in polled]

    def _track_errors(self, polled: Mapping[str, Snapshot]) -> None:
        for node, snapshot in polled.items():
            counts = error_counts(snapshot.info)
            before = self._counts.get(node)
            if before is not None and before[0] == snapshot.taken_at:
                continue
            if before is None:
                self._errors[node] = error_rates(counts, None, 0.0)
            else:
                self._errors[node] = error_rates(counts, before[1], snapshot.taken_at - before[0])
            self._counts[node] = (snapshot.taken_at, counts)

    def refresh_view(self) -> None:
        """Render the latest poll: the scope's commands (filtered, sorted) and errors."""
        if not self.is_attached or not self.query("#commands-table"):
            return  # not composed yet
        polled = self.polled()
        self._track_errors(polled)
        if not self.is_current:
            return
        nodes = [self.scope] if self.scope in polled else self.summed_nodes(polled)
        if self.scope not in polled:
            self.scope = None
        snaps = [polled[n] for n in nodes]
        rated = any(s.rates.interval_s > 0 and s.rates.commands for s in snaps)
        rows = summed(command_rows(s.commands, s.rates.commands, rated) for s in snaps)
        shown = sorted_rows(rows, self.sort, self.match)
        table = self.query_one("#commands-table", Table)
        table.border_title = f"Commands ({len(shown)}" + (f" of {len(rows)})" if self.match else ")")
        filtered = f" · filter “{safe_text(self.match, 30)}”" if self.match else ""
        table.border_subtitle = f"sorted by {self.sort} (s){filtered} · / filter"
        sync_rows(table, {row.name: command_cells(row) for row in shown}, order=[row.name for row in shown])
        errors = summed_errors(self._errors.get(n, ()) for n in nodes)
        sync_rows(self.query_one("#commands-errors", Table), {row.prefix: error_cells(row) for row in errors},
                  order=[row.prefix for row in errors])
        self._show_note(snaps, errors, len(nodes))
        self._show_bar()
        if snaps and self.first_data_s is None and self.opened_at:  # opened before the app's first poll
            self.first_data_s = time.monotonic() - self.opened_at

    def _show_note(self, snaps: list[Snapshot], errors: tuple[ErrorRow, ...], nodes: int) -> None:
        note = Text()
        if not snaps:
            note.append("Waiting for the dashboard's first poll.", style="dim")
        elif not any(s.commands for s in snaps):
            note.append("No INFO commandstats in the polls (not reported, or INFO refused).", style="bold yellow")
        if snaps and not any(has_errorstats(s.info) for s in snaps):
            note.append("\n" if note else "")
            note.append("No INFO errorstats here (Redis 6.2+ / Valkey report it).", style="dim")
        elif snaps and not errors:
            note.append("\n" if note else "")
            note.append("No error reply since the server started.", style="dim")
        if host(self).cluster is not None and self.scope is None:
            note.append("\n" if note else "")
            if self._is_cluster():
                note.append(f"Whole cluster: the sum over {nodes} primar{'ies' if nodes != 1 else 'y'} "
                            "(n: one node at a time)", style="dim")
            else:
                note.append("The master's figures (n: each server of the group by itself)", style="dim")
        box = self.query_one("#commands-note", Static)
        if box.content != note:
            box.update(note)

    def _is_cluster(self) -> bool:
        cluster = host(self).cluster
        return cluster is not None and cluster.round.topology.kind == "cluster"

    def _show_bar(self) -> None:
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(self.TITLE, style="bold")
        bar.append(f" · {self.COST}", style="dim")
        if host(self).cluster is not None:
            where = safe_text(self.scope, 60) if self.scope else "whole cluster" if self._is_cluster() else "master"
            bar.append(f" · {where} (n: next)")
        snapshot = self.snapshot()
        if snapshot is not None:
            bar.append(f" · poll {time.strftime('%H:%M:%S', time.localtime(snapshot.taken_at))}", style="dim")
        self.show_bar(bar)
