"""Snapshots of the new dialogs at 80x24 on fixed data: kill a client (a hostile name, escaped) and
switch database. (The find and export dialogs are the same frame with one input: what they say and
do is checked live in test_keys_search_export.py, within the suite's time budget.)

Regenerate after an intended change: pytest tests/ui/test_clientkeys_snapshots.py --snapshot-update
"""

from __future__ import annotations

from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.helpers import make_app, settle
from tests.ui.sample import healthy, hostile

SIZE = (80, 24)


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

