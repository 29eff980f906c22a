"""`Figures`: a Static that repaints only the cells whose character or style changed.

Textual sends a widget's whole region to the terminal when it is refreshed, however little of
it changed. A pane's figures change one number at a time (``used 1.02M`` → ``used 1.03M``), a
top-N table one count at a time, so `Figures` compares what it is given with what it shows,
line by line and cell by cell, and refreshes only the span from the first to the last changed
cell of each changed line (ui/partial_updates.py makes the terminal receive just those cells).
Equal content repaints nothing.

A `Text` is compared as it is (left-aligned, one line per line); any other renderable (a Rich
table, a Group) is rendered at the widget's width and its lines compared.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import ConsoleRenderable
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Region
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static

Span = tuple[int, int, int]  # (line, first cell, end cell)
Cells = list[tuple[str, object]]  # one entry per character: (character, its style)


def _text_cells(line: Text) -> Cells:
    """Each character of `line` with the styles of the spans over it (in order)."""
    styles: list[list[str | Style]] = [[] for _ in line.plain]
    for span in line.spans:
        for index in range(max(0, span.start), min(span.end, len(styles))):
            styles[index].append(span.style)
    return [(char, tuple(style)) for char, style in zip(line.plain, styles, strict=True)]


def _segment_cells(line: list[Segment]) -> Cells:
    return [(char, segment.style) for segment in line if not segment.control for char in segment.text]


def _line_span(y: int, before: Cells, after: Cells) -> Span | None:
    """The cells of line `y` that differ between `before` and `after` (None: none)."""
    if before == after:
        return None
    old_width = cell_len("".join(char for char, _ in before))
    new_text = "".join(char for char, _ in after)
    new_width = cell_len(new_text)
    start = 0
    while start < len(before) and start < len(after) and before[start] == after[start]:
        start += 1
    first = cell_len(new_text[:start])
    if old_width != new_width:  # what follows the change moved: repaint to the end of the longer line
        return (y, first, max(old_width, new_width))
    end = 0
    while end < len(before) - start and end < len(after) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return (y, first, cell_len(new_text[: len(after) - end]))


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
        span = _line_span(y, _text_cells(before), _text_cells(after))
        if span is not None:
            spans.append(span)
    return spans


def changed_line_spans(old: list[list[Segment]], new: list[list[Segment]]) -> list[Span] | None:
    """`changed_spans` for rendered lines (None when the number of lines differs)."""
    if len(old) != len(new):
        return None
    spans = [_line_span(y, _segment_cells(before), _segment_cells(after))
             for y, (before, after) in enumerate(zip(old, new, strict=True))]
    return [span for span in spans if span is not None]


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
        self._lines: tuple[int, list[list[Segment]]] | None = None  # (width, lines) of a non-Text renderable

    @property
    def content(self) -> VisualType:
        """What the widget shows (a Text, a string or another renderable)."""
        return self._shown

    @content.setter
    def content(self, content: VisualType) -> None:
        self.update(content)

    def render(self) -> RenderResult:
        return self._shown

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show `content`: nothing is repainted if it is equal to what is shown, else only what changed.

        The height must not change (the figures have a fixed number of lines): no relayout.
        """
        old = self._shown
        if old is content or (isinstance(content, (str, Text)) and old == content):
            return
        self._shown = content
        spans: list[Span] | None = None
        if isinstance(content, ConsoleRenderable) and not isinstance(content, Text):  # a Rich table, a Group
            spans = self._rendered_spans(content)
        else:
            self._lines = None
            if isinstance(old, Text) and isinstance(content, Text):
                spans = changed_spans(old, content)
        if spans is None or not self.size:
            self.refresh(layout=layout)
        else:
            refresh_spans(self, spans)

    def _rendered_spans(self, content: ConsoleRenderable) -> list[Span] | None:
        width = self.content_region.width
        if width <= 0:
            self._lines = None
            return None
        console = self.app.console
        lines = console.render_lines(content, console.options.update_width(width), pad=False)
        old, self._lines = self._lines, (width, lines)
        return changed_line_spans(old[1], lines) if old is not None and old[0] == width else None
