"""The config screen's --write dialog: a parameter's new value, and what will be sent where; nothing is sent
unless the user confirms."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from redis_tui.core.display import safe_text
from redis_tui.ui.widgets.dialog import Dialog


class ConfigSetDialog(Dialog[str]):
    """A new value for one parameter; dismisses with it (Set, or enter in the box), or None when cancelled."""

    buttons = (("Set", "warning", "confirm"), ("Cancel", "default", "cancel"))
    first_focus = "#config-value"
    box_id = "config-set-dialog"

    def __init__(self, name: str, value: str, where: str) -> None:
        super().__init__()
        self.parameter, self.value, self.where = name, value, where
        self.question = f"CONFIG SET {safe_text(name, 60)} on {safe_text(where, 80)}"

    def body(self) -> ComposeResult:
        yield Static(Text(f"now: {safe_text(self.value, 200) or '(empty)'}", style="dim"), classes="dialog-note")
        yield Input(self.value, id="config-value", placeholder="the new value")
        yield Static(Text("The server applies it at once (CONFIG REWRITE would write it to the config file; "
                          "redis-tui does not). The server refuses a bad value or an immutable parameter.",
                          style="dim"), classes="dialog-note")

    def action_confirm(self) -> None:
        """Close with the new value (unchanged: nothing to send)."""
        value = self.query_one("#config-value", Input).value
        if value == self.value:
            self.error("the value is unchanged")
            return
        self.dismiss(value)
