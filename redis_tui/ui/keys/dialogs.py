"""Confirmation dialogs of the keys screen's --write actions. Each names the key (escaped)
and says what will be sent; nothing happens unless the user confirms."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static
from textual.widgets.button import ButtonVariant

from redis_tui.core.display import redis_repr, safe_text
from redis_tui.core.format import human_duration
from redis_tui.ui.widgets.dialog import Dialog, T

NAME_LIMIT = 300


def key_line(key: bytes) -> Static:
    """The key's name, escaped, bold, wrapped."""
    return Static(Text(safe_text(key, NAME_LIMIT) or '""', style="bold", overflow="fold"), classes="dialog-key")


class KeyDialog(Dialog[T]):
    """A question about a key: the key's name, an optional input, a note, confirm or cancel."""

    confirm_label = "OK"
    confirm_variant: ButtonVariant = "warning"
    first_focus = "#cancel"  # an absent-minded enter changes nothing

    def __init__(self, question: str, key: bytes, note: str = "") -> None:
        super().__init__()
        self.question, self.key, self.note = question, key, note
        self.buttons = ((self.confirm_label, self.confirm_variant, "confirm"), ("Cancel", "default", "cancel"))

    def body(self) -> ComposeResult:
        yield key_line(self.key)
        yield from self.field()
        yield Static(Text(self.note, style="dim"), classes="dialog-note")

    def field(self) -> ComposeResult:
        """An input between the key and the note (none by default)."""
        return iter(())

    def action_confirm(self) -> None:
        raise NotImplementedError


class ConfirmDialog(KeyDialog[bool]):
    """Yes or no about a key; dismisses with True, or None when cancelled."""

    BINDINGS = [Binding("escape,n", "cancel", "Cancel"), Binding("y", "confirm", "Yes")]
    confirm_variant = "error"

    def __init__(self, question: str, key: bytes, note: str, confirm_label: str) -> None:
        self.confirm_label = confirm_label
        super().__init__(question, key, note)

    def action_confirm(self) -> None:
        """Confirm."""
        self.dismiss(True)


class TTLDialog(KeyDialog[int]):
    """Seconds until the key expires; dismisses with the seconds (0 = remove the TTL), or None."""

    confirm_label = "Set TTL"
    first_focus = "#ttl-seconds"

    def __init__(self, key: bytes, ttl_s: float | None) -> None:
        now = "no expiry" if ttl_s is None else f"expires in {human_duration(ttl_s)}"
        super().__init__("Set the TTL of", key, f"Now: {now}. Empty or 0 removes the TTL (PERSIST); "
                         f"a number of seconds sends EXPIRE.")

    def field(self) -> ComposeResult:
        yield Input(id="ttl-seconds", placeholder="seconds (empty or 0: no expiry)", type="integer")

    def action_confirm(self) -> None:
        """Check the number and close with it."""
        text = self.query_one("#ttl-seconds", Input).value.strip()
        try:
            seconds = int(text) if text else 0
        except ValueError:
            seconds = -1
        if seconds < 0:
            self.error("a whole number of seconds, 0 or more")
            return
        self.dismiss(seconds)


class RenameDialog(KeyDialog[bytes]):
    """A new name for the key; dismisses with its bytes, or None."""

    confirm_label = "Rename"
    first_focus = "#new-name"

    def __init__(self, key: bytes, editable: str) -> None:
        super().__init__("Rename", key, "RENAMENX: if the new name exists you are asked before it is replaced.")
        self.editable = editable

    def field(self) -> ComposeResult:
        yield Input(self.editable, id="new-name", placeholder="new key name")

    def action_confirm(self) -> None:
        """Check the name and close with it."""
        new = self.query_one("#new-name", Input).value.encode("utf-8", "surrogateescape")
        if not new:
            self.error("the new name is empty")
        elif new == self.key:
            self.error(f"the key is already called {redis_repr(new)}")
        else:
            self.dismiss(new)
