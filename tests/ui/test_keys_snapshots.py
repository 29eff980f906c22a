"""Snapshots of the keys screen, a hash value view and the analyze report, at 80x24 and 120x40.

The screens get frozen core results (as a worker would hand them over): no server, so SCAN
order, memory figures and TTL countdowns cannot differ between runs or machines.
Regenerate after an intended change: pytest tests/ui/test_keys_snapshots.py --snapshot-update
"""

from __future__ import annotations

import dataclasses

import pytest

from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer
from redis_tui.core.keyspace.namespace import NamespaceTree
from redis_tui.core.keyspace.scan import ScanPage
from redis_tui.core.keyspace.scripts import KeyStats
from redis_tui.core.keyspace.values import Element, KeyInfo, StringValue, ValuePage
from redis_tui.ui.analyze.screen import AnalyzeScreen
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.keys.tree import FrozenScan, NamespaceView
from tests.ui.helpers import make_app, settle
from tests.ui.sample import NOW, healthy

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]
HOSTILE = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"

KEYS = (
    [b"cache:api:v1:products:%d" % n for n in (42, 7, 1093, 310)]
    + [b"session:%05d" % n for n in (42, 1337, 7)]
    + [b"ratelimit:203.0.113.9:29400000", b"ratelimit:198.51.100.4:29400000", b"jobs:email", b"jobs:scheduled",
       b"leaderboard:daily", b"events:orders", HOSTILE, b"\xff\xfe", b"cache:api:v1:categories:12"]
)
PRODUCT = (b'{"id": 42, "endpoint": "products", "name": "Item 42", "price": 129.5, '
           b'"tags": ["sale", "eco", "gift"], "description": "A sturdy thing \\u001b[2J"}')


def feed_keys(screen: KeysScreen) -> None:
    """A first page, the tree counted to 40%, the JSON of the first key."""
    screen.dbsize = 91_402
    screen.show_page(ScanPage(tuple(KEYS), False, 0.4, len(KEYS), 0, 1, 0.01))
    tree = NamespaceTree(b":", max_depth=2)
    for prefix, count in ((b"cache:api:", 31_000), (b"session:", 1_500), (b"ratelimit:203.0.113.9:", 400),
                          (b"ratelimit:198.51.100.4:", 120), (b"jobs:", 2), (b"leaderboard:", 1),
                          (b"events:", 1)):
        tree.add_keys(prefix + b"%d" % n for n in range(count))
    tree.add_keys([HOSTILE, b"\xff\xfe", b"stats:emails:sent"])
    screen.query_one(NamespaceView).set_scan(b"", FrozenScan(tree, progress=0.4, done=False))
    info = KeyInfo(KEYS[0], True, "string", "raw", 540_000, NOW + 540, 1_184, len(PRODUCT))
    screen.show_key(info, StringValue(PRODUCT, len(PRODUCT)))


def feed_hash(screen: KeysScreen) -> None:
    """A big hash: its first page of fields, one of them hostile."""
    key = b"session:01337"
    screen.show_page(ScanPage((key,), True, 1.0, 1, 0, 1, 0.01))
    tree = NamespaceTree(b":", max_depth=2)
    tree.add_keys([key])
    screen.query_one(NamespaceView).set_scan(b"", FrozenScan(tree))
    fields = [Element(b"%d" % (n * 37 % 1000), len(b"%d" % (n * 37 % 1000)), name=b"cart:item:%d" % n)
              for n in range(30)]
    fields[3] = Element(b"\xff\xfe binary", 9, name=HOSTILE)
    fields[5] = Element(b"x" * 4096, 120_000, name=b"notes")
    info = KeyInfo(key, True, "hash", "hashtable", None, None, 5_308_416, 100_000)
    screen.show_key(info, page=ValuePage(tuple(fields), False, 30))


def keys_app():
    return make_app(healthy())


def run_with(feed):
    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = KeysScreen(clock=pilot.app.clock)
        await pilot.app.push_screen(screen)
        feed(screen)
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_keys_screen(snap_compare, size):
    assert snap_compare(keys_app(), terminal_size=size, run_before=run_with(feed_keys))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_hash_value_view(snap_compare, size):
    assert snap_compare(keys_app(), terminal_size=size, run_before=run_with(feed_hash))


def fixed_report():
    """A report computed by the real Analyzer from fixed per-key stats."""
    analyzer = Analyzer(None, AnalyzeOptions(top=5, depth=2))
    stats = [KeyStats(b"cache:api:v1:products:%d" % n, "string", 900 + n % 2000, 800 + n % 1900, 60_000 + n * 1000)
             for n in range(3000)]
    stats += [KeyStats(b"session:%05d" % n, "hash", 400 + n % 50, 3, 600_000 + n * 500) for n in range(1500)]
    stats += [KeyStats(b"ratelimit:203.0.113.%d:29400000" % n, "string", 72, 2, 30_000) for n in range(60)]
    stats += [KeyStats(b"leaderboard:daily", "zset", 187_000, 2000, -1),
              KeyStats(b"events:orders", "stream", 64_000, 500, -1),
              KeyStats(b"jobs:email", "list", 9_100, 41, -1),
              KeyStats(b"jobs:scheduled", "zset", 3_900, 12, -1),
              KeyStats(HOSTILE, "string", 88, 16, -1),
              KeyStats(b"stats:emails:sent", "string", 56, 3, 86_400 * 40 * 1000)]
    analyzer.add(stats)
    report = analyzer.report()
    return dataclasses.replace(report, elapsed_s=0.42, dbsize=report.keys_scanned, complete=True, method="script")


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_analyze_report(snap_compare, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = AnalyzeScreen()
        await pilot.app.push_screen(screen)
        screen.state = "done"
        screen.show_report(fixed_report())
        await pilot.pause()

    assert snap_compare(make_app(healthy()), terminal_size=size, run_before=run_before)
