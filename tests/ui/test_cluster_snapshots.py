"""Snapshot tests of the cluster dashboard and the topology screen, on fixed rounds, at 80x24 and 120x40.

Regenerate after an intended visual change: pytest tests/ui/test_cluster_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tests.ui.cluster_sample import PRIMARIES, cluster_round, make_cluster_app
from tests.ui.helpers import settle
from tests.ui.sample import NOW

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cluster_dashboard(snap_compare, size):
    app, _ = make_cluster_app()
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_topology_screen(snap_compare, size):
    app, _ = make_cluster_app(cluster_round(), cluster_round(NOW + 1, failed=PRIMARIES[2]))
    assert snap_compare(app, terminal_size=size, press=["o"], run_before=settle)
