"""--write actions of the keys screen: offered only with --write, only after confirmation, and
doing what they say on the server; without --write, no write command reaches the server."""

from __future__ import annotations

import pytest
import redis
from textual.widgets import Input

from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.dialogs import ConfirmDialog, RenameDialog, TTLDialog
from redis_tui.ui.keys.screen import KeysScreen
from tests.integration.keyspace_dataset import HOSTILE
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import app_for, listed, open_keys, screen_text, show_key, toast_shown

pytestmark = pytest.mark.integration

WRITES = {"del", "unlink", "expire", "pexpire", "expireat", "persist", "rename", "renamenx", "set", "flushdb",
          "flushall"}


def fill(r: redis.Redis) -> None:
    r.set(b"doomed", b"x")
    r.set(b"keeper", b"y")
    r.set(b"taken", b"z")
    r.hset(b"profile:1", mapping={b"name": b"ada"})
    r.set(HOSTILE, b"boom")


def command_calls(r: redis.Redis) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in r.info("commandstats").items()}


async def dialog_of(pilot, kind):
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


async def test_write_actions_ask_first_and_do_what_they_say(server):
    r = redis.Redis(port=server.port)
    fill(r)
    app = app_for(server.url, write=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        assert "WRITE" in screen.query_one("#key-detail").border_subtitle
        await show_key(pilot, screen, b"doomed")

        await pilot.press("d")
        dialog = await dialog_of(pilot, ConfirmDialog)
        assert "doomed" in screen_text(app) and "UNLINK" in screen_text(app)
        await pilot.press("enter")  # the focus starts on Cancel: enter changes nothing
        await wait_until(pilot, lambda: app.screen is screen)
        assert r.exists(b"doomed")
        await pilot.press("d")
        await dialog_of(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_until(pilot, lambda: not r.exists(b"doomed"))
        await wait_until(pilot, lambda: b"doomed" not in listed(screen))
        assert dialog.key == b"doomed" and app.screen is screen  # the first dialog named the key, then closed
        await toast_shown(pilot, "Deleted doomed")

        await show_key(pilot, screen, b"keeper")
        await pilot.press("e")
        dialog = await dialog_of(pilot, TTLDialog)
        dialog.query_one(Input).value = "-5"
        await pilot.press("enter")
        assert app.screen is dialog and "0 or more" in screen_text(app)  # refused, still open
        dialog.query_one(Input).value = "300"
        await pilot.press("enter")
        await wait_until(pilot, lambda: 290 <= r.ttl(b"keeper") <= 300)
        await wait_until(pilot, lambda: "TTL 4m" in text_of(app, "#key-info"))
        await toast_shown(pilot, "keeper expires in 300 s")
        await pilot.press("e")
        dialog = await dialog_of(pilot, TTLDialog)
        assert "expires in 4m" in screen_text(app)
        await pilot.press("escape")  # cancelled: the TTL stays
        await wait_until(pilot, lambda: app.screen is screen)
        assert r.ttl(b"keeper") > 0
        await pilot.press("e")
        await dialog_of(pilot, TTLDialog)
        await pilot.press("enter")  # empty: PERSIST
        await wait_until(pilot, lambda: r.ttl(b"keeper") == -1)
        await toast_shown(pilot, "keeper no longer expires")

        await pilot.press("n")
        dialog = await dialog_of(pilot, RenameDialog)
        assert dialog.query_one(Input).value == "keeper"
        dialog.query_one(Input).value = "kept"
        await pilot.press("enter")
        await wait_until(pilot, lambda: r.exists(b"kept") and not r.exists(b"keeper"))
        await wait_until(pilot, lambda: listed(screen) == [b"kept"] and screen.selected == b"kept")
        await toast_shown(pilot, "Renamed keeper to kept")

        await pilot.press("n")  # onto a name that exists: RENAMENX refuses, we ask
        dialog = await dialog_of(pilot, RenameDialog)
        dialog.query_one(Input).value = "taken"
        await pilot.press("enter")
        await dialog_of(pilot, ConfirmDialog)
        assert "This name is taken" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert r.get(b"taken") == b"z" and r.get(b"kept") == b"y"
        await pilot.press("n")
        dialog = await dialog_of(pilot, RenameDialog)
        dialog.query_one(Input).value = "taken"
        await pilot.press("enter")
        await dialog_of(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_until(pilot, lambda: r.get(b"taken") == b"y" and not r.exists(b"kept"))
        await toast_shown(pilot, "Renamed kept to taken")

        # a hostile name: the dialog shows it escaped, the command gets the original bytes
        await show_key(pilot, screen, HOSTILE)
        await pilot.press("d")
        await dialog_of(pilot, ConfirmDialog)
        assert "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]" in screen_text(app)
        assert "\x1b" not in screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: not r.exists(HOSTILE))
        await toast_shown(pilot, "Deleted \\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]")


async def test_every_write_toast_shows_markup_names_as_text(server):
    r = redis.Redis(port=server.port)
    r.set(b"[/]", b"v")
    app = app_for(server.url, write=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        await show_key(pilot, screen, b"[/]")
        await pilot.press("n")
        dialog = await dialog_of(pilot, RenameDialog)
        dialog.query_one(Input).value = "\x1b[2J[red]x[link=x]y"
        await pilot.press("enter")
        await wait_until(pilot, lambda: r.exists(b"\x1b[2J[red]x[link=x]y"))
        await toast_shown(pilot, "Renamed [/] to \\x1b[2J[red]x[link=x]y")
        renamed = b"\x1b[2J[red]x[link=x]y"
        await show_key(pilot, screen, renamed)
        await pilot.press("e")
        dialog = await dialog_of(pilot, TTLDialog)
        dialog.query_one(Input).value = "90"
        await pilot.press("enter")
        await toast_shown(pilot, "\\x1b[2J[red]x[link=x]y expires in 90 s")
        await pilot.press("e")
        await dialog_of(pilot, TTLDialog)
        await pilot.press("enter")
        await toast_shown(pilot, "\\x1b[2J[red]x[link=x]y no longer expires")
        assert r.ttl(renamed) == -1
        await pilot.press("y")
        await toast_shown(pilot, 'Copied "\\x1b[2J[red]x[link=x]y"')
        assert app.clipboard == '"\\x1b[2J[red]x[link=x]y"'

        r.delete(renamed)  # gone behind our back: the rename fails, said in a toast
        await pilot.press("n")
        dialog = await dialog_of(pilot, RenameDialog)
        dialog.query_one(Input).value = "other"
        await pilot.press("enter")
        await toast_shown(pilot, "\\x1b[2J[red]x[link=x]y: the server said no such key")
        await pilot.press("d")
        await dialog_of(pilot, ConfirmDialog)
        await pilot.press("y")
        await toast_shown(pilot, "\\x1b[2J[red]x[link=x]y was already gone")
        assert not r.exists(b"other")


async def test_without_write_nothing_is_offered_and_no_write_is_sent(server):
    r = redis.Redis(port=server.port)
    fill(r)
    r.expire(b"keeper", 1000)
    for i in range(60):
        r.set(b"filler:%d" % i, i)
    before = command_calls(r)
    app = app_for(server.url, page_size=10, scan_count=10, value_page_size=1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        assert "READ-ONLY" in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        assert "Delete" not in footer and "Rename" not in footer and "TTL" not in footer
        await show_key(pilot, screen, b"keeper")
        for key in ("d", "e", "n", "y", "R", "M", "t", "t", "down", "end", "home"):
            await pilot.press(key)
            await pilot.pause(0.05)
            assert isinstance(app.screen, KeysScreen), key  # no dialog opened
        await show_key(pilot, screen, b"profile:1")
        screen.query_one("#value-table").focus()
        await pilot.press("M", "end", "d", "e", "n")
        await pilot.press("slash")
        screen.query_one("#glob-input", Input).value = "filler:*"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.match == b"filler:*" and screen._keys_worker.is_finished)
        assert listed(screen) and all(key.startswith(b"filler:") for key in listed(screen))
        await pilot.press("shift+tab", "down", "space", "enter", "escape")
        await pilot.press("a", "s")
        await wait_until(pilot, lambda: app.screen.state == "done")
        await pilot.press("escape")
        screen.query_one(KeyDetail)._write("delete", b"keeper")  # even if the action were reached, the core refuses
        await pilot.pause(0.2)
    after = command_calls(r)
    assert r.exists(b"keeper") and r.ttl(b"keeper") > 0 and r.dbsize() == 65
    used = {name for name, calls in after.items() if calls > before.get(name, 0)}
    assert used & {"scan", "type", "memory|usage"}  # the screens did read
    assert not used & WRITES, used & WRITES
    for name in used:  # and nothing the server itself counts as a write
        flags = r.execute_command("COMMAND", "INFO", name)[name]["flags"]
        assert "write" not in flags, name
