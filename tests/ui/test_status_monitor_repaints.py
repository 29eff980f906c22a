"""Bandwidth: the status line's data-age tick and the MONITOR screen's top tables repaint only the
cells that changed (issue 14: the status line was half of what the idle dashboard wrote)."""

from __future__ import annotations

from dataclasses import replace

import pyte
from textual._compositor import ChopsUpdate

from redis_tui.core.source import FixedSource
from redis_tui.ui import partial_updates
from redis_tui.ui.app import RedisTuiApp
from redis_tui.ui.widgets.status import StatusBar
from tests.ui.helpers import TARGET, settle, text_of
from tests.ui.sample import NOW, healthy
from tests.ui.test_dashboard import count_refreshes
from tests.ui.test_dashboard_repaints import repainted
from tests.ui.test_monitor_screen import _open_monitor_and_feed, fed_app


async def test_the_data_age_tick_sends_its_digits_and_the_terminal_shows_the_whole_line(monkeypatch):
    now = [NOW]
    frames: list = []
    display = RedisTuiApp._display
    app = RedisTuiApp(FixedSource((healthy(),), interval=1.0), target=TARGET, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        console = app.console
        start = app.screen._compositor.render_full_update().render_segments(console)
        bar = app.screen.query_one(StatusBar)
        calls = count_refreshes(monkeypatch)

        def capture(self, screen, renderable):
            frames.append(renderable)
            return display(self, screen, renderable)

        monkeypatch.setattr(RedisTuiApp, "_display", capture)
        for step in (1, 2, 3, 9, 10, 75):  # 0s → 1s → 2s → 3s, then stale (yellow) 9s → 10s → 1m15s
            now[0] = NOW + step
            bar._tick()
            await settle(pilot)
        end = app.screen._compositor.render_full_update().render_segments(console)
        regions = repainted(app, calls)["StatusBar#None"]
        assert "1m15s ago" in bar.render().plain
    assert all(region is not None and region.height == 1 for region in regions)  # never the whole line
    assert max(region.width for region in regions[:3]) <= 2  # "0" → "1": the digit, not 120 cells
    shown, expected = pyte.Screen(120, 40), pyte.Screen(120, 40)
    shown_stream, expected_stream = pyte.ByteStream(shown), pyte.ByteStream(expected)
    shown_stream.feed(start.encode())
    for frame in frames:
        if isinstance(frame, ChopsUpdate):
            shown_stream.feed(partial_updates.render_segments(frame, console).encode())
    expected_stream.feed(end.encode())
    row = [(c.data, c.fg, c.bg, c.bold) for c in (shown.buffer[0][x] for x in range(120))]
    assert row == [(c.data, c.fg, c.bg, c.bold) for c in (expected.buffer[0][x] for x in range(120))]


async def test_the_monitor_top_tables_repaint_the_counts_that_changed(monkeypatch):
    app = fed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monitor_and_feed(pilot)
        screen = pilot.app.screen
        calls = count_refreshes(monkeypatch)
        screen._show_stats()  # the same counts: nothing is sent
        await pilot.pause()
        assert "Figures#monitor-tops" not in repainted(app, calls)
        stats = screen.session.stats()
        get = next(index for index, share in enumerate(stats.commands) if share.label == "GET")
        commands = list(stats.commands)
        commands[get] = replace(commands[get], count=commands[get].count + 1)
        monkeypatch.setattr(screen.session, "stats", lambda: replace(stats, commands=tuple(commands)))
        screen._show_stats()  # one more GET
        await pilot.pause()
        regions = repainted(app, calls)["Figures#monitor-tops"]
        tops = screen.query_one("#monitor-tops")
        assert "GET" in text_of(app, "#monitor-tops")
        assert len(regions) == 1  # one line: GET's count (its share is rounded the same)
        assert regions and all(region is not None and region.height == 1 for region in regions)
        assert sum(region.width for region in regions) < tops.size.width * len(regions)  # cells, not lines
