"""`VirtualTable`: a table that renders only the rows on screen (Textual's Line API).

A DataTable keeps, for every row, its cells, a row object and render caches, and measures
and diffs them all on each update: with 10,000 clients that alone took a core. This table
holds the caller's sequence of rows as it is, plus two functions — a row's key and its
cells — and asks for the cells of the twenty-odd rows it draws. Order is the caller's
(hand the rows over sorted); the cursor follows the row the user put it on, by key, across
updates. After an update only the lines whose text changed are repainted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = str | Text  # a Text's plain text and (whole-cell) style are used, not its spans
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    """One column: header label, key (for sorting and messages), alignment."""

    label: str
    key: str
    right: bool = False  # right-aligned (figures)


def _identity(row: Any) -> Any:
    return row


class VirtualTable(ScrollView, can_focus=True):
    """Rows drawn on demand; a row cursor that follows its row's key; a header that sorts on click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First row", show=False),
        Binding("end", "last", "Last row", show=False),
        Binding("left", "column_left", "Scroll left", show=False),
        Binding("right", "column_right", "Scroll right", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--even-row",
    }

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface 0%;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
        & > .virtual-table--header {
            text-style: bold;
            color: $text-muted;
        }
        & > .virtual-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .virtual-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class HeaderSelected(Message):
        """A column header was clicked."""

        def __init__(self, table: VirtualTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

    class RowSelected(Message):
        """Enter (or a click on the cursor's row) on a row."""

        def __init__(self, table: VirtualTable, key: Hashable) -> None:
            super().__init__()
            self.table = table
            self.key = key

    class ViewChanged(Message):
        """The rows in view changed (scrolled, resized, new rows): `first` and `last` are 0-based,
        `last` < `first` when there are no rows; `clipped`: some columns are out of view (← →)."""

        def __init__(self, table: VirtualTable, first: int, last: int, clipped: bool = False) -> None:
            super().__init__()
            self.table = table
            self.first = first
            self.last = last
            self.clipped = clipped

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.ViewChanged) and message.table is self.table

    def __init__(self, columns: Sequence[Column] = (), *, zebra_stripes: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns: tuple[Column, ...] = tuple(columns)
        self.zebra_stripes = zebra_stripes
        self._sorted_by: tuple[str, bool] | None = None
        self.cursor_row = 0
        self._rows: Sequence[Any] = ()
        self._key_of: Callable[[Any], Hashable] = _identity
        self._cells_of: Callable[[Any], Sequence[Cell]] = _identity
        self._widths: list[int] = [cell_len(c.label) for c in self.columns]
        self._chosen: Hashable | None = None  # the key of the row the user put the cursor on
        self._shown: dict[int, tuple[Any, ...]] = {}  # screen line → what was drawn there
        self._strips: dict[int, Strip] = {}  # row index → its rendered line (until something changes)
        self._view: tuple[int, int, bool] | None = None

    # --- data ------------------------------------------------------------------------------
    @property
    def sorted_by(self) -> tuple[str, bool] | None:
        """(column key, descending): the arrow in the header."""
        return self._sorted_by

    @sorted_by.setter
    def sorted_by(self, value: tuple[str, bool] | None) -> None:
        if value != self._sorted_by:
            self._sorted_by = value
            self.refresh(Region(0, 0, self.size.width, 1))  # the header line

    @property
    def row_count(self) -> int:
        """Number of rows."""
        return len(self._rows)

    @property
    def rows(self) -> Sequence[Any]:
        """The rows, in display order."""
        return self._rows

    @property
    def selected_key(self) -> Hashable | None:
        """The key of the cursor's row, None without rows."""
        if not self._rows:
            return None
        return self._key_of(self._rows[min(self.cursor_row, len(self._rows) - 1)])

    def get_row_at(self, index: int) -> tuple[Cell, ...]:
        """The cells of the row at `index` (display order)."""
        return tuple(self._cells_of(self._rows[index]))

    def set_columns(self, columns: Sequence[Column]) -> None:
        """New columns (another view of the data): the rows must follow with `set_rows`."""
        self.columns = tuple(columns)
        self._widths = [cell_len(c.label) for c in self.columns]
        self._chosen = None
        self.cursor_row = 0
        self._invalidate()
        self.scroll_to(0, 0, animate=False, force=True, immediate=True)

    def set_rows(
        self,
        rows: Sequence[Any],
        *,
        key: Callable[[Any], Hashable] = _identity,
        cells: Callable[[Any], Sequence[Cell]] = _identity,
        widths: Sequence[int] | None = None,
    ) -> None:
        """Show `rows` in this order. `key` names a row (the cursor follows it), `cells` gives its
        cells (called only for rows drawn), `widths` the content width of each column (wide enough
        for every row's cell: measured by the caller, who knows its data; None keeps the old ones)."""
        old_index, old_top = self.cursor_row, int(self.scroll_y)
        self._rows, self._key_of, self._cells_of = rows, key, cells
        if widths is not None:
            widths = [max(w, cell_len(c.label) + 2) for w, c in zip(widths, self.columns, strict=False)]
            if widths != self._widths:
                self._widths = widths
                self._invalidate()
        index = self._find(self._chosen) if self._chosen is not None else None
        if index is None:
            self._chosen = None
            index = old_index
        self.cursor_row = max(0, min(index, len(rows) - 1))
        self._strips.clear()
        self._resize_virtual()
        if self._chosen is not None and old_top <= old_index < old_top + self._page():
            # the chosen row was in view: keep it on the same screen line
            self._scroll_y_to(old_top + self.cursor_row - old_index)
        self._refresh_changed()
        self._post_view()

    def move_cursor(self, row: int, *, scroll: bool = True) -> None:
        """Put the cursor on `row` (clamped); the cursor then follows that row's key."""
        if not self._rows:
            return
        old = self.cursor_row
        self.cursor_row = max(0, min(row, len(self._rows) - 1))
        self._chosen = self._key_of(self._rows[self.cursor_row])
        for index in (old, self.cursor_row):
            self._strips.pop(index, None)
            self.refresh_line(index + 1)
        if scroll:
            self._scroll_cursor_into_view()

    def _find(self, key: Hashable) -> int | None:
        key_of = self._key_of
        return next((i for i, row in enumerate(self._rows) if key_of(row) == key), None)

    # --- actions ---------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        page = self._page()
        self._scroll_y_to(self.scroll_y - page)
        self.move_cursor(self.cursor_row - page)

    def action_page_down(self) -> None:
        page = self._page()
        self._scroll_y_to(self.scroll_y + page)
        self.move_cursor(self.cursor_row + page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_column_left(self) -> None:
        """Scroll left to the previous column's start."""
        starts = self._column_starts()
        x = int(self.scroll_x)
        self.scroll_to(x=max((s for s in starts if s < x), default=0), animate=False, force=True, immediate=True)

    def action_column_right(self) -> None:
        """Scroll right to the next column's start (as far as the last column shows)."""
        starts = self._column_starts()
        x = int(self.scroll_x)
        self.scroll_to(x=min(next((s for s in starts if s > x), x), self.max_scroll_x), animate=False, force=True,
                       immediate=True)

    def _column_starts(self) -> list[int]:
        starts, x = [], 0
        for width in self._widths:
            starts.append(x)
            x += width + 2
        return starts

    def action_select(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    async def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "column" in meta:
            self.post_message(self.HeaderSelected(self, meta["column"]))
        elif "row" in meta:
            row = int(meta["row"])
            if row == self.cursor_row and self._chosen is not None:
                self.action_select()
            self.move_cursor(row)
            event.stop()

    # --- scrolling -------------------------------------------------------------------------
    def _page(self) -> int:
        """Rows in view (the lines below the header)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_y_to(self, y: float) -> None:
        # force: the scrollbar that allows it may appear only at the next layout (see StreamView)
        self.scroll_to(y=max(0.0, y), animate=False, force=True, immediate=True)

    def _scroll_cursor_into_view(self) -> None:
        top, page = int(self.scroll_y), self._page()
        if self.cursor_row < top:
            self._scroll_y_to(self.cursor_row)
        elif self.cursor_row >= top + page:
            self._scroll_y_to(self.cursor_row - page + 1)

    def _resize_virtual(self) -> None:
        size = Size(sum(w + 2 for w in self._widths), len(self._rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if round(old_value) != round(new_value):
            self._strips.clear()  # every line is drawn again: keep only the rows in view
        super().watch_scroll_y(old_value, new_value)
        self._post_view()

    def on_resize(self) -> None:
        self._shown.clear()
        self._post_view()

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        if round(old_value) != round(new_value):
            self._strips.clear()
        super().watch_scroll_x(old_value, new_value)

    def _post_view(self) -> None:
        first = int(self.scroll_y)
        clipped = self.virtual_size.width > self.scrollable_content_region.width
        view = (first, min(len(self._rows), first + self._page()) - 1, clipped)
        if view != self._view:
            self._view = view
            self.post_message(self.ViewChanged(self, *view))

    # --- drawing ---------------------------------------------------------------------------
    def _invalidate(self) -> None:
        self._strips.clear()
        self._shown.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._shown.clear()

    def on_focus(self, event: events.Focus) -> None:
        self._invalidate()  # the cursor's colours depend on focus

    def on_blur(self, event: events.Blur) -> None:
        self._invalidate()

    def _refresh_changed(self) -> None:
        """Repaint the lines on screen whose content changed (all of them after a scroll or resize)."""
        top = int(self.scroll_y)
        for y in range(1, self.scrollable_content_region.height):
            if self._shown.get(y) != self._line_state(top + y - 1):
                self.refresh_line(top + y)

    def _line_state(self, index: int) -> tuple[Any, ...]:
        if index >= len(self._rows):
            return ()
        row = self._rows[index]
        return (tuple(_plain(c) for c in self._cells_of(row)), index == self.cursor_row, index % 2)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, top = int(self.scroll_x), int(self.scroll_y)
        base = self.rich_style
        if y == 0:
            strip = self._header()
        else:
            index = top + y - 1
            self._shown[y] = self._line_state(index)
            if index >= len(self._rows):
                return Strip.blank(width, base)
            strip = self._strips.get(index) or self._row(index)
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header(self) -> Strip:
        style = self.rich_style + self.get_component_rich_style("virtual-table--header")
        segments = []
        for number, (column, width) in enumerate(zip(self.columns, self._widths, strict=False)):
            label = column.label
            if self.sorted_by is not None and self.sorted_by[0] == column.key:
                label = f"{label} {'▼' if self.sorted_by[1] else '▲'}"
            text = _fit(label, width, column.right)
            segments.append(Segment(f" {text} ", style + Style(meta={"column": column.key, "index": number})))
        return Strip(segments)

    def _row(self, index: int) -> Strip:
        style = self.rich_style
        if self.zebra_stripes and index % 2 == 0:
            style += self.get_component_rich_style("virtual-table--even-row")
        if index == self.cursor_row:
            style += self.get_component_rich_style("virtual-table--cursor")
        meta = Style(meta={"row": index})
        segments = []
        for cell, column, width in zip(self._cells_of(self._rows[index]), self.columns, self._widths, strict=False):
            cell_style = style
            if isinstance(cell, Text) and cell.style:
                cell_style = style + (Style.parse(cell.style) if isinstance(cell.style, str) else cell.style)
            segments.append(Segment(f" {_fit(_plain(cell), width, column.right)} ", cell_style + meta))
        return Strip(segments)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _fit(text: str, width: int, right: bool) -> str:
    """`text` padded (or cut, with an ellipsis) to `width` cells."""
    size = cell_len(text)
    if size > width:
        return set_cell_size(text, max(0, width - 1)) + ELLIPSIS if width else ""
    pad = " " * (width - size)
    return pad + text if right else text + pad
