"""`Meter`: a one-line bar that fills to a ratio, colored by how close it is to full."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from redis_tui.ui.widgets.figures import changed_spans, refresh_spans


class Meter(Widget):
    """A horizontal bar: `ratio` 0..1 (None = no limit), `label` after the bar.

    `show(ratio, label)` repaints only the cells that change (the bar's edge, a digit of the label).
    """

    DEFAULT_CSS = """
    Meter { height: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ratio: float | None = None
        self.label = ""

    def show(self, ratio: float | None, label: str) -> None:
        """Fill to `ratio` (None: no limit) and say `label`."""
        if (ratio, label) == (self.ratio, self.label):
            return
        old = self.render()
        self.ratio, self.label = ratio, label
        spans = changed_spans(old, self.render()) if self.size else None
        if spans is None:
            self.refresh()
        else:
            refresh_spans(self, spans)

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
