"""The dashboard's newest-event line: ``14:02:11 config-change maxmemory 2gb → 1gb · e: events``, hidden until
something happens after the first poll (the state at start is the findings badge's, not news)."""

from __future__ import annotations

from textual.widgets import Static

from redis_tui.core.events import Event
from redis_tui.ui.events.screen import event_line
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.text import set_text


class EventLine(Static):
    """One line: the app's `latest_event`, with the key to the events screen."""

    DEFAULT_CSS = """
    EventLine { height: 1; padding: 0 1; display: none; }
    EventLine.-shown { display: block; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "latest_event", self._show, init=True)

    def _show(self, event: Event | None) -> None:
        self.set_class(event is not None, "-shown")
        if event is None:
            return
        line = event_line(event, host(self).clock())
        line.append(" · e: events", style="dim")
        set_text(self, line)
