"""The timeline under the dashboard in a replay: where we are in the recording and what happened in it.

Four lines: what is played (``REPLAY ▶ 10× · 2026-11-25 14:02:11 · 1h58m before the end``) and the next
event; the recording's memory and its ops/s as graphs across the whole width with the position marked; and a
mark under each column that holds an event (red ▲ a critical finding, yellow ▲ a warning, · anything else).
The graph is read once per width (and again every `REFRESH_S` for a recording still being written).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration
from redis_tui.core.record.player import Player
from redis_tui.core.record.recording import Bucket

BARS = " ▁▂▃▄▅▆▇█"
LABEL = 4  # "mem ", "ops ": the graphs' labels
REFRESH_S = 30.0
MARKS = {"critical": ("▲", "bold red"), "warning": ("▲", "bold yellow")}


def clock_time(t: float) -> str:
    """``2026-11-25 14:02:11`` (local time)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


class Timeline(Widget):
    """Position, graph and event marks of the replayed recording."""

    DEFAULT_CSS = """
    Timeline { height: 4; background: $panel; padding: 0 1; }
    """

    def __init__(self, player: Player, **kwargs) -> None:
        super().__init__(**kwargs)
        self.player = player
        self._graph: tuple[int, float, list[Bucket], list[str]] | None = None  # (width, read at, buckets, marks)

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)  # a recording still being written grows

    def _columns(self, width: int) -> tuple[list[Bucket], list[str]]:
        cached = self._graph
        if cached is not None and cached[0] == width and time.monotonic() - cached[1] < REFRESH_S:
            return cached[2], cached[3]
        player = self.player
        player.end = max(player.end, player.recording.end or player.end)
        buckets = player.recording.overview(width, player.start, player.end)
        marks = [""] * width
        span = max(player.end - player.start, 1e-9)
        for event in player.recording.events(player.start, player.end):
            column = min(width - 1, int((event.at - player.start) / span * width))
            if event.severity == "critical" or (event.severity == "warning" and marks[column] != "critical"):
                marks[column] = event.severity
            elif not marks[column]:
                marks[column] = "info"
        self._graph = (width, time.monotonic(), buckets, marks)
        return buckets, marks

    def render(self) -> Text:
        player = self.player
        full = max(10 + LABEL, self.content_region.width or self.size.width or 80)
        width = full - LABEL  # the graphs' columns, after their labels
        buckets, marks = self._columns(width)
        span = max(player.end - player.start, 1e-9)
        here = min(width - 1, int((player.position - player.start) / span * width))
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(" REPLAY ", style="bold white on blue")
        head.append(f" {'❚❚' if player.paused else '▶'} {player.speed:g}× ", style="bold")
        head.append(clock_time(player.position), style="bold")
        behind = player.end - player.position
        head.append(f" · {human_duration(behind)} before the end" if behind >= 1 else " · the end", style="dim")
        if len(player.nodes) > 1:
            head.append(f" · node {safe_text(player.node, 60)} (n: next)", style="dim")
        upcoming = player.recording.event_near(player.position, True)
        if upcoming is not None:
            head.append(f" · next {time.strftime('%H:%M:%S', time.localtime(upcoming.at))} ", style="dim")
            head.append(safe_text(upcoming.summary, 80), style=MARKS.get(upcoming.severity, ("", ""))[1])
        head.truncate(full, overflow="ellipsis")  # one line each, whatever the width
        by_column: dict[int, Bucket] = {}
        for item in buckets:
            by_column[min(width - 1, round((item.t - player.start) / span * width))] = item
        memory = graph_line("mem", by_column, width, here, lambda b: b.used_memory, "cyan")
        ops = graph_line("ops", by_column, width, here, lambda b: b.ops, "green")
        mark_line = Text(" " * LABEL, no_wrap=True)
        for column in range(width):
            glyph, mark_style = MARKS.get(marks[column], ("·", "dim")) if marks[column] else (" ", "")
            mark_line.append("┃" if column == here and not marks[column] else glyph,
                             style="bold" if column == here and not marks[column] else mark_style)
        return Text("\n", no_wrap=True, overflow="ellipsis").join((head, memory, ops, mark_line))


def graph_line(label: str, by_column: dict[int, Bucket], width: int, here: int,
               value: Callable[[Bucket], float], style: str) -> Text:
    """``mem ▁▂▃█…``: one bar per column on the recording's own scale, ╳ where the server was unreachable,
    the column of the position shown in reverse."""
    top = max((value(b) for b in by_column.values() if not b.outage), default=0) or 1
    line = Text(f"{label:<{LABEL}}", style="dim", no_wrap=True)
    for column in range(width):
        bucket = by_column.get(column)
        if bucket is None:
            cell, cell_style = " ", ""
        elif bucket.outage:
            cell, cell_style = "╳", "red"
        else:
            cell, cell_style = BARS[max(1, round(value(bucket) / top * (len(BARS) - 1)))], style
        line.append(cell, style=f"{cell_style} reverse" if column == here else cell_style)
    return line
