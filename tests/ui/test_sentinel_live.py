"""The app on a real Sentinel group that degrades step by step (a fresh group per server kind): SENTINEL
FAILOVER → the status line names the new master, the failover is a toast, a finding and a line on the topology
screen, and the dashboard keeps updating on the new master; two Sentinels stopped → the quorum is lost."""

from __future__ import annotations

import asyncio

from redis_tui.settings import resolve
from redis_tui.ui.run import make_app, watch_sentinel
from redis_tui.ui.topology.screen import TopologyScreen
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import screen_text, toasts


def ids(app) -> set[str]:
    return {f.id for f in app.findings}


def test_the_app_follows_a_failover_says_so_and_sees_the_quorum_go(sentinel_factory):
    group = sentinel_factory()
    old = group.addr(group.master)
    settings = resolve({"sentinel": [group.sentinel_addrs[0]], "master": group.name, "interval": 0.25}, {})
    found = watch_sentinel(settings)
    assert isinstance(found, tuple) and found[0].target.sentinel
    app = make_app(found[0], sentinel=True)

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: "6/6 nodes up" in text_of(app, "StatusBar") and app.snapshot, 10)
            assert f"master {old}" in text_of(app, "StatusBar")
            await asyncio.to_thread(group.failover)
            await wait_until(pilot, lambda: old not in text_of(app, "StatusBar"), 10)
            new = await asyncio.to_thread(group.wait_master, lambda addr: addr != old)
            assert f"master {new}" in text_of(app, "StatusBar")  # the master the Sentinels' majority names
            await wait_until(pilot, lambda: any(f"moved {old} → {new} at" in t for t in toasts(app)))
            said = next(f for f in app.findings if f.id == "failover-happened")
            assert (said.evidence["old"], said.evidence["new"], said.node) == (old, new, new)
            assert said.evidence["took_s"] is not None and said.severity == "warning"
            shown = app.snapshot.taken_at
            await wait_until(pilot, lambda: app.snapshot.taken_at > shown)  # the dashboard goes on, on the new master
            assert app.cluster.round.snapshot(new).server.role == "master"
            app.clear_notifications()
            await pilot.press("o")
            await wait_until(pilot, lambda: isinstance(app.screen, TopologyScreen)
                             and f"⇄ master {group.name} moved {old} → {new}" in screen_text(app))

            for sentinel in group.sentinels[1:]:
                await asyncio.to_thread(group.stop, sentinel)
            await wait_until(pilot, lambda: "sentinel-quorum-lost" in ids(app), 15)
            assert "NO QUORUM" in text_of(app, "StatusBar")
            unreachable = {f.node for f in app.findings if f.id == "sentinel-unreachable"}
            assert unreachable == set(group.sentinel_addrs[1:])

            assert app._exception is None

    asyncio.run(watch())
