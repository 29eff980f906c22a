"""Snapshot tests (pytest-textual-snapshot) of every screen, on fixed data, at 80x24 and 120x40.

Regenerate after an intended visual change: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tests.ui.helpers import make_app, settle
from tests.ui.sample import NOW, healthy, hostile, refused

SIZES = [(80, 24), (120, 40)]


async def _settle(pilot) -> None:
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_dashboard(snap_compare, size):
    assert snap_compare(make_app(healthy()), terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_never_connected(snap_compare, size):
    assert snap_compare(make_app(refused(since=NOW - 3, attempts=2, retry_in=2)), terminal_size=size,
                        run_before=_settle)


def test_connection_lost_keeps_stale_data(snap_compare):
    assert snap_compare(make_app(healthy(NOW - 30), refused(since=NOW - 25)), terminal_size=(120, 40),
                        run_before=_settle)


def test_hostile_client_names(snap_compare):
    async def sort_by_id(pilot):
        await settle(pilot)
        pilot.app.screen.query_one("ClientsPane").sort_by("id", toggle=False)
        await pilot.pause()

    assert snap_compare(make_app(hostile()), terminal_size=(120, 40), run_before=sort_by_id)


def test_help(snap_compare):
    assert snap_compare(make_app(healthy()), terminal_size=(80, 24), press=["question_mark"], run_before=_settle)


def test_paused_write_mode(snap_compare):
    assert snap_compare(make_app(healthy(), write=True), terminal_size=(120, 40), press=["p"], run_before=_settle)
