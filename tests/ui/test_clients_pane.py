"""Pilot tests of the clients pane on fixed data: the virtual table, the groupings, the cluster's whole view."""

from __future__ import annotations

from dataclasses import replace

from redis_tui.core.models import ClientListCost, ClientRow
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.cluster_sample import PRIMARIES, REPLICAS, make_cluster_app
from tests.ui.helpers import make_app, plain, settle, table_rows
from tests.ui.keys_data import screen_text
from tests.ui.sample import NOW, healthy, hostile


def crowd(count: int) -> tuple[ClientRow, ...]:
    return tuple(ClientRow(id=100 + i, addr=f"10.1.{i // 250}.{i % 250}:{40000 + i}", name=f"web-{i % 40}",
                           age_s=5000 + i, idle_s=i % 600, cmd="get") for i in range(count))


def list_line(app) -> str:
    return plain(app.screen.query_one("#clients-list").content)


async def test_ten_thousand_clients_draw_only_the_rows_on_screen():
    app = make_app(replace(healthy(), client_list=crowd(10_000)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        page = table._page()
        assert table.row_count == 10_000 and "10,000 clients · showing 1–" in list_line(app)
        assert len(table._strips) <= page  # the rows drawn: those on screen, not 10,000
        table.focus()
        await pilot.press("end")
        await settle(pilot)
        last = table.rows[-1][1]
        assert table.cursor_row == 9_999 and last.addr in screen_text(app)
        assert f"showing {10_000 - page + 1:,}–10,000" in list_line(app)
        await pilot.press("pageup", "up")
        await settle(pilot)
        assert table.cursor_row == 9_999 - page - 1 and len(table._strips) <= page
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0 and "showing 1–" in list_line(app)


async def test_g_cycles_the_groupings_and_enter_lists_a_group():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ClientsPane)
        await pilot.press("g")
        await settle(pilot)
        assert pane.view == "name" and "by name (g)" in pane.border_subtitle
        rows = table_rows(app, "#clients")
        assert [r[:3] for r in rows[:2]] == [["api-cache-*", "2", "28.6%"], ["email-worker-*", "2", "28.6%"]]
        assert "by name: 5 groups of 7 clients" in list_line(app)
        assert "name (pool)" in screen_text(app)
        table = app.screen.query_one(VirtualTable)
        table.focus()
        await pilot.press("down", "enter")  # email-worker-*
        await settle(pilot)
        assert pane.view == "list" and pane.filter == ("name", "email-worker-*")
        assert sorted(r[1] for r in table_rows(app, "#clients")) == ["email-worker-1", "email-worker-2"]
        assert "name (pool) email-worker-*: 2 of 7 clients (g: back)" in list_line(app)
        await pilot.press("g")  # back to the groups it came from
        await settle(pilot)
        assert pane.view == "name" and pane.filter is None
        for view in ("host", "user", "flags", "idle", "list"):
            await pilot.press("g")
            await settle(pilot)
            assert pane.view == view
        assert len(table_rows(app, "#clients")) == 7 and app.is_running


async def test_sorting_lists_and_groups_by_key_and_by_header():
    app = make_app(healthy())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ClientsPane)

        def header() -> str:
            return next(line for line in screen_text(app).splitlines() if " addr " in line and " name " in line)

        assert "idle ▼" in header() and "db ▲" not in header()
        await pilot.press("s")  # the next column: db, smallest first; the header's arrow moves
        await settle(pilot)
        assert "db ▲" in header() and "idle ▼" not in header()
        pane.sort_by("idle")
        await pilot.press("g", "g", "g", "g", "g")  # by idle: the bands in order
        await settle(pilot)
        assert pane.view == "idle" and [r[0] for r in table_rows(app, "#clients")] == ["< 10s", "10s–1m"]
        await pilot.press("s")  # next column: clients, most first
        await settle(pilot)
        assert "sort: clients ▼ (s)" in pane.border_subtitle
        assert table_rows(app, "#clients")[0][:2] == ["< 10s", "6"]
        table = app.screen.query_one(VirtualTable)
        table.post_message(VirtualTable.HeaderSelected(table, "share"))  # a click on "%": clients, reversed
        await settle(pilot)
        assert "sort: clients ▲ (s)" in pane.border_subtitle
        assert table_rows(app, "#clients")[0][:2] == ["10s–1m", "1"]


