"""The dashboard on a real server: panes show the server's numbers and survive restarts."""

from __future__ import annotations

import contextlib

import redis

from redis_tui.settings import resolve
from redis_tui.ui.run import make_app
from tests.ui.helpers import plain, table_rows, text_of, wait_until


async def test_live_dashboard_follows_the_server(server):
    r = redis.Redis(port=server.port)
    r.mset({f"session:{i}": i for i in range(250)})
    settings = resolve({"url": server.url, "interval": 0.25}, {})
    app = make_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await wait_until(pilot, lambda: table_rows(app, "#keyspace")[:1] == [["db0", "250", "0", "—"]])
        r.mset({f"extra:{i}": i for i in range(50)})
        await wait_until(pilot, lambda: table_rows(app, "#keyspace")[0][1] == "300")
        assert app.snapshot.server.kind == server.kind
        assert server.kind.capitalize() in text_of(app, "StatusBar")

        server.stop()
        await wait_until(pilot, lambda: app.screen.query_one("#outage").display)
        assert "Cannot reach redis://127.0.0.1" in str(app.screen.query_one("#outage").content)
        server.start()
        await pilot.press("r")
        await wait_until(pilot, lambda: not app.screen.query_one("#outage").display)
        await wait_until(pilot, lambda: "● connected" in text_of(app, "StatusBar"))
        # a fresh server is empty: the pane says so, it does not keep the old numbers
        await wait_until(pilot, lambda: table_rows(app, "#keyspace") == [])


async def test_live_noauth_opens_on_the_panel(server_factory):
    server = server_factory({"requirepass": "s3cret"})
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "PasswordDialog")  # offered over the panel
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TroubleshootScreen")
        await wait_until(pilot, lambda: "auth-required" in plain(app.screen.findings_body.content))
        body = text_of(app, "#findings-body")
        assert "auth-required" in body and f"-p {server.port}" in body


async def test_live_memory_pressure_shows_within_a_poll(server_factory):
    server = server_factory({"maxmemory": "3mb", "maxmemory-policy": "noeviction"})
    r = redis.Redis(port=server.port)
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        with contextlib.suppress(redis.exceptions.OutOfMemoryError):
            for i in range(10_000):
                r.set(f"fill:{i}", "x" * 1000)
        for _ in range(20):
            with contextlib.suppress(redis.exceptions.OutOfMemoryError):
                r.set("one-more", "x" * 1000)
        await pilot.press("t")
        await wait_until(pilot, lambda: "oom-rejecting-writes" in text_of(app, "#findings-body"))
        body = text_of(app, "#findings-body")
        assert "memory-pressure" in body and "policy noeviction" in body
        assert "✖" in text_of(app, "StatusBar")


async def test_live_throughput_shows_writes_rejected_with_oom(server_factory):
    server = server_factory({"maxmemory": "2mb", "maxmemory-policy": "noeviction"})
    r = redis.Redis(port=server.port)
    try:
        for i in range(10_000):
            r.set(f"fill:{i}", "x" * 1000)
    except redis.exceptions.OutOfMemoryError:
        pass
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        rejected = 0

        def shows_errors() -> bool:
            nonlocal rejected
            for _ in range(20):  # keep failing writes coming while the app polls
                try:
                    r.set("one-more", "x" * 1000)
                except redis.exceptions.OutOfMemoryError:
                    rejected += 1
            return errors_shown(text_of(app, "#throughput-text")) > 0

        await wait_until(pilot, shows_errors)
        assert rejected > 0
        span = app.screen.query_one("#throughput-text").content
        start = span.plain.index("errors ") + len("errors ")
        assert any("red" in str(s.style) for s in span.spans if s.start <= start < s.end)


def errors_shown(text: str) -> float:
    """The errors/s figure of the Throughput pane's first line (0 when absent or unknown)."""
    if "errors " not in text:
        return 0.0
    figure = text.split("errors ", 1)[1].split("/s", 1)[0]
    scale = {"K": 1e3, "M": 1e6}.get(figure[-1:], 1)
    try:
        return float(figure.rstrip("KM")) * scale
    except ValueError:  # "—": not known yet
        return 0.0
