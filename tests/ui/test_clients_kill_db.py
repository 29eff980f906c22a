"""Client actions on the dashboard against a real server: `K` kills the selected client (only with
--write, after a dialog naming it; an extra warning for redis-tui's own connections), and `d`
switches the database the app looks at (keys screen, status line)."""

from __future__ import annotations

import dataclasses
import socket

import pytest
import redis
from textual.widgets import Input

from redis_tui.demo.server import EmbeddedServer
from redis_tui.settings import resolve
from redis_tui.ui.dashboard.client_kill import KillDialog
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.dashboard.db_switch import DatabaseDialog
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.conftest import BASE_CONFIG, KINDS
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import listed, open_keys, screen_text, toast_shown

pytestmark = pytest.mark.integration


@pytest.fixture
def one_server():
    """One server (the first kind present: CLIENT KILL ID and SELECT are the same on both)."""
    server = EmbeddedServer(KINDS[0], dict(BASE_CONFIG)).start()
    yield server
    server.close()


def live_app(url: str, write: bool):
    settings = resolve({"url": url, "write": write, "interval": 0.25}, {})
    return make_app(dataclasses.replace(settings, client_list_interval=0.25))


def kill_calls(r: redis.Redis) -> int:
    stats = r.info("commandstats")
    return int(stats.get("cmdstat_client|kill", {}).get("calls", 0))


def row_of(table: VirtualTable, name: str) -> int | None:
    return next((i for i, (_node, client) in enumerate(table.rows) if client.name == name), None)


async def select(pilot, pane: ClientsPane, name: str) -> None:
    table = pane.query_one(VirtualTable)
    await wait_until(pilot, lambda: row_of(table, name) is not None)
    table.move_cursor(row=row_of(table, name) or 0)
    await pilot.pause()


async def test_kill_a_client_then_switch_database(one_server):
    """One app session walks both (an app start costs more than either)."""
    r = redis.Redis(port=one_server.port)
    r.set(b"zero:a", b"1")
    r3 = redis.Redis(port=one_server.port, db=3)
    r3.mset({b"three:a": b"1", b"three:b": b"2"})
    victim = socket.create_connection(("127.0.0.1", one_server.port))
    victim.sendall(b"CLIENT SETNAME victim[red]\r\n")
    assert victim.recv(16).startswith(b"+OK")
    victim_id = next(c["id"] for c in r.client_list() if c["name"] == "victim[red]")
    app = live_app(one_server.url, write=True)
    async with app.run_test(size=(120, 40)) as pilot:
        # --- K: CLIENT KILL ID, refused without --write, asked first, our own connections warned ---
        pane = app.screen.query_one(ClientsPane)
        await select(pilot, pane, "victim[red]")

        app.write = False  # read-only: refused with a toast, nothing sent
        before = kill_calls(r)
        await pilot.press("K")
        await toast_shown(pilot, "--write")
        assert not isinstance(app.screen, KillDialog) and kill_calls(r) == before
        app.write = True

        await pilot.press("K")
        await wait_until(pilot, lambda: isinstance(app.screen, KillDialog))
        shown = screen_text(app)
        assert "victim[red]" in shown and str(victim_id) in shown and "CLIENT KILL ID" in shown
        assert "redis-tui's own" not in shown
        await pilot.press("enter")  # the focus starts on Cancel
        await wait_until(pilot, lambda: not isinstance(app.screen, KillDialog))
        assert any(c["id"] == victim_id for c in r.client_list())

        await pilot.press("K")
        await wait_until(pilot, lambda: isinstance(app.screen, KillDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: all(c["id"] != victim_id for c in r.client_list()))
        victim.settimeout(5)
        assert victim.recv(16) == b""  # the server closed the connection
        table = pane.query_one(VirtualTable)
        await wait_until(pilot, lambda: row_of(table, "victim[red]") is None)
        await toast_shown(pilot, f"Closed client {victim_id}")

        await select(pilot, pane, "redis-tui")  # our own poller: an extra warning
        await pilot.press("K")
        await wait_until(pilot, lambda: isinstance(app.screen, KillDialog))
        assert "redis-tui's own connections" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, KillDialog))

        # --- d: switch database; the keys screen scans the new one, the status line names it ---
        keys = await open_keys(pilot)
        await wait_until(pilot, lambda: listed(keys) == [b"zero:a"])
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.snapshot is not None and len(app.snapshot.keyspace) == 2)

        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DatabaseDialog))
        shown = screen_text(app)
        assert "db0" in shown and "db3" in shown and "2 keys" in shown
        field = app.screen.query_one(Input)
        field.value = "-1"
        await pilot.press("enter")
        assert isinstance(app.screen, DatabaseDialog) and "0 or more" in screen_text(app)
        field.value = "3"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, DatabaseDialog))
        await wait_until(pilot, lambda: "/3" in text_of(app, "StatusBar"))

        await pilot.press("k")
        await wait_until(pilot, lambda: sorted(listed(keys)) == [b"three:a", b"three:b"])
        assert r.get(b"zero:a") == b"1" and r3.dbsize() == 2  # nothing written
        assert app.is_running
    victim.close()
