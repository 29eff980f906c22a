"""The status line: target, server, uptime, ops/s, connection state, data age, READ-ONLY badge."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from redis_tui.core.findings import CRITICAL, WARNING, counts
from redis_tui.core.format import human_duration, human_rate
from redis_tui.ui.widgets.cluster_status import cluster_parts
from redis_tui.ui.widgets.host import host


class StatusBar(Widget):
    """One line at the top; drops the least important parts when the terminal is narrow."""

    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    """

    def on_mount(self) -> None:
        self._shown: Text | None = None
        for name in ("snapshot", "outage", "paused", "interval", "findings", "monitor_since", "cluster"):
            self.watch(self.app, name, lambda _value: self._tick(), init=False)
        self.set_interval(1.0, self._tick)  # the age of the data ticks

    def _tick(self) -> None:
        """Repaint only when the text changed (a new snapshot often leaves the line as it was)."""
        if self._line() != self._shown:
            self.refresh()

    def render(self) -> Text:
        self._shown = self._line()
        return self._shown

    def _line(self) -> Text:
        app = host(self)
        snapshot = app.snapshot
        now = app.clock()
        # (priority: lower survives longer, text, glued to the part before it)
        parts: list[tuple[int, Text, bool]] = [(0, Text(app.target_label, style="bold"), False)]
        if snapshot is not None:
            server = snapshot.server
            parts.append((2, Text(server.label, style="bold cyan"), False))
            # "master" is what a standalone server says: the first to go; a replica keeps its role
            parts.append((6 if server.role == "master" else 3, Text(server.role), False))
            parts.append((5, Text(f"up {uptime(server.uptime_s)}"), False))
            parts.append((3, Text(f"{human_rate(snapshot.rates.ops, '')} ops/s"), False))
        parts.extend(cluster_parts(app.cluster))
        state, age, stale = self._state(now)
        parts.append((0, state, False))
        if age:
            parts.append((0 if stale else 4, age, True))  # fresh data's age says little; stale data's must stay
        parts.append((1, Text(f"every {app.interval:g}s", style="dim"), False))  # + and - change it: keep it
        badge = self._monitor_badge(now)
        badge.append_text(self._findings_badge())
        badge.append_text(Text(" WRITE ", style="bold white on red") if app.write
                          else Text(" READ-ONLY ", style="bold black on green"))
        return self._fit(parts, badge)

    def _monitor_badge(self, now: float) -> Text:
        """``● MON 1m02s`` while MONITOR runs (it costs the server: keep it visible)."""
        since = host(self).monitor_since
        if since is None:
            return Text()
        return Text(f" ● MON {human_duration(now - since)} ", style="bold white on dark_red").append(" ")

    def _findings_badge(self) -> Text:
        """``✖ 1 ▲ 2`` (critical, warning findings; t opens them), or ``✔`` when there are none."""
        n = counts(host(self).findings)
        badge = Text()
        if n[CRITICAL]:
            badge.append(f" ✖ {n[CRITICAL]} ", style="bold white on red")
        if n[WARNING]:
            badge.append(f" ▲ {n[WARNING]} ", style="bold black on yellow")
        if not badge:
            badge.append(" ✔ ", style="bold green")
        return badge.append(" ")

    def _state(self, now: float) -> tuple[Text, Text, bool]:
        """(connection state, `` 3s ago`` for the data shown, whether that data is stale)."""
        app = host(self)
        age, stale = Text(), False
        if app.snapshot is not None:
            seconds = max(0.0, now - app.snapshot.taken_at)
            stale = seconds > max(3 * app.interval, 5)
            age = Text(f" {human_duration(seconds)} ago", style="bold yellow" if stale else "dim")
        if app.paused:
            return Text("❚❚ paused", style="bold yellow"), age, True
        if app.outage is not None:
            wait = max(0, round(app.outage.retry_at - now))
            state = Text(f"● {app.outage.problem.id}, retrying in {wait}s", style="bold red")
            if app.snapshot is not None:
                state.append(f" · data{age.plain}", style="yellow")
            return state, Text(), True
        if app.snapshot is None:
            return Text("● connecting…", style="bold yellow"), Text(), False
        return Text("● connected", style="bold green"), age, stale

    def _fit(self, parts: list[tuple[int, Text, bool]], badge: Text) -> Text:
        """The most important parts that fit beside `badge`, in their order (priority 0 always)."""
        width = self.size.width or 80
        sep = " │ "

        def length(chosen: set[int]) -> int:
            texts = sum(len(parts[i][1]) + (0 if parts[i][2] else len(sep)) for i in chosen)
            return 1 - len(sep) + texts + len(badge)

        chosen: set[int] = set()
        for index in sorted(range(len(parts)), key=lambda i: (parts[i][0], i)):
            if parts[index][0] == 0 or length(chosen | {index}) <= width:
                chosen.add(index)
        keep = [part for index, part in enumerate(parts) if index in chosen]
        line = Text(" ", no_wrap=True, overflow="ellipsis")
        for index, (_, text, glued) in enumerate(keep):
            if index and not glued:
                line.append(sep, style="dim")
            line.append_text(text)
        room = width - len(line) - len(badge)
        if room >= 0:
            line.append(" " * room)
        else:
            line.truncate(max(0, width - len(badge) - 1), overflow="ellipsis")
            line.append(" ")
        line.append_text(badge)
        return line


def uptime(seconds: int) -> str:
    """Uptime to the minute (``<1m``, ``5m``, ``3h02m``): a status line that ticks every
    second repaints every second."""
    if seconds < 60:
        return "<1m"
    return human_duration(seconds - seconds % 60).removesuffix("00s")
