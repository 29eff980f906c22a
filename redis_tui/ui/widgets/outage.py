"""The outage banner: what is wrong with the connection, in words, and when we retry."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration
from redis_tui.core.models import Outage
from redis_tui.ui.widgets.host import host


class OutageBanner(Static):
    """Shown above the panes while the server cannot be reached (hidden otherwise).

    `compact` leaves out the error detail (the troubleshooting panel shows it in full).
    """

    def __init__(self, *, compact: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.compact = compact

    def on_mount(self) -> None:
        self.watch(self.app, "outage", self.show, init=True)
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        outage = host(self).outage
        if outage is not None:  # the countdown moves
            self.show(outage)

    def show(self, outage: Outage | None) -> None:
        if self.display != (outage is not None):
            self.display = outage is not None
        if outage is None:
            return
        now = host(self).clock()
        wait = max(0, round(outage.retry_at - now))
        text = Text(no_wrap=False)
        text.append("✖ Cannot reach ", style="bold red")
        text.append(safe_text(host(self).target_label, 120), style="bold")
        text.append(f": {outage.problem.summary}\n", style="bold red")
        if outage.problem.detail and not self.compact:
            text.append(f"  {safe_text(outage.problem.detail, 300)}\n", style="dim")
        down = human_duration(max(0.0, now - outage.since))
        text.append(f"  down for {down}, attempt {outage.attempts}; retrying in {wait}s — press ", style="")
        text.append("r", style="bold reverse")
        text.append(" to retry now")
        if self.content != text:
            self.update(text)
