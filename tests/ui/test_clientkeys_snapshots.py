"""Snapshots of the new dialogs at 80x24 on fixed data: kill a client (a hostile name, escaped),
switch database, search inside a collection (the export dialog is the same frame with a path field:
its behaviour is checked live in test_keys_search_export.py).

Regenerate after an intended change: pytest tests/ui/test_clientkeys_snapshots.py --snapshot-update
"""

from __future__ import annotations

from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.keys.search import SearchDialog
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.helpers import make_app, settle
from tests.ui.sample import healthy, hostile

SIZE = (80, 24)
HOSTILE_NAME = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"


def test_kill_dialog(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        table = pilot.app.screen.query_one(ClientsPane).query_one(VirtualTable)
        table.move_cursor(row=next(i for i, (_n, c) in enumerate(table.rows) if c.id == 66))
        table.focus()
        await pilot.press("K")
        await settle(pilot)

    assert snap_compare(make_app(hostile(), write=True), terminal_size=SIZE, run_before=run_before)


def test_database_dialog(snap_compare):
    assert snap_compare(make_app(healthy()), terminal_size=SIZE, press=["d"], run_before=settle)


def test_search_dialog(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.app.push_screen(KeysScreen(clock=pilot.app.clock))
        await pilot.app.push_screen(SearchDialog("HSCAN", HOSTILE_NAME, "cart:*"))
        await settle(pilot)

    assert snap_compare(make_app(healthy()), terminal_size=SIZE, run_before=run_before)

