"""The fleet overview's status line: how many servers, how many answer, polling state, interval, badges.

``fleet of 3 │ 2/3 up │ ● updated 0s ago │ every 1s          ✖ 1 ▲ 1  READ-ONLY``: the badges count
servers by their worst state (✖ down or critical, ▲ warning; ✔ when every server is fine). When the
terminal is narrow the data's age goes first, then the interval.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from redis_tui.core.findings import Status
from redis_tui.core.format import human_duration
from redis_tui.core.nodes import DOWN
from redis_tui.ui.fleet.host import fleet_host

SEPARATOR = " │ "


class FleetStatus(Widget):
    """One line at the top of the overview."""

    DEFAULT_CSS = """
    FleetStatus { height: 1; dock: top; background: $panel; }
    """

    def on_mount(self) -> None:
        for name in ("fleet", "paused", "interval"):
            self.watch(self.app, name, self._repaint, init=False)
        self.set_interval(1.0, self._repaint)  # the age of the data ticks

    def _repaint(self, _value: object = None) -> None:
        self.refresh()

    def render(self) -> Text:
        app = fleet_host(self)
        fleet = app.fleet
        head = [Text(f"fleet of {len(fleet.round.topology.nodes)}" if fleet is not None else "fleet", style="bold")]
        if fleet is not None:
            up, total = fleet.up, len(fleet.round.topology.nodes)
            head.append(Text(f"{up}/{total} up", style="bold green" if up == total else "bold red"))
        if app.paused:
            state = short = Text("❚❚ paused", style="bold yellow")
        elif fleet is None:
            state = short = Text("● connecting…", style="bold yellow")
        else:
            age = max(0.0, app.clock() - fleet.round.taken_at)
            style = "bold yellow" if age > max(3 * app.interval, 5) else "bold green"
            short = Text("●", style=style)
            state = Text("● ", style=style).append(f"updated {human_duration(age)} ago",
                                                   style=style if style == "bold yellow" else "dim")
        interval = Text(f"every {app.interval:g}s", style="dim")
        badge = self._badge()
        width = (self.size.width or 80) - badge.cell_len - 1
        # when narrow, the data's age goes first, then the interval
        for parts in ([*head, state, interval], [*head, short, interval], [*head, short]):
            if 1 + sum(t.cell_len for t in parts) + len(SEPARATOR) * (len(parts) - 1) <= width:
                break
        line = Text(" ", no_wrap=True, overflow="ellipsis")
        for index, text in enumerate(parts):
            if index:
                line.append(SEPARATOR, style="dim")
            line.append_text(text)
        line.truncate(max(0, width), overflow="ellipsis", pad=True)
        return line.append(" ").append_text(badge)

    def _badge(self) -> Text:
        app = fleet_host(self)
        fleet = app.fleet
        statuses = [fleet.status(n.addr) for n in fleet.round.topology.nodes] if fleet is not None else []
        bad = sum(1 for s in statuses if s in (DOWN, Status.CRITICAL))
        warn = sum(1 for s in statuses if s == Status.WARNING)
        badge = Text()
        if bad:
            badge.append(f" ✖ {bad} ", style="bold white on red")
        if warn:
            badge.append(f" ▲ {warn} ", style="bold black on yellow")
        if not badge:
            badge.append(" ✔ ", style="bold green")
        badge.append(" ")
        return badge.append_text(Text(" WRITE ", style="bold white on red") if app.write
                                 else Text(" READ-ONLY ", style="bold black on green"))

