"""The slow log (S) and persistence (B) screens on fixed data: what they show, the findings that open them,
writes refused without --write; snapshots at 80x24 and 120x40."""

from __future__ import annotations

import pytest

from redis_tui.ui.insight.persistence import PersistenceScreen
from redis_tui.ui.insight.slowlog import SlowlogScreen
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from tests.ui.helpers import make_app, settle, table_rows, text_of
from tests.ui.insight_sample import insight_server
from tests.ui.keys_data import screen_text, toasts

SIZES = [(80, 24), (120, 40)]


def selected_line(app) -> str:
    return next(line for line in text_of(app, "#findings-body").splitlines() if line.startswith("▶"))


async def test_findings_open_the_screens_that_detail_them():
    app = make_app(insight_server())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "rdb-save-failing" in selected_line(app) and "→ B persistence" in selected_line(app)
        assert "slow-commands" in text_of(app, "#findings-body") and "→ S slow log" in text_of(app, "#findings-body")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersistenceScreen)
        rdb = text_of(app, "#persistence-rdb")
        assert "last status       err" in rdb and "changes since     18,234" in rdb
        assert "after 3600 s if ≥ 1 change; after 300 s if ≥ 100 changes; after 60 s if ≥ 10000 changes" in rdb
        assert "1.8 ms (latest_fork_usec)" in rdb and "/var/lib/redis/dump.rdb" in rdb
        aof = text_of(app, "#persistence-aof")
        assert "everysec (appendfsync)" in aof and "94.0M (base 70.0M)" in aof and "rewrites       3" in aof
        await pilot.press("b")  # no --write: refused, said
        await settle(pilot)
        assert any("start redis-tui with --write" in t for t in toasts(app))
        assert "b: BGSAVE now (needs --write)" in text_of(app, "#persistence-op")
        await pilot.press("escape", "down")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen) and "slow-commands" in selected_line(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SlowlogScreen)
        head = text_of(app, "#slowlog-head")
        assert "HGETALL user:* is 73 % of slow time (3 of 7 entries)" in head
        assert "1 entry of redis-tui's own connections left out" in head
        assert "logs commands slower than 10.0 ms, keeps the last 128" in head
        shapes = table_rows(app, "#slowlog-shapes")
        assert shapes[0] == ["HGETALL user:*", "3", "161.5 ms", "61.0 ms", "73 %"]
        assert ["ZRANGEBYSCORE rank:*-*", "1", "15.1 ms", "15.1 ms", "7 %"] in shapes
        rows = table_rows(app, "#slowlog-entries")
        assert [r[0] for r in rows] == ["120", "118", "117", "116", "115", "114", "113"]  # newest first
        assert rows[0][1:] == ["15:59:58", "48.0 ms", "HGETALL user:1042", "10.0.1.21:51522", "api-cache-1"]
        hostile = rows[5]
        assert hostile[5] == "\\x1b]8;;http://x\\a[b…" and hostile[3].startswith("SET evil\\x1b[2J[red]x vvv")
        await pilot.press("x")  # SLOWLOG RESET without --write: refused
        await settle(pilot)
        assert any("SLOWLOG RESET changes server state" in t for t in toasts(app))
        assert "\x1b" not in screen_text(app) and app._exception is None


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_slowlog_screen(snap_compare, size):
    assert snap_compare(make_app(insight_server()), terminal_size=size, press=["S"], run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_persistence_screen(snap_compare, size):
    assert snap_compare(make_app(insight_server()), terminal_size=size, press=["B"], run_before=settle)


async def test_on_a_cluster_every_nodes_slow_log_is_merged_with_a_node_column():
    from redis_tui.core.models import SlowEntry
    from redis_tui.ui.insight.base import Reading
    from tests.ui.cluster_sample import PRIMARIES, make_cluster_app
    from tests.ui.sample import NOW

    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SlowlogScreen) and screen.FAN_OUT
        at = int(NOW)
        screen.show_readings({
            PRIMARIES[0]: Reading(PRIMARIES[0], value=(SlowEntry(9, at - 1, 30_000, (b"KEYS", b"*")),
                                                       SlowEntry(8, at - 20, 12_000, (b"GET", b"a:1")))),
            PRIMARIES[1]: Reading(PRIMARIES[1], value=(SlowEntry(9, at - 5, 20_000, (b"GET", b"a:2")),)),
        })
        await settle(pilot)
        rows = table_rows(app, "#slowlog-entries")
        assert [r[0] for r in rows] == [f"{PRIMARIES[0]} #9", f"{PRIMARIES[1]} #9", f"{PRIMARIES[0]} #8"]
        assert "node #id" in screen_text(app)
        assert "GET a:* is 52 % of slow time (2 of 3 entries)" in text_of(app, "#slowlog-head")
        assert table_rows(app, "#slowlog-shapes")[0][:2] == ["GET a:*", "2"]
