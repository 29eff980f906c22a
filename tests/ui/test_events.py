"""The events the app keeps, on fixed updates: the dashboard's newest-event line, the bell and the notification
for a new critical finding, the events screen (newest first, filter, payload), MONITOR started/stopped; and
snapshots of the events screen at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from textual.widgets._toast import Toast

from redis_tui.core.events import Event
from redis_tui.core.source import FixedSource
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.events.screen import EventsScreen, PayloadDialog
from tests.conftest import KINDS
from tests.diag_builders import snapshot
from tests.ui.helpers import TARGET, make_app, plain, settle, table_rows, text_of, wait_until
from tests.ui.sample import NOW, healthy, refused

MB = 1024 * 1024
RUN_A, RUN_B = "a" * 40, "b" * 40


def server(at: float, run_id: str = RUN_A, used_mb: int = 100, maxmemory_mb: int = 2048) -> object:
    return snapshot({"server": {"run_id": run_id},
                     "memory": {"used_memory": used_mb * MB, "maxmemory": maxmemory_mb * MB,
                                "maxmemory_policy": "noeviction"}},
                    config={"maxmemory": str(maxmemory_mb * MB), "maxmemory-policy": "noeviction",
                            "requirepass": "(set)"}, taken_at=at)


def toasts(app) -> list[str]:
    return [plain(toast.render()) for toast in app.screen.query(Toast)]


async def test_events_line_alerts_and_screen_on_fixed_updates():
    source = FixedSource([server(NOW - 60)])
    app = RedisTuiApp(source, target=TARGET, clock=lambda: NOW)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#event-line").display  # the state at start is not news
        first = len(app.events)

        source.push(server(NOW - 50, maxmemory_mb=1024))
        await wait_until(pilot, lambda: app.latest_event is not None)
        assert "config-change maxmemory 2gb → 1gb · e: events" in text_of(app, "#event-line")
        assert app.screen.query_one("#event-line").display and not bells

        source.push(refused(since=NOW - 40))
        source.push(server(NOW - 30, RUN_B, used_mb=2000, maxmemory_mb=1024))  # back, restarted, full
        await wait_until(pilot, lambda: bells)
        await wait_until(pilot, lambda: any("memory-pressure" in t for t in toasts(app)))
        assert any("t: troubleshoot" in t for t in toasts(app)) and len(bells) == 1
        app.monitor_since = NOW - 20  # what the MONITOR screen does when its stream starts, then stops
        await pilot.pause()
        app.monitor_since = None
        await pilot.pause()
        assert "monitor-stopped MONITOR stopped by redis-tui" in text_of(app, "#event-line")

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        await settle(pilot)
        rows = table_rows(app, "#events-table")
        kinds = [row[1] for row in rows]  # newest first; no node column on one server
        assert kinds[:5] == ["monitor-stopped", "monitor-started", "finding-opened", "restart",
                             "connection-restored"]
        assert kinds.index("connection-lost") < kinds.index("config-change")
        assert len(rows) == len(app.events) and len(app.events) > first
        assert "password" not in " ".join(map(" ".join, rows))  # requirepass stayed "(set)": no event
        bar = text_of(app, "#events-bar")
        assert f"{len(rows)} kept" in bar and "filter: all" in bar

        await pilot.press("f")  # critical
        await settle(pilot)
        critical = table_rows(app, "#events-table")
        assert critical and all(row[2] == "critical" for row in critical)  # 120 columns: a severity column
        assert {"connection-lost", "finding-opened"} <= {row[1] for row in critical}
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PayloadDialog))
        payload = text_of(app, "#event-json")
        assert '"kind": "finding-opened"' in payload and '"id": "memory-pressure"' in payload
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EventsScreen | PayloadDialog))
        assert app.is_running


def fixed_events() -> list[Event]:
    """A night's timeline, with a hostile summary (markup and an escape) that must show as typed."""
    return [
        Event(NOW - 3600, "finding-opened", "memory-pressure opened (warning): Memory at 91.0% of maxmemory",
              "10.0.0.5:6379", "warning", {"id": "memory-pressure", "severity": "warning"}),
        Event(NOW - 3000, "config-change", "maxmemory 2gb → 1gb", "10.0.0.5:6379", "info",
              {"parameter": "maxmemory", "old": "2147483648", "new": "1073741824"}),
        Event(NOW - 2400, "finding-changed", "memory-pressure warning → critical (worse): Memory at 98.4% of "
              "maxmemory", "10.0.0.5:6379", "critical", {"id": "memory-pressure", "old_severity": "warning"}),
        Event(NOW - 1800, "connection-lost", "connection refused: nothing is listening on 10.0.0.6:6379",
              "10.0.0.6:6379", "critical", {"problem": "connection-refused"}),
        Event(NOW - 1750, "failover", "primary 10.0.0.6:6379 → 10.0.0.7:6379 (5462 slots)", "10.0.0.7:6379",
              "warning", {"old": "10.0.0.6:6379", "new": "10.0.0.7:6379"}),
        Event(NOW - 900, "restart", "restarted: run_id aaaaaaaa → bbbbbbbb, up 12s", "10.0.0.6:6379", "warning",
              {"old_run_id": RUN_A, "new_run_id": RUN_B, "uptime_s": 12}),
        Event(NOW - 600, "config-change", "notify-keyspace-events [red]boom[/] \x1b[2J → Ex", "10.0.0.5:6379",
              "info", {"parameter": "notify-keyspace-events"}),
        Event(NOW - 60, "finding-cleared", "memory-pressure cleared (was critical): Memory at 98.4% of maxmemory",
              "10.0.0.5:6379", "info", {"id": "memory-pressure"}),
    ]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_events_screen_snapshot(snap_compare, size):
    async def open_events(pilot):
        await settle(pilot)
        pilot.app.events.total += 4  # four older ones were dropped for room
        pilot.app.add_events(fixed_events(), news=False)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(make_app(healthy()), terminal_size=size, run_before=open_events)


