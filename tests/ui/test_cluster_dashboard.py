"""The dashboard on a cluster, on fixed rounds (no server): totals, spread, one node, the topology screen."""

from __future__ import annotations

from textual.widgets import DataTable

from redis_tui.ui.topology.screen import TopologyScreen
from redis_tui.ui.widgets.node_table import NodeTable
from redis_tui.ui.widgets.spread import SpreadLine
from tests.ui.cluster_sample import PRIMARIES, REPLICAS, cluster_round, make_cluster_app
from tests.ui.helpers import make_app, settle, text_of
from tests.ui.keys_data import screen_text
from tests.ui.sample import NOW, healthy


def spread_of(app, measure: str) -> SpreadLine:
    return next(line for line in app.screen.query(SpreadLine) if line.measure == measure)


def red_spans(text) -> set[str]:
    return {text.plain[s.start:s.end] for s in text.spans if "red" in str(s.style)}


async def test_panes_show_the_cluster_total_and_the_spread():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app._exception is None
        screen = screen_text(app)
        assert "total 5,400" in text_of(app, "#keyspace-text")  # 1,000 + 1,100 + 3,300, replicas not counted
        assert "used 550.0M" in text_of(app, "#memory-text")  # 100 + 120 + 330
        assert "ops 1.1K/s" in text_of(app, "#throughput-text")  # 200 + 220 + 660
        # 440 hits / (440 + 60): 88.0 %; the average of the nodes' ratios would be 80.0 %
        assert "ratio 88.0%" in text_of(app, "#hits-text")
        assert "connected 36" in text_of(app, "#clients-text")
        keys_line = spread_of(app, "keys")
        assert keys_line.display
        assert "max 3,300 10.0.0.12:6379 3.0× · min 1,000" in str(keys_line.content)
        assert "10.0.0.12:6379" in red_spans(keys_line.content)  # 3× the median stands out
        assert "max 660/s 10.0.0.12:6379 3.0×" in screen
        status = text_of(app, "StatusBar")
        assert "cluster ok" in status and "16384/16384 slots" in status and "6/6 nodes up" in status


async def test_a_key_switches_the_dashboard_to_one_node_and_back():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert f"node {PRIMARIES[0]}" in text_of(app, "StatusBar")
        assert "total 1,000" in text_of(app, "#keyspace-text")
        assert "ratio 90.0%" in text_of(app, "#hits-text")
        assert not spread_of(app, "keys").display  # one node: no spread
        await pilot.press("n")
        await settle(pilot)
        assert f"node {REPLICAS[0]}" in text_of(app, "StatusBar")
        await pilot.press("w")
        await settle(pilot)
        assert "node " not in text_of(app, "StatusBar")
        assert "total 5,400" in text_of(app, "#keyspace-text")
        assert app._exception is None


async def test_the_palette_offers_each_node_and_the_whole_cluster():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Cluster: whole cluster" in titles
        assert f"Cluster: show node {PRIMARIES[1]} (primary)" in titles
        wanted = f"Cluster: show node {PRIMARIES[1]}"
        show = next(c for c in app.get_system_commands(app.screen) if c.title.startswith(wanted))
        show.callback()
        await settle(pilot)
        assert f"node {PRIMARIES[1]}" in text_of(app, "StatusBar")
        assert "total 1,100" in text_of(app, "#keyspace-text")


async def test_topology_screen_lists_shards_and_enter_shows_a_node():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TopologyScreen)
        table = app.screen.query_one(NodeTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[1] for r in rows] == [PRIMARIES[0], REPLICAS[0], PRIMARIES[1], REPLICAS[1], PRIMARIES[2], REPLICAS[2]]
        assert rows[0][3:5] == ["0-5460", "5,461"]
        assert rows[3][9] == "40"  # replica offset behind its primary
        assert rows[4][5] == "330.0M"
        screen = screen_text(app)
        assert "16384/16384 slots" in screen and "3 shards" in screen
        hot = table.get_row_at(4)[5]
        assert "red" in str(hot.style) or any("red" in str(s.style) for s in hot.spans)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TopologyScreen)
        assert f"node {PRIMARIES[1]}" in text_of(app, "StatusBar")
        assert "total 1,100" in text_of(app, "#keyspace-text")


async def test_a_down_primary_is_a_red_row_and_leaves_the_totals():
    app, fixed = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        fixed.push(cluster_round(NOW + 1, failed=PRIMARIES[2], keys_bump=5))
        await settle(pilot)
        table = app.screen.query_one(NodeTable)
        row = [c for c in table.get_row(PRIMARIES[2])]
        assert str(row[0]) == "✖ DOWN"
        assert all("red" in str(c.style) or any("red" in str(s.style) for s in c.spans) for c in row[1:3])
        assert "fail" in str(row[-1])
        # the other nodes keep updating
        assert str(table.get_row(PRIMARIES[0])[7]) == "1,005"
        screen = screen_text(app)
        assert "cluster fail" in screen and "5/6 nodes up" in screen
        await pilot.press("escape")
        await settle(pilot)
        assert "total 2,110" in text_of(app, "#keyspace-text")  # 1,005 + 1,105 from the primaries up
        assert "✖" in text_of(app, "StatusBar")  # the findings badge: a primary is failing
        assert app._exception is None


async def test_on_a_single_server_n_does_nothing_and_o_shows_it_alone():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "node " not in text_of(app, "StatusBar") and "cluster" not in text_of(app, "StatusBar")
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one(NodeTable, DataTable)
        assert table.row_count == 1
        assert "not a cluster" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app._exception is None and app.is_running


async def test_checklist_tab_judges_the_whole_cluster():
    app, fixed = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t", "c")
        await settle(pilot)
        body = text_of(app, "#checklist-body")
        assert "3 of 3 shards have a replica" in body and "Sentinel" not in body
        assert "passes on all 6 nodes" in body  # every node judged, not the first one alone
        fixed.push(cluster_round(NOW + 1, failed=PRIMARIES[1]))
        await settle(pilot)
        body = text_of(app, "#checklist-body")
        assert f"unknown on {PRIMARIES[1]} (no answer)" in body
        assert "passes on 5 of 6 nodes" in body
