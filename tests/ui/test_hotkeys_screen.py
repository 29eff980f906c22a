"""The hot keys screen: on a real LFU server (H, s, the list; a user without OBJECT), and snapshots of
both methods on fixed data at 80x24 and 120x40."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from redis_tui.core.connection import Connections
from redis_tui.core.insight.hotkeys import LFU, MONITOR, HotKey, HotKeys
from redis_tui.demo.server import EmbeddedServer, available_kinds
from redis_tui.settings import resolve
from redis_tui.ui.insight.base import Reading
from redis_tui.ui.insight.hotkeys import HotKeysScreen, NodeInfo
from redis_tui.ui.run import make_app
from tests.integration.test_hotkeys import LFU_CONFIG, make_hot
from tests.ui.helpers import make_app as fixed_app
from tests.ui.helpers import settle, table_rows, text_of, wait_until
from tests.ui.sample import healthy


@pytest.fixture(scope="module", params=available_kinds())
def lfu_server(request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(request.param, LFU_CONFIG).start()
    r = redis.Redis(port=server.port)
    make_hot(r)
    r.execute_command("ACL", "SETUSER", "nofreq", "on", ">pw", "~*", "+@all", "-object")
    yield server
    server.close()


async def test_h_then_s_lists_the_hot_keys(lfu_server):
    app = make_app(resolve({"url": lfu_server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("H")
        await wait_until(pilot, lambda: "counts accesses per key (LFU)" in text_of(app, "#hotkeys-intro"))
        intro = text_of(app, "#hotkeys-intro")
        assert "allkeys-lfu" in intro and "2,003" in intro and "µs of server time per key" in intro
        await pilot.press("s")
        await wait_until(pilot, lambda: "keys scanned" in text_of(app, "#hotkeys-state"))
        rows = table_rows(app, "#hotkeys-table")
        assert [(row[1], row[3]) for row in rows[:3]] == [("hot:string", "string"), ("hot:hash", "hash"),
                                                          ("hot:list", "list")]
        assert len(rows) == 20 and "2,003 keys scanned" in text_of(app, "#hotkeys-state")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HotKeysScreen) and app.is_running
        # the same screen for a user without OBJECT: the rule to add, and the app goes on
        refused = Connections(resolve({"url": f"redis://nofreq:pw@127.0.0.1:{lfu_server.port}/0"}, {}).target)
        await app.push_screen(HotKeysScreen(refused))
        await wait_until(pilot, lambda: "LFU" in text_of(app, "#hotkeys-intro"))
        await pilot.press("s")
        await wait_until(pilot, lambda: "NOPERM" in text_of(app, "#hotkeys-state"))
        assert "+object|freq" in text_of(app, "#hotkeys-state") and app.is_running
        await refused.aclose()


HOSTILE = b"\x1b[2J[red]evil[/red]\xff"


def fixed(method: str) -> tuple[NodeInfo, HotKeys]:
    keys = [HotKey(b"session:%05d" % n, 40 - n, "hash") for n in range(18)]
    keys[0:0] = [HotKey(b"ratelimit:203.0.113.7", 212 if method == LFU else 9120, "string"),
                 HotKey(HOSTILE, 90 if method == LFU else 4400, "list")]
    if method == LFU:
        return NodeInfo("allkeys-lfu", 1_000_000), HotKeys(LFU, 1.42, tuple(keys), 1_000_000)
    return NodeInfo("allkeys-lru", 52_000), HotKeys(MONITOR, 10.0, tuple(keys), 48_210)


@pytest.mark.parametrize("size,method", [((80, 24), LFU), ((120, 40), LFU), ((120, 40), MONITOR)],
                         ids=["80x24-lfu", "120x40-lfu", "120x40-monitor"])
def test_snapshot(snap_compare, size, method):
    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = HotKeysScreen()
        await pilot.app.push_screen(screen)
        info, result = fixed(method)
        screen.show_readings({"": Reading("", value=info, at=0.0)})
        screen.show_result(result)
        await pilot.pause()

    assert snap_compare(fixed_app(healthy()), terminal_size=size, run_before=run_before)
