"""The fleet overview on fixed rounds: one row per server, enter opens its dashboard, esc returns, n cycles,
s sorts; one-server keys wait until a server is picked; no password is ever on screen."""

from __future__ import annotations

from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.fleet import FleetRound, fleet_rows
from redis_tui.core.nodes import DOWN
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from redis_tui.ui.widgets.node_table import NodeTable
from tests.ui.fleet_sample import DOWN_ADDR, MEMBERS, fleet_round, make_fleet_app
from tests.ui.helpers import settle, table_rows, text_of, wait_until
from tests.ui.keys_data import screen_text, toasts

SECRETS = ("hunter2", "s3cret")


def rows_by_name(app) -> dict[str, list[str]]:
    table = app.screen.query_one(NodeTable)
    names = [column.key for column in table.spec].index("name")
    return {row[names]: row for row in table_rows(app, "NodeTable")}


def cell(app, name: str, key: str) -> str:
    table = app.screen.query_one(NodeTable)
    return rows_by_name(app)[name][[column.key for column in table.spec].index(key)]


def no_secret(app) -> None:
    text = screen_text(app)
    assert not any(secret in text for secret in SECRETS)


def test_rows_say_what_each_server_is():
    update = fleet_round()
    findings = {m.addr: Diagnoser(m.target).update(update.updates[m.addr]) for m in MEMBERS}
    rows = {row.name: row for row in fleet_rows(FleetRound(update, findings))}
    assert rows["cache"].server == "Redis 7.2.4" and rows["cache"].status == "OK"
    assert round(rows["cache"].memory_pct or 0) == 80 and rows["cache"].hit_ratio == 0.9
    assert rows["sessions"].role == "replica" and rows["sessions"].problem == "memory-pressure"
    assert rows["sessions"].addr == "10.0.0.5:6379/2"
    assert rows["10.0.0.7:6379"].role == "cluster node"  # the row covers that node, not the cluster
    assert rows["10.0.0.7:6379"].memory_pct is None
    down = rows[DOWN_ADDR]
    assert (down.status, down.problem, down.ops) == (DOWN, "connection-refused", None)


async def test_overview_enter_esc_and_n_move_between_servers():
    app, _ = make_fleet_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FleetScreen)
        assert set(rows_by_name(app)) == {m.name for m in MEMBERS}
        assert cell(app, DOWN_ADDR, "status") == "✖ DOWN" and cell(app, DOWN_ADDR, "problem") == "connection-refused"
        assert cell(app, "10.0.0.7:6379", "fleet_role") == "cluster node"
        assert "is a cluster node: the row and its dashboard show that node alone" in screen_text(app)
        assert "fleet of 4 │ 3/4 up" in text_of(app, "FleetStatus")
        no_secret(app)

        await pilot.press("down", "enter")  # the second row: sessions
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and "sessions redis://monitor:***@10.0.0.5:6379/2" in text_of(app, "StatusBar"))
        await wait_until(pilot, lambda: "98.0% of 1.0G" in screen_text(app))
        assert any("Dashboard: sessions (esc: every server, n: the next)" in toast for toast in toasts(app))
        no_secret(app)

        await pilot.press("n")  # the next server, without going back
        await wait_until(pilot, lambda: "redis://10.0.0.7:6379/0" in text_of(app, "StatusBar"))
        await wait_until(pilot, lambda: "no maxmemory limit" in screen_text(app))  # nothing of the last server stays

        await pilot.press("n")  # the server that does not answer: the panel says why
        await wait_until(pilot, lambda: isinstance(app.screen, TroubleshootScreen))
        assert "connection-refused" in screen_text(app) and "10.0.0.9:6380" in text_of(app, "StatusBar")

        await pilot.press("n")  # after the last, the first
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and "cache redis://:***@cache.internal:6379/0" in text_of(app, "StatusBar"))
        no_secret(app)

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))
        assert app.fleet is not None and app.fleet.focus is None
        assert app._exception is None


async def test_overview_keeps_updating_and_sorts():
    app, fixed = make_fleet_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert cell(app, "cache", "ops") == "2.4K"
        fixed.push(fleet_round(ops_bump=5000))
        await wait_until(pilot, lambda: cell(app, "cache", "ops") == "7.4K")
        assert cell(app, "sessions", "ops") == "5.3K" and cell(app, DOWN_ADDR, "ops") == "—"
        await pilot.press("s")  # status: the worst first
        await settle(pilot)
        assert [row[1] for row in table_rows(app, "NodeTable")] == [DOWN_ADDR, "sessions", "10.0.0.7:6379", "cache"]
        assert "sort: status (s)" in screen_text(app)
        await pilot.press("s")  # name
        await settle(pilot)
        assert [row[1] for row in table_rows(app, "NodeTable")] == sorted(m.name for m in MEMBERS)


async def test_one_server_keys_wait_until_a_server_is_picked():
    app, _ = make_fleet_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Troubleshoot" not in footer and "Keys" not in footer and "Sort" in footer
        for key in ("t", "k", "m", "a", "o", "escape", "n"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, FleetScreen), key
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Fleet: show sessions" in titles and not any(t.startswith(("Keys:", "MONITOR:")) for t in titles)
        assert app._exception is None


async def test_a_fleet_never_shows_its_cluster_actions_or_a_single_server_app_its_fleet_ones():
    from tests.ui.helpers import make_app
    from tests.ui.sample import healthy

    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.fleet is None
        assert "Every server" not in screen_text(app)


async def test_a_round_taken_for_the_server_left_is_not_shown_under_the_next_ones_name():
    from redis_tui.ui.fleet.actions import FleetUpdated

    app, _ = make_fleet_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # cache: 80.5% of 512.0M
        await wait_until(pilot, lambda: "80.5% of 512.0M" in screen_text(app))
        stale = app.fleet
        await pilot.press("n")  # sessions: 98.0% of 1.0G
        await wait_until(pilot, lambda: "98.0% of 1.0G" in screen_text(app))
        app.post_message(FleetUpdated(stale))  # a round still queued from before the switch
        await settle(pilot)
        assert "98.0% of 1.0G" in screen_text(app) and "sessions" in text_of(app, "StatusBar")