async def test_live_events_of_an_incident(server_factory, server_kind):
    """A real server through an incident made on purpose: a config change, a restart (the connection lost and
    regained), memory filled to OOM. The events screen lists them in order, the dashboard's line shows the
    newest, the new critical finding rings the bell and shows a notification, and the app stays alive.

    One server kind: the events come from what every kind answers alike (INFO run_id, CONFIG GET, the
    findings), and the test budget is short."""
    if server_kind != KINDS[0]:
        pytest.skip(f"events are read alike from every kind; run on {KINDS[0]}")
    import contextlib
    import dataclasses

    import redis

    from redis_tui.settings import resolve
    from redis_tui.ui.run import make_app as make_live_app

    server = server_factory({"maxmemory": "3mb", "maxmemory-policy": "noeviction"})
    r = redis.Redis(port=server.port)
    settings = resolve({"url": server.url, "interval": 0.25}, {})
    app = make_live_app(dataclasses.replace(settings, config_interval=0.25))  # CONFIG GET * at each poll
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]

    def kinds() -> list[str]:
        return [e.kind for e in app.events]

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None and app.snapshot.config)
        r.config_set("maxmemory", "4mb")
        await wait_until(pilot, lambda: "config-change" in kinds())
        assert "maxmemory 3mb → 4mb" in text_of(app, "#event-line")

        server.stop()
        await wait_until(pilot, lambda: "connection-lost" in kinds())
        server.start()  # a new process: a new run_id, and maxmemory back to 3mb
        await pilot.press("r")
        await wait_until(pilot, lambda: "restart" in kinds())

        with contextlib.suppress(redis.exceptions.OutOfMemoryError):
            for i in range(10_000):
                r.set(f"fill:{i}", "x" * 1000)
        await wait_until(pilot, lambda: any(e.payload.get("id") == "memory-pressure" and e.severity == "critical"
                                            for e in app.events))
        await wait_until(pilot, lambda: bells and any("memory-pressure" in t for t in toasts(app)))
        newest = app.latest_event
        assert newest is not None and newest.summary[:20] in text_of(app, "#event-line")

        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EventsScreen))
        await settle(pilot)
        listed = [row[1] for row in reversed(table_rows(app, "#events-table"))]  # oldest first
        story = ["config-change", "connection-lost", "connection-restored", "restart", "finding-opened"]
        at = 0
        for kind in listed:  # the incident's events, in this order (others may come between)
            if at < len(story) and kind == story[at]:
                at += 1
        assert at == len(story), listed
        assert "maxmemory 4mb → 3mb" in " ".join(e.summary for e in app.events)  # the restart reverted it
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EventsScreen))
        assert app.is_running


def test_payload_text_shows_hostile_text_as_json_escapes():
    from redis_tui.ui.events.screen import payload_text

    shown = payload_text(Event(NOW, "config-change", "a\u202eb [red]x[/] \x1b[2J", payload={"v": "\x07"})).plain
    assert '"summary": "a\\u202eb [red]x[/] \\u001b[2J"' in shown and '"v": "\\u0007"' in shown
    assert all(c.isprintable() or c == "\n" for c in shown)
