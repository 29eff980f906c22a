"""The dashboard on a real cluster (3 primaries + 3 replicas): totals are the per-node sums, every node
is on the topology screen, and a killed primary becomes a red row while the others keep updating."""

from __future__ import annotations

import asyncio

import redis
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

from redis_tui.core.nodes import SLOTS
from redis_tui.demo.cluster import LocalCluster
from redis_tui.settings import resolve
from redis_tui.ui.run import make_app, watch_cluster
from redis_tui.ui.topology.screen import TopologyScreen
from redis_tui.ui.widgets.node_table import NodeTable
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import screen_text


def one_key_per_slot() -> list[str]:
    """A key name for each of the 16384 slots."""
    names: dict[int, str] = {}
    n = 0
    while len(names) < SLOTS:
        name = f"k:{n}"
        names.setdefault(key_slot(name.encode()), name)
        n += 1
    return list(names.values())


async def fill(cluster: LocalCluster, names: list[str]) -> None:
    writer = RedisCluster(host="127.0.0.1", port=cluster.nodes[0].port)
    try:
        for start in range(0, len(names), 2000):
            await writer.mset_nonatomic({name: "v" for name in names[start:start + 2000]})
    finally:
        await writer.aclose()


def dbsize_sum(cluster: LocalCluster) -> int:
    return sum(redis.Redis(port=node.port).dbsize() for node in cluster.primaries)


def test_cluster_totals_are_the_per_node_sums_and_every_node_is_listed(cluster: LocalCluster):
    asyncio.run(fill(cluster, one_key_per_slot()))
    expected = dbsize_sum(cluster)
    assert expected >= SLOTS
    settings = resolve({"url": cluster.seed_url, "interval": 0.25}, {})
    assert watch_cluster(settings) is True  # detected: cluster_enabled:1
    app = make_app(settings, cluster=True)

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: f"total {expected:,}" in text_of(app, "#keyspace-text"), 20)
            assert "16384/16384 slots" in text_of(app, "StatusBar")
            await wait_until(pilot, lambda: "6/6 nodes up" in text_of(app, "StatusBar"))
            await pilot.press("o")
            await wait_until(pilot, lambda: isinstance(app.screen, TopologyScreen)
                             and app.screen.query_one(NodeTable).row_count == 6)
            table = app.screen.query_one(NodeTable)
            shown = {str(table.get_row_at(i)[1]) for i in range(6)}
            assert shown == set(cluster.addrs)
            keys = {str(table.get_row(cluster.addr(node))[7]) for node in cluster.primaries}
            assert keys == {f"{redis.Redis(port=node.port).dbsize():,}" for node in cluster.primaries}
            assert app._exception is None

    asyncio.run(watch())


def test_the_clients_table_lists_every_nodes_clients_by_node_and_id(cluster: LocalCluster):
    from redis_tui.core.models import Snapshot
    from redis_tui.ui.dashboard.clients import ClientsPane
    from redis_tui.ui.widgets.virtual_table import VirtualTable

    named = [redis.Redis(port=node.port, client_name=f"probe-{node.port}") for node in cluster.nodes]
    for client in named:
        client.ping()
    app = make_app(resolve({"url": cluster.seed_url, "interval": 0.25}, {}), cluster=True)

    def lists() -> dict[str, tuple]:
        round_ = app.cluster.round if app.cluster else None
        if round_ is None:
            return {}
        return {addr: u.client_list for addr, u in round_.updates.items()
                if isinstance(u, Snapshot) and u.client_list is not None}

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            # a first round that timed out opens the troubleshooting panel, closed at the next good one
            await wait_until(pilot, lambda: type(app.screen).__name__ == "DashboardScreen" and len(lists()) == 6, 20)
            table = app.screen.query_one(VirtualTable)
            await wait_until(pilot, lambda: table.row_count == sum(map(len, lists().values())), 20)
            per_node = lists()
            assert set(per_node) == set(cluster.addrs) and table.columns[0].label == "node"
            keys = {table._key_of(row) for row in table.rows}
            assert keys == {(addr, c.id) for addr, rows in per_node.items() for c in rows}  # ids repeat across nodes
            for node in cluster.nodes:  # each probe is listed on its own node
                assert any(c.name == f"probe-{node.port}" for c in per_node[cluster.addr(node)])
            pane = app.screen.query_one(ClientsPane)
            for _ in range(6):
                await pilot.press("g")
            await pilot.pause()
            assert pane.view == "node"


            def counted() -> bool:
                shown = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)}
                return shown == {addr: f"{len(rows):,}" for addr, rows in lists().items()}

            await wait_until(pilot, counted, 20)
            assert app._exception is None

    try:
        asyncio.run(watch())
    finally:
        for client in named:
            client.close()


def test_node_only_watches_the_node_given(cluster: LocalCluster):
    settings = resolve({"url": cluster.seed_url}, {})
    assert watch_cluster(settings, node_only=True) is False


def test_a_killed_primary_becomes_a_red_row_while_the_others_update(cluster_factory):
    cluster = cluster_factory(primaries=3, replicas=1)
    settings = resolve({"url": cluster.seed_url, "interval": 0.25}, {})
    app = make_app(settings, cluster=True)
    victim = cluster.primaries[2]
    other = cluster.primaries[0]

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("o")
            await wait_until(pilot, lambda: isinstance(app.screen, TopologyScreen)
                             and app.screen.query_one(NodeTable).row_count == 6, 20)
            table = app.screen.query_one(NodeTable)
            cluster.kill(victim)
            await wait_until(pilot, lambda: str(table.get_row(cluster.addr(victim))[0]) == "✖ DOWN", 20)
            row = table.get_row(cluster.addr(victim))
            assert any("red" in str(span.style) for span in row[1].spans) or "red" in str(row[1].style)
            assert "5/6 nodes up" in screen_text(app)
            # the other nodes keep updating: keys written on a live primary show up in its row
            live = redis.Redis(port=other.port)
            slot_owned = next(name for n in range(10_000) if live.cluster("keyslot", name := f"x:{n}") <= 5000)
            live.set(slot_owned, "v")
            want = f"{live.dbsize():,}"
            await wait_until(pilot, lambda: str(table.get_row(cluster.addr(other))[7]) == want, 20)
            assert app._exception is None

    asyncio.run(watch())