async def test_hostile_client_names_stay_escaped_in_groups():
    app = make_app(hostile())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        keys = [r[0] for r in table_rows(app, "#clients")]
        assert "\\x1b[*J\\x1b]*;;http://x\\a[red]boom[/]" in keys and "\\u202eevil\\u202c" in keys
        assert any(k.endswith("…") and len(k) == 41 for k in keys)
        screen = screen_text(app)
        assert "\x1b" not in screen and "\u202e" not in screen
        await pilot.press("g")  # by host: "[::1]:1" is the host ::1
        await settle(pilot)
        assert "::1" in [r[0] for r in table_rows(app, "#clients")]


async def test_an_unchosen_cursor_stays_on_top_and_the_pane_says_when_client_list_slows_down():
    quick = ClientListCost(every_s=5.0, floor_s=5.0, server_s=0.0021, reply_s=0.004, parse_s=0.001, clients=7)
    slow = ClientListCost(every_s=30.0, floor_s=5.0, server_s=0.31, reply_s=0.4, parse_s=0.05, clients=7)
    first = replace(healthy(), client_list_cost=quick)
    app = make_app(first)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "CLIENT LIST every 5s (2.1ms)" in list_line(app)
        table = app.screen.query_one(VirtualTable)
        top = table.selected_key
        # the most idle client becomes busy: it goes to the bottom, the cursor stays on the top row
        busy = tuple(c._replace(idle_s=0) if ("", c.id) == top else c for c in first.client_list)
        app.source.push(replace(first, taken_at=NOW + 5, client_list=busy, client_list_cost=slow))
        await settle(pilot)
        assert table.cursor_row == 0 and table.selected_key != top
        line = app.screen.query_one("#clients-list").content
        assert "CLIENT LIST every 30s: it took 310ms" in plain(line)
        assert any("yellow" in str(span.style) for span in line.spans)


async def test_cluster_whole_view_lists_every_nodes_clients_with_their_node():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        pane = app.screen.query_one(ClientsPane)
        # every node has a client with id 5: six rows, told apart by their node
        assert table.row_count == 6 and "6 clients on 6 nodes" in list_line(app)
        assert [c.label for c in table.columns][:2] == ["node", "addr"]
        assert sorted(r[0] for r in table_rows(app, "#clients")) == sorted(PRIMARIES + REPLICAS)
        pane.sort_by("node")
        await settle(pilot)
        table.move_cursor(3)
        assert table.selected_key == (sorted(PRIMARIES + REPLICAS)[3], 5)
        views = []
        for _ in range(7):
            await pilot.press("g")
            await settle(pilot)
            views.append(pane.view)
        assert views == ["name", "host", "user", "flags", "idle", "node", "list"]
        await pilot.press("n")  # one node: its own clients, no node column
        await settle(pilot)
        assert table.row_count == 1 and table.columns[0].label == "addr"
        assert "1 clients" in list_line(app) and "nodes" not in list_line(app)


async def test_at_80_columns_the_pane_says_more_columns_and_arrows_reach_them():
    app = make_app(healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "← → more columns" in list_line(app)
        assert "flags" not in screen_text(app)
        table = app.screen.query_one(VirtualTable)
        table.focus()
        await pilot.press("right", "right", "right")
        await settle(pilot)
        assert "flags" in screen_text(app) and table.scroll_x == table.max_scroll_x
        await pilot.press("left")
        await settle(pilot)
        assert 0 < table.scroll_x < table.max_scroll_x

