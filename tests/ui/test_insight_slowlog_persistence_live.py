"""The slow log (S) and persistence (B) screens on real servers of each kind: slow commands made with DEBUG SLEEP
come in live under the cursor, SLOWLOG RESET and a BGSAVE confirmed and followed to their end, an AOF rewrite
seen; a user without SLOWLOG reads the rule to add, and nothing is written without --write."""

from __future__ import annotations

import time

import redis

from redis_tui.settings import resolve
from redis_tui.ui.insight.confirm_write import ConfirmWrite
from redis_tui.ui.insight.persistence import PersistenceScreen
from redis_tui.ui.insight.slowlog import SlowlogScreen
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.table import selected_key
from tests.ui.helpers import table_rows, text_of, wait_until
from tests.ui.keys_data import toasts


def aof_idle(r: redis.Redis) -> bool:
    info = r.info("persistence")
    return not info["aof_rewrite_in_progress"] and not info.get("aof_rewrite_scheduled")


async def test_slow_commands_reset_bgsave_and_aof_rewrite(server_factory):
    server = server_factory({"slowlog-log-slower-than": "10000", "enable-debug-command": "yes"})
    r = redis.Redis(port=server.port)
    r.client_setname("worker-7")
    for i in range(3):
        r.hset(f"user:{1000 + i}", "name", "x")
    r.config_set("slowlog-log-slower-than", 0)  # a moment of everything logged: HGETALL user:* shapes
    for i in range(3):
        r.hgetall(f"user:{1000 + i}")
    r.config_set("slowlog-log-slower-than", 10000)
    r.execute_command("DEBUG", "SLEEP", "0.03")
    app = make_app(resolve({"url": server.url, "interval": 0.25, "write": True}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SlowlogScreen)
                         and len(table_rows(app, "#slowlog-entries")) == 5)  # CONFIG SET, 3 HGETALL, DEBUG
        assert "DEBUG SLEEP is" in text_of(app, "#slowlog-head")  # 30 ms: most of the slow time
        assert any(row[:2] == ["HGETALL user:*", "3"] for row in table_rows(app, "#slowlog-shapes"))
        first = table_rows(app, "#slowlog-entries")[0]
        assert first[3] == "DEBUG SLEEP 0.03" and first[5] == "worker-7"
        table = app.screen.query_one("#slowlog-entries")
        await pilot.press("down")
        held = selected_key(table)
        before = table.row_count
        r.execute_command("DEBUG", "SLEEP", "0.02")  # a new entry, while the screen is open
        await pilot.press("r")
        await wait_until(pilot, lambda: table.row_count == before + 1)
        assert table_rows(app, "#slowlog-entries")[0][3] == "DEBUG SLEEP 0.02"
        assert selected_key(table) == held and table.cursor_row == 2  # the cursor stayed on its entry

        r.config_set("slowlog-log-slower-than", 5000)  # read with the slow log, not the 30 s config poll
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        assert "SLOWLOG RESET" in str(app.screen.query_one(".dialog-note").render())
        await pilot.press("y")
        await wait_until(pilot, lambda: table.row_count == 0 and "The slow log is empty" in text_of(
            app, "#slowlog-head"))
        assert r.slowlog_len() == 0
        assert "logs commands slower than 5.0 ms" in text_of(app, "#slowlog-head")

        await pilot.press("escape", "B")
        await wait_until(pilot, lambda: isinstance(app.screen, PersistenceScreen)
                         and "last save" in text_of(app, "#persistence-rdb"))
        saves = r.info("persistence")["rdb_saves"]
        await pilot.press("b")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmWrite))
        await pilot.press("y")
        await wait_until(pilot, lambda: "BGSAVE done: ok" in text_of(app, "#persistence-op"))
        assert r.info("persistence")["rdb_saves"] == saves + 1
        saved_at = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.lastsave().timestamp()))
        assert saved_at in text_of(app, "#persistence-op") and saved_at in text_of(app, "#persistence-rdb")

        r.config_set("appendonly", "yes")  # turning AOF on writes a first AOF (a rewrite)
        await wait_until(pilot, lambda: aof_idle(r))
        r.bgrewriteaof()
        await wait_until(pilot, lambda: aof_idle(r) and r.info("persistence")["aof_rewrites"] >= 2)
        rewrites = r.info("persistence")["aof_rewrites"]
        await pilot.press("r")
        await wait_until(pilot, lambda: f"rewrites       {rewrites}" in text_of(app, "#persistence-aof"))
        aof = text_of(app, "#persistence-aof")
        assert "append-only    on" in aof and "last rewrite   ok" in aof and "rewriting now  no" in aof
        assert app.is_running and app._exception is None


async def test_without_slowlog_permission_or_write(server):
    r = redis.Redis(port=server.port)
    r.execute_command("ACL", "SETUSER", "watcher", "on", ">pw", "~*", "+@all", "-slowlog")
    app = make_app(resolve({"url": f"redis://watcher:pw@127.0.0.1:{server.port}/0", "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, SlowlogScreen)
                         and "NOPERM" in text_of(app, "#slowlog-head"))
        head = text_of(app, "#slowlog-head")
        assert "add +slowlog|get to its ACL" in head and "pw" not in head.replace("NOPERM", "")
        saves = r.info("persistence")["rdb_saves"]
        await pilot.press("escape", "B", "b")  # read-only: refused, nothing sent
        assert isinstance(app.screen, PersistenceScreen)
        await pilot.pause()
        assert any("start redis-tui with --write" in t for t in toasts(app))
        assert not isinstance(app.screen, ConfirmWrite) and r.info("persistence")["rdb_saves"] == saves
        assert app.is_running and app._exception is None
