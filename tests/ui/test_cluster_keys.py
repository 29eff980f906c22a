"""The keys screen on a real cluster (3 primaries + 3 replicas, one per module and server kind).

The core pieces it stands on are checked here too, on the same cluster (one cluster build is
most of the time this module costs): slots against CLUSTER KEYSLOT, reads that follow MOVED
and ASK, the merged scan of every primary (a dead node reported, a restarted node listing no
key twice), writes on the key's node. Then the screen: every key of every primary in the list
and in the tree counts (totals = the sum of DBSIZE over the primaries), each row's node and
each key's slot and node as CLUSTER KEYSLOT / CLUSTER SLOTS say, nothing written without
--write, a --write delete sent to the key's node, --node-only, and a failover during a scan
(undone at the end: the module's cluster stays as built).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import itertools
import time

import pytest
import redis

from redis_tui.core.connection import make_client
from redis_tui.core.keyspace.nodes_scan import NodesKeyScanner, NodesNamespaceScan
from redis_tui.core.keyspace.route import Router
from redis_tui.core.keyspace.slots import key_slot
from redis_tui.core.keyspace.values import inspect_key, open_reader, read_string
from redis_tui.core.keyspace.writes import CrossSlot, KeyWriter, WriteNotAllowed
from redis_tui.core.nodes import Node, Topology
from redis_tui.core.target import Target
from redis_tui.core.topology import read_cluster
from redis_tui.demo.cluster import LocalCluster
from redis_tui.demo.server import available_kinds, free_port
from redis_tui.settings import resolve
from redis_tui.ui.keys.dialogs import ConfirmDialog, RenameDialog
from redis_tui.ui.keys.tree import NamespaceView
from redis_tui.ui.run import make_app
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import listed, screen_text, show_key, toast_shown

pytestmark = pytest.mark.integration

KINDS = available_kinds()
WRITES = {"del", "unlink", "expire", "pexpire", "persist", "rename", "renamenx", "set", "hset"}


def app_settings(url: str, write: bool = False):
    return resolve({"url": url, "write": write, "interval": 0.5}, {})


@functools.cache
def node_client(port: int) -> redis.Redis:
    return redis.Redis(port=port, socket_timeout=5)


def owners(cluster: LocalCluster) -> list[str]:
    """Slot → "host:port" of its primary, from CLUSTER SLOTS (the server's own words)."""
    table = [""] * 16384
    for first, last, primary, *_replicas in node_client(cluster.nodes[0].port).execute_command("CLUSTER", "SLOTS"):
        host = primary[0].decode() if isinstance(primary[0], bytes) else primary[0]
        table[first:last + 1] = [f"{host}:{primary[1]}"] * (last - first + 1)
    return table


def keyslot(cluster: LocalCluster, key: bytes) -> int:
    return int(node_client(cluster.nodes[0].port).execute_command("CLUSTER", "KEYSLOT", key))


def port_of(addr: str) -> int:
    return int(addr.rpartition(":")[2])


def fill(cluster: LocalCluster, keys: dict[bytes, bytes]) -> None:
    """SET each key on the primary CLUSTER SLOTS names for its slot (key_slot agrees with CLUSTER KEYSLOT:
    checked by the first test)."""
    table = owners(cluster)
    pipes = {addr: node_client(port_of(addr)).pipeline(transaction=False) for addr in set(table)}
    for key, value in keys.items():
        pipes[table[key_slot(key)]].set(key, value)
    for pipe in pipes.values():
        pipe.execute()


def every_key(cluster: LocalCluster) -> set[bytes]:
    return {key for node in cluster.primaries for key in node_client(node.port).scan_iter(count=1000)}


def dbsize_sum(cluster: LocalCluster) -> int:
    return sum(node_client(node.port).dbsize() for node in cluster.primaries)


async def topology_of(cluster: LocalCluster) -> Topology:
    client = make_client(Target(host="127.0.0.1", port=cluster.nodes[0].port))
    try:
        return await read_cluster(client, cluster.addr(cluster.nodes[0]))
    finally:
        await client.aclose()


class Clients:
    """One client per node address, closed together (what the app's Connections does for the screen)."""

    def __init__(self) -> None:
        self.made: dict[str, redis.asyncio.Redis] = {}

    def __call__(self, addr: str):
        host, _, port = addr.rpartition(":")
        if addr not in self.made:
            self.made[addr] = make_client(Target(host=host, port=int(port)), reply_timeout=2.0, connect_timeout=1.0)
        return self.made[addr]

    async def close(self) -> None:
        for client in self.made.values():
            await client.aclose()


# --- core, on the real cluster ------------------------------------------------------------------
def test_slots_agree_with_cluster_keyslot(cluster: LocalCluster):
    keys = [b"foo", b"{user1000}.following", b"foo{}{bar}", b"foo{{bar}}zap", b"\xff\xfe\x00", b"", b"\x1b[2J",
            *(b"k:%d" % n for n in range(200)), *(b"{t%d}:x:%d" % (n % 7, n) for n in range(50))]
    pipe = node_client(cluster.nodes[0].port).pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("CLUSTER", "KEYSLOT", key)
    assert [key_slot(key) for key in keys] == [int(slot) for slot in pipe.execute()]


def test_reads_follow_moved_and_ask(cluster: LocalCluster):
    key, value = b"route:moved", b"the value"
    hashed = b"route:hash"
    fill(cluster, {key: value})
    table = owners(cluster)
    node_client(port_of(table[keyslot(cluster, hashed)])).hset(hashed, mapping={b"f": b"v"})

    async def run() -> None:
        topology = await topology_of(cluster)
        # a map that sends every slot to the wrong primary (each primary gets the next one's slots)
        primaries = [n for n in topology.primaries if n.slots]
        rotated = [dataclasses.replace(p, slots=primaries[(i + 1) % len(primaries)].slots)
                   for i, p in enumerate(primaries)]
        clients, moved = Clients(), []
        router = Router(clients, on_moved=lambda: moved.append(1))
        router.update(Topology(kind="cluster", nodes=tuple(rotated)))
        assert router.node_of(key) != table[key_slot(key)]
        try:
            assert (await read_string(router.client(key), key)).data == value
            assert router.node_of(key) == table[key_slot(key)] and moved  # the slot's owner is now known
            info = await inspect_key(router.client(hashed), hashed)  # a pipeline, redirected whole
            assert (info.type, info.length) == ("hash", 1)
            reader = open_reader(router.client(hashed), hashed, "hash")
            assert reader is not None and [e.name for e in (await reader.next_page()).elements] == [b"f"]
            assert router.redirects == 2

            # ASK: the slot migrates from its owner to another primary, the key is already there
            slot = key_slot(b"route:ask")
            source = table[slot]
            dest = next(p.addr for p in primaries if p.addr != source)
            ids = {p.addr: p.node_id for p in primaries}
            src, dst = (node_client(port_of(a)) for a in (source, dest))
            dst.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", ids[source])
            src.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", ids[dest])
            try:
                pipe = dst.pipeline(transaction=False)
                pipe.execute_command("ASKING")
                pipe.execute_command("SET", b"route:ask", b"moving")
                pipe.execute()
                router.update(topology)
                assert (await read_string(router.client(b"route:ask"), b"route:ask")).data == b"moving"
                assert router.redirects == 3 and router.node_of(b"route:ask") == source  # ASK changes no route
                pipe = dst.pipeline(transaction=False)
                pipe.execute_command("ASKING")
                pipe.execute_command("DEL", b"route:ask")
                pipe.execute()
            finally:
                for node in (src, dst):
                    node.execute_command("CLUSTER", "SETSLOT", slot, "STABLE")
        finally:
            await clients.close()

    asyncio.run(run())


def test_every_primary_scanned_once_a_dead_node_reported_a_restart_lists_nothing_twice(cluster: LocalCluster):
    fill(cluster, {b"scan:%d" % n: b"v" for n in range(300)})
    expected = every_key(cluster)
    dead = Node(addr=f"127.0.0.1:{free_port()}", slots=((0, 0),))  # nothing listens there

    async def run() -> None:
        topology = await topology_of(cluster)
        primaries = tuple(n for n in topology.primaries if n.slots)
        clients = Clients()
        try:
            scanner = NodesKeyScanner((*primaries, dead), clients, count=50, page_size=60)
            seen: list[bytes] = []
            pages = 0
            while not scanner.done:
                page = await scanner.next_page()
                assert len(page.nodes) == len(page.items)
                for key, addr in zip(page.items, page.nodes, strict=True):
                    assert addr == topology_owner(primaries, key)
                seen += page.items
                pages += 1
            assert pages > 3 and set(seen) == expected and len(seen) == len(expected)
            assert [part.addr for part in scanner.failed] == [dead.addr]
            assert isinstance(scanner.failed[0].error, (redis.exceptions.ConnectionError, OSError))
            assert not page.complete and scanner.dbsize == dbsize_sum(cluster)
            # the topology changes: the dead node is gone, a primary's slots "moved": it is scanned again
            changed = dataclasses.replace(primaries[0], slots=primaries[0].slots + ((16383, 16383),))
            assert scanner.retarget((changed, *primaries[1:]))
            assert not scanner.done and [part.restarts for part in scanner.parts] == [0, 0, 0]
            more: list[bytes] = []
            while not scanner.done:
                more += (await scanner.next_page()).items
            assert more == [] and scanner.complete  # every key of the rescan was listed already
            assert scanner.parts[-1].scan.returned == 0 and scanner.parts[-1].scan.duplicates > 0

            tree = NodesNamespaceScan((*primaries, dead), clients, b"", b":", 2, count=100)
            while not tree.done:
                await tree.next_page()
            assert tree.tree.branch(b"").keys == dbsize_sum(cluster) and not tree.complete
            assert tree.tree.branch(b"scan:").keys == 300
            assert tree.retarget((changed, *primaries[1:]))  # that node's partial counts go, counted again
            while not tree.done:
                await tree.next_page()
            assert tree.complete and tree.tree.branch(b"").keys == dbsize_sum(cluster)
            assert tree.tree.branch(b"scan:").keys == 300
        finally:
            await clients.close()

    asyncio.run(run())


def test_a_node_left_behind_delivers_the_page_it_was_reading(cluster: LocalCluster):
    fill(cluster, {b"scan:%d" % n: b"v" for n in range(300)})
    expected = every_key(cluster)

    async def run() -> None:
        primaries = tuple(n for n in (await topology_of(cluster)).primaries if n.slots)
        clients = Clients()
        try:
            scanner = NodesKeyScanner(primaries, clients, count=1000, page_size=3)
            for node in primaries[1:]:  # the other nodes answer 0.3 s later: the first page is the first node's
                node_client(port_of(node.addr)).execute_command("CLIENT", "PAUSE", 300)
            seen = list((await scanner.next_page()).items)
            await asyncio.sleep(0.6)
            assert [part.task is not None and part.task.done() for part in scanner.parts] == [False, True, True]
            moved = tuple(dataclasses.replace(node, slots=node.slots + ((16383, 16383),)) for node in primaries)
            assert scanner.retarget(moved)  # every node "resharded": scanned again from 0
            while not scanner.done:
                seen += (await scanner.next_page()).items
            assert sorted(seen) == sorted(expected)  # the pages read before the change are listed, once
        finally:
            await clients.close()

    asyncio.run(run())


def test_writes_go_to_the_keys_node_and_a_cross_slot_rename_is_refused_in_the_servers_words(cluster: LocalCluster):
    table = owners(cluster)
    far = next(b"gone:%d" % n for n in itertools.count() if table[key_slot(b"gone:%d" % n)] != table[0])
    fill(cluster, {far: b"x", b"{t}:a": b"y"})
    home = node_client(port_of(table[key_slot(far)]))
    before = command_calls(cluster, cluster.primaries)

    async def run() -> None:
        clients = Clients()
        router = Router(clients)
        router.update(await topology_of(cluster))
        try:
            with pytest.raises(WriteNotAllowed):  # without --write nothing is sent
                await KeyWriter(clients(table[0]), False, client_for=router.client).delete(far)
            assert writes_in(before, command_calls(cluster, cluster.primaries)) == {}
            writer = KeyWriter(clients(table[0]), True, client_for=router.client)
            assert await writer.delete(far) and not home.exists(far)
            assert await writer.rename(b"{t}:a", b"{t}:b")  # one hash tag: one slot, one node
            with pytest.raises(CrossSlot, match=r"^CROSSSLOT .*same hash tag"):
                await writer.rename(b"{t}:b", b"elsewhere")
        finally:
            await clients.close()

    asyncio.run(run())
    tagged = table[key_slot(b"{t}:b")]
    assert writes_in(before, command_calls(cluster, cluster.primaries)) == {
        f"{table[key_slot(far)]} unlink": 1, f"{tagged} renamenx": 1}  # the refused one is not a call
    assert node_client(port_of(tagged)).get(b"{t}:b") == b"y"


def topology_owner(primaries, key: bytes) -> str:
    slot = key_slot(key)
    return next(p.addr for p in primaries if any(a <= slot <= b for a, b in p.slots))


# --- the screen -----------------------------------------------------------------------------------
async def read_to_the_end(pilot, screen) -> None:
    """Press M (more keys) until the scan is over and every key found is in the list."""
    await wait_until(pilot, lambda: screen.last_page is not None, 20)
    for _ in range(100):
        await wait_until(pilot, lambda: screen._keys_worker.is_finished)
        if screen.last_page.done:
            await wait_until(pilot, lambda: not screen._backlog)  # the last rows are added after a refresh
            return
        await pilot.press("M")
        await pilot.pause()
    raise AssertionError("the scan never ended")


def command_calls(cluster: LocalCluster, nodes=None) -> dict[str, dict[str, int]]:
    """Calls per command on each node (replicas count the writes their primary passes on)."""
    return {cluster.addr(node): {name.removeprefix("cmdstat_"): stats["calls"]
                                 for name, stats in node_client(node.port).info("commandstats").items()}
            for node in (cluster.nodes if nodes is None else nodes)}


def writes_in(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> dict[str, int]:
    return {f"{node} {name}": calls - before[node].get(name, 0)
            for node in after for name, calls in after[node].items()
            if name in WRITES and calls != before[node].get(name, 0)}


def one_kind(cluster: LocalCluster, index: int) -> None:
    """The two screen tests share the server kinds (one each, to keep the suite's time): the server's side of
    what they check runs on every kind in the tests above."""
    if cluster.kind != KINDS[index % len(KINDS)]:
        pytest.skip(f"this screen test runs on {KINDS[index % len(KINDS)]}")


def test_keys_screen_lists_every_primary_with_nodes_and_slots_and_writes_nothing(cluster: LocalCluster):
    one_kind(cluster, 0)
    names = {b"user:%d:name" % n: b"v" for n in range(240)} | {b"{cart}:%d" % n: b"v" for n in range(5)}
    fill(cluster, names)
    table = owners(cluster)
    node_client(port_of(table[key_slot(b"user:1:tags")])).hset(b"user:1:tags", mapping={b"a": b"b"})
    hosts = {node: {table[key_slot(k)] for k in names if k.startswith(node)} for node in (b"user:", b"{cart}")}
    assert len(hosts[b"user:"]) == 3 and len(hosts[b"{cart}"]) == 1  # every slot range, and one hash tag
    expected, total = every_key(cluster), dbsize_sum(cluster)
    before = command_calls(cluster)
    app = make_app(app_settings(cluster.seed_url), cluster=True)  # as run_dashboard makes it on a cluster node

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("k")
            screen = app.screen
            await read_to_the_end(pilot, screen)
            rows = listed(screen)
            assert set(rows) == expected and len(rows) == total  # every key of every primary, once
            tree = screen.query_one(NamespaceView)
            await wait_until(pilot, lambda: tree.count(b"") == (total, True), 20)
            assert tree.count(b"user:") == (241, True)
            bar = text_of(app, "#keys-bar")
            assert f"{total:,} keys (scan complete)" in bar and f"DBSIZE {total:,}" in bar and "3 primaries" in bar
            key_list = screen.query_one("#key-list")
            for index in range(0, len(rows), 97):  # each row's node is where CLUSTER SLOTS puts the key
                node, key = key_list.get_row_at(index)
                assert str(node) == ":" + table[key_slot(rows[index])].rpartition(":")[2]
            for key in (b"{cart}:3", sorted(k for k in names if table[key_slot(k)] ==
                                            cluster.addr(cluster.primaries[2]))[0]):
                detail = await show_key(pilot, screen, key)
                slot = keyslot(cluster, key)
                assert detail.info.exists and f"slot {slot} · node {table[slot]}" in text_of(app, "#key-info")
            await pilot.press("slash")  # the glob, then the type filter, over every node
            screen.query_one("#glob-input").value = "user:1*"
            await pilot.press("enter")
            ones = {k for k in expected if k.startswith(b"user:1")}
            await read_to_the_end(pilot, screen)
            assert set(listed(screen)) == ones and len(listed(screen)) == len(ones) == 112
            await pilot.press("t")
            await read_to_the_end(pilot, screen)
            assert screen.type == "string" and set(listed(screen)) == ones - {b"user:1:tags"}
            strings = listed(screen)
            screen._drop_oldest(40)  # what paging past MAX_LISTED does: the rows left keep their nodes
            await pilot.pause()
            assert listed(screen) == strings[40:] and screen.dropped == 40
            for index, key in enumerate(strings[40:]):
                assert str(key_list.get_row_at(index)[0]) == ":" + table[key_slot(key)].rpartition(":")[2]
            for key in ("d", "e"):  # not offered without --write (n is the dashboard's next node then)
                await pilot.press(key)
                await pilot.pause()
            assert app.is_running and app._exception is None

    asyncio.run(run())
    assert writes_in(before, command_calls(cluster)) == {}


def node_client_type(cluster: LocalCluster, table: list[str], key: bytes) -> str:
    return node_client(port_of(table[key_slot(key)])).type(key).decode()


def test_write_delete_goes_to_the_keys_node_and_a_cross_slot_rename_is_explained(cluster: LocalCluster):
    one_kind(cluster, 1)
    table = owners(cluster)
    far = next(f"doomed:{n}".encode() for n in itertools.count()
               if table[key_slot(f"doomed:{n}".encode())] != cluster.addr(cluster.nodes[0]))
    other = next(f"new:{n}".encode() for n in itertools.count() if key_slot(f"new:{n}".encode()) != key_slot(far))
    fill(cluster, {far: b"x", b"keeper": b"y"})
    home = node_client(port_of(table[key_slot(far)]))
    unlinks = home.info("commandstats").get("cmdstat_unlink", {}).get("calls", 0)
    app = make_app(app_settings(cluster.seed_url, write=True), cluster=True)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("k")
            screen = app.screen
            await wait_until(pilot, lambda: screen.last_page is not None)
            await show_key(pilot, screen, b"keeper")
            await pilot.press("n")
            dialog = await dialog_of(pilot, RenameDialog)
            dialog.query_one("#new-name").value = other.decode()
            await pilot.press("enter")
            await toast_shown(pilot, "CROSSSLOT")
            assert "hash tag" in screen_text(app) and node_client_type(cluster, table, b"keeper") == "string"
            await show_key(pilot, screen, far)
            await pilot.press("d")
            await dialog_of(pilot, ConfirmDialog)
            await pilot.press("y")
            await wait_until(pilot, lambda: not home.exists(far))
            await wait_until(pilot, lambda: far not in listed(screen))
            await toast_shown(pilot, f"Deleted {far.decode()}")

    asyncio.run(run())
    assert home.info("commandstats")["cmdstat_unlink"]["calls"] == unlinks + 1  # on the key's own node


async def dialog_of(pilot, kind):
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen



def test_node_only_lists_the_node_given_and_reads_follow_moved_from_a_replica(cluster: LocalCluster):
    one_kind(cluster, 1)
    replica, primary = cluster.replicas[0], cluster.primaries[0]  # replica i follows primary i
    fill(cluster, {b"only:%d" % n: b"v" for n in range(30)})
    theirs = every_key_of(primary)
    wait_for(lambda: every_key_of(replica) == theirs)
    key = sorted(theirs)[0]
    app = make_app(app_settings(replica.url))  # --node-only: no cluster rounds, this node alone

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.snapshot is not None, 20)
            await pilot.press("k")
            screen = app.screen
            await read_to_the_end(pilot, screen)
            assert set(listed(screen)) == theirs and len(listed(screen)) == len(theirs)
            assert "this node only (--node-only)" in text_of(app, "#keys-bar")
            detail = await show_key(pilot, screen, key)  # the replica answers MOVED: read on its primary
            assert detail.info.exists and screen.problem == ""
            assert f"slot {key_slot(key)} · node {cluster.addr(primary)}" in text_of(app, "#key-info")

    asyncio.run(run())


def every_key_of(node) -> set[bytes]:
    return set(node_client(node.port).scan_iter(count=1000))


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_failover_restarts_that_nodes_scan_and_no_key_is_listed_twice(cluster: LocalCluster):
    one_kind(cluster, 0)
    old, heir = cluster.primaries[1], cluster.replicas[1]  # replica i follows primary i
    fill(cluster, {b"fo:%d" % n: b"v" for n in range(3000)})
    expected, total = every_key(cluster), dbsize_sum(cluster)
    app = make_app(app_settings(cluster.seed_url), cluster=True)

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.cluster is not None, 20)
            await pilot.press("k")
            screen = app.screen
            await wait_until(pilot, lambda: screen.last_page is not None and screen._keys_worker.is_finished, 20)
            assert not screen.last_page.done  # a screenful is listed; the rest comes when asked for
            cluster.failover(heir)  # the replica takes over its primary's slots (the cluster stays healthy)
            cluster.wait_role(heir, "master")
            scanned = lambda: {part.addr for part in screen.scanner.parts}  # noqa: E731
            await wait_until(pilot, lambda: cluster.addr(heir) in scanned() and cluster.addr(old) not in scanned(), 20)
            await read_to_the_end(pilot, screen)
            rows = listed(screen)
            assert set(rows) == expected and len(rows) == total  # the new primary scanned from 0, nothing twice
            assert f"{total:,} keys (scan complete)" in text_of(app, "#keys-bar")

    try:
        asyncio.run(run())
    finally:  # leave the module's cluster as it was built
        cluster.failover(old)
        cluster.wait_role(old, "master")
        cluster.wait_healthy()
