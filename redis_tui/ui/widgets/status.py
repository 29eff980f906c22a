"""The status line: target, server, uptime, ops/s, connection state, data age, READ-ONLY badge.

On a cluster, while the slots or the nodes up do not fit (80 columns), parts take short forms one
after another: the seed's address without scheme or password (it may then go; the node shown stays),
``6/6 up``, ``all slots``, a bare ``●`` for connected; so the cluster's state, slots and nodes up
stay in view.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.widget import Widget

from redis_tui.core.findings import CRITICAL, WARNING, counts
from redis_tui.core.format import human_duration, human_rate
from redis_tui.ui.widgets.cluster_status import Part, cluster_parts
from redis_tui.ui.widgets.figures import changed_spans, refresh_spans
from redis_tui.ui.widgets.host import host


class StatusBar(Widget):
    """One line at the top; drops the least important parts when the terminal is narrow."""

    DEFAULT_CSS = """
    StatusBar { height: 1; dock: top; background: $panel; }
    """

    def on_mount(self) -> None:
        self._shown: Text | None = None
        self._next: tuple[int, Text] | None = None  # (width, line) compared by _tick, drawn by render
        for name in ("snapshot", "outage", "paused", "interval", "findings", "monitor_since", "cluster"):
            self.watch(self.app, name, lambda _value: self._tick(), init=False)
        self.set_interval(1.0, self._tick)  # the age of the data ticks

    def _tick(self) -> None:
        """Repaint only when the text changed (a new snapshot often leaves the line as it was),
        and only the cells that changed: the data's age ticking from ``3s ago`` to ``4s ago``
        sends a character or two, not the whole line (see ui/widgets/figures.py)."""
        line, shown = self._line(), self._shown
        if line == shown:
            return
        spans = changed_spans(shown, line) if shown is not None and self.size.width else None
        if spans is None:
            self._next = None
            self.refresh()
        elif not spans:  # the same cells, said with other spans
            self._shown = line
        else:
            self._next = (self.size.width, line)  # render draws what was compared, not a newer line
            refresh_spans(self, spans)

    def render(self) -> Text:
        following, self._next = self._next, None
        self._shown = following[1] if following is not None and following[0] == self.size.width else self._line()
        return self._shown

    def _line(self) -> Text:
        app = host(self)
        snapshot = app.snapshot
        now = app.clock()
        cluster = app.cluster
        label = Text(app.target_label, style="bold")
        # on a cluster the seed's address is enough when space is short (and the node shown matters more)
        short_label = Text(app.target.address, style="bold") if cluster is not None else None
        # ... and gives way to the cluster's state, slots and nodes up
        parts: list[Part] = [Part(0, label, short=short_label, short_priority=2 if short_label else None)]
        if snapshot is not None:
            server = snapshot.server
            parts.append(Part(2, Text(server.label, style="bold cyan")))
            # "master" is what a standalone server says: the first to go; a replica keeps its role
            parts.append(Part(6 if server.role == "master" else 3, Text(server.role)))
            parts.append(Part(5, Text(f"up {uptime(server.uptime_s)}")))
            parts.append(Part(3, Text(f"{human_rate(snapshot.rates.ops, '')} ops/s")))
        parts.extend(cluster_parts(cluster))
        state, age, stale = self._state(now)
        short_state = Text("●", style=state.style) if cluster is not None and state.plain == "● connected" else None
        parts.append(Part(0, state, short=short_state, shrink=3))
        if age:
            parts.append(Part(0 if stale else 4, age, True))  # fresh data's age says little; stale data's must stay
        # + and - change it: keep it (on a narrow cluster line after the seed's address)
        parts.append(Part(1, Text(f"every {app.interval:g}s", style="dim"), short_priority=3 if cluster else None))
        badge = self._monitor_badge(now)
        badge.append_text(self._findings_badge())
        replay = getattr(app, "replay", None)
        if replay is not None:  # always in view: what is shown happened then, not now
            badge.append_text(Text(f" REPLAY {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(replay.position))} ",
                                   style="bold white on blue"))
        else:
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
        replay = getattr(app, "replay", None)
        if replay is not None:
            playing = Text(f"❚❚ {replay.speed:g}×" if replay.paused else f"▶ {replay.speed:g}×", style="bold")
            return playing, Text(), False
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

    def _fit(self, parts: list[Part], badge: Text) -> Text:
        """The most important parts that fit beside `badge`, in their order (priority 0 always); when a
        part that has a short form would be left out, the short forms (and their priorities) instead."""
        width = self.size.width or 80
        keep = [parts[i] for i in sorted(_shrink(parts, width - len(badge)))]
        line = Text(" ", no_wrap=True, overflow="ellipsis")
        for index, part in enumerate(keep):
            text, glued = part.text, part.glued
            if index and not glued:
                line.append(SEPARATOR, style="dim")
            line.append_text(text)
        room = width - len(line) - len(badge)
        if room >= 0:
            line.append(" " * room)
        else:
            line.truncate(max(0, width - len(badge) - 1), overflow="ellipsis")
            line.append(" ")
        line.append_text(badge)
        return line


SEPARATOR = " │ "


def _shrink(parts: list[Part], room: int) -> set[int]:
    """The indexes of the parts to show in `room` cells. While a part that has a short form and
    priority ≤ 1 is left out, parts take their short forms one after another (in `shrink` order) and,
    from the first on, their `short_priority` (so the seed's address, shortened, may still go last);
    `parts` is updated in place with the forms taken."""
    chosen = _choose(parts, room)
    needed = [i for i, p in enumerate(parts) if p.short is not None and p.priority <= 1]
    order = sorted((i for i, p in enumerate(parts) if p.short is not None), key=lambda i: parts[i].shrink)
    for step, index in enumerate(order):
        if all(i in chosen for i in needed):
            break
        if step == 0:  # narrow: the parts that only move down (the interval) move down now
            for i, p in enumerate(parts):
                if p.short is None and p.short_priority is not None:
                    parts[i] = p._replace(priority=p.short_priority)
        p = parts[index]
        priority = p.priority if p.short_priority is None else p.short_priority
        parts[index] = p._replace(text=p.short or p.text, priority=priority)
        chosen = _choose(parts, room)
    return chosen


def _choose(parts: list[Part], room: int) -> set[int]:
    """The indexes of the parts that fit in `room` cells, most important first (priority 0 always)."""

    def length(chosen: set[int]) -> int:
        texts = sum(len(parts[i].text) + (0 if parts[i].glued else len(SEPARATOR)) for i in chosen)
        return 1 - len(SEPARATOR) + texts

    chosen: set[int] = set()
    for index in sorted(range(len(parts)), key=lambda i: (parts[i].priority, i)):
        if parts[index].priority == 0 or length(chosen | {index}) <= room:
            chosen.add(index)
    return chosen


def uptime(seconds: int) -> str:
    """Uptime to the minute (``<1m``, ``5m``, ``3h02m``): a status line that ticks every
    second repaints every second."""
    if seconds < 60:
        return "<1m"
    return human_duration(seconds - seconds % 60).removesuffix("00s")
