"""The events screen (``e``): what happened while you were away — findings opened, worse and cleared,
restarts, failovers and role changes, config changes, lost and regained connections, MONITOR sessions —
newest first, from every node. ``f`` cycles a filter by kind or severity; enter shows an event's payload.

It reads no server: the app's `EventLog` (fed by every poll) is its whole input.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from redis_tui.core.display import safe_text
from redis_tui.core.events import (
    CONFIG_CHANGE,
    CONNECTION_LOST,
    CONNECTION_RESTORED,
    FAILOVER,
    FINDING_CHANGED,
    FINDING_CLEARED,
    FINDING_OPENED,
    MONITOR_STARTED,
    MONITOR_STOPPED,
    RESTART,
    ROLE_CHANGE,
    Event,
    at_least,
)
from redis_tui.ui.widgets.dialog import Dialog
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table, keep_selection, selected_key
from redis_tui.ui.widgets.tool_screen import ToolScreen

WIDE = 100  # from this many columns the severity has a column of its own
SEVERITY_STYLE = {"critical": "bold red", "warning": "bold yellow", "info": "dim"}
# (name shown, which events it keeps), in the order `f` cycles them
FILTERS: tuple[tuple[str, Callable[[Event], bool]], ...] = (
    ("all", lambda e: True),
    ("critical", lambda e: e.severity == "critical"),
    ("warning or worse", lambda e: at_least(e.severity, "warning")),
    ("findings", lambda e: e.kind in (FINDING_OPENED, FINDING_CHANGED, FINDING_CLEARED)),
    ("restarts and failovers", lambda e: e.kind in (RESTART, FAILOVER, ROLE_CHANGE)),
    ("config changes", lambda e: e.kind == CONFIG_CHANGE),
    ("connection", lambda e: e.kind in (CONNECTION_LOST, CONNECTION_RESTORED)),
    ("MONITOR", lambda e: e.kind in (MONITOR_STARTED, MONITOR_STOPPED)),
)


def clock_of(at: float, now: float) -> str:
    """``14:02:11`` today, ``11-25 14:02`` on another day (local time)."""
    when, today = time.localtime(at), time.localtime(now)
    if when[:3] == today[:3]:
        return time.strftime("%H:%M:%S", when)
    return time.strftime("%m-%d %H:%M", when)


def event_line(event: Event, now: float) -> Text:
    """``14:02:11 config-change maxmemory 2gb → 1gb`` (the node first when there is one), escaped."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(clock_of(event.at, now), style="bold")
    if event.node:
        line.append(f" {safe_text(event.node, 48)}", style="dim")
    line.append(f" {safe_text(event.kind, 24)}", style=SEVERITY_STYLE.get(event.severity, ""))
    line.append(f" {safe_text(event.summary, 200)}")
    return line


