"""Snapshot tests of the fleet overview on fixed rounds, at 80x24 and 120x40.

Regenerate after an intended visual change: pytest tests/ui/test_fleet_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tests.ui.fleet_sample import make_fleet_app
from tests.ui.helpers import settle

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_fleet_overview(snap_compare, size):
    app, _ = make_fleet_app()
    assert snap_compare(app, terminal_size=size, run_before=settle)
