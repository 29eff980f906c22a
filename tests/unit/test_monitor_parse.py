"""MONITOR line parsing: the server's escaping undone exactly, every client form, odd input."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from redis_tui.core.monitor.lines import (
    TRUNCATED_MARK,
    cut_line,
    escape_arg,
    json_lines,
    json_record,
    parse_line,
    plain_block,
    plain_lines,
    split_args,
    unescape,
)

CLIENTS = ["127.0.0.1:50000", "[::1]:6379", "[fe80::1%eth0]:1", "unix:/tmp/redis.sock", "lua", "10.0.0.5:1"]


def monitor_line(args: list[bytes], client: str = "127.0.0.1:50000", db: int = 0,
                 ts: str = "1700000000.123456") -> bytes:
    """A line as the server writes it (replicationFeedMonitors + sdscatrepr)."""
    body = b" ".join(escape_arg(a) for a in args)
    return b"+%s [%d %s] %s\r\n" % (ts.encode(), db, client.encode(), body)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.binary(max_size=40), min_size=1, max_size=8),
    st.sampled_from(CLIENTS),
    st.integers(0, 15),
)
def test_any_arguments_round_trip(args, client, db):
    line = parse_line(monitor_line(args, client, db))
    assert line is not None
    assert line.args == tuple(args)
    assert line.client == client
    assert line.db == db
    assert line.ts == "1700000000.123456"


@settings(deadline=None)
@given(st.lists(st.binary(max_size=30), min_size=1, max_size=6))
def test_split_args_round_trips(args):
    assert split_args(b" ".join(escape_arg(a) for a in args)) == args


def test_escape_matches_sdscatrepr_rules():
    assert escape_arg(b'a"b\\c') == b'"a\\"b\\\\c"'
    assert escape_arg(b"\n\r\t\x07\x08") == b'"\\n\\r\\t\\a\\b"'
    assert escape_arg(b"\x00\x1b\x7f\xff ~") == b'"\\x00\\x1b\\x7f\\xff ~"'
    assert escape_arg("é".encode()) == b'"\\xc3\\xa9"'


def test_tricky_quotes_and_separators_inside_arguments():
    args = [b'x" ', b'" "', b"\\", b'\\" "', b"", b"] \"", b"a b"]
    assert parse_line(monitor_line(args)).args == tuple(args)


def test_unescape_accepts_upper_case_hex_and_cut_escapes():
    assert unescape(b"\\xAB\\x0a") == b"\xab\n"
    assert unescape(b"abc\\") == b"abc"
    assert unescape(b"abc\\x4") == b"abc"


def test_not_a_monitor_line():
    for raw in (b"", b"+OK\r\n", b"-ERR x\r\n", b"+1.0 [x 1.2.3.4:5] \"GET\"", b"garbage [0 a]"):
        assert parse_line(raw) is None


def test_line_without_plus_or_crlf_parses():
    line = parse_line(b'1700000000.000001 [3 lua] "get" "k"')
    assert line.db == 3 and line.client == "lua" and line.command == "GET" and line.args == (b"get", b"k")
    assert abs(line.time - 1700000000.000001) < 1e-6


def test_plain_output_is_redis_cli_format():
    block = monitor_line([b"SET", b"k", b"v\n"]) + monitor_line([b"GET", b"k"], "lua")
    expected = (
        b'1700000000.123456 [0 127.0.0.1:50000] "SET" "k" "v\\n"\n'
        b'1700000000.123456 [0 lua] "GET" "k"\n'
    )
    assert plain_block(block) == expected
    assert plain_lines(block.split(b"\r\n")[:-1]) == expected
    assert plain_block(b"") == b"" and plain_lines([]) == b""


def test_json_record_shape_and_invalid_utf8():
    line = parse_line(monitor_line([b"set", b"k\xff", "é\x1b[2J".encode()]))
    record = json.loads(json_record(line))
    assert record == {
        "ts": 1700000000.123456, "db": 0, "client": "127.0.0.1:50000", "command": "SET",
        "args": ["k\\xff", "é\x1b[2J"],
    }
    assert json_record(line).isascii()  # nothing a terminal could act on


def test_cut_line_keeps_whole_arguments():
    raw = monitor_line([b"SET", b"key", b"x" * 5000]).rstrip(b"\r\n")
    cut = cut_line(raw, 200)
    assert cut.endswith(TRUNCATED_MARK)
    line = parse_line(cut)
    assert line.args == (b"SET", b"key") and line.truncated
    assert json.loads(json_record(line))["truncated"] is True


def test_cut_line_inside_escapes_and_quotes():
    raw = monitor_line([b"SET", b'a"b' * 50, b"v"]).rstrip(b"\r\n")
    line = parse_line(cut_line(raw, 80))
    assert line.args == (b"SET",) and line.truncated
    raw = monitor_line([b"X" * 300]).rstrip(b"\r\n")
    line = parse_line(cut_line(raw, 60))
    assert line.truncated and line.args[0].startswith(b"XXX")


@settings(deadline=None)
@given(st.lists(st.binary(max_size=60), min_size=1, max_size=6), st.integers(40, 400))
def test_cut_line_never_breaks_parsing(args, limit):
    raw = monitor_line(args).rstrip(b"\r\n")
    line = parse_line(cut_line(raw, limit))
    assert line is not None
    kept = line.args[1:]
    assert kept == tuple(args[1 : 1 + len(kept)])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.lists(st.binary(max_size=20), min_size=1, max_size=5),
                          st.sampled_from(CLIENTS + ['a"b\\c'])),
                max_size=10))
@example([([b"", b" "], "lua"), ([b"SET", b" ", b" "], "lua"), ([b"PING"], "lua"), ([b"a", b"", b""], "lua")])
def test_json_lines_fast_path_equals_parsed_records(items):
    raws = [monitor_line(args, client).rstrip(b"\r\n") for args, client in items]
    raws.append(b"+not a monitor line")
    raws.append(cut_line(monitor_line([b"SET", b"k", b"v" * 500]).rstrip(b"\r\n"), 80))
    expected = [json.loads(json_record(parse_line(raw))) for raw in raws if parse_line(raw) is not None]
    text = json_lines(raws).decode("ascii")
    assert text.endswith("\n") or not expected
    assert [json.loads(record) for record in text.splitlines()] == expected
