"""The analyze screen against real servers: it waits to be asked, its numbers are the
server's, and a stopped run keeps its partial report."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
import redis

from redis_tui.core.format import human_bytes, thousands
from redis_tui.ui.analyze.screen import AnalyzeScreen
from tests.integration.keyspace_dataset import BIG_STRING, build
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import app_for

pytestmark = pytest.mark.integration


def script_calls(r: redis.Redis) -> int:
    stats = r.info("commandstats")
    names = ("evalsha_ro", "eval_ro", "evalsha", "eval")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in names)


def by_type_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 5 and words[0] in ("string", "hash", "list", "set", "zset", "stream"):
            rows.setdefault(words[0], words[1:5])  # the first table that names a type is "By type"
    return rows


async def test_analyze_reports_what_the_server_holds(server):
    r = redis.Redis(port=server.port)
    build(r)
    app = app_for(server.url, batch=50, top=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        calls = script_calls(r)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AnalyzeScreen)
        intro = text_of(app, "#analyze-intro")
        assert "50 keys per call" in intro and "[keyspace]" in intro and "Press s to start" in intro
        await pilot.pause(0.3)
        assert script_calls(r) == calls  # it does not start by itself
        await pilot.press("s")
        await wait_until(pilot, lambda: screen.state == "done")
        report = screen.report
        assert report.complete and report.keys_scanned == r.dbsize()
        text = text_of(app, "#analyze-report")
        assert f"{thousands(r.dbsize())} keys" in text.splitlines()[0]

        types, sizes = Counter(), Counter()
        for key in r.scan_iter(count=1000):
            kind = r.type(key).decode()
            types[kind] += 1
            sizes[kind] += r.memory_usage(key)
        rows = by_type_rows(text)
        for kind, count in types.items():
            assert rows[kind][0] == thousands(count), kind
            assert rows[kind][2] == human_bytes(sizes[kind]), kind
        assert report.top_by_bytes[0].key == BIG_STRING and "big:string" in text
        ttl = r.info("keyspace")["db0"]["expires"]
        assert report.ttl.expiring == ttl and report.ttl.persistent == r.dbsize() - ttl
        assert f"no expiry {thousands(r.dbsize() - ttl)}" in " ".join(text.split())
        assert "done" in text_of(app, "#analyze-bar")
        await pilot.press("escape")
        assert not isinstance(app.screen, AnalyzeScreen)


async def analyze_running(pilot, keys: int) -> AnalyzeScreen:
    """Open the analyze screen, start it, wait until it has measured `keys` keys."""
    await wait_until(pilot, lambda: pilot.app.snapshot is not None)
    await pilot.press("a")
    screen = pilot.app.screen
    await pilot.press("s")
    await wait_until(pilot, lambda: screen.progress is not None and screen.progress.keys >= keys)
    return screen


def small_app(server, keys: int, pause_ms: int):
    """The app on `server` filled with `keys` keys, analyzing 10 keys a batch, `pause_ms` apart."""
    redis.Redis(port=server.port).mset({b"k:%d" % i: i for i in range(keys)})
    return app_for(server.url, batch=10, pause_ms=pause_ms)


async def test_a_stopped_run_keeps_its_partial_report(server):
    app = small_app(server, 300, 300)  # 30 batches 300 ms apart: ~9 s, stopped after ~1 s
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await analyze_running(pilot, 30)
        assert "300 ms apart" in text_of(app, "#analyze-intro")
        await wait_until(pilot, lambda: "ETA" in text_of(app, "#analyze-bar"))
        assert screen.state == "running"
        await pilot.press("escape")  # stops (cutting the pause short), keeps the screen
        await wait_until(pilot, lambda: screen.state == "done", timeout=2)
        assert isinstance(app.screen, AnalyzeScreen)
        report = screen.report
        assert not report.complete and 30 <= report.keys_scanned < 300
        assert "PARTIAL" in text_of(app, "#analyze-report")
        assert "stopped: partial report" in text_of(app, "#analyze-bar")
        screen.settings = dataclasses.replace(screen.settings, pause_ms=0)
        await pilot.press("s")  # a second run goes to the end
        await wait_until(pilot, lambda: screen.state == "done", timeout=20)
        assert screen.report.complete and screen.report.keys_scanned == 300


async def test_a_server_that_goes_away_is_reported_on_the_screen(server):
    app = small_app(server, 300, 30)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await analyze_running(pilot, 20)
        server.stop()
        await wait_until(pilot, lambda: screen.state == "failed")
        assert "connection" in text_of(app, "#analyze-bar") and isinstance(app.screen, AnalyzeScreen)
        assert screen.report is not None and not screen.report.complete


async def test_the_screen_says_when_it_shrank_its_batches_for_the_slow_log(server_factory):
    server = server_factory(config={"slowlog-log-slower-than": "1000"})
    redis.Redis(port=server.port).mset({b"k:%d" % i: i for i in range(5000)})
    app = app_for(server.url, batch=5000)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await analyze_running(pilot, 1)
        await wait_until(pilot, lambda: screen.state == "done", timeout=20)
        await pilot.pause()
        assert screen.report.complete and screen.report.keys_scanned == 5000
        bar = text_of(app, "#analyze-bar")
        assert "batch 5000 → " in bar and "to stay under slowlog-log-slower-than 1 ms" in bar
        assert 0 < screen.progress.batch < 5000
