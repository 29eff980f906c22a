"""The live app against a real server: what `p` and the connection state really do on the wire."""

from __future__ import annotations

import redis

from redis_tui.settings import resolve
from redis_tui.ui.run import make_app
from tests.ui.helpers import settle, text_of, wait_until


def info_calls(client: redis.Redis) -> int:
    """INFO calls the server counted so far (this read itself is counted after it)."""
    return client.info("commandstats")["cmdstat_info"]["calls"]


async def test_p_really_stops_the_info_traffic(server):
    watcher = redis.Redis(port=server.port)
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("p")
        await settle(pilot)
        assert "❚❚ paused" in text_of(app, "StatusBar")
        await pilot.pause(0.5)  # a poll in flight when p was pressed has landed
        before = info_calls(watcher)
        await pilot.pause(1.25)  # five intervals
        after = info_calls(watcher)
        assert after == before + 1  # only the watcher's own INFO: the paused app sent none
        await pilot.press("p")
        await settle(pilot)
        await pilot.pause(1.25)
        resumed = info_calls(watcher)
        assert resumed - after >= 1 + 3  # the watcher's INFO and the app's polls again
        assert "● connected" in text_of(app, "StatusBar")
        assert app._exception is None


async def test_status_line_follows_monitor_reconnecting(server):
    """MONITOR back on the server: the dashboard's poller retries at once, the status line says so."""
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("m", "s")
        await wait_until(pilot, lambda: app.monitor_since is not None)
        monitor = app.screen.session
        await pilot.press("escape")
        app.source._watch.every = 3600  # the poller's own port probe off: only MONITOR can bring it back
        server.stop()
        await wait_until(pilot, lambda: app.outage is not None and app.outage.retry_at - app.clock() >= 7, 20)
        assert "retrying" in text_of(app, "StatusBar")
        server.start()
        await wait_until(pilot, lambda: monitor.last_event is not None and monitor.last_event.kind == "resumed", 10)
        await wait_until(pilot, lambda: "● connected" in text_of(app, "StatusBar"), 3)
        assert app.outage is None and app._exception is None
