"""The insight screens' frame on a real server: it reads only while open, says what it costs, and words a
command the ACL refuses instead of failing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import redis
from textual.app import ComposeResult
from textual.widgets import Static

from redis_tui.core.connection import Commands
from redis_tui.settings import resolve
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.run import make_app
from tests.ui.helpers import text_of, wait_until


class ClockScreen(InsightScreen[Any]):
    """A minimal insight screen: the server's TIME."""

    NAME = "clock"
    TITLE = "Clock"
    EVERY = 0.25
    COST = "TIME every 0.25 s while open"

    def compose_body(self) -> ComposeResult:
        yield Static(id="clock-body")

    async def read(self, client: Commands) -> Any:
        return await client.execute_command("TIME")

    def show(self, readings: Mapping[str, Reading[Any]]) -> None:
        reading = next(iter(readings.values()))
        line = missing(reading, "TIME")
        self.query_one("#clock-body", Static).update(line if line is not None else f"server time {reading.value[0]}")


def time_calls(r: redis.Redis) -> int:
    return int(r.info("commandstats").get("cmdstat_time", {}).get("calls", 0))


async def test_reads_while_open_only_and_shows_its_cost(server):
    r = redis.Redis(port=server.port)
    app = make_app(resolve({"url": server.url, "interval": 1.0}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        screen = ClockScreen()
        await app.push_screen(screen)
        await wait_until(pilot, lambda: "server time" in text_of(app, "#clock-body"))
        assert "TIME every 0.25 s while open" in text_of(app, "#clock-bar")
        assert screen.first_data_s is not None
        await wait_until(pilot, lambda: time_calls(r) >= 3)  # it keeps reading while open
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen and app.is_running
        closed = time_calls(r)
        await asyncio.sleep(1.0)
        assert time_calls(r) <= closed + 1  # a read under way may finish; none starts after


async def test_a_refused_command_is_worded_with_the_rule_to_add(server):
    r = redis.Redis(port=server.port)
    r.execute_command("ACL", "SETUSER", "watcher", "on", ">pw", "~*", "+@all", "-time")
    app = make_app(resolve({"url": f"redis://watcher:pw@127.0.0.1:{server.port}/0", "interval": 1.0}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await app.push_screen(ClockScreen())
        await wait_until(pilot, lambda: "NOPERM" in text_of(app, "#clock-body"))
        body = text_of(app, "#clock-body")
        assert "+time" in body and "pw" not in body.replace("NOPERM", "")
        assert app.is_running
