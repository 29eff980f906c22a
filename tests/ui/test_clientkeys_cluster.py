"""Client kill, database switch, find and export on a real cluster (3 primaries, no replica, the
first server kind present): the kill goes to the client's node, `d` says a cluster has one
database, a search in a hash runs on the key's node, the export covers every primary's keys."""

from __future__ import annotations

import dataclasses
import json
import socket

import pytest
import redis

from redis_tui.demo.cluster import LocalCluster
from redis_tui.settings import resolve
from redis_tui.ui.dashboard.client_kill import KillDialog
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.export import ExportDialog
from redis_tui.ui.keys.search import SearchDialog
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.virtual_table import VirtualTable
from tests.conftest import KINDS
from tests.ui.helpers import wait_until
from tests.ui.keys_data import listed, open_keys, toast_shown

pytestmark = pytest.mark.integration

HASH = b"h{x}"


@pytest.fixture(scope="module")
def small_cluster():
    built = LocalCluster(KINDS[0], primaries=3, replicas=0).start()
    yield built
    built.close()


async def test_kill_find_and_export_on_a_cluster(small_cluster, tmp_path):
    nodes = small_cluster.nodes
    seed = nodes[0]
    rc = redis.RedisCluster(host="127.0.0.1", port=seed.port)
    rc.hset(HASH, mapping={f"f:{n}".encode(): b"v" for n in range(300)})
    names = [f"k{n}".encode() for n in range(30)]
    for name in names:
        rc.set(name, b"1")
    other = next(node for node in nodes if node.port != seed.port)
    victim = socket.create_connection(("127.0.0.1", other.port))
    victim.sendall(b"CLIENT SETNAME victim-c\r\n")
    assert victim.recv(16).startswith(b"+OK")
    settings = resolve({"url": f"redis://127.0.0.1:{seed.port}", "write": True, "interval": 0.25}, {})
    app = make_app(dataclasses.replace(settings, client_list_interval=0.25), cluster=True)
    async with app.run_test(size=(120, 40)) as pilot:
        # the whole cluster's clients table: the victim is on another node than the seed
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DashboardScreen" and app.cluster is not None, 20)
        pane = app.screen.query_one(ClientsPane)
        table = pane.query_one(VirtualTable)

        def victim_row() -> int | None:
            return next((i for i, (_n, c) in enumerate(table.rows) if c.name == "victim-c"), None)

        await wait_until(pilot, lambda: victim_row() is not None, timeout=20)
        node = table.rows[victim_row() or 0][0]
        assert node.endswith(f":{other.port}")
        table.move_cursor(row=victim_row() or 0)
        await pilot.press("K")
        await wait_until(pilot, lambda: isinstance(app.screen, KillDialog))
        await pilot.press("y")
        victim.settimeout(10)
        assert victim.recv(16) == b""  # killed on its own node
        await toast_shown(pilot, "Closed client")

        await pilot.press("d")
        await toast_shown(pilot, "A cluster has one database")

        # find inside the hash: on the node that holds it
        screen = await open_keys(pilot)
        await wait_until(pilot, lambda: len(listed(screen)) == len(names) + 1, timeout=20)
        screen.query_one("#key-list").move_cursor(row=listed(screen).index(HASH))
        detail = screen.query_one(KeyDetail)
        await wait_until(pilot, lambda: detail.info is not None and detail.info.key == HASH and detail.window)
        screen.query_one("#value-table").focus()
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog))
        app.screen.query_one("Input").value = "f:1*"
        await pilot.press("enter")
        expected = {b"f:1"} | {f"f:1{n}".encode() for n in range(10)} | {f"f:1{n:02}".encode() for n in range(100)}
        await wait_until(pilot, lambda: detail.reader is not None and detail.reader.done
                         and {e.name for e in detail.window} == expected)

        # export every listed key: each primary's keys, each with its type
        screen.query_one("#key-list").focus()
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("Input").value = str(tmp_path / "keys.jsonl")
        await pilot.press("enter")
        await toast_shown(pilot, f"Wrote {len(names) + 1} keys")
        records = [json.loads(line) for line in (tmp_path / "keys.jsonl").read_text().splitlines()]
        assert {r["key"].encode(): r["type"] for r in records} == {**dict.fromkeys(names, "string"), HASH: "hash"}
    victim.close()
    rc.close()
