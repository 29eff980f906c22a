"""A Sentinel group in the app, on fixed rounds (no server): the status line names the master, a failover is a
toast (once) and a line on the topology screen, the replication screen lists the links; snapshots at 80x24
and 120x40. Regenerate after an intended visual change: pytest tests/ui/test_sentinel_screens.py --snapshot-update
"""

from __future__ import annotations

import pytest

from redis_tui.ui.replication.screen import ReplicationScreen
from redis_tui.ui.topology.screen import TopologyScreen
from tests.ui.helpers import settle, table_rows, text_of
from tests.ui.keys_data import screen_text, toasts
from tests.ui.sample import NOW
from tests.ui.sentinel_sample import NEW, OLD, OTHER, SENTINELS, group_round, make_group_app

SIZES = [(80, 24), (120, 40)]
MOVED = f"master mymaster moved {OLD} → {NEW} at 15:59:40, failover took 3.1 s"  # NOW - 20 s, in UTC


async def test_a_failover_is_said_on_the_status_line_in_one_toast_and_on_the_topology_screen():
    app, rounds = make_group_app(group_round())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert f"master {OLD}" in text_of(app, "StatusBar")
        assert not toasts(app)
        rounds.push(group_round(NOW + 1, moved=True))
        await settle(pilot)
        assert f"master {NEW}" in text_of(app, "StatusBar") and OLD not in text_of(app, "StatusBar")
        assert [t for t in toasts(app) if "moved" in t] == [f"Failover\n{MOVED}"]
        assert "failover-happened" in {f.id for f in app.findings}
        rounds.push(group_round(NOW + 2, moved=True))  # the same failover again: no second toast
        await settle(pilot)
        assert len([t for t in toasts(app) if "moved" in t]) == 1
        app.clear_notifications()  # the toast covers the bottom of the screen
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, TopologyScreen)
        shown = screen_text(app)
        assert f"⇄ {MOVED}" in shown  # kept on the topology screen
        assert "+switch-master mymaster 10.0.0.5 6379 10.0.0.6 6379" in shown
        assert f"· master {NEW}" in shown and "3/3 answer, quorum 2" in shown
        rows = {row[1]: row for row in table_rows(app, "NodeTable")}
        assert rows[NEW][2] == "primary" and rows[OLD][2] == "└ replica" and rows[SENTINELS[0]][2] == "sentinel"
        assert rows[SENTINELS[0]][3] == "—"  # a Sentinel holds no data: no memory shown
        rounds.push(group_round(NOW + 3, moved=True, sentinel_down=SENTINELS[2]))
        await settle(pilot)
        warned = [f for f in app.findings if f.id == "sentinel-unreachable"]
        assert [f.node for f in warned] == [SENTINELS[2]] and warned[0].severity == "warning"
        assert "Sentinels: 2/3 answer" in screen_text(app) and "✖ 12s ago" in screen_text(app)
        assert {row[1]: row[0] for row in table_rows(app, "NodeTable")}[SENTINELS[2]] == "✖ DOWN"
        assert app._exception is None


async def test_the_replication_screen_lists_each_link_with_its_lag():
    app, _ = make_group_app(group_round(moved=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ReplicationScreen)
        header = text_of(app, "#replication-masters")
        assert header.startswith(f"master {NEW} · offset 90,000,000 · 2 replicas · backlog 1.0M, 50% used")
        rows = {row[0]: row for row in table_rows(app, "#replication-links")}
        assert set(rows) == {OTHER, OLD}  # one master: no master column
        assert rows[OTHER][1:5] == ["online", "up", "3.0M", "4s"]
        assert rows[OTHER][-1] == f"{90_000_000 - 3 * 1024 * 1024:,}"  # its offset
        assert rows[OLD][1:3] == ["wait_bgsave", "connecting 3s"]
        assert rows[OLD][-3:-1] == ["yes", "yes"]  # replica-read-only, replica-serve-stale-data
        assert "slave" not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReplicationScreen)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_sentinel_topology_screen(snap_compare, size):
    app, _ = make_group_app(group_round(), group_round(NOW + 1, moved=True, sentinel_down=SENTINELS[2]))
    assert snap_compare(app, terminal_size=size, press=["o"], run_before=settle)


def test_replication_screen(snap_compare):
    app, _ = make_group_app(group_round(moved=True))
    assert snap_compare(app, terminal_size=(80, 24), press=["l"], run_before=settle)
