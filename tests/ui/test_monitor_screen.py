"""The MONITOR screen: against real servers (it streams), and snapshots on fed lines."""

from __future__ import annotations

import pytest
import redis
from textual.widgets import Input

from redis_tui.settings import resolve
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.monitor_filter import FilterDialog
from redis_tui.ui.monitor_screen import MonitorScreen
from redis_tui.ui.run import make_app
from redis_tui.ui.stream_view import StreamView
from tests.ui.helpers import make_app as make_fixed_app
from tests.ui.helpers import settle, text_of, wait_until
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
        redis.Redis(port=server.port).set("after", "restart")
        await wait_until(pilot, lambda: "SET after restart" in stream_text(app))
        await pilot.press("s")
        await wait_until(pilot, lambda: session.state == "stopped")
