"""Keyed, diffing updates for DataTables: add new rows, drop gone ones, touch changed cells."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey


class Table(DataTable):
    """DataTable whose rendered lines follow its column widths, with render caches sized to a screen.

    Textual 8.2.8 measures new rows on idle but keeps lines it rendered before that with
    the old widths (``_update_dimensions`` does not clear the line caches), so a table
    filled once could show ``db`` for ``db0`` until something else changed. Clearing the
    caches after the measurement fixes it (pinned version; re-check when upgrading).

    Its render caches are keyed by an update counter, so after each change every entry is
    stale; Textual keeps 10,000 rendered cells and 1,000 rows and lines per table all the
    same, several MB each that fill over the first minutes of a session. A screenful is enough.
    """

    CELL_CACHE = 1000  # rendered cells (a 40-row screen of 10 columns is 400)
    LINE_CACHE = 200  # rendered rows and lines (a tall terminal shows ~100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cell_render_cache.maxsize = self.CELL_CACHE
        self._row_render_cache.maxsize = self.LINE_CACHE
        self._line_cache.maxsize = self.LINE_CACHE

    def _update_dimensions(self, new_rows) -> None:
        widths = [column.content_width for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if widths != [column.content_width for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        """`DataTable.update_cell`, repainting only that cell when no width changes.

        Textual 8.2.8 repaints the whole table for one cell; a dashboard that changes one
        figure a second would redraw every row every second (pinned version, as above).
        """
        if update_width or not isinstance(row_key, str) or not isinstance(column_key, str):
            super().update_cell(row_key, column_key, value, update_width=update_width)
            return
        row, column = RowKey(row_key), ColumnKey(column_key)
        if row not in self._row_locations or column not in self._column_locations:
            raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.")
        self._data[row][column] = value
        self._update_count += 1  # the render caches are keyed by it
        index = self._row_locations.get(row)
        if index is not None:  # present: checked above
            self.refresh_coordinate(Coordinate(index, self.get_column_index(column_key)))


def build_table(columns: Sequence[tuple[str, str, int | None]], **kwargs) -> Table:
    """A row-cursor `Table` with (label, key, width) columns (width None = sized to fit)."""
    table = Table(cursor_type="row", **kwargs)
    for label, key, width in columns:
        table.add_column(label, key=key, width=width)
    return table


def build_figures_table(columns: Sequence[tuple[str, str, int]], **kwargs) -> Table:
    """A narrow `Table` of figures: no cell padding, every column after the first right-aligned.

    Each width includes the gap before the column, so the table fits a half-width pane at
    80 columns (36 cells) with its headers whole.
    """
    table = Table(cursor_type="row", cell_padding=0, show_cursor=False, **kwargs)
    for index, (label, key, width) in enumerate(columns):
        table.add_column(Text(label, justify="right" if index else "left"), key=key, width=width)
    return table


def sync_rows(
    table: DataTable,
    rows: Mapping[str, Sequence[Any]],
    *,
    order: Sequence[str] | None = None,
    sort_key: Callable[[Sequence[Any]], Any] | None = None,
    reverse: bool = False,
) -> bool:
    """Make `table` hold exactly `rows` (row key → cells in column order); True if anything changed.

    Rows are matched by key, so the cursor and scroll position stay on the same client or
    command while the data under them changes. `order` (a list of row keys) or `sort_key`
    (a function of a row's cells) decides the order.
    """
    columns = list(table.columns)
    present = {key.value for key in table.rows if key.value is not None}
    changed = False
    selected = selected_key(table)
    with table.app.batch_update():
        for key in present - set(rows):
            table.remove_row(key)
            changed = True
        for key, cells in rows.items():
            if key not in present:
                table.add_row(*cells, key=key)
                changed = True
                continue
            old = table.get_row(key)
            for column, old_cell, new_cell in zip(columns, old, cells, strict=False):
                if old_cell != new_cell:
                    # re-measure only a cell wider than its column (widths never shrink): no
                    # virtual-size change, no relayout, and only this row is repainted
                    spec = table.columns[column]
                    wider = spec.auto_width and cell_len(str(new_cell)) > spec.content_width
                    table.update_cell(key, column.value or "", new_cell, update_width=wider)
                    changed = True
        if changed and order is not None:
            rank = {key: index for index, key in enumerate(order)}
            if [row.key.value for row in table.ordered_rows] != sorted(rows, key=rank.__getitem__):
                first = columns[0]
                by_first = {str(rows[key][0]): rank[key] for key in rows}
                table.sort(first, key=lambda cell: by_first.get(str(cell), len(rank)))
        elif changed and sort_key is not None and not in_order(table, sort_key, reverse):
            table.sort(key=sort_key, reverse=reverse)
        if changed:
            keep_selection(table, selected)
    return changed


def in_order(table: DataTable, sort_key: Callable[[Sequence[Any]], Any], reverse: bool) -> bool:
    """True if the rows already stand in `sort_key` order (sorting them again would repaint the table)."""
    keys = [sort_key(tuple(table.get_row_at(index))) for index in range(table.row_count)]
    return all((b <= a) if reverse else (a <= b) for a, b in zip(keys, keys[1:], strict=False))


def selected_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - no valid cursor yet
        return None


def keep_selection(table: DataTable, key: str | None) -> None:
    """Put the cursor back on the row `key` (rows move when others come, go or re-sort)."""
    if key is not None and key in {k.value for k in table.rows}:
        table.move_cursor(row=table.get_row_index(key), animate=False, scroll=False)
