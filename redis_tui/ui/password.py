"""The password prompt: a way in when the server answers NOAUTH or WRONGPASS.

The password typed here is handed to the poller for this session only: it is never
written anywhere, never shown (the input is masked), and forgotten when the app exits.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from redis_tui.core.display import safe_text
from redis_tui.ui.widgets.dialog import Dialog

AUTH_PROBLEMS = ("auth-required", "auth-failed")


class PasswordDialog(Dialog[str]):
    """A masked input; enter returns the password, esc returns None."""

    first_focus = "#password-input"
    box_id = "password-box"

    def __init__(self, target_label: str, reason: str, username: str | None = None) -> None:
        super().__init__()
        self.target_label = target_label
        self.reason = reason
        self.username = username
        self.question = f"{safe_text(self.target_label, 120)}: {safe_text(self.reason, 200)}"

    def body(self) -> ComposeResult:
        who = f" for user {safe_text(self.username, 60)}" if self.username else ""
        yield Input(password=True, placeholder=f"password{who}", id="password-input")
        yield Static(Text("Used for this session only: never written anywhere, never shown. "
                          "Enter connects, esc cancels (P on the troubleshooting panel asks again).",
                          style="dim"))

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#password-box").border_title = "Password"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value or None)

    def action_cancel(self) -> None:
        """Close without a password."""
        self.dismiss(None)
