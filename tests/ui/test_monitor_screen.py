"""The MONITOR screen: against real servers (it streams), and snapshots on fed lines."""

from __future__ import annotations

import re
import threading
import time

import pytest
import redis
from textual.widgets import Input

from redis_tui.settings import resolve
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.monitor.filter_dialog import FilterDialog
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.stream_view import StreamView
from tests.ui.helpers import make_app as make_fixed_app
from tests.ui.helpers import settle, text_of, wait_until
from tests.ui.keys_data import screen_text
from tests.ui.sample import healthy


def stream_text(app) -> str:
    view = app.screen.query_one("#stream", StreamView)
    return "\n".join(view.render_item(item).plain for item in view.items)


def monitor_calls(r: redis.Redis) -> int:
    return r.info("commandstats").get("cmdstat_monitor", {}).get("calls", 0)


async def test_monitor_streams_filters_pauses_and_stops(server):
    r = redis.Redis(port=server.port)
    app = make_app(resolve({"url": server.url, "interval": 0.5}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("m")
        assert isinstance(app.screen, MonitorScreen)
        assert "Press s to start" in text_of(app, "#monitor-intro")
        assert monitor_calls(r) == 0  # it opens stopped: nothing sent
        await pilot.press("s")
        session = app.screen.session
        await wait_until(pilot, lambda: session.state == "running")
        assert "● MON" in text_of(app, "StatusBar")
        r.set("k with space", b"\xff\x1b[2J")
        r.execute_command("GET", 'say "hi"')
        await wait_until(pilot, lambda: 'GET "say \\"hi\\""' in stream_text(app))
        assert 'SET "k with space" \\xff\\x1b[2J' in stream_text(app)
        assert "INFO" not in stream_text(app)  # the dashboard's own polling is left out

        await pilot.press("space")
        assert session.paused and "view paused" in text_of(app, "#monitor-bar")
        await pilot.press("space")

        await pilot.press("f")
        assert isinstance(app.screen, FilterDialog)
        app.screen.query_one("#commands", Input).value = "get"
        app.screen.query_one("#key", Input).value = "user:*"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: GET key=user:*" in text_of(app, "#monitor-bar")
        r.set("user:1", "x")
        r.get("other")
        r.get("user:1")
        await wait_until(pilot, lambda: "GET user:1" in stream_text(app))
        assert "SET user:1" not in stream_text(app) and "other" not in stream_text(app)
        await wait_until(pilot, lambda: "GET" in text_of(app, "#monitor-tops"))

        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")
        assert app.monitor_since is None and "● MON" not in text_of(app, "StatusBar")
        assert monitor_calls(r) == 1


async def test_monitor_without_permission_says_which_acl_rule(server):
    admin = redis.Redis(port=server.port)
    admin.execute_command("ACL", "SETUSER", "app", "on", ">pw", "~*", "+@all", "-monitor")
    app = make_app(resolve({"url": server.url, "user": "app", "password": "pw"}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "s")
        session = app.screen.session
        await wait_until(pilot, lambda: "+monitor" in text_of(app, "#monitor-bar"))
        assert session.state == "stopped" and "pw" not in text_of(app, "#monitor-bar")


def fed_app() -> RedisTuiApp:
    return make_fixed_app(healthy())


LINES = (
    b'+1764000000.101000 [0 10.0.1.21:51522] "GET" "cache:api:v1:products:42"\r\n'
    b'+1764000000.102500 [0 10.0.1.22:40102] "SET" "cache:api:v1:products:7" "{\\"id\\": 7}" "EX" "120"\r\n'
    b'+1764000000.110000 [0 10.0.1.30:38211] "INCR" "ratelimit:203.0.113.9:29400000"\r\n'
    b'+1764000000.110200 [0 10.0.1.30:38211] "EXPIRE" "ratelimit:203.0.113.9:29400000" "60"\r\n'
    b'+1764000000.200000 [2 10.0.2.11:60114] "BRPOP" "jobs:email" "5"\r\n'
    b'+1764000000.300000 [0 10.0.3.5:42000] "HGETALL" "session:00042"\r\n'
    b'+1764000000.400000 [0 lua] "EVAL" "return 1" "0"\r\n'
    b'+1764000000.500000 [0 10.6.6.6:6666] "SET" "\\x1b[2J\\x1b]8;;http://x\\x07[red]boom[/]" "\\xff"\r\n'
)


async def _open_monitor_and_feed(pilot):
    await settle(pilot)
    await pilot.press("m")
    screen = pilot.app.screen
    screen.show_stream()
    await pilot.pause()
    screen.session.feed.feed(LINES)
    screen._drain()
    screen._show_stats()
    await pilot.pause()


async def _open_monitor(pilot):
    await settle(pilot)
    await pilot.press("m")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_monitor_stopped_says_what_it_costs(snap_compare, size):
    assert snap_compare(fed_app(), terminal_size=size, run_before=_open_monitor)


def test_monitor_with_lines(snap_compare):
    async def run_before(pilot):
        await _open_monitor_and_feed(pilot)

    assert snap_compare(fed_app(), terminal_size=(120, 40), run_before=run_before)


async def test_fed_lines_are_escaped_and_named():
    app = fed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monitor_and_feed(pilot)
        text = stream_text(app)
        assert "16:00:00.101" in text  # server time, local clock (UTC in tests)
        assert 'SET cache:api:v1:products:7 "{\\"id\\": 7}" EX 120' in text
        assert "SET \\x1b[2J\\x1b]8;;http://x\\a[red]boom[/] \\xff" in text
        tops = text_of(app, "#monitor-tops")
        assert "10.0.1.21:51522 api-cache-1" in tops  # named from the dashboard's CLIENT LIST
        assert "ratelimit" in tops and "cache" in tops
        await pilot.press("w")
        assert app.screen.query_one("#monitor-side").border_title == "Since start"
        await pilot.press("x")
        assert stream_text(app) == ""


async def test_monitor_survives_a_server_restart(server):
    app = make_app(resolve({"url": server.url, "interval": 0.5}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "s")
        session = app.screen.session
        await wait_until(pilot, lambda: session.state == "running")
        server.stop()
        await wait_until(pilot, lambda: "server lost" in text_of(app, "#monitor-bar")
                         or "retrying" in text_of(app, "#monitor-bar"))
        server.start()
        await wait_until(pilot, lambda: "resumed" in text_of(app, "#monitor-bar"), timeout=20)
        r = redis.Redis(port=server.port)
        r.set("after", "restart")
        await wait_until(pilot, lambda: "SET after restart" in stream_text(app))
        with r.pipeline(transaction=False) as pipe:  # more than a screenful: the view follows them
            for n in range(1, 121):
                pipe.set(f"tail:{n}", "v")
            pipe.execute()
        await wait_until(pilot, lambda: newest_visible(app) == 120)
        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")


class Load:
    """A thread sending ``SET <prefix>:<n>`` with n = 1, 2, ... at a steady rate (~300/s)."""

    def __init__(self, server, prefix: str = "tail", rate: float = 300.0) -> None:
        self.client = redis.Redis(port=server.port)
        self.prefix, self.period = prefix, 1.0 / rate
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            self.sent += 1
            self.client.set(f"{self.prefix}:{self.sent}", "v")
            next_at += self.period
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.client.close()


def visible_counters(app, prefix: str = "tail") -> list[int]:
    """The counters of the `prefix:<n>` keys on the terminal, top to bottom."""
    return [int(n) for n in re.findall(rf"SET {prefix}:(\d+)", screen_text(app))]


def newest_visible(app) -> int:
    return max(visible_counters(app), default=0)


def newest_visible_in_view(app) -> int:
    """The newest counter the view holds (on screen or not)."""
    return max(map(int, re.findall(r"SET tail:(\d+)", stream_text(app))), default=0)


async def test_the_stream_follows_the_tail_until_scrolled_up_and_again_at_end(server):
    app = make_app(resolve({"url": server.url, "interval": 0.5}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "s")
        session = app.screen.session
        await wait_until(pilot, lambda: session.state == "running")
        with Load(server) as load:
            # several screenfuls: the view must keep showing the newest commands
            await wait_until(pilot, lambda: load.sent > 200)
            target = load.sent
            await wait_until(pilot, lambda: newest_visible(app) >= target)
            shown = visible_counters(app)
            assert shown == sorted(shown) and len(shown) > 20  # a full screen of consecutive lines, oldest first
            assert shown[-1] - shown[0] == len(shown) - 1

            await pilot.press("x")  # cleared: it follows again once the new lines overflow the screen
            await pilot.pause()
            assert newest_visible(app) == 0 or visible_counters(app)[0] >= target
            target = load.sent + 150
            await wait_until(pilot, lambda: newest_visible(app) >= target)

            await pilot.press("pageup")  # scrolled up: the view stays put while lines arrive
            await pilot.pause()
            held = visible_counters(app)
            assert held and held[-1] < newest_visible_in_view(app)
            sent = load.sent
            await wait_until(pilot, lambda: load.sent > sent + 100)
            await pilot.pause(0.5)
            assert visible_counters(app) == held
            assert "End" in screen_text(app)  # the bar says how to follow again

            await pilot.press("end")  # follows again
            target = load.sent
            await wait_until(pilot, lambda: newest_visible(app) >= target)
            target = load.sent + 50
            await wait_until(pilot, lambda: newest_visible(app) >= target)
        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")
        assert app.is_running and app._exception is None


async def test_at_80_columns_the_command_and_key_stay_whole(server):
    r = redis.Redis(port=server.port)
    app = make_app(resolve({"url": server.url, "interval": 0.5}, {}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m", "s")
        session = app.screen.session
        await wait_until(pilot, lambda: session.state == "running")
        r.execute_command("GET", "cache:api:v1:search:products:42")
        r.hset("session:00042", "field-with-a-long-name", "x" * 100)
        r.execute_command("OBJECT", "ENCODING", "session:00042")  # a subcommand: its key is the 3rd word
        await wait_until(pilot, lambda: "OBJECT ENCODING session:00042" in screen_text(app))  # the last one sent
        text = screen_text(app)
        assert "GET cache:api:v1:search:products:42" in text
        assert "HSET session:00042 field-with" in text  # the other arguments are cut, not the key
        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")


async def _open_filter(pilot) -> FilterDialog:
    await pilot.press("f")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, FilterDialog)
    return dialog


async def _type(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await pilot.press(*text)
    await pilot.pause()


async def test_the_filter_dialog_refuses_unknown_commands_and_keeps_what_was_typed():
    app = fed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_monitor(pilot)
        dialog = await _open_filter(pilot)
        await _type(pilot, "#commands", "GET,HGETALLCACHE:API:V1:SEARCH:*")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused: still open, with the input as typed
        assert dialog.query_one("#commands", Input).value == "GET,HGETALLCACHE:API:V1:SEARCH:*"
        assert "unknown command: HGETALLCACHE:API:V1:SEARCH:*" in text_of(app, ".dialog-error")
        assert "unknown command" in screen_text(app)

        await _type(pilot, "#commands", "get,[/],[red]x")  # brackets are shown, never parsed as markup
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and app._exception is None
        assert "unknown commands: [/], [RED]X" in text_of(app, ".dialog-error")
        assert "[/], [RED]X" in screen_text(app)

        await _type(pilot, "#commands", "get, config|get,json.get")
        await _type(pilot, "#db", "-1")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "database must be a number" in text_of(app, ".dialog-error")
        await _type(pilot, "#db", "2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: CONFIG GET,GET,JSON.GET db=2" in text_of(app, "#monitor-bar")
        assert app.screen.session.filter.db == 2


async def test_the_filter_dialog_cancel_and_clear_all():
    app = fed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monitor(pilot)
        dialog = await _open_filter(pilot)
        await _type(pilot, "#commands", "set")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: SET" in text_of(app, "#monitor-bar")

        dialog = await _open_filter(pilot)
        assert dialog.query_one("#commands", Input).value == "SET"  # opens on the filter in force
        await _type(pilot, "#commands", "get")
        await pilot.press("escape")  # cancel: nothing changes
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: SET" in text_of(app, "#monitor-bar")

        await _open_filter(pilot)
        await _type(pilot, "#key", "user:*")
        await pilot.click("#cancel")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: SET" in text_of(app, "#monitor-bar")

        await _open_filter(pilot)
        await pilot.click("#clear")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: none" in text_of(app, "#monitor-bar") and not app.screen.session.filter.active

        await _open_filter(pilot)
        await _type(pilot, "#key", "user:*")
        await pilot.click("#apply")
        await wait_until(pilot, lambda: isinstance(app.screen, MonitorScreen))
        assert "filter: key=user:*" in text_of(app, "#monitor-bar")
        await pilot.press("F")
        await pilot.pause()
        assert "filter: none" in text_of(app, "#monitor-bar")


async def test_hostile_names_through_monitor_are_shown_as_text(server):
    """Commands, keys and an ACL user name that look like markup or terminal escapes, for real."""
    admin = redis.Redis(port=server.port)
    user = "[/]x[red]"
    admin.execute_command("ACL", "SETUSER", user, "on", ">pw", "~*", "+@all", "-client")  # no guard for it
    app = make_app(resolve({"url": server.url, "user": user, "password": "pw", "interval": 0.5}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "s")
        session = app.screen.session
        await wait_until(pilot, lambda: session.state == "running")
        # the guard cannot watch (CLIENT ID and CLIENT LIST refused): a toast says so
        await wait_until(pilot, lambda: any("cannot watch" in str(n.message) for n in app._notifications))
        await pilot.pause()
        assert app._exception is None and "cannot watch" in screen_text(app)
        admin.set("[/]", "[red]x")
        admin.set(b"\x1b[2J", b"\x1b]8;;http://x\x07")
        admin.execute_command("GET", "[bold]k[/bold]")
        await wait_until(pilot, lambda: "GET [bold]k[/bold]" in screen_text(app))
        text = screen_text(app)
        assert "SET [/] [red]x" in text and "SET \\x1b[2J \\x1b]8;;http://x\\a" in text
        assert "\x1b" not in text
        await wait_until(pilot, lambda: "[bold]k[/bold]" in text_of(app, "#monitor-tops"))
        assert "[/]" in text_of(app, "#monitor-tops") and "\\x1b[2J" in text_of(app, "#monitor-tops")
        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")
        await pilot.pause()
        assert app.is_running and app._exception is None


async def test_a_refusal_naming_a_markup_like_user_is_shown_as_text(server):
    admin = redis.Redis(port=server.port)
    user = "[/]x[red]"
    admin.execute_command("ACL", "SETUSER", user, "on", ">pw", "~*", "+@all", "-monitor")
    app = make_app(resolve({"url": server.url, "user": user, "password": "pw"}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "s")
        await wait_until(pilot, lambda: "+monitor" in text_of(app, "#monitor-bar"))
        await pilot.pause()
        assert app.is_running and app._exception is None  # the toast was drawn
        assert f"ACL SETUSER {user} +monitor" in text_of(app, "#monitor-bar")
        toasts = [str(n.message) for n in app._notifications]
        assert any(f"ACL SETUSER {user} +monitor" in message for message in toasts)
        assert "may not run MONITOR" in screen_text(app)
