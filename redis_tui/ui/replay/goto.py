"""The go-to-time dialog of a replay (``j``): a time in any form `doctor --replay --at` takes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from redis_tui.core.record.times import TIME_HELP, TimeError, parse_time
from redis_tui.ui.widgets.dialog import Dialog


class GotoDialog(Dialog[float]):
    """Asks for a time; dismisses with it (wall-clock seconds), or None when cancelled."""

    question = "Go to which time of the recording?"
    first_focus = "#goto-time"

    def __init__(self, end: float) -> None:
        super().__init__()
        self.end = end
        self.buttons = (("Go", "primary", "confirm"), ("Cancel", "default", "cancel"))

    def body(self) -> ComposeResult:
        yield Input(id="goto-time", placeholder="14:02, 2026-11-25T14:02:30, -2h, -15m")
        yield Static(Text(f"Give {TIME_HELP}.", style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Read the time and close with it (or say what is wrong with it)."""
        try:
            self.dismiss(parse_time(self.query_one("#goto-time", Input).value, self.end))
        except TimeError as exc:
            self.error(str(exc))

    def action_cancel(self) -> None:
        """Close; the position stays."""
        self.dismiss(None)
