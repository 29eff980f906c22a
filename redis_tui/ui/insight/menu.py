"""The insight menu (``i``): every insight screen with its key; enter (or the key) opens one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from redis_tui.ui.insight.registry import INSIGHTS
from redis_tui.ui.widgets.dialog import Dialog


class InsightMenu(Dialog[str]):
    """Pick an insight screen; dismisses with its name (None on escape)."""

    question = "Insight: which screen?"
    box_id = "insight-menu"
    first_focus = "#insight-list"
    BINDINGS = [Binding("escape,i", "cancel", "Cancel")]

    def body(self) -> ComposeResult:
        options = []
        for entry in INSIGHTS:
            label = Text(f"{entry.key:>2}  ", style="bold").append(entry.title, style="bold")
            label.append(f" — {entry.description}", style="dim")
            options.append(Option(label, id=entry.name))
        yield OptionList(*options, id="insight-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event) -> None:
        for entry in INSIGHTS:
            if event.key == entry.key or event.character == entry.key:
                event.stop()
                self.dismiss(entry.name)
                return

    def action_cancel(self) -> None:
        """Close; nothing opens."""
        self.dismiss(None)
