"""`Meter`: a one-line bar that fills to a ratio, colored by how close it is to full."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class Meter(Widget):
    """A horizontal bar: `ratio` 0..1 (None = no limit), `label` after the bar."""

    DEFAULT_CSS = """
    Meter { height: 1; }
    """

    ratio: reactive[float | None] = reactive(None)
    label: reactive[str] = reactive("")

    def render(self) -> Text:
        label = f" {self.label}" if self.label else ""
        width = max(4, self.size.width - len(label))
        if self.ratio is None:
            return Text("·" * width, style="dim").append(label, style="bold")
        ratio = min(1.0, max(0.0, self.ratio))
        filled = round(ratio * width)
        style = "green" if ratio < 0.75 else "yellow" if ratio < 0.9 else "bold red"
        bar = Text("█" * filled, style=style)
        bar.append("░" * (width - filled), style="dim")
        bar.append(label, style="bold")
        return bar
