"""The memory (M), config (C) and Pub/Sub (U) screens on a real server of each kind: keys, a subscriber that does
not read (a big output buffer), patterns and shard channels, a config change made here, CONFIG SET through the
screen (confirmed, and refused by the server for an immutable parameter), a password never shown; then the ACL
takes MEMORY and CONFIG away: the line naming what is missing, and the rest still shown. (Without --write, enter
only says so: tests/ui/test_insight_memconf_snapshots.py.)"""

from __future__ import annotations

import socket
import time

import pytest
import redis
from textual.widgets import Input

from redis_tui.settings import resolve
from redis_tui.ui.insight.config import ConfigScreen
from redis_tui.ui.insight.config_dialog import ConfigSetDialog
from redis_tui.ui.insight.memory import MemoryScreen
from redis_tui.ui.insight.pubsub import PubSubScreen
from redis_tui.ui.run import make_app
from tests.ui.helpers import table_rows, text_of, wait_until
from tests.ui.keys_data import screen_text

pytestmark = pytest.mark.integration

PASSWORD = "Sup3r-s3cret-pw"


def app_for(url: str, write: bool = False):
    return make_app(resolve({"url": url, "write": write, "interval": 0.25, "client_list_interval": 0.5}, {}))


def stalled_subscriber(port: int, password: str) -> socket.socket:
    """A subscriber that never reads: what is published to its channel piles up in its output buffer."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"AUTH {password}\r\nCLIENT SETNAME stalled-sub\r\nSUBSCRIBE ticks\r\n".encode())
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return sock


def fill(r: redis.Redis) -> None:
    r.execute_command("DEBUG", "POPULATE", 5000, "key", 100)
    r.config_set("client-output-buffer-limit", "pubsub 0 0 0")


async def open_screen(pilot, key: str, kind):
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


async def test_memory_pubsub_and_config_screens_show_the_server_and_what_the_acl_refuses(server_factory):
    server = server_factory(config={"requirepass": PASSWORD})
    r = redis.Redis(port=server.port, password=PASSWORD)
    fill(r)
    stalled = stalled_subscriber(server.port, PASSWORD)
    listeners = [r.pubsub() for _ in range(2)]
    listeners[0].subscribe("news")
    listeners[0].psubscribe("news.*")
    listeners[1].subscribe("news")
    listeners[1].execute_command("SSUBSCRIBE", "orders{1}")
    deadline = time.monotonic() + 5
    while r.pubsub_numsub("ticks")[0][1] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    for _ in range(24):
        r.publish("ticks", b"x" * 1024 * 1024)
    r.execute_command("ACL", "SETUSER", "watcher", "on", ">pw", "~*", "&*", "+@all")
    app = app_for(f"redis://watcher:pw@127.0.0.1:{server.port}/0", write=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.snapshot is not None and app.snapshot.client_list is not None)

            await open_screen(pilot, "M", MemoryScreen)
            await wait_until(pilot, lambda: "dataset" in text_of(app, "#memory-parts"))
            await wait_until(pilot, lambda: "stalled-sub" in text_of(app, "#memory-clients"))
            parts = text_of(app, "#memory-parts")
            assert "clients: normal" in parts and "%" in parts
            assert "keys 5,000" in text_of(app, "#memory-head")
            assert "MEMORY DOCTOR" in text_of(app, "#memory-doctor")
            top = text_of(app, "#memory-clients").splitlines()
            header = next(index for index, line in enumerate(top) if line.startswith("id"))
            assert "stalled-sub" in top[header + 1]  # the biggest consumer first
            r.execute_command("ACL", "SETUSER", "watcher", "-memory")  # NOPERM: the line, and the rest stays
            await pilot.press("r")
            await wait_until(pilot, lambda: "NOPERM" in text_of(app, "#memory-parts"))
            assert "+memory|stats" in text_of(app, "#memory-parts")
            assert "+memory|doctor" in text_of(app, "#memory-doctor")
            assert "stalled-sub" in text_of(app, "#memory-clients") and "used" in text_of(app, "#memory-head")
            await pilot.press("escape")

            await open_screen(pilot, "U", PubSubScreen)
            await wait_until(pilot, lambda: len(table_rows(app, "#pubsub-channels")) == 3)
            rows = {(row[0], row[1]): row[2] for row in table_rows(app, "#pubsub-channels")}
            assert rows == {("news", "classic"): "2", ("ticks", "classic"): "1", ("orders{1}", "shard"): "1"}
            head = text_of(app, "#pubsub-head")
            assert "1 pattern subscriptions" in head and "1 shard channels (1 subscriptions)" in head
            await wait_until(pilot, lambda: "SLOW" in text_of(app, "#pubsub-clients"))
            clients = text_of(app, "#pubsub-clients")
            assert "slow (output buffer ≥ 1.0M): 1" in clients and "Subscriber clients: 3" in clients
            await pilot.press("escape")

            screen = await open_screen(pilot, "C", ConfigScreen)
            await wait_until(pilot, lambda: len(table_rows(app, "#config-table")) > 50)
            values = {row[0]: row[1] for row in table_rows(app, "#config-table")}
            assert values["requirepass"] == "•••••• (set)" and values["maxmemory-samples"] == "5"
            r.config_set("maxmemory-samples", 7)
            await pilot.press("r")
            await wait_until(pilot, lambda: "was 5" in str(dict((row[0], row[2]) for row in table_rows(
                app, "#config-table")).get("maxmemory-samples")))
            await pilot.press("slash")
            app.screen.query_one("#config-filter", Input).value = "samples"  # as typed: one change
            await pilot.pause()
            await wait_until(pilot, lambda: [row[0] for row in table_rows(app, "#config-table")] == [
                "maxmemory-samples"])
            await pilot.press("enter")  # the filter applies; the table has the focus
            await pilot.press("enter")  # edit the row
            await wait_until(pilot, lambda: isinstance(app.screen, ConfigSetDialog))
            app.screen.query_one("#config-value", Input).value = "9"
            await pilot.press("enter")
            await wait_until(pilot, lambda: r.config_get("maxmemory-samples")["maxmemory-samples"] == "9")
            await wait_until(pilot, lambda: "OK" in text_of(app, "#config-note"))

            screen.filter_text = "daemonize"
            screen.action_read_now()
            await wait_until(pilot, lambda: [row[0] for row in table_rows(app, "#config-table")] == ["daemonize"])
            screen.query_one("#config-table").focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfigSetDialog))
            app.screen.query_one("#config-value", Input).value = "yes"
            await pilot.press("enter")
            await wait_until(pilot, lambda: "refused" in text_of(app, "#config-note"))
            assert "immutable" in text_of(app, "#config-note")

            screen.filter_text = "requirepass"
            screen.action_read_now()
            await wait_until(pilot, lambda: [row[0] for row in table_rows(app, "#config-table")] == ["requirepass"])
            await pilot.press("enter")
            await pilot.pause()
            assert screen is app.screen and "credential" in text_of(app, "#config-note")
            assert PASSWORD not in screen_text(app) and app.is_running
            r.execute_command("ACL", "SETUSER", "watcher", "-config")
            await pilot.press("r")
            await wait_until(pilot, lambda: "NOPERM" in text_of(app, "#config-note"))
            assert "+config|get" in text_of(app, "#config-note") and app.is_running
    finally:
        stalled.close()
        for listener in listeners:
            listener.close()


async def test_on_a_cluster_pubsub_reads_every_node_and_memory_one_at_a_time():
    """Classic subscribers on every primary are summed over their nodes; a shard channel is on its slot's node;
    the memory screen names the node it shows and n moves on. One server kind: the code path is the same."""
    from redis.cluster import RedisCluster

    from redis_tui.demo.cluster import LocalCluster
    from tests.conftest import KINDS

    cluster = LocalCluster(KINDS[0], primaries=3, replicas=0).start()
    listeners = []
    try:
        for node in cluster.primaries:
            listener = redis.Redis(port=node.port).pubsub()
            listener.subscribe("news")
            listeners.append(listener)
        owner = RedisCluster(host="127.0.0.1", port=cluster.primaries[0].port).get_node_from_key("orders{1}")
        listener = redis.Redis(port=owner.port).pubsub()
        listener.execute_command("SSUBSCRIBE", "orders{1}")
        listeners.append(listener)
        app = make_app(resolve({"url": cluster.seed_url, "interval": 0.25}, {}), cluster=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None and len(app.cluster.round.updates) >= 3)
            await open_screen(pilot, "U", PubSubScreen)
            await wait_until(pilot, lambda: len(table_rows(app, "#pubsub-channels")) == 2)
            rows = {(row[0], row[1]): (row[2], row[3]) for row in table_rows(app, "#pubsub-channels")}
            assert rows[("news", "classic")][0] == "3" and len(rows[("news", "classic")][1].split(", ")) == 3
            assert rows[("orders{1}", "shard")] == ("1", f"127.0.0.1:{owner.port}")
            assert "every node" in text_of(app, "#pubsub-bar") and "broadcast" in text_of(app, "#pubsub-head")
            await pilot.press("escape")
            screen = await open_screen(pilot, "M", MemoryScreen)
            await wait_until(pilot, lambda: "dataset" in text_of(app, "#memory-parts"))
            first = screen.node
            assert first and f"node {first}" in text_of(app, "#memory-bar")
            await pilot.press("n")
            await wait_until(pilot, lambda: screen.node != first and set(screen.readings) == {screen.node})
            assert f"node {screen.node}" in text_of(app, "#memory-bar") and app.is_running
    finally:
        for listener in listeners:
            listener.close()
        cluster.close()
