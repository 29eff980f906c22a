"""The status line: target, server, uptime, ops/s, connection state, data age, READ-ONLY badge."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from redis_tui.core.findings import CRITICAL, WARNING, counts
from redis_tui.core.format import human_duration, human_rate


class StatusBar(Widget):
    """One line at the top; drops the least important parts when the terminal is narrow."""

    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    """

    def on_mount(self) -> None:
        self._shown: Text | None = None
        for name in ("snapshot", "outage", "paused", "interval", "findings", "monitor_since"):
            self.watch(self.app, name, lambda _value: self.refresh(), init=False)
        self.set_interval(1.0, self._tick)  # the age of the data ticks

    def _tick(self) -> None:
        if self._line() != self._shown:  # repaint only when the text changed
            self.refresh()

    def render(self) -> Text:
        self._shown = self._line()
        return self._shown

    def _line(self) -> Text:
        app = self.app
        snapshot = app.snapshot
        now = app.clock()
        # (priority: lower survives longer, text)
        parts: list[tuple[int, Text]] = [(0, Text(app.target_label, style="bold"))]
        if snapshot is not None:
            server = snapshot.server
            parts.append((1, Text(server.label, style="bold cyan")))
            parts.append((4, Text(server.role)))
            parts.append((5, Text(f"up {human_duration(server.uptime_s)}")))
            parts.append((2, Text(f"{human_rate(snapshot.rates.ops, '')} ops/s")))
        parts.append((0, self._state(now)))
        parts.append((6, Text(f"every {app.interval:g}s", style="dim")))
        badge = self._monitor_badge(now)
        badge.append_text(self._findings_badge())
        badge.append_text(Text(" WRITE ", style="bold white on red") if app.write
                          else Text(" READ-ONLY ", style="bold black on green"))
        return self._fit(parts, badge)

    def _monitor_badge(self, now: float) -> Text:
        """``● MON 1m02s`` while MONITOR runs (it costs the server: keep it visible)."""
        since = self.app.monitor_since
        if since is None:
            return Text()
        return Text(f" ● MON {human_duration(now - since)} ", style="bold white on dark_red").append(" ")

    def _findings_badge(self) -> Text:
        """``✖ 1 ▲ 2`` (critical, warning findings; t opens them), or ``✔`` when there are none."""
        n = counts(self.app.findings)
        badge = Text()
        if n[CRITICAL]:
            badge.append(f" ✖ {n[CRITICAL]} ", style="bold white on red")
        if n[WARNING]:
            badge.append(f" ▲ {n[WARNING]} ", style="bold black on yellow")
        if not badge:
            badge.append(" ✔ ", style="bold green")
        return badge.append(" ")

    def _state(self, now: float) -> Text:
        app = self.app
        age = Text()
        if app.snapshot is not None:
            seconds = max(0.0, now - app.snapshot.taken_at)
            stale = seconds > max(3 * app.interval, 5)
            age = Text(f" {human_duration(seconds)} ago", style="bold yellow" if stale else "dim")
        if app.paused:
            return Text("❚❚ paused", style="bold yellow").append_text(age)
        if app.outage is not None:
            wait = max(0, round(app.outage.retry_at - now))
            state = Text(f"● {app.outage.problem.id}, retrying in {wait}s", style="bold red")
            if app.snapshot is not None:
                state.append(f" · data{age.plain}", style="yellow")
            return state
        if app.snapshot is None:
            return Text("● connecting…", style="bold yellow")
        return Text("● connected", style="bold green").append_text(age)

    def _fit(self, parts: list[tuple[int, Text]], badge: Text) -> Text:
        width = self.size.width or 80
        keep = list(parts)
        sep = " │ "
        while len(keep) > 1 and sum(len(t) for _, t in keep) + len(sep) * (len(keep) - 1) + len(badge) + 2 > width:
            worst = max(range(len(keep)), key=lambda i: (keep[i][0], i))
            if keep[worst][0] == 0:
                break
            keep.pop(worst)
        line = Text(" ", no_wrap=True, overflow="ellipsis")
        line.append_text(Text(sep, style="dim").join(text for _, text in keep))
        room = width - len(line) - len(badge)
        if room > 0:
            line.append(" " * room)
        else:
            line.truncate(max(0, width - len(badge) - 1), overflow="ellipsis")
            line.append(" ")
        line.append_text(badge)
        return line
