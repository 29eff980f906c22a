"""From a cluster finding to the topology screen, with the node it names selected (fixed rounds, no server)."""

from __future__ import annotations

from redis_tui.ui.topology.screen import TopologyScreen
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from redis_tui.ui.widgets.node_table import NodeTable
from redis_tui.ui.widgets.table import selected_key
from tests.ui.cluster_sample import PRIMARIES, cluster_round, make_cluster_app
from tests.ui.helpers import make_app, settle, text_of
from tests.ui.keys_data import screen_text
from tests.ui.sample import NOW, memory_pressure


def selected_line(app) -> str:
    return next(line for line in text_of(app, "#findings-body").splitlines() if line.startswith("▶"))


async def test_enter_on_a_cluster_finding_opens_the_topology_on_its_node():
    app, _ = make_cluster_app(cluster_round(), cluster_round(NOW + 1, failed=PRIMARIES[2]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert [f.id for f in app.findings] == ["cluster-down", "cluster-node-failing"]
        assert "cluster-down" in selected_line(app)  # the first finding is selected
        await pilot.press("down")
        await settle(pilot)
        assert "cluster-node-failing" in selected_line(app)
        assert "▶  CRITICAL  cluster-node-failing" in screen_text(app)  # scrolled into view, marked
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TopologyScreen)
        table = app.screen.query_one(NodeTable)
        assert selected_key(table) == PRIMARIES[2]  # the failing primary's row has the cursor
        row = table.get_row_index(PRIMARIES[2])
        assert table.cursor_row == row and table.show_cursor
        assert f"✖ DOWN  {PRIMARIES[2]}" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        assert "cluster-node-failing" in selected_line(app)  # the selection stays
        await pilot.press("up", "g")  # cluster-down names no node: the one that says so, the seed
        await settle(pilot)
        assert isinstance(app.screen, TopologyScreen)
        assert selected_key(app.screen.query_one(NodeTable)) == PRIMARIES[0]
        assert app._exception is None


async def test_on_a_single_server_the_keys_select_and_never_open_the_topology():
    now, before = memory_pressure()
    app = make_app(before, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        first = selected_line(app)  # a finding is selected on every topology
        await pilot.press("down")
        await settle(pilot)
        assert selected_line(app) != first
        await pilot.press("enter", "g")
        await settle(pilot)
        assert not isinstance(app.screen, TopologyScreen)
        assert "Topology" not in screen_text(app).splitlines()[-1]
        assert app._exception is None
