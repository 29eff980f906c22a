"""Long MONITOR sessions: whatever the traffic, the buffers and tables hold a bounded number of things."""

from __future__ import annotations

from redis_tui.core.monitor.commands import CommandTable
from redis_tui.core.monitor.feed import Feed, ViewBuffer
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import escape_arg
from redis_tui.core.monitor.stats import OTHER, PREFIX_BYTES, Window


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def block(start: int, count: int, key_bytes: int = 12) -> bytes:
    """`count` lines, each from its own client, with its own command name and its own key (no delimiter)."""
    out = []
    for n in range(start, start + count):
        key = b"%0*x" % (key_bytes, n)
        args = (b"CMD%d" % (n % 5000), key, b"v")
        out.append(b"+1700000000.000001 [0 10.%d.%d.1:%d] " % (n >> 16 & 255, n >> 8 & 255, 1024 + n % 60000)
                   + b" ".join(escape_arg(a) for a in args) + b"\r\n")
    return b"".join(out)


def test_every_buffer_stays_bounded_after_a_long_run_of_distinct_lines():
    clock = Clock()
    window = Window(seconds=10, cap=300, total_cap=1000)
    view = ViewBuffer(size=500)
    table = CommandTable.default()
    for spec in (Filter(), Filter(key=b"*0*")):  # a key filter keeps whole keys in the rows
        feed = Feed(table, window, spec, sink=view, clock=clock)
        for chunk in range(60):  # 60 "seconds" of 1,000 distinct lines: 120,000 lines in all
            feed.feed(block(chunk * 1000, 1000))
            clock.now += 1
            assert len(feed._verdicts) <= 11_000  # cleared once past VERDICTS (10,000)
            assert len(view._lines) <= 500
        held, totals = window.sizes()
        assert held <= 11 * 3 * (300 + 1)  # the live second + 10 buckets; three tables each, (other) included
        assert totals <= 3 * (1000 + 1)
        assert len(table._cache) <= 4096
    stats = window.snapshot(clock.now, top=5)
    assert stats.matched == window.matched and stats.seen == 120_000
    assert any(share.name == OTHER for share in stats.since_start_prefixes + stats.since_start_clients)


def test_many_prefixes_do_not_multiply_the_clients():
    # 50 clients × 1,000 prefixes in one second: 1,050 names to keep, not 50,000 combinations, and
    # every client counted under its own name
    window = Window(seconds=60, cap=2000)
    for prefix in range(1000):
        for client in range(50):
            window.add(100, "GET", b"p%d" % prefix, f"10.0.0.{client}:1", 1)
    assert window.sizes()[0] == 1 + 1000 + 50
    stats = window.snapshot(100.5, top=50)
    assert len(stats.clients) == 50 and {share.count for share in stats.clients} == {1000}
    assert OTHER not in {share.name for share in stats.clients}


def test_a_huge_key_is_counted_by_its_head():
    window = Window()
    window.add(1, "SET", b"x" * 1_000_000, "c", 1)
    window.add(1, "SET", b"x" * 999_999, "c", 1)
    (share,) = window.snapshot(1.5).prefixes
    assert share.name == b"x" * PREFIX_BYTES and share.count == 2
