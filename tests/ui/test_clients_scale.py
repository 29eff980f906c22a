"""Thousands of clients on a real server: the poller lists every one, the pane counts, sorts,
scrolls and groups them exactly. Correctness only (timing is bench/bench_clients.py's).

One server per kind for the module, with a few thousand raw sockets from this process: two
pools from two hosts (127.0.0.1 and 127.0.0.2: any 127.x address is this machine), some
unnamed, and one client idle for longer than all the others.
"""

from __future__ import annotations

import resource
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from redis_tui.core.clients import client_list_period, group_clients, name_pattern
from redis_tui.core.models import Snapshot
from redis_tui.core.poller import Poller
from redis_tui.demo.server import EmbeddedServer, available_kinds
from redis_tui.settings import resolve
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.ui.helpers import plain, wait_until

POOL_A, POOL_B, UNNAMED = 1800, 900, 300


def wanted_clients() -> int:
    """As many as this process and the server may open (both need a descriptor per connection)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server inherits it too
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return POOL_A + POOL_B + UNNAMED if limit == resource.RLIM_INFINITY or limit > 4000 else 0


def setname(name: str) -> bytes:
    return b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$%d\r\n%s\r\n" % (len(name), name.encode())


def open_clients(port: int, names: list[tuple[str, str]]) -> list[socket.socket]:
    """One connection per (source host, name); name "" stays unnamed (a PING instead)."""
    out = []
    for start in range(0, len(names), 500):
        batch = []
        for source, name in names[start:start + 500]:
            sock = socket.socket()
            sock.bind((source, 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(setname(name) if name else b"*1\r\n$4\r\nPING\r\n")
            batch.append(sock)
        for sock in batch:
            assert sock.recv(64).startswith((b"+OK", b"+PONG"))
        out.extend(batch)
    return out


@dataclass
class Crowd:
    server: EmbeddedServer
    sockets: list[socket.socket]
    oldest: socket.socket  # the client idle the longest

    def ids(self) -> set[int]:
        admin = redis.Redis(port=self.server.port)
        try:
            return {int(c["id"]) for c in admin.client_list()}
        finally:
            admin.close()


@pytest.fixture(scope="module", params=available_kinds())
def crowd(request: pytest.FixtureRequest) -> Iterator[Crowd]:
    if not wanted_clients():
        pytest.skip("the open-files limit is too low for thousands of connections")
    # protected mode would refuse 127.0.0.2 (it is bound to 127.0.0.1 alone all the same)
    server = EmbeddedServer(request.param, {"maxclients": "10000", "protected-mode": "no"}).start()
    sockets: list[socket.socket] = []
    try:
        oldest = open_clients(server.port, [("127.0.0.1", "the-oldest")])[0]
        time.sleep(1.1)  # idle for at least a second longer than every other client
        names = ([("127.0.0.1", f"pool-a-{i}") for i in range(POOL_A)]
                 + [("127.0.0.2", f"pool-b-{i}") for i in range(POOL_B)] + [("127.0.0.1", "")] * UNNAMED)
        sockets = open_clients(server.port, names)
        yield Crowd(server, sockets, oldest)
    finally:
        for sock in [*sockets]:
            sock.close()
        server.close()


async def test_the_poller_lists_every_client_and_slows_client_list_to_its_cost(crowd):
    target = resolve({"url": crowd.server.url}, {}).target
    poller = Poller(target, client_list_every=0.1, client_list_max_every=60.0)
    try:
        first = await poller.poll()
        assert isinstance(first, Snapshot) and first.client_list is not None
        mine = [c for c in first.client_list if c.name == "redis-tui"]
        assert len(mine) == 1
        assert {c.id for c in first.client_list} - crowd.ids() <= {mine[0].id}  # every one the server has
        assert len(first.client_list) >= POOL_A + POOL_B + UNNAMED + 1
        by_name = {g.key: g.clients for g in group_clients((("", c) for c in first.client_list), "name")}
        assert by_name["pool-a-*"] == POOL_A and by_name["pool-b-*"] == POOL_B and by_name["the-oldest"] == 1
        by_host = {g.key: g.clients for g in group_clients((("", c) for c in first.client_list), "host")}
        assert by_host["127.0.0.2"] == POOL_B
        second = await poller.poll()  # its INFO holds the commandstats of the first CLIENT LIST
        assert isinstance(second, Snapshot) and second.client_list_cost is not None
        cost = second.client_list_cost
        if "cmdstat_client|list" in second.info.get("commandstats", {}):
            assert cost.server_s is not None and cost.server_s > 0
        else:
            assert cost.server_s is None  # no client|list line before 7.0: the reply time stands in
        # ~3,000 clients cost the server milliseconds: more than 1 % of 0.1 s, so the period grew
        assert cost.every_s == client_list_period(cost.cost_s, 0.1, 60.0) and cost.adapted
        third = await poller.poll()
        assert isinstance(third, Snapshot) and third.client_list is second.client_list  # not sent again yet
    finally:
        await poller.close()


def screen_text(app) -> str:
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())


async def test_the_pane_counts_sorts_scrolls_and_groups_thousands_of_clients(crowd):
    if crowd.server.kind != available_kinds()[0]:
        pytest.skip("the pane reads the poller's rows: one server kind is enough (the poller test has each)")
    app = make_app(resolve({"url": crowd.server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None and app.snapshot.client_list is not None)
        listed = app.snapshot.client_list
        pane = app.screen.query_one(ClientsPane)
        table = app.screen.query_one(VirtualTable)
        await wait_until(pilot, lambda: table.row_count == len(listed))
        line = plain(pane.query_one("#clients-list").content)
        assert f"{len(listed):,} clients · showing 1–" in line, line
        # the default sort is idle, longest first: the client idle the longest is on top, and on screen
        assert table.get_row_at(0)[1] == "the-oldest"
        assert "the-oldest" in screen_text(app)
        # scrolling to the end shows the last client
        pane.sort_by("id")
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        last = max(listed, key=lambda c: c.id)
        assert table.cursor_row == len(listed) - 1 and table.selected_key == ("", last.id)
        screen = screen_text(app)
        assert f" {last.addr} " in screen and f"{len(listed) - table._page() + 1:,}–{len(listed):,}" in screen
        # grouped by name: the pools, counted exactly (the app's own connection among the rest)
        await pilot.press("g")
        await pilot.pause()
        expected = Counter(name_pattern(c.name) for c in listed)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert rows["pool-a-*"][1] == f"{POOL_A:,}" and rows["pool-b-*"][1] == f"{POOL_B:,}"
        assert {key: int(str(row[1]).replace(",", "")) for key, row in rows.items()} == dict(expected)
        screen = screen_text(app)
        assert "pool-a-*" in screen and "1,800" in screen and "by name (g)" in screen
        # by host: the pool from 127.0.0.2 stands alone; enter lists its clients
        await pilot.press("g")
        await pilot.pause()
        hosts = {str(table.get_row_at(i)[0]): table.get_row_at(i)[1] for i in range(table.row_count)}
        assert hosts["127.0.0.2"] == f"{POOL_B:,}"
        table.move_cursor(next(i for i in range(table.row_count) if table.get_row_at(i)[0] == "127.0.0.2"))
        await pilot.press("enter")
        await pilot.pause()
        assert table.row_count == POOL_B and all(str(table.get_row_at(i)[0]).startswith("127.0.0.2:")
                                                 for i in (0, POOL_B - 1))
        assert f"host 127.0.0.2: {POOL_B:,} of {len(listed):,} clients" in screen_text(app)
        await pilot.press("g")  # back to the hosts
        await pilot.pause()
        assert pane.view == "host" and table.row_count == len(hosts)
        assert app.is_running
