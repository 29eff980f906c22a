"""Building the app on fixed data, and reading what the user would see."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from rich.text import Text
from textual.app import ScreenStackError
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Static

from redis_tui.core.source import FixedSource
from redis_tui.core.target import Target
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.sample import NOW

TARGET = Target(host="cache.internal", password="hunter2")  # shows as redis://:***@cache.internal:6379/0


def make_app(*updates, write: bool = False, interval: float = 1.0) -> RedisTuiApp:
    """The dashboard on a FixedSource, with the clock frozen at sample.NOW."""
    return RedisTuiApp(FixedSource(updates, interval=interval), target=TARGET, write=write, clock=lambda: NOW)


def text_of(app: RedisTuiApp, selector: str) -> str:
    """Plain text of a Static (or any widget's render()) on the current screen."""
    widget = app.screen.query_one(selector)
    return plain(widget.content if isinstance(widget, Static) else widget.render())


def plain(content) -> str:
    """Any renderable as plain text (wide, so nothing wraps)."""
    if isinstance(content, (str, Text)):
        return str(content)
    console = Console(width=1000, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def table_rows(app: RedisTuiApp, selector: str) -> list[list[str]]:
    """The cells of a DataTable (or a VirtualTable), in display order, as plain text."""
    table = app.screen.query_one(selector)
    assert isinstance(table, (DataTable, VirtualTable))
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def settle(pilot) -> None:
    """Let posted updates reach the widgets; input cursors stop blinking (snapshots are stable)."""
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def wait_until(pilot, condition, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout` seconds).

    A widget the condition reads may be missing for a moment (a screen being pushed or popped, the
    troubleshooting panel opened over the dashboard by a slow first poll on a loaded machine): that
    counts as "not yet", and the last such error is shown if the time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if condition():
                return
            missing = None
        except (NoMatches, ScreenStackError) as exc:
            missing = exc
        assert loop.time() < deadline, f"the screen never showed it{f' ({missing})' if missing else ''}"
        await pilot.pause(0.05)