def payload_text(event: Event) -> Text:
    """The event as indented JSON, plain text (never read as markup). JSON escapes control characters itself;
    the other unprintable ones (bidi controls…) are written ``\\u202e`` as JSON would."""
    raw = json.dumps(event.to_json(), indent=2, ensure_ascii=False, default=str)
    shown = "".join(c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" for c in raw[:20_000])
    return Text(shown, no_wrap=False)


class PayloadDialog(Dialog[None]):
    """One event in full: its JSON (what `record` stores and an alert command receives)."""

    box_id = "event-payload"
    DEFAULT_CSS = """
    PayloadDialog #event-payload { width: 90%; max-width: 110; height: auto; max-height: 90%; }
    PayloadDialog #event-json { height: auto; max-height: 30; overflow-y: auto; }
    """
    BINDINGS = [Binding("escape,enter,q", "cancel", "Close")]

    def __init__(self, event: Event, now: float) -> None:
        super().__init__()
        self.event = event
        self.question = f"{clock_of(event.at, now)} {event.kind}" + (f" on {event.node}" if event.node else "")

    def body(self) -> ComposeResult:
        yield Static(payload_text(self.event), id="event-json")


class EventsScreen(ToolScreen):
    """The timeline, newest first; `f` filters, enter shows one event's payload."""

    NAME = "events"
    DEFAULT_CSS = """
    EventsScreen #events-table { height: 1fr; }
    EventsScreen #events-empty { height: auto; padding: 1 2; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f", "cycle_filter", "Filter", tooltip="show all events, or only: critical, warning or worse, "
                "findings, restarts and failovers, config changes, connection, MONITOR (f again: the next)"),
        Binding("enter", "details", "Details", tooltip="the selected event in full: its JSON payload"),
        Binding("escape,e", "app.pop_screen", "Back", tooltip="back to where you came from"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter_index = 0
        self._columns: tuple[tuple[str, int], ...] = ()
        self._shown: dict[str, Event] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="events-empty")
        yield Table(id="events-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.watch(self.app, "event_count", self._on_count, init=False)
        self.refresh_events()
        self.query_one(Table).focus()

    def _on_count(self, _count: int) -> None:
        if self.is_current:  # kept installed when left: it catches up when shown again
            self.refresh_events()

    def on_screen_resume(self) -> None:
        self.refresh_events()

    def refresh_events(self) -> None:
        """Show the app's log through the filter, newest first (by time: a lost connection is dated from its
        first failure, reported on the next poll)."""
        app = host(self)
        log = app.events
        name, keep = FILTERS[self.filter_index]
        first = log.total - len(log)  # the sequence number of the oldest event kept
        rows = {str(first + i): event for i, event in enumerate(log) if keep(event)}
        self._shown = rows
        self._show_bar(len(rows), len(log), log.total - len(log), name)
        empty = self.query_one("#events-empty", Static)
        empty.display = not rows
        if not rows:
            empty.update(Text("No events yet. Changes appear here as they happen: findings opened, worse or cleared, "
                              "restarts, failovers, role and config changes, connections lost and regained, MONITOR."
                              if not len(log) else f"No event matches the filter ({name}): f shows the next one."))
        table = self.query_one(Table)
        now = app.clock()
        columns = self._layout(list(rows.values()), now, table.size.width or self.app.size.width)
        if columns != self._columns:
            table.clear(columns=True)
            for column, width in columns:
                table.add_column(column, key=column, width=width)
            self._columns = columns
        selected = selected_key(table)
        with self.app.batch_update():  # events come rarely (not every poll): a rebuild, newest first
            table.clear()
            for key in sorted(rows, key=lambda k: (rows[k].at, int(k)), reverse=True):
                table.add_row(*self._cells(rows[key], now), key=key)
            keep_selection(table, selected)

    @staticmethod
    def _layout(events: list[Event], now: float, width: int) -> tuple[tuple[str, int], ...]:
        """(column, width) each: the summary takes what the others leave (no sideways scrolling; enter shows
        an event in full). The node column only when some event has a node; the severity on a wide screen."""
        widths = {"time": max((len(clock_of(e.at, now)) for e in events), default=8),
                  "node": max((len(safe_text(e.node, 48)) for e in events), default=0),
                  "kind": max((len(e.kind) for e in events), default=4), "severity": 8}
        if not widths["node"]:
            del widths["node"]
        if width < WIDE:  # the kind is in the severity's colour anyway
            del widths["severity"]
        used = sum(w + 2 for w in widths.values()) + 2 + 1  # cell padding, the summary's, a scrollbar
        return (*widths.items(), ("summary", max(20, width - used)))

    def on_resize(self) -> None:
        self.refresh_events()

    def _cells(self, event: Event, now: float) -> list[Text]:
        style = SEVERITY_STYLE.get(event.severity, "")
        by_column = {
            "time": Text(clock_of(event.at, now)),
            "node": Text(safe_text(event.node, 48)),
            "kind": Text(safe_text(event.kind, 24), style=style if event.severity != "info" else ""),
            "severity": Text(safe_text(event.severity, 10), style=style),
            "summary": Text(safe_text(event.summary, 200), no_wrap=True, overflow="ellipsis"),
        }
        return [by_column[column] for column, _width in self._columns]

    def _show_bar(self, shown: int, kept: int, dropped: int, name: str) -> None:
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append("Events", style="bold")
        bar.append(f" · {kept} kept" if shown == kept else f" · {shown} of {kept}")
        if dropped:
            bar.append(f" · {dropped} older dropped for room", style="bold yellow")
        bar.append(" · filter: ", style="dim").append(name, style="bold")
        bar.append(" (f) · enter: details · newest first", style="dim")
        self.show_bar(bar)

    def action_cycle_filter(self) -> None:
        """Show the next filter's events."""
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.refresh_events()
        self.notify(f"Events: {FILTERS[self.filter_index][0]}", timeout=2)

    def action_details(self) -> None:
        """The selected event's JSON payload."""
        key = selected_key(self.query_one(Table))
        event = self._shown.get(key) if key is not None else None
        if event is not None:
            self.app.push_screen(PayloadDialog(event, host(self).clock()))

    def on_data_table_row_selected(self, message: DataTable.RowSelected) -> None:
        message.stop()
        self.action_details()
