"""The MONITOR screen on a real cluster (3 primaries + 3 replicas): one MONITOR per primary, merged,
each line tagged with its node, and a per-node table."""

from __future__ import annotations

import asyncio
import re

import redis
from redis.cluster import RedisCluster

from redis_tui.core.monitor.merged_session import MergedSession
from redis_tui.demo.cluster import LocalCluster
from redis_tui.settings import resolve
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.run import make_app
from redis_tui.ui.widgets.stream_view import StreamView
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import screen_text, toasts


def key_per_primary(client: RedisCluster, cluster: LocalCluster) -> dict[int, str]:
    """Primary port → a short key that lives on it."""
    keys: dict[int, str] = {}
    n = 0
    while len(keys) < len(cluster.primaries):
        name = f"m:{n}"
        keys.setdefault(client.get_node_from_key(name).port, name)
        n += 1
    return keys


def test_monitor_on_a_cluster_streams_every_primary_tagged_with_its_node(cluster: LocalCluster):
    settings = resolve({"url": cluster.seed_url, "interval": 0.5}, {})
    app = make_app(settings, cluster=True)
    client = RedisCluster(host="127.0.0.1", port=cluster.nodes[0].port)
    keys = key_per_primary(client, cluster)
    assert set(keys) == {node.port for node in cluster.primaries}

    async def watch() -> None:
        async with app.run_test(size=(80, 30)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("m")
            assert isinstance(app.screen, MonitorScreen)
            await pilot.pause()
            assert "one MONITOR on each of the 3 primaries" in text_of(app, "#monitor-intro")
            await pilot.press("s")
            session = app.screen.session
            assert isinstance(session, MergedSession)
            await wait_until(pilot, lambda: session.state == "running" and
                             all(s.state == "running" for s in session.merged.sessions), 10)
            assert "MONITOR on 3 primaries" in text_of(app, "#monitor-bar")
            for name in keys.values():
                client.set(name, "v")
            # at 80 columns each line keeps its node tag, the command and the key whole
            patterns = {port: re.compile(rf":{port}\s+SET {re.escape(name)} v") for port, name in keys.items()}
            await wait_until(pilot, lambda: all(p.search(screen_text(app)) for p in patterns.values()), 10)
            for port, name in keys.items():  # each key's line carries the node it lives on, none other
                others = [p for p in keys if p != port]
                assert not any(re.search(rf":{p}\s+SET {re.escape(name)} ", screen_text(app)) for p in others)
            # the tables are redrawn once a second: wait for the one that counted the SETs
            await wait_until(pilot, lambda: all(f"127.0.0.1:{port}" in text_of(app, "#monitor-tops")
                                                for port in keys) and "SET" in text_of(app, "#monitor-tops"), 5)
            tops = text_of(app, "#monitor-tops")
            assert "Nodes (commands/s)" in tops and "SET" in tops
            stream = app.screen.query_one("#stream", StreamView)
            # the dashboard's own polls of every node are left out
            assert not any(" INFO" in stream.render_item(item, None).plain for item in stream.items)
            await pilot.press("s")
            await wait_until(pilot, lambda: session.state == "stopped", 10)
            await pilot.pause()
            assert app.is_running and app._exception is None

    try:
        asyncio.run(watch())
    finally:
        client.close()


def test_a_primary_that_goes_away_is_a_note_and_the_others_stream_on(cluster_factory):
    cluster = cluster_factory(primaries=3, replicas=0)
    settings = resolve({"url": cluster.seed_url, "interval": 0.5}, {})
    app = make_app(settings, cluster=True)
    victim, other = cluster.primaries[2], cluster.primaries[0]

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("m", "s")
            session = app.screen.session
            assert isinstance(session, MergedSession)
            await wait_until(pilot, lambda: all(s.state == "running" for s in session.merged.sessions), 10)
            cluster.kill(victim)
            gone = cluster.addr(victim)
            await wait_until(pilot, lambda: gone in text_of(app, "#monitor-bar"), 15)
            assert "1 node gone" in text_of(app, "#monitor-bar")
            assert "MONITOR on 3 primaries" in text_of(app, "#monitor-bar")  # still running on the others
            await pilot.pause()
            notes = [str(n.message) for n in app._notifications]
            assert any(gone in n and "the other 2 nodes go on" in n for n in notes)
            assert any(gone in t and "the other 2 nodes go on" in t.replace("\n", " ") for t in toasts(app))
            redis.Redis(port=other.port).echo("still-here")
            await wait_until(pilot, lambda: re.search(rf":{other.port}\s+ECHO still-here", screen_text(app)), 10)
            await wait_until(pilot, lambda: "ended" in text_of(app, "#monitor-tops"), 5)
            assert session.state == "running" and app._exception is None

    asyncio.run(watch())


def test_replicas_streams_every_node_and_r_goes_back_to_the_primaries(cluster: LocalCluster):
    settings = resolve({"url": cluster.seed_url, "interval": 0.5}, {})
    app = make_app(settings, cluster=True, replicas=True)  # as `redis-tui --replicas`
    client = RedisCluster(host="127.0.0.1", port=cluster.nodes[0].port)
    name = "m:replicated"

    async def watch() -> None:
        async with app.run_test(size=(80, 30)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("m")
            await pilot.pause()
            assert "each of the 6 nodes (3 primaries + 3 replicas)" in text_of(app, "#monitor-intro")
            await pilot.press("s")
            session = app.screen.session
            assert isinstance(session, MergedSession) and len(session.addrs) == 6
            # every node's stream runs, each with its own output-buffer guard looking at it
            await wait_until(pilot, lambda: all(s.state == "running" and s.last_omem is not None
                                                for s in session.merged.sessions), 10)
            assert "MONITOR on 3 primaries + 3 replicas" in text_of(app, "#monitor-bar")
            topology = app.cluster.round.topology
            owner = topology.node(f"127.0.0.1:{client.get_node_from_key(name).port}")
            replica = topology.replicas_of(owner)[0]
            client.set(name, "v")
            # the write shows twice: run by the primary, and copied to its replica (the replication stream)
            for addr in (owner.addr, replica.addr):
                port = addr.rpartition(":")[2]
                await wait_until(pilot, lambda p=port: re.search(rf":{p}\s+SET {name} v", screen_text(app)), 10)
            await wait_until(pilot, lambda: f"{replica.addr.rpartition(':')[2]} replica" in
                             text_of(app, "#monitor-tops"), 5)
            rates = {row.addr: row.total for row in session.node_rates()}
            assert rates[owner.addr] >= 1 and rates[replica.addr] >= 1
            await pilot.press("R")  # back to the primaries only: MONITOR restarts on them
            await wait_until(pilot, lambda: app.screen.session is not session, 10)
            fresh = app.screen.session
            assert isinstance(fresh, MergedSession) and len(fresh.addrs) == 3
            await wait_until(pilot, lambda: "MONITOR on 3 primaries" in text_of(app, "#monitor-bar")
                             and "replicas" not in text_of(app, "#monitor-bar"), 10)
            assert session.state == "stopped" and replica.addr not in fresh.addrs
            await pilot.press("s")
            await wait_until(pilot, lambda: fresh.state == "stopped", 10)
            assert app.is_running and app._exception is None

    try:
        asyncio.run(watch())
    finally:
        client.close()
