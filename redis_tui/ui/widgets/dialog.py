"""One dialog for every question the app asks: a centered box with a question, the
subclass's body, a line for refusals, and buttons. Escape cancels (dismisses with None).
Its look is the `.dialog*` block of app.tcss."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.button import ButtonVariant

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    """Subclasses set `question`, `buttons` ((label, variant, id) each), `first_focus`, and
    add widgets with `body()`; a button press calls `pressed(button_id)`."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    question = ""
    buttons: tuple[tuple[str, ButtonVariant, str], ...] = ()
    first_focus = ""  # a selector; empty: the first focusable widget
    box_id: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.box_id):
            if self.question:
                # plain text: a question may quote a server's name
                yield Static(Text(self.question), classes="dialog-question")
            yield from self.body()
            yield Static(classes="dialog-error")
            if self.buttons:
                with Horizontal(classes="dialog-buttons"):
                    for label, variant, button_id in self.buttons:
                        yield Button(label, variant=variant, id=button_id)

    def body(self) -> ComposeResult:
        """The widgets between the question and the buttons."""
        return iter(())

    def on_mount(self) -> None:
        if self.first_focus:
            self.query_one(self.first_focus).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.pressed(event.button.id or "")

    def pressed(self, button_id: str) -> None:
        """A button was pressed: ``confirm`` confirms, any other cancels (a dialog with more buttons says more)."""
        if button_id == "confirm":
            self.action_confirm()
        else:
            self.action_cancel()

    def action_confirm(self) -> None:
        """Confirm (a dialog with a ``confirm`` button or an input says what that does)."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """enter in the dialog's input confirms."""
        event.stop()
        self.action_confirm()

    def action_cancel(self) -> None:
        """Close; nothing changes."""
        self.dismiss(None)

    def error(self, message: str) -> None:
        """Say why the input cannot be used (plain text: it may quote what the user typed)."""
        line = self.query_one(".dialog-error", Static)
        line.update(Text(message, style="bold red"))
        line.display = True
