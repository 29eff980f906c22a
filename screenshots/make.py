"""Regenerate the SVG screenshots in this folder from the running app.

    python screenshots/make.py [dashboard] [keys] [monitor] [insight] [cluster] [fleet] [sentinel] [replay]
    (no argument: all of them)

Starts the --demo server and workload, runs the dashboard headless against it, and saves
what it shows (real data, so each run differs a little).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import redis  # noqa: E402

from redis_tui.cli import build_tui_parser, settings_from  # noqa: E402
from redis_tui.demo.run import DEMO_CONFIG, start_workload  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402
from redis_tui.settings import resolve  # noqa: E402
from redis_tui.ui.run import make_app  # noqa: E402

WARM_UP_S = 50  # let the workload fill the cache and most of the 60 s graphs


def save(app, name: str) -> None:
    path = os.path.join(HERE, name)
    app.save_screenshot(filename=name, path=HERE)
    print("wrote", os.path.relpath(path))


async def dashboard(server: EmbeddedServer, size: tuple[int, int], name: str, help_too: bool = False) -> None:
    app = make_app(resolve({"url": server.url}, {}))
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + WARM_UP_S
        while time.monotonic() < deadline:
            await pilot.pause(0.2)
        save(app, name)
        if help_too:
            await pilot.press("question_mark")
            await pilot.pause(0.3)
            save(app, "help.svg")
            await pilot.press("escape")
            await pilot.press("c")
            await pilot.pause(0.5)
            save(app, "checklist.svg")
            await pilot.press("escape")
            server.stop()
            await pilot.press("r")
            await pilot.pause(1.5)
            save(app, "server-down.svg")
            await pilot.press("t")
            await pilot.pause(0.5)
            save(app, "troubleshoot-server-down.svg")


async def keys_screens(server: EmbeddedServer) -> None:
    """The keys screen (a cached JSON response, the tree open on cache:), a hash, and analyze."""
    from redis_tui.ui.keys.detail import KeyDetail
    from redis_tui.ui.keys.tree import NamespaceView

    app = make_app(resolve({"url": server.url}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(3.0)  # the workload has seeded its data
        await pilot.press("k")
        screen = app.screen
        tree = screen.query_one(NamespaceView)
        while b"" not in tree.scans or not tree.scans[b""].done:
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        tree.find(b"cache:").expand()
        screen.set_filter(b"cache:api:v1:products:*", None)
        await _shown(pilot, screen.query_one(KeyDetail))
        save(app, "keys-120x40.svg")
        screen.set_filter(b"session:*", None)
        await _shown(pilot, screen.query_one(KeyDetail))
        save(app, "keys-hash-120x40.svg")
        await pilot.press("escape", "a", "s")
        while app.screen.state != "done":
            await pilot.pause(0.1)
        await pilot.pause(0.3)
        save(app, "analyze-120x40.svg")


async def monitor_screen(server: EmbeddedServer) -> None:
    """The MONITOR screen after a few seconds of the demo workload."""
    app = make_app(resolve({"url": server.url}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(2.0)
        await pilot.press("m", "s")
        await pilot.pause(5.0)
        save(app, "monitor-120x40.svg")
        await pilot.press("s")
        await pilot.pause(0.5)


async def insight_screens(server: EmbeddedServer) -> None:
    """The latency screen (a Lua busy loop makes a latency spike) and the commands and errors screen."""
    admin = redis.Redis(port=server.port)
    admin.config_set("latency-monitor-threshold", 20)
    admin.set("screenshot:string", "v")
    for _ in range(3):
        admin.eval("local i = 0 while i < 4000000 do i = i + 1 end return i", 0)  # a spike of some 50 ms
        with contextlib.suppress(redis.ResponseError):
            admin.lpush("screenshot:string", "x")  # WRONGTYPE, for errorstats
        time.sleep(1.1)
    app = make_app(resolve({"url": server.url}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(3.0)
        await pilot.press("L")
        await pilot.pause(3.0)
        save(app, "latency-120x40.svg")
        await pilot.press("escape", "E")
        await pilot.pause(2.5)
        save(app, "commands-120x40.svg")


async def slowlog_screens(server: EmbeddedServer) -> None:
    """The slow log (the workload's commands logged from 30 µs for a few seconds) and the persistence screen
    after a BGSAVE sent from it (--write)."""
    r = redis.Redis(port=server.port)
    r.config_set("slowlog-log-slower-than", 30)
    app = make_app(resolve({"url": server.url, "write": True}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(2.0)
        await pilot.press("S")
        await pilot.pause(6.0)
        save(app, "slowlog-120x40.svg")
        r.config_set("slowlog-log-slower-than", 10000)
        await pilot.press("escape", "B")
        await pilot.pause(1.0)
        await pilot.press("b")
        await pilot.pause(0.3)
        await pilot.press("y")
        await pilot.pause(3.0)
        save(app, "persistence-120x40.svg")


async def memconf_screens(server: EmbeddedServer) -> None:
    """The memory, config and Pub/Sub screens on the demo server, with subscribers (one of them stalled: it
    never reads, so what is published to it piles up in its output buffer) and a config change."""
    import socket

    r = redis.Redis(port=server.port)
    listeners = [r.pubsub() for _ in range(3)]
    listeners[0].subscribe("events:orders", "events:users")
    listeners[1].psubscribe("events:*")
    listeners[2].execute_command("SSUBSCRIBE", "inventory{eu}")
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.sendall(b"CLIENT SETNAME report-exporter\r\nSUBSCRIBE events:orders\r\n")
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    app = make_app(resolve({"url": server.url, "client_list_interval": 1.0}, {}))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(3.0)
            for _ in range(48):
                r.publish("events:orders", b"x" * 256 * 1024)
            await pilot.press("M")
            await pilot.pause(3.0)
            save(app, "memory-120x40.svg")
            await pilot.press("escape", "C")
            await pilot.pause(1.0)
            r.config_set("maxmemory-samples", 10)
            await pilot.press("r", "slash", *"maxmemory", "enter")
            await pilot.pause(1.0)
            save(app, "config-120x40.svg")
            await pilot.press("escape", "U")
            await pilot.pause(3.0)
            save(app, "pubsub-120x40.svg")
    finally:
        stalled.close()
        for listener in listeners:
            listener.close()


async def hotkeys_screen(server: EmbeddedServer) -> None:
    """The hot keys screen after a 10 s MONITOR sample of the demo workload (its policy is allkeys-lru)."""
    app = make_app(resolve({"url": server.url}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(2.0)
        await pilot.press("H")
        await pilot.pause(1.0)
        await pilot.press("s")
        while app.screen.state != "done":
            await pilot.pause(0.2)
        await pilot.pause(0.3)
        save(app, "hotkeys-120x40.svg")


async def _shown(pilot, detail) -> None:
    await pilot.pause(0.3)
    while detail.info is None:
        await pilot.pause(0.1)
    await pilot.pause(0.5)


async def cluster_screens() -> None:
    """A demo cluster (3 primaries + 3 replicas): the topology screen and the cluster dashboard."""
    from redis_tui.demo.cluster import LocalCluster

    with LocalCluster(primaries=3, replicas=1, config=DEMO_CONFIG).start() as cluster:
        workload = start_workload(cluster.nodes[0], cluster.nodes[1:], cluster=True)
        try:
            app = make_app(resolve({"url": cluster.seed_url}, {}), cluster=True)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(WARM_UP_S)
                save(app, "cluster-dashboard-120x40.svg")
                await pilot.press("o")
                await pilot.pause(1.5)
                save(app, "cluster-topology-120x40.svg")
        finally:
            workload.terminate()
            workload.wait(5)


async def fleet_screen() -> None:
    """A fleet: the demo server (with its workload), a Valkey (or second) server near its maxmemory, and a
    stopped one: the overview."""
    from redis_tui.demo.server import available_kinds
    from redis_tui.ui.run import make_fleet_app

    kinds = available_kinds()
    with EmbeddedServer(config=DEMO_CONFIG) as cache, EmbeddedServer(kinds[-1], {"maxmemory": "3700kb"}) as sessions, \
            EmbeddedServer() as gone:
        cache.start(), sessions.start(), gone.start()
        gone.stop()
        writer = redis.Redis(port=sessions.port)
        writer.mset({f"session:{i}": "x" * 200 for i in range(9000)})
        writer.close()
        workload = start_workload(cache)
        try:
            urls = [cache.url, sessions.url, gone.url]
            app = make_fleet_app(settings_from(build_tui_parser().parse_intermixed_args(urls)))
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(15)
                save(app, "fleet-120x40.svg")
        finally:
            workload.terminate()
            workload.wait(5)


async def sentinel_screens() -> None:
    """A local Sentinel group (master, 2 replicas, 3 Sentinels) with the demo workload on its master, right after
    a SENTINEL FAILOVER: the topology screen (the Sentinels and the failover) and the replication screen."""
    from redis_tui.demo.sentinel import SentinelGroup
    from redis_tui.ui.run import watch_sentinel

    with SentinelGroup(config=DEMO_CONFIG).start(linked=True) as group:
        workload = start_workload(group.master)
        try:
            settings = resolve({"sentinel": [group.sentinel_addrs[0]], "master": group.name}, {})
            found = await asyncio.to_thread(watch_sentinel, settings)
            assert isinstance(found, tuple)
            app = make_app(found[0], sentinel=True)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(10.0)
                old = group.addr(group.master)
                await asyncio.to_thread(group.failover)
                await asyncio.to_thread(group.wait_master, lambda addr: addr != old)
                await pilot.pause(3.0)
                app.clear_notifications()
                await pilot.press("o")
                await pilot.pause(1.5)
                save(app, "sentinel-topology-120x40.svg")
                await pilot.press("escape", "l")
                await pilot.pause(1.5)
                save(app, "replication-120x40.svg")
        finally:
            workload.terminate()
            workload.wait(5)


async def replay_screen() -> None:
    """The replay of an incident recorded for real: the demo workload on a server with a small maxmemory and
    noeviction, `redis-tui record` at 0.5 s beside it; memory is filled until writes fail (memory-pressure
    opens), a config change, then the data is flushed (it clears). The replay is shown at the critical finding."""
    import subprocess
    import tempfile

    from redis_tui.core.record.recording import Recording
    from redis_tui.ui.run import make_replay_app

    config = {**DEMO_CONFIG, "maxmemory": "48mb", "maxmemory-policy": "noeviction"}
    with tempfile.TemporaryDirectory() as folder, EmbeddedServer(config=config) as server:
        path = os.path.join(folder, "incident.rec")
        workload = start_workload(server)
        recorder = subprocess.Popen([sys.executable, "-m", "redis_tui", "record", server.url, "--out", path,
                                     "--interval", "0.5", "--duration", "75"], stdout=subprocess.DEVNULL)
        r = redis.Redis(port=server.port)
        try:
            time.sleep(20)
            r.config_set("maxmemory-samples", 10)
            with contextlib.suppress(redis.exceptions.OutOfMemoryError):
                for i in range(400):
                    r.set(f"import:batch:{i}", b"x" * 200_000)
            time.sleep(25)
            r.flushdb()
            recorder.wait(60)
        finally:
            recorder.terminate()
            workload.terminate()
            workload.wait(5)
        with Recording.open(path) as recording:
            app = make_replay_app(recording)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(1.0)
                app.replay.to_event(True, True)  # as ")" does: the first critical finding
                await pilot.pause(0.5)
                app.replay.jump(3)  # a few seconds into it: the panes show the pressure
                await pilot.pause(1.0)
                save(app, "replay-120x40.svg")


async def main(which: set[str]) -> None:
    if "replay" in which:
        await replay_screen()
    if "fleet" in which:
        await fleet_screen()
    if "cluster" in which:
        await cluster_screens()
    if "sentinel" in which:
        await sentinel_screens()
    if not which & {"keys", "monitor", "dashboard", "insight"}:
        return
    with EmbeddedServer(config=DEMO_CONFIG) as server:
        workload = start_workload(server)
        try:
            if "keys" in which:
                await keys_screens(server)
            if "monitor" in which:
                await monitor_screen(server)
            if "insight" in which:
                await insight_screens(server)
                await slowlog_screens(server)
                await memconf_screens(server)
                await hotkeys_screen(server)
            if "dashboard" in which:
                await dashboard(server, (120, 40), "dashboard-120x40.svg")
                await dashboard(server, (80, 24), "dashboard-80x24.svg", help_too=True)
        finally:
            workload.terminate()
            workload.wait(5)


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:]) or {"dashboard", "keys", "monitor", "insight", "cluster", "fleet",
                                                   "sentinel", "replay"}))
