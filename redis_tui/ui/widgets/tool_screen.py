"""The frame of the tool screens (keys, MONITOR, analyze): the status line, one bar line
``#<NAME>-bar`` saying what the tool is doing, the tool's body, the footer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.status import StatusBar
from redis_tui.ui.widgets.text import set_text


class ToolScreen(Screen[None]):
    """Subclasses set `NAME` and yield their widgets from `compose_body()`."""

    NAME: ClassVar[str] = "tool"

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id=f"{self.NAME}-bar", classes="tool-bar")
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        """The widgets between the bar and the footer."""
        return iter(())

    def show_bar(self, text: Text) -> None:
        """Put `text` (one line) in the bar."""
        set_text(self.query_one(f"#{self.NAME}-bar", Static), text)

    def alive(self) -> bool:
        """False once the app is closing or the screen is gone (a worker's result then has nowhere to go)."""
        return self.app.is_running and self.is_attached
