"""`Spark`: a sparkline on a fixed scale, bucketed by sample time, repainted only when its bars move.

Textual's `Sparkline` scales every frame from the data's own minimum to its maximum (so
1.06M → 1.1M of memory looks like empty → full) and stretches the data over the width,
so each new sample moves every bar and repaints the widget every poll. Here the newest
sample is on the right, each column holds the same `span / width` samples from one poll to
the next, and a poll that leaves every bar where it was repaints nothing (one that moves the
newest bar repaints that column). Bars are coloured in `COLOURS` steps from low to high, and
cells of one style are drawn as one run: far fewer escape sequences than a colour per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.widgets import Sparkline

BARS = "▁▂▃▄▅▆▇█"
SPAN = 300  # samples across the width: the poller keeps 300 (5 minutes at the default interval)
COLOURS = 8  # colour steps from the lowest bar to the highest


class Spark(Sparkline):
    """Call `plot(values, low, high)` with the history; `low`/`high` None means the data's own min/max."""

    def __init__(self, *, summary_function: Callable[[Sequence[float]], float] = max, span: int = SPAN,
                 **kwargs) -> None:
        super().__init__(None, summary_function=summary_function, **kwargs)
        self.span = span
        self.values: tuple[float, ...] = ()
        self.low: float | None = None
        self.high: float | None = None
        self._newest = -1  # index of the newest sample since the first plot: keeps buckets in place
        self._drawn: tuple | None = None

    def plot(self, values: Sequence[float], low: float | None = None, high: float | None = None) -> None:
        """Show `values` (oldest first); repaint only the columns whose bar moved (none if no bar did)."""
        values = tuple(values)
        if values != self.values:
            self._newest = len(values) - 1 if self._newest < 0 else self._newest + 1
        self.values, self.low, self.high = values, low, high
        drawn, levels = self._drawn, self._levels()
        if drawn == levels:
            return
        if drawn is None or len(drawn) != len(levels):
            self.refresh()
            return
        changed = [column for column, (old, new) in enumerate(zip(drawn, levels, strict=True)) if old != new]
        # the newest bucket filling up moves one column; a shift of the buckets moves them all
        self.refresh(Region(changed[0], 0, changed[-1] - changed[0] + 1, max(1, self.size.height)))

    def _levels(self) -> tuple[int | None, ...]:
        """One bar level per column (0 … 8·height-1), None where no sample falls."""
        width, height = self.size.width, max(1, self.size.height)
        values = self.values
        if width <= 0 or not values:
            return ()
        per_column = max(1, self.span // width)  # the width full once `span` samples are in
        buckets: list[list[float]] = [[] for _ in range(width)]
        last_bucket = self._newest // per_column
        for offset, value in enumerate(values):
            column = width - 1 - (last_bucket - (self._newest - (len(values) - 1 - offset)) // per_column)
            if column >= 0:
                buckets[column].append(value)
        low = min(values) if self.low is None else self.low
        high = max(values) if self.high is None else self.high
        extent = high - low
        top = len(BARS) * height - 1
        levels: list[int | None] = []
        for bucket in buckets:
            if not bucket:
                levels.append(None)
                continue
            ratio = (self.summary_function(bucket) - low) / extent if extent > 0 else 0.0
            levels.append(int(min(1.0, max(0.0, ratio)) * top))
        return tuple(levels)

    def render(self) -> Text:
        levels = self._levels()
        self._drawn = levels
        height = max(1, self.size.height)
        _, base = self.background_colors
        low = base + (self.min_color or self.get_component_styles("sparkline--min-color").color)
        high = base + (self.max_color or self.get_component_styles("sparkline--max-color").color)
        top = len(BARS) * height - 1
        # COLOURS steps from the low colour to the high one: neighbouring bars of about the same
        # height share a style, so a row is a few runs of one escape sequence each, not one per cell
        bands = {level: min(COLOURS - 1, level * COLOURS // (top + 1)) for level in set(levels) if level is not None}
        palette = {band: Style(color=low.blend(high, band / (COLOURS - 1)).rich_color) for band in set(bands.values())}
        out = Text(no_wrap=True, overflow="crop", end="")
        for row in reversed(range(height)):
            floor, ceiling = row * len(BARS), (row + 1) * len(BARS)
            run: list[str] = []
            run_style: Style | None = None
            for level in levels:
                if level is None or level < floor:
                    char, style = " ", None
                else:
                    char, style = "█" if level >= ceiling else BARS[level % len(BARS)], palette[bands[level]]
                if style != run_style and run:
                    out.append("".join(run), run_style)
                    run = []
                run.append(char)
                run_style = style
            if run:
                out.append("".join(run), run_style)
            if row:
                out.append("\n")
        return out
