"""Building the app on fixed data, and reading what the user would see."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from redis_tui.core.source import FixedSource
from redis_tui.ui.app import RedisTuiApp
from tests.ui.sample import NOW

TARGET = "redis://:***@cache.internal:6379/0"


def make_app(*updates, write: bool = False, interval: float = 1.0) -> RedisTuiApp:
    """The dashboard on a FixedSource, with the clock frozen at sample.NOW."""
    return RedisTuiApp(FixedSource(updates, interval=interval), target_label=TARGET, write=write, clock=lambda: NOW)


def text_of(app: RedisTuiApp, selector: str) -> str:
    """Plain text of a Static (or any widget's render()) on the current screen."""
    widget = app.screen.query_one(selector)
    if isinstance(widget, Static):
        return str(widget.content)
    return str(widget.render())


def table_rows(app: RedisTuiApp, selector: str) -> list[list[str]]:
    """The cells of a DataTable, in display order, as plain text."""
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def settle(pilot) -> None:
    """Let posted updates reach the widgets."""
    await pilot.pause()
    await pilot.pause()
