"""The troubleshooting panel and checklist: pilot tests and snapshots on fixed data."""

from __future__ import annotations

import pytest

from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.password import PasswordDialog
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from tests.ui.helpers import make_app, settle, text_of
from tests.ui.sample import healthy, memory_pressure, noauth, production, refused


async def test_t_opens_findings_and_escape_returns():
    now, before = memory_pressure()
    app = make_app(before, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert " ✖ 2 " in text_of(app, "StatusBar")  # the badge is on the dashboard at all times
        await pilot.press("t")
        assert isinstance(app.screen, TroubleshootScreen)
        body = text_of(app, "#findings-body")
        assert body.index("memory-pressure") < body.index("no-high-availability")  # most severe first
        assert "used_memory 2.0G / maxmemory 2.0G (98.4%), policy noeviction" in body
        assert "312 OOM errors" in body
        assert "redis-cli -h cache.internal -p 6379" in body  # hints filled with the user's target
        assert "hunter2" not in body
        assert text_of(app, "#findings-summary").startswith("CRITICAL — 2 critical · 0 warnings · 1 info")
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_checklist_key_and_palette():
    app = make_app(production())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert " ✔ " in text_of(app, "StatusBar")
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.query_one("TabbedContent").active == "checklist"
        checklist = text_of(app, "#checklist-body")
        assert checklist.count("✔ pass") == 6 and "2 replica(s)" in checklist
        await pilot.press("f")
        assert app.screen.query_one("TabbedContent").active == "findings"
        assert "Nothing wrong found" in text_of(app, "#findings-body")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Troubleshoot: findings", "Troubleshoot: production checklist"} <= titles


async def test_noauth_says_what_to_type():
    app = make_app(noauth())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)  # offered once, over the panel
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        body = text_of(app, "#findings-body")
        assert "auth-required" in body and "REDISCLI_AUTH" in body
        assert "The checklist needs a connection" in text_of(app, "#checklist-body")
        await pilot.press("r")
        assert app.source.refreshes == 1  # r retries now from the panel too


def _settle(pilot):
    return settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_panel_refused(snap_compare, size):
    assert snap_compare(make_app(refused()), terminal_size=size, run_before=_settle)


def test_panel_noauth(snap_compare):
    assert snap_compare(make_app(noauth()), terminal_size=(120, 40), run_before=_settle)


def test_panel_memory_pressure(snap_compare):
    now, before = memory_pressure()
    assert snap_compare(make_app(before, now), terminal_size=(120, 40), press=["t"], run_before=_settle)


def test_panel_healthy_server(snap_compare):
    assert snap_compare(make_app(production()), terminal_size=(120, 40), press=["t"], run_before=_settle)


def test_checklist_healthy_server(snap_compare):
    assert snap_compare(make_app(production()), terminal_size=(80, 24), press=["c"], run_before=_settle)


def test_checklist_on_the_sample_dashboard_server(snap_compare):
    assert snap_compare(make_app(healthy()), terminal_size=(120, 40), press=["c"], run_before=_settle)


async def test_a_closed_panel_is_not_reopened_on_every_retry():
    app = make_app(refused())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        await pilot.press("escape")
        app.source.push(refused(attempts=5))
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#outage").display  # the banner still says what is wrong
