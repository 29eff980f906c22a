"""The hot path: the fast regex pass must agree with a line-by-line parse, filters included."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from redis_tui.core.monitor.commands import CommandTable
from redis_tui.core.monitor.feed import Feed, ViewBuffer, check_delimiter
from redis_tui.core.monitor.filter import Filter, Matcher
from redis_tui.core.monitor.lines import escape_arg, parse_line
from redis_tui.core.monitor.stats import Window

CLIENTS = ["127.0.0.1:50000", "[::1]:6379", "unix:/tmp/r.sock", "lua", "10.0.0.9:7"]
COMMANDS = [b"SET", b"get", b"INCR", b"PING", b"EVAL", b"OBJECT", b"CONFIG", b"XREAD", b"DEL", b"ZUNION"]
KEYS = st.one_of(
    st.sampled_from([b"user:1", b"user:2:name", b"cache", b"a\"b:c", b"x\\y:z", b"\xff:1", b"", b":", b"k\nv"]),
    st.binary(max_size=12),
)


def line(args, client="127.0.0.1:50000", db=0) -> bytes:
    return b"+1700000000.000001 [%d %s] %s\r\n" % (db, client.encode(), b" ".join(escape_arg(a) for a in args))


@st.composite
def commands(draw):
    name = draw(st.sampled_from(COMMANDS))
    key = draw(KEYS)
    upper = name.upper()
    if upper == b"EVAL":
        args = [name, b"return 1", b"1", key, b"arg"]
    elif upper == b"OBJECT":
        args = [name, b"ENCODING", key]
    elif upper == b"CONFIG":
        args = [name, b"GET", key]
    elif upper == b"XREAD":
        args = [name, b"COUNT", b"1", b"STREAMS", key, b"0"]
    elif upper == b"ZUNION":
        args = [name, b"2", key, b"other"]
    elif upper == b"PING":
        args = [name]
    else:
        args = [name, key, b"v"][: 2 if upper != b"SET" else 3]
    return line(args, draw(st.sampled_from(CLIENTS)), draw(st.integers(0, 3)))


class Collect:
    """A sink that keeps what it is given, as raw lines."""

    def __init__(self):
        self.got: list[bytes] = []

    def block(self, block, count):
        self.got.extend(block.split(b"\r\n")[:-1])

    def lines(self, lines):
        self.got.extend(lines)


def reference(lines: list[bytes], spec: Filter, delimiter: bytes):
    """What the feed must produce, computed line by line with the plain parser."""
    table = CommandTable.default()
    matcher = Matcher(spec)
    kept, commands, prefixes, clients = [], Counter(), Counter(), Counter()
    for raw in lines:
        parsed = parse_line(raw)
        spec_ = table.lookup(parsed.args[0], parsed.args[1] if len(parsed.args) > 1 else None)
        key = table.first_key(parsed.args)
        if not matcher.accepts(parsed.db, parsed.client, spec_.label, key):
            continue
        kept.append(raw.rstrip(b"\r\n"))
        commands[spec_.label] += 1
        clients[parsed.client] += 1
        if key is not None:
            prefixes[key.split(delimiter, 1)[0]] += 1
    return kept, commands, prefixes, clients


FILTERS = st.builds(
    Filter.build,
    commands=st.sampled_from([(), ("SET",), ("get", "incr"), ("CONFIG GET",), ("EVAL",), ("OBJECT",)]),
    key=st.sampled_from([None, "user:*", "*:*", "[a-c]*", "\\\\x*", "?"]),
    clients=st.sampled_from([(), ("127.0.0.1",), ("lua",), ("unix",), ("[::1]:6379",), ("10.*",)]),
    db=st.sampled_from([None, 0, 2]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(commands(), min_size=1, max_size=40), FILTERS, st.sampled_from([":", "/", "::", "x"]))
def test_fast_path_agrees_with_line_by_line_parse(lines, spec, delimiter):
    check_feed(lines, spec, delimiter)


@settings(max_examples=200, deadline=None)
@given(st.lists(commands(), min_size=1, max_size=10), st.sampled_from([":", "/", "::", "x"]))
@example([line([b"SET", b'a"b:c', b"v"]), line([b"GET", b"x\\y:z"], "lua")], ":")
@example([line([b"OBJECT", b"ENCODING", b"\xff:1"]), line([b"get", b"user:2:name"])], "::")
def test_unfiltered_aggregates_agree_with_line_by_line_parse(lines, delimiter):
    check_feed(lines, Filter(), delimiter)


def check_feed(lines, spec, delimiter):
    delim = check_delimiter(delimiter)
    window = Window(60)
    sink = Collect()
    feed = Feed(CommandTable.default(), window, spec, delimiter=delim, sink=sink, clock=lambda: 1000.5)
    assert feed.feed(b"".join(lines)) == len(lines)
    kept, commands_, prefixes, clients = reference(lines, spec, delim)
    assert sink.got == kept
    stats = window.snapshot(1000.5, top=1000)
    assert {s.name: s.count for s in stats.commands} == dict(commands_)
    assert {s.name: s.count for s in stats.prefixes} == dict(prefixes)
    assert {s.name: s.count for s in stats.clients} == dict(clients)
    assert stats.seen == len(lines) and stats.matched == len(kept)


def test_unreadable_lines_are_counted_not_kept():
    sink = Collect()
    window = Window(60)
    feed = Feed(CommandTable.default(), window, sink=sink, clock=lambda: 5.0)
    block = line([b"SET", b"k", b"v"]) + b"+garbage\r\n" + line([b"GET", b"k"])
    assert feed.feed(block) == 3
    assert [parse_line(raw).command for raw in sink.got] == ["SET", "GET"]
    assert window.seen == 3 and window.matched == 2


def test_excluded_clients_are_hidden():
    sink = Collect()
    feed = Feed(CommandTable.default(), Window(), Filter().with_excluded({"127.0.0.1:1"}), sink=sink)
    feed.feed(line([b"CLIENT", b"LIST"], "127.0.0.1:1") + line([b"GET", b"k"], "127.0.0.1:2"))
    assert len(sink.got) == 1 and b"GET" in sink.got[0]


def test_view_buffer_bounds_and_drops():
    view = ViewBuffer(size=100, line_bytes=300)
    feed = Feed(CommandTable.default(), Window(), sink=view)
    feed.feed(b"".join(line([b"SET", b"k%d" % i, b"v"]) for i in range(250)))
    batch = view.take(limit=10)
    assert [ln.args[1] for ln in batch.lines] == [b"k%d" % i for i in range(240, 250)]
    assert batch.dropped == 240
    feed.feed(line([b"SET", b"big", b"x" * 1000]))
    batch = view.take()
    assert batch.dropped == 0 and batch.lines[0].truncated and batch.lines[0].args == (b"SET", b"big")
    view.paused = True
    feed.feed(line([b"GET", b"k"]))
    assert view.take().lines == []
    view.paused = False
    feed.feed(line([b"GET", b"k"]))
    view.clear()
    assert view.take() == view.take()


def test_delimiter_checks():
    assert check_delimiter(":") == b":"
    for bad in ("", '"', "\\", "\t", "é"):
        try:
            check_delimiter(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")
