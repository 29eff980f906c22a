"""The question before an insight screen sends a write (``SLOWLOG RESET``, ``BGSAVE``): what is sent, where,
and what it costs; nothing is sent unless the user says yes (y, or the button)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from redis_tui.ui.widgets.dialog import Dialog


class ConfirmWrite(Dialog[bool]):
    """Yes or no before a command that changes server state; dismisses with True, or None when cancelled."""

    BINDINGS = [Binding("escape,n", "cancel", "Cancel"), Binding("y", "confirm", "Yes")]
    first_focus = "#cancel"  # an absent-minded enter changes nothing

    def __init__(self, question: str, note: str, confirm_label: str) -> None:
        super().__init__()
        self.question, self.note = question, note
        self.buttons = ((confirm_label, "error", "confirm"), ("Cancel", "default", "cancel"))

    def body(self) -> ComposeResult:
        yield Static(Text(self.note, style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Confirm: the command is sent."""
        self.dismiss(True)
