"""Pilot tests: keys and what the user sees, on fixed data."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widget import Widget

from redis_tui.core.models import CommandRate
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.help import HelpScreen
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from tests.ui.helpers import make_app, settle, table_rows, text_of
from tests.ui.sample import MB, NOW, healthy, hostile, refused


async def test_panes_show_the_snapshot():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "80.5% of 512.0M" in str(app.screen.query_one("#memory-meter").render())
        memory = text_of(app, "#memory-text")
        assert "used 412.0M" in memory and "policy allkeys-lru" in memory and "frag 1.13" in memory
        assert "evicted 12,840 (3.0/s)" in memory
        hits = text_of(app, "#hits-text")
        assert "ratio 93.0%" in hits and "since start 92.7%" in hits and "hits 1.7K/s" in hits
        assert table_rows(app, "#commands")[0][:3] == ["get", "1.8K", "1.9"]
        assert table_rows(app, "#keyspace")[0] == ["db0", "182,340", "170,112", "1m34s"]
        assert "total 183,544 +4.0/s · 93% expiring" in text_of(app, "#keyspace-text")
        assert "ops 2.4K/s" in text_of(app, "#throughput-text")
        assert "connected 7 / 10,000" in text_of(app, "#clients-text")
        status = text_of(app, "StatusBar")
        # at 120 columns "master" (what every standalone server says) is the part left out: see below
        for part in ("redis://:***@cache.internal:6379/0", "Redis 7.2.4", "up 3d02h", "2.4K ops/s",
                     "● connected 0s ago", "every 1s", "READ-ONLY"):
            assert part in status


async def test_write_badge():
    app = make_app(healthy(), write=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = text_of(app, "StatusBar")
        assert "WRITE" in status and "READ-ONLY" not in status


async def test_p_pauses_and_resumes():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        assert app.source.paused is True and "paused" in text_of(app, "StatusBar")
        await pilot.press("p")
        assert app.source.paused is False and "● connected" in text_of(app, "StatusBar")


async def test_plus_and_minus_change_the_interval():
    app = make_app(healthy())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        assert app.source.interval == 2.0 and "every 2s" in text_of(app, "StatusBar")
        await pilot.press("minus", "minus", "minus")
        assert app.source.interval == 0.25
        await pilot.press("minus")
        assert app.source.interval == 0.25  # the floor


async def test_r_refreshes_now():
    app = make_app(healthy())
    async with app.run_test() as pilot:
        await pilot.press("r")
        assert app.source.refreshes == 1


async def test_help_opens_and_closes():
    app = make_app(healthy())
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits():
    app = make_app(healthy())
    async with app.run_test() as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_every_action_is_in_the_command_palette():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Dashboard: pause / resume polling", "Dashboard: refresh now", "Dashboard: poll slower",
                "Dashboard: poll faster", "Dashboard: sort clients", "Help: every key"} <= titles
        await pilot.press("ctrl+p")
        await pilot.press(*"pause")
        await pilot.press("enter")
        await settle(pilot)
        assert app.source.paused is True


async def test_clients_sort_by_key_and_header():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ClientsPane)
        idle_first = [row[3] for row in table_rows(app, "#clients")]
        assert idle_first[0] == "12s"  # default: most idle first
        pane.sort_by("name")
        names = [row[1] for row in table_rows(app, "#clients")]
        assert names == sorted(names)
        await pilot.press("s")  # next column: age
        assert pane.sort_column == "age" and "sort: age ▼" in pane.border_subtitle


async def test_clients_table_is_diffed_by_client_id():
    first = healthy()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients")
        table.move_cursor(2)
        selected = table.selected_key
        gone = first.client_list[0]
        changed = first.client_list[1]._replace(cmd="mget", idle_s=3)
        new = first.client_list[2]._replace(id=99, name="newcomer")
        app.source.push(replace(first, taken_at=NOW + 5, client_list=(changed, *first.client_list[2:], new)))
        await settle(pilot)
        ids = {row[7] for row in table_rows(app, "#clients")}
        assert str(gone.id) not in ids and "99" in ids and len(ids) == len(first.client_list)
        assert [row[5] for row in table_rows(app, "#clients") if row[7] == str(changed.id)] == ["mget"]
        assert table.selected_key == selected and table.cursor_row != 2  # it moved with its client


async def test_hostile_client_names_are_shown_escaped():
    app = make_app(hostile())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(ClientsPane).sort_by("id")
        rows = {row[7]: row for row in table_rows(app, "#clients")}
        assert rows["66"][1] == "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]"
        assert rows["67"][1] == "\\u202eevil\\u202c" and rows["67"][5] == "[bold]set"
        assert rows["68"][1].endswith("…") and len(rows["68"][1]) == 41
        assert rows["68"][5] == "\\xff"


async def test_never_connected_opens_on_the_troubleshooting_panel_then_recovers():
    app = make_app(refused())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
        banner = app.screen.query_one("#outage")
        text = str(banner.content)
        assert "Cannot reach redis://:***@cache.internal:6379/0" in text
        assert "connection refused" in text and "attempt 4" in text and "retrying in 8s" in text
        assert "down for 42s" in text
        assert "connection-refused, retrying in 8s" in text_of(app, "StatusBar")
        assert "CRITICAL" in text_of(app, "#findings-summary")
        assert "connection-refused" in text_of(app, "#findings-body")
        app.source.push(healthy())
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # opened for us, closed for us
        assert not app.screen.query_one("#outage").display and "● connected" in text_of(app, "StatusBar")


async def test_connection_lost_later_keeps_stale_data_on_the_dashboard():
    app = make_app(healthy(), refused())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#outage").display and app.screen.has_class("-stale")
        assert "used 412.0M" in text_of(app, "#memory-text")  # the last data stays, marked stale
        assert " ✖ 1 " in text_of(app, "StatusBar")


async def test_status_line_fits_80_columns():
    app = make_app(healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = text_of(app, "StatusBar")
        assert len(status) <= 80
        assert "redis://:***@cache.internal:6379/0" in status and "READ-ONLY" in status
        assert "● connected" in status


def screen_lines(app) -> list[str]:
    """The characters on the terminal, one string per row (what a user sees)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


