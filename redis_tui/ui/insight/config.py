"""The config screen (``C``): every parameter (`CONFIG GET *`) in a table, `/` filters by name or value, secrets
masked, values that changed while the screen watches highlighted (with the time and the value before), the
app's config-change events; with ``--write``, enter edits a value (`CONFIG SET`, confirmed; never a secret).
One node at a time on a cluster (n: the next)."""

from __future__ import annotations

import time
from collections.abc import Mapping

from redis.exceptions import ResponseError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.events import CONFIG_CHANGE
from redis_tui.core.insight.config import ConfigWatch, filtered, mask, read_config, refuse_set, set_config
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.insight.config_dialog import ConfigSetDialog
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import build_table, selected_key, sync_rows
from redis_tui.ui.widgets.text import lines

EVENTS_SHOWN = 4
NAME_WIDTH = 30
CHANGED_WIDTH = 26  # "14:02:11 was " and the value before, cut


def clock(at: float) -> str:
    """``14:02:11`` (local time)."""
    return time.strftime("%H:%M:%S", time.localtime(at))


class ConfigScreen(InsightScreen[dict[str, str]]):
    """Every config parameter of one server (or one cluster node)."""

    NAME = "config"
    TITLE = "Config"
    EVERY = 3.0
    COST = "CONFIG GET * every 3 s while open"
    BINDINGS = [
        *InsightScreen.BINDINGS,
        Binding("slash", "filter", "Filter", key_display="/", tooltip="filter by a name or value substring"),
        Binding("enter", "edit", "Edit", tooltip="with --write: CONFIG SET the selected parameter (confirmed)"),
    ]

    DEFAULT_CSS = """
    #config-filter { display: none; height: 3; }
    #config-table { height: 1fr; }
    #config-note { height: auto; max-height: 3; padding: 0 1; }
    #config-events { height: auto; max-height: 5; padding: 0 1; }
    """

    def __init__(self, connections=None) -> None:
        super().__init__(connections)
        self.watches: dict[str, ConfigWatch] = {}  # by node ("" for the one server)
        self.filter_text = ""
        self.values: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Input(id="config-filter", placeholder="filter: part of a name or value (enter: apply, empty: all)")
        # fixed widths: a long value (client-output-buffer-limit, save) must not push "changed" off screen
        value_width = max(16, min(60, self.app.size.width - NAME_WIDTH - CHANGED_WIDTH - 8))
        yield build_table([("parameter", "name", NAME_WIDTH), ("value", "value", value_width),
                           ("changed (since first read)", "changed", CHANGED_WIDTH)], id="config-table")
        yield Static(id="config-note")
        yield Static(id="config-events")

    def on_mount(self) -> None:
        self.query_one("#config-table", DataTable).focus()
        self._show_events()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        snapshot = self.snapshot()
        if self.connections is None and snapshot is not None and not self.readings:
            # no connection (a replay): the parameters the dashboard polled
            self.values = {name: mask(name, value) for name, value in sorted(snapshot.config.items())}
            self._fill("")

    async def read(self, client: Commands) -> dict[str, str]:
        return await read_config(client)

    def show(self, readings: Mapping[str, Reading[dict[str, str]]]) -> None:
        node, reading = next(iter(readings.items()), ("", None))
        note = self.query_one("#config-note", Static)
        if reading is None:
            return
        if reading.value is None:
            note.update(missing(reading, "CONFIG GET") or "")
            self.values = {}
        else:
            watch = self.watches.setdefault(node, ConfigWatch())
            watch.update(reading.value, reading.at)
            self.values = reading.value
            if note.content and "CONFIG GET" in str(note.content):
                note.update("")
        self._fill(node)
        self._show_events()

    def _fill(self, node: str) -> None:
        watch = self.watches.get(node, ConfigWatch())
        rows: dict[str, list[Text | str]] = {}
        for name, value in filtered(self.values, self.filter_text).items():
            change = watch.changes.get(name)
            style = "bold yellow" if change is not None else ""
            cell = Text(safe_text(value, 120), style=style, no_wrap=True, overflow="ellipsis")
            since = ""
            if change is not None:
                was = "(absent)" if change.first is None else safe_text(change.first, 12) or '""'
                since = f"{clock(change.at)} was {was}"
            rows[name] = [Text(safe_text(name, 60), style=style, no_wrap=True, overflow="ellipsis"), cell,
                          Text(since, style=style, no_wrap=True, overflow="ellipsis")]
        sync_rows(self.query_one("#config-table", DataTable), rows, order=list(rows))

    def _show_events(self) -> None:
        log = getattr(self.app, "events", None)
        box = self.query_one("#config-events", Static)
        if log is None:
            box.update("")
            return
        node = self.node or ""
        events = [e for e in log if e.kind == CONFIG_CHANGE and (not node or not e.node or e.node == node)]
        if not events:
            box.update(Text("Config changes seen by the dashboard: none yet.", style="dim"))
            return
        rows = [Text("Config changes seen by the dashboard", style="bold")]
        for event in events[-EVENTS_SHOWN:]:
            row = Text(f"{clock(event.at)}  ", style="dim")
            if event.node:
                row.append(f"{safe_text(event.node, 40)}  ")
            rows.append(row.append(safe_text(event.summary, 160)))
        box.update(lines(*rows))

    # --- filter ----------------------------------------------------------------------------------
    def action_back(self) -> None:
        """In the filter box: close it and show every parameter; else back to where you came from."""
        box = self.query_one("#config-filter", Input)
        if box.display and box.has_focus:
            box.value = ""
            self.filter_text = ""
            box.display = False
            self._fill(self.node or "")
            self.query_one("#config-table", DataTable).focus()
            return
        super().action_back()

    def action_filter(self) -> None:
        """Open the filter box."""
        box = self.query_one("#config-filter", Input)
        box.value = self.filter_text
        box.display = True
        box.focus()

    @on(Input.Changed, "#config-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self._fill(self.node or "")

    @on(Input.Submitted, "#config-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.filter_text = event.value
        box = self.query_one("#config-filter", Input)
        box.display = bool(self.filter_text)
        self._fill(self.node or "")
        self.query_one("#config-table", DataTable).focus()

    # --- edit ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit" and isinstance(self.focused, Input):
            return False
        return super().check_action(action, parameters)

    @on(DataTable.RowSelected, "#config-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        """With --write: set the selected parameter (confirmed); never a secret."""
        name = selected_key(self.query_one("#config-table", DataTable))
        if name is None:
            return
        note = self.query_one("#config-note", Static)
        if not host(self).write:
            note.update(Text("Read-only: start redis-tui with --write to change a parameter (CONFIG SET).",
                             style="bold yellow"))
            return
        why = refuse_set(name)
        if why is not None:
            note.update(Text(why, style="bold yellow"))
            return
        if self.connections is None:
            note.update(Text("No live connection here (fixed data or a replay): nothing can be set.",
                             style="bold yellow"))
            return
        node = self.node or ""
        where = f"node {node}" if node else host(self).target_label
        self.app.push_screen(ConfigSetDialog(name, self.values.get(name, ""), where),
                             lambda value: self._send(node, name, value) if value is not None else None)

    def _send(self, node: str, name: str, value: str) -> None:
        self.run_worker(self._set(node, name, value), group="config-set", exit_on_error=False)

    async def _set(self, node: str, name: str, value: str) -> None:
        note = self.query_one("#config-note", Static)
        try:
            await set_config(self.client(node), name, value)
        except (ResponseError, ValueError) as exc:
            note.update(Text(f"CONFIG SET {safe_text(name, 60)} refused: {safe_text(str(exc), 300)}", style="bold red"))
            return
        except Exception as exc:  # noqa: BLE001 - a vanished server is a line, not a crash
            note.update(Text(f"CONFIG SET {safe_text(name, 60)} failed: {safe_text(str(exc), 300)}", style="bold red"))
            return
        note.update(Text(f"CONFIG SET {safe_text(name, 60)} {safe_text(value, 80)}: OK", style="bold green"))
        self.action_read_now()
