"""The latency (L) and commands-and-errors (E) screens on a real server: a slow command and a WRONGTYPE
error made for real show up, the monitor switched off is said with the command to turn it on, and a
user without LATENCY sees the rest and the ACL rule to add."""

from __future__ import annotations

import contextlib

import redis

from redis_tui.core.connection import make_client
from redis_tui.core.diagnosis.permissions import RECIPE_RULES
from redis_tui.core.insight.latency import ENABLE, read_latency
from redis_tui.settings import resolve
from redis_tui.ui.run import make_app
from tests.ui.helpers import table_rows, text_of, wait_until


class OneByOne:
    """A real client seen through `execute_command` alone (no pipeline), as a `Commands` adapter is."""

    def __init__(self, client) -> None:
        self.client = client

    async def execute_command(self, *args):
        return await self.client.execute_command(*args)


def _row(app, selector: str, name: str) -> list[str] | None:
    return next((row for row in table_rows(app, selector) if row[0] == name), None)


async def test_latency_and_errors_made_for_real(server_factory):
    server = server_factory({"latency-monitor-threshold": "50"})
    r = redis.Redis(port=server.port)
    r.execute_command("DEBUG", "SLEEP", "0.2")  # a 200 ms stall: a "command" latency event
    r.set("plain", "1")
    with contextlib.suppress(redis.ResponseError):
        r.lpush("plain", "x")  # WRONGTYPE
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("L")
        await wait_until(pilot, lambda: "ms, max 2" in text_of(app, "#latency-monitor"))  # 200-209 ms
        monitor = text_of(app, "#latency-monitor")
        assert "command" in monitor and "LATENCY DOCTOR" in monitor and "spikes ≥ 50 ms" in monitor
        debug = _row(app, "#latency-commands", "debug")
        assert debug is not None and debug[5].endswith("K")  # p99 of DEBUG SLEEP 0.2: about 200K µs
        assert float(debug[5][:-1]) >= 190
        await wait_until(pilot, lambda: "avg" in text_of(app, "#latency-client"))
        assert "PING round trip" in text_of(app, "#latency-client") and "min" in text_of(app, "#latency-client")
        assert "LATENCY LATEST" in text_of(app, "#latency-bar")
        r.config_set("latency-monitor-threshold", 0)
        await pilot.press("r")  # read now
        await wait_until(pilot, lambda: "monitor is off" in text_of(app, "#latency-monitor"))
        assert ENABLE in text_of(app, "#latency-monitor")

        await pilot.press("escape", "E")
        await wait_until(pilot, lambda: _row(app, "#commands-errors", "WRONGTYPE") is not None)
        assert _row(app, "#commands-errors", "WRONGTYPE")[1] == "1"
        lpush = _row(app, "#commands-table", "lpush")
        assert lpush is not None and lpush[5] == "1"  # failed
        assert "no command of its own" in text_of(app, "#commands-bar")
        for _ in range(3):  # three more WRONGTYPE: the count follows
            with contextlib.suppress(redis.ResponseError):
                r.lpush("plain", "x")
        await wait_until(pilot, lambda: _row(app, "#commands-errors", "WRONGTYPE")[1] == "4")
        await pilot.press("slash", "l", "p", "enter")
        await wait_until(pilot, lambda: [row[0] for row in table_rows(app, "#commands-table")] == ["lpush"])
        assert app.is_running


async def test_a_user_without_latency_sees_the_rest(server):
    r = redis.Redis(port=server.port)
    r.execute_command("ACL", "SETUSER", "tui", *[">pw" if rule == ">CHANGE-ME" else rule for rule in RECIPE_RULES])
    recipe = make_client(resolve({"url": f"redis://tui:pw@127.0.0.1:{server.port}/0"}, {}).target)
    reading = await read_latency(recipe, resolve({"url": server.url}, {}).target)
    assert reading.problems == {} and reading.doctor and reading.rtt_ms is not None  # the README's recipe: all
    await recipe.aclose()
    r.execute_command("ACL", "SETUSER", "watcher", "on", ">pw", "~*", "+@all", "-latency")
    watcher = make_client(resolve({"url": f"redis://watcher:pw@127.0.0.1:{server.port}/0"}, {}).target)
    for client in (watcher, OneByOne(watcher)):  # in pipelines, and one command at a time
        reading = await read_latency(client, resolve({"url": server.url}, {}).target)
        assert set(reading.problems) == {"LATENCY LATEST", "LATENCY DOCTOR"}
        assert {p.id for p in reading.problems.values()} == {"permission-denied"}
        assert reading.rtt_ms is not None and reading.threshold_ms is not None  # PING, CONFIG GET: allowed
    await watcher.aclose()
    app = make_app(resolve({"url": f"redis://watcher:pw@127.0.0.1:{server.port}/0", "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("L")
        await wait_until(pilot, lambda: "NOPERM" in text_of(app, "#latency-monitor"))
        monitor = text_of(app, "#latency-monitor")
        assert "+latency" in monitor and "ACL SETUSER" in monitor
        await wait_until(pilot, lambda: "avg" in text_of(app, "#latency-client"))  # PING still measured
        await wait_until(pilot, lambda: _row(app, "#latency-commands", "info") is not None)
        assert _row(app, "#latency-commands", "info")[4] != "—"  # its p50 (latencystats from INFO)
        assert app.is_running
