"""`Figures`: a Static of a few lines of figures that repaints only the cells whose text or style changed.

Textual sends a widget's whole region to the terminal when it is refreshed, however little of
it changed. A pane's figures change one number at a time (``used 1.02M`` → ``used 1.03M``), so
`Figures` compares the new text with the one shown, line by line and cell by cell, and refreshes
only the span from the first to the last changed cell of each changed line (the compositor
writes from the widget's left edge to the end of that span). Equal content repaints nothing.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Region
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static

Span = tuple[int, int, int]  # (line, first cell, end cell)


def _cells(line: Text) -> list[tuple[str, tuple[str | Style, ...]]]:
    """Each character of `line` with the styles of the spans over it (in order)."""
    styles: list[list[str | Style]] = [[] for _ in line.plain]
    for span in line.spans:
        for index in range(max(0, span.start), min(span.end, len(styles))):
            styles[index].append(span.style)
    return [(char, tuple(style)) for char, style in zip(line.plain, styles, strict=True)]


def changed_spans(old: Text, new: Text) -> list[Span] | None:
    """Where `new` differs from `old`: (line, first cell, end cell) per changed line.

    None when the two cannot be compared cell by cell (another number of lines, a justified
    or differently styled text): then the whole widget must be repainted.
    """
    if (old.justify not in (None, "default", "left") or new.justify not in (None, "default", "left")
            or old.style != new.style):
        return None
    old_lines = old.split("\n", allow_blank=True)
    new_lines = new.split("\n", allow_blank=True)
    if len(old_lines) != len(new_lines):
        return None
    spans: list[Span] = []
    for y, (before, after) in enumerate(zip(old_lines, new_lines, strict=True)):
        if before.plain == after.plain and before.spans == after.spans and before.style == after.style:
            continue
        if before.style != after.style:
            spans.append((y, 0, max(cell_len(before.plain), cell_len(after.plain))))
            continue
        a, b = _cells(before), _cells(after)
        start = 0
        while start < len(a) and start < len(b) and a[start] == b[start]:
            start += 1
        first = cell_len(after.plain[:start])
        if cell_len(before.plain) != cell_len(after.plain):
            # what follows the change moved: repaint to the end of the longer line
            spans.append((y, first, max(cell_len(before.plain), cell_len(after.plain))))
            continue
        end = 0
        while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
            end += 1
        spans.append((y, first, cell_len(after.plain[: len(b) - end])))
    return spans


def refresh_spans(widget: Widget, spans: list[Span]) -> None:
    """Repaint these spans of `widget` (nothing if they are all empty: `refresh()` would repaint it all)."""
    regions = [Region(x1, y, x2 - x1, 1) for y, x1, x2 in spans if x2 > x1]
    if regions:
        widget.refresh(*regions)


class Figures(Static):
    """A fixed-height Static whose `update` repaints only the changed cells (see the module doc)."""

    def __init__(self, content: VisualType = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: VisualType = content

    @property
    def content(self) -> VisualType:
        """What the widget shows (a Text, or a plain string)."""
        return self._shown

    @content.setter
    def content(self, content: VisualType) -> None:
        self.update(content)

    def render(self) -> RenderResult:
        return self._shown

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show `content`: nothing is repainted if it is equal to what is shown, else only what changed.

        The height must not change (a pane's figures have a fixed number of lines): no relayout.
        """
        old = self._shown
        if old is content or old == content:
            return
        self._shown = content
        spans = changed_spans(old, content) if isinstance(old, Text) and isinstance(content, Text) else None
        if spans is None or not self.size:
            self.refresh(layout=layout)
        else:
            refresh_spans(self, spans)
