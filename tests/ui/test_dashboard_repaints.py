"""Bandwidth: a poll repaints only the cells whose figure changed (what the terminal is sent)."""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table as RichTable
from rich.text import Text
from textual.app import App, ComposeResult

from redis_tui.ui.widgets.figures import Figures, changed_spans
from redis_tui.ui.widgets.table import Table
from tests.ui.helpers import make_app, settle, table_rows, text_of
from tests.ui.sample import MB, NOW
from tests.ui.test_dashboard import count_refreshes, region_lines, steady


def repainted(app, calls) -> dict[str, list]:
    """Widget → the regions it asked to repaint ([] = the whole widget)."""
    out: dict[str, list] = {}
    for widget, regions in calls:
        if widget.screen is app.screen:
            out.setdefault(f"{type(widget).__name__}#{widget.id}", []).extend(regions or [None])
    return out


async def test_one_changed_figure_repaints_its_cells_and_no_other_pane(monkeypatch):
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls = count_refreshes(monkeypatch)
        app.source.push(replace(first, taken_at=NOW + 1, memory=replace(first.memory, used=415 * MB)))
        await settle(pilot)
        assert "used 415.0M" in text_of(app, "#memory-text")
        regions = repainted(app, calls)
        assert set(regions) == {"Figures#memory-text", "Meter#memory-meter"}  # the bar's label: 81.1% of 512.0M
        text = app.screen.query_one("#memory-text")
        (region,) = regions["Figures#memory-text"]  # one line: "412.0M" → "415.0M", the digits that differ
        assert region is not None and region.height == 1 and 1 <= region.width <= 3 < text.size.width
        assert all(r is not None and r.width <= 4 for r in regions["Meter#memory-meter"])


async def test_a_sample_in_the_newest_column_repaints_that_column_only(monkeypatch):
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        spark = app.screen.query_one("#ops-spark")
        before = region_lines(app, "#ops-spark")
        calls = count_refreshes(monkeypatch)
        ops = first.history.ops[1:] + (1200.0,)  # a dip: the newest bar halves (the scale stays: 0 to the peak)
        app.source.push(replace(first, taken_at=NOW + 1, history=replace(first.history, ops=ops)))
        await settle(pilot)
        (region,) = repainted(app, calls)["Spark#ops-spark"]
        assert region is not None and region.x == spark.size.width - 1 and region.width == 1
        after = region_lines(app, "#ops-spark")
        assert [line[:-1] for line in after] == [line[:-1] for line in before]  # only the last column moved
        assert after != before


async def test_a_changed_table_figure_repaints_its_cell_not_its_row(monkeypatch):
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls = count_refreshes(monkeypatch)
        rates = replace(first.rates, commands=(replace(first.rates.commands[0], usec_per_call=2.5),
                                               *first.rates.commands[1:]))
        app.source.push(replace(first, taken_at=NOW + 1, rates=rates))
        await settle(pilot)
        assert table_rows(app, "#commands")[0][2] == "2.5"
        table = app.screen.query_one("#commands")
        (region,) = repainted(app, calls)["Table#commands"]
        assert region is not None and region.height == 1 and region.width == 8  # the µs/call column
        assert region.width < table.size.width


def test_changed_spans_cover_exactly_what_differs():
    old = Text("used 412.0M  peak 430.0M\nfrag 1.13")
    assert changed_spans(old, Text("used 415.0M  peak 430.0M\nfrag 1.13")) == [(0, 7, 8)]
    assert changed_spans(old, Text("used 1.2G  peak 430.0M\nfrag 1.13")) == [(0, 5, 24)]  # the rest moved
    styled = Text("used 412.0M  peak 430.0M\nfrag 1.13")
    styled.stylize("yellow", 30, 34)  # "1.13" turns yellow: same characters, other style
    assert changed_spans(old, styled) == [(1, 5, 9)]
    assert changed_spans(old, Text("used 412.0M")) is None  # a line fewer: repaint it all
    assert changed_spans(old, old.copy()) == []


def shares(rows) -> RichTable:
    table = RichTable(box=None, show_header=False, expand=True, padding=(0, 1))
    table.add_column(ratio=1)
    table.add_column(justify="right")
    for name, count in rows:
        table.add_row(name, str(count))
    return table


class FiguresApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Figures(shares([("GET", 120), ("SET", 80)]), id="tops")


async def test_figures_of_a_table_repaint_the_count_that_changed(monkeypatch):
    app = FiguresApp()
    async with app.run_test(size=(40, 6)) as pilot:
        tops = app.query_one(Figures)
        tops.update(shares([("GET", 120), ("SET", 80)]))  # the first rendering to compare with
        await pilot.pause()
        calls = count_refreshes(monkeypatch)
        tops.update(shares([("GET", 121), ("SET", 80)]))
        await pilot.pause()
        (region,) = repainted(app, calls)["Figures#tops"]
        assert region is not None and region.y == 0 and region.width == 1  # "120" → "121"
        lines = ["".join(s.text for s in strip) for strip in app.screen._compositor.render_strips()]
        assert lines[0].split() == ["GET", "121"] and lines[1].split() == ["SET", "80"]
        calls.clear()
        tops.update(shares([("GET", 121), ("SET", 80)]))  # equal content (a new object): nothing
        await pilot.pause()
        assert "Figures#tops" not in repainted(app, calls)


async def test_a_long_session_keeps_the_tables_render_caches_to_their_size(monkeypatch):
    # Textual keeps 10,000 rendered cells a table, all stale after the next change; ours keep
    # Table.CELL_CACHE (small here, so a few polls overflow it)
    monkeypatch.setattr(Table, "CELL_CACHE", 100)
    monkeypatch.setattr(Table, "LINE_CACHE", 20)
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for step in range(1, 21):  # every poll moves every figure of the commands table
            commands = tuple(replace(c, calls_per_s=c.calls_per_s + step, usec_per_call=1.0 + step / 10)
                             for c in first.rates.commands)
            app.source.push(replace(first, taken_at=NOW + step, rates=replace(first.rates, commands=commands)))
            await pilot.pause()
        table = app.screen.query_one("#commands")
        assert table.get_row_at(0)[2].plain == "3.0"  # the last poll is on screen
        assert len(table._cell_render_cache) <= 100 and len(table._line_cache) <= 20


async def test_the_dashboard_under_an_opaque_screen_repaints_nothing(monkeypatch):
    from textual._compositor import LayoutUpdate

    from redis_tui.ui.app import RedisTuiApp

    frames: list = []
    display = RedisTuiApp._display

    def capture(self, screen, renderable):
        if renderable is not None:
            frames.append(renderable)
        return display(self, screen, renderable)

    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dashboard = app.screen
        await pilot.press("m")  # the MONITOR screen: opaque, it hides the dashboard
        await settle(pilot)
        assert not dashboard.is_current
        monkeypatch.setattr(RedisTuiApp, "_display", capture)
        for step in (1, 2):  # polls that change the dashboard's figures and graphs
            ops = first.history.ops[step:] + (1200.0,) * step
            app.source.push(replace(first, taken_at=NOW + step, memory=replace(first.memory, used=(412 + step) * MB),
                                    history=replace(first.history, ops=ops)))
            await settle(pilot)
        assert not [frame for frame in frames if isinstance(frame, LayoutUpdate)]  # no whole-screen repaint
        await pilot.press("escape")  # back to the dashboard: it shows the last poll
        await settle(pilot)
        assert app.screen is dashboard and "used 414.0M" in text_of(app, "#memory-text")