HEADLINES = ("80.5% of 512.0M", "used 412.0M", "frag 1.13", "evicted 12,840",  # memory
             "ratio 93.0%", "hits 1.7K/s", "calls/s", "µs/call", "77%",  # cache hit ratio
             "total 183,544", "avg ttl", "1m34s", "expires",  # keyspace
             "ops 2.4K/s", "net in 302.7K/s",  # throughput
             "connected 7 / 10,000")  # clients


@pytest.mark.parametrize("start", [(120, 40), (80, 24)], ids=["resized-from-120x40", "started-at-80x24"])
async def test_80x24_shows_every_pane_and_three_client_rows(start):
    app = make_app(healthy())
    async with app.run_test(size=start) as pilot:
        await settle(pilot)
        if start != (80, 24):
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
        assert app.size == (80, 24)
        lines = screen_lines(app)
        assert len(lines) == 24 and all(len(line) == 80 for line in lines)
        screen = "\n".join(lines)
        for figure in HEADLINES:
            assert figure in screen, figure
        client_rows = [line for line in lines if any(c.addr in line for c in healthy().client_list)]
        assert len(client_rows) >= 3, screen
        assert app.screen.query_one("#clients").region.height >= 4  # header + 3 rows


async def test_growing_back_to_120x40_gives_the_rows_back():
    app = make_app(healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
        assert all(c.addr in screen for c in healthy().client_list)  # all 7 clients
        assert "incr" in screen and "expire" in screen  # 4+ command rows


@pytest.mark.parametrize("uptime", [5, 3725, 3 * 86400 + 7322, 400 * 86400 + 3600])
@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_poll_interval_stays_on_the_status_line_as_uptime_grows(uptime, width):
    first = healthy()
    app = make_app(replace(first, server=replace(first.server, uptime_s=uptime)))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        status = screen_lines(app)[0]
        assert "every 1s" in status and "● connected" in status and "READ-ONLY" in status
        assert status.startswith(" redis://:***@cache.internal:6379/0 │ ")


async def test_a_wide_status_line_shows_every_part():
    app = make_app(healthy())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        status = screen_lines(app)[0]
        assert ("redis://:***@cache.internal:6379/0 │ Redis 7.2.4 │ master │ up 3d02h │ 2.4K ops/s │ "
                "● connected 0s ago │ every 1s") in status and "READ-ONLY" in status


async def test_a_replica_keeps_its_role_where_master_is_left_out():
    first = healthy()
    replica = make_app(replace(first, server=replace(first.server, role="slave")))
    async with replica.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        assert "│ slave │" in screen_lines(replica)[0] and "every 1s" in screen_lines(replica)[0]


def region_lines(app, selector: str) -> list[str]:
    """The screen rows a widget covers, cut to its columns."""
    region = app.screen.query_one(selector).region
    return [line[region.x:region.right] for line in screen_lines(app)[region.y:region.bottom]]


def with_memory(used_history: list[float], **memory) -> object:
    first = healthy()
    return replace(first, memory=replace(first.memory, **memory),
                   history=replace(first.history, used_memory=tuple(used_history)))


async def test_memory_graph_starts_at_zero_without_maxmemory():
    # 1.06M → 1.1M is a 4% step: it must not look like empty → full
    app = make_app(with_memory([1.06 * MB] * 150 + [1.1 * MB] * 150, used=int(1.1 * MB), maxmemory=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        top, *_ = region_lines(app, "#memory-spark")
        bars = top.strip()
        assert len(bars) >= 30 and set(bars) <= {"▇", "█"}, top
        assert app.screen.query_one("#memory").border_subtitle == "graph 0–1.1M"


async def test_memory_graph_scales_to_maxmemory_and_says_so():
    app = make_app(with_memory([1.06 * MB] * 150 + [1.1 * MB] * 150, used=int(1.1 * MB), maxmemory=2048 * MB))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        top, bottom = region_lines(app, "#memory-spark")
        assert top.strip() == "" and set(bottom.strip()) == {"▁"}  # 0.05% of maxmemory: a floor, not a bar
        assert app.screen.query_one("#memory").border_subtitle == "graph 0–2.0G (maxmemory)"
        assert "graph 0–2.0G (maxmemory)" in screen_lines(app)[8]  # on the pane's bottom border


def frag_style(app) -> str:
    content = app.screen.query_one("#memory-text").content
    start = content.plain.index("frag ") + len("frag ")
    return " ".join(str(span.style) for span in content.spans if span.start <= start < span.end)


async def test_fragmentation_is_coloured_by_the_rule_not_by_the_ratio_alone():
    # a 1 MB server: ratio 6.70, but RSS and used differ by < 64 MB: the rule ignores it, so does the pane
    tiny = make_app(with_memory([1.0 * MB] * 10, used=1 * MB, rss=int(6.7 * MB), fragmentation=6.70, maxmemory=0))
    async with tiny.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "frag 6.70" in text_of(tiny, "#memory-text")
        assert "yellow" not in frag_style(tiny) and "red" not in frag_style(tiny)
        assert "high-fragmentation" not in {f.id for f in tiny.findings}
    big = make_app(with_memory([1000.0 * MB] * 10, used=1000 * MB, rss=1600 * MB, fragmentation=1.6, maxmemory=0))
    async with big.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "frag 1.60" in text_of(big, "#memory-text") and "yellow" in frag_style(big)
        assert "high-fragmentation" in {f.id for f in big.findings}


def steady(taken_at: float = NOW):
    """A server whose figures hold still: every history value the same, as on a quiet server."""
    first = healthy(taken_at)
    flat = replace(first.history, ops=(2401.0,) * 300, used_memory=(412.0 * MB,) * 300, hit_ratio=(93.0,) * 300)
    return replace(first, history=flat)


def count_refreshes(monkeypatch, layouts: list[Widget] | None = None) -> list[tuple[Widget, tuple]]:
    """Record every Widget.refresh call from now on: (widget, regions); `layouts` gets those asking for a relayout."""
    calls: list[tuple[Widget, tuple]] = []
    original = Widget.refresh

    def refresh(self, *regions, **kwargs):
        calls.append((self, regions))
        if kwargs.get("layout") and layouts is not None:
            layouts.append(self)
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", refresh)
    return calls


async def test_a_poll_that_changes_nothing_repaints_nothing(monkeypatch):
    app = make_app(steady())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls = count_refreshes(monkeypatch)
        app.source.push(steady(NOW + 1))  # the next poll: same figures, a later time
        await settle(pilot)
        assert app.snapshot.taken_at == NOW + 1
        repainted = sorted({f"{type(w).__name__}#{w.id}" for w, _ in calls if w.screen is app.screen})
        assert repainted == []


async def test_one_changed_figure_repaints_its_row_not_the_table(monkeypatch):
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls = count_refreshes(monkeypatch)
        rates = replace(first.rates, commands=(replace(first.rates.commands[0], usec_per_call=2.5),
                                               *first.rates.commands[1:]))
        app.source.push(replace(first, taken_at=NOW + 1, rates=rates))
        await settle(pilot)
        assert table_rows(app, "#commands")[0][:3] == ["get", "1.8K", "2.5"]
        table = app.screen.query_one("#commands")
        regions = [r for w, rs in calls if w is table for r in rs]
        assert regions and all(r.height == 1 for r in regions), calls
        assert not [w for w, rs in calls if w is table and not rs]  # never the whole table


async def test_a_new_sample_that_moves_no_bar_does_not_repaint_the_graph(monkeypatch):
    first = healthy()
    ops = first.history.ops  # 300 samples of a wave
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        spark = app.screen.query_one("#ops-spark")
        samples = ops[1:] + (2000.0,)
        app.source.push(replace(first, taken_at=NOW + 1, history=replace(first.history, ops=samples)))
        await settle(pilot)
        calls = count_refreshes(monkeypatch)
        before = region_lines(app, "#ops-spark")
        # the next poll: 1900 ops/s lands in the same column as 2000 (a column is the max of its samples)
        samples = samples[1:] + (1900.0,)
        app.source.push(replace(first, taken_at=NOW + 2, history=replace(first.history, ops=samples)))
        await settle(pilot)
        assert spark.values == samples
        assert not [w for w, _ in calls if w is spark]
        assert region_lines(app, "#ops-spark") == before


async def test_a_command_that_comes_and_goes_does_not_relayout_the_screen(monkeypatch):
    first = steady()
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        layouts: list[Widget] = []
        count_refreshes(monkeypatch, layouts)
        extra = replace(first.rates, commands=(*first.rates.commands, CommandRate("client|list", 0.2, 11.0)))
        app.source.push(replace(first, taken_at=NOW + 1, rates=extra))  # CLIENT LIST ran in this interval
        await settle(pilot)
        assert "client|list" in [row[0] for row in table_rows(app, "#commands")]
        app.source.push(replace(first, taken_at=NOW + 2))  # and not in the next
        await settle(pilot)
        assert "client|list" not in [row[0] for row in table_rows(app, "#commands")]
        assert [row[0] for row in table_rows(app, "#commands")][:6] == [c.name for c in first.rates.commands]
        assert layouts == []
