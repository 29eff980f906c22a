"""Sliding-window aggregates, filters and options of the MONITOR core (pure logic)."""

from __future__ import annotations

import pytest

from redis_tui.config_file import ConfigError, parse
from redis_tui.core.monitor.commands import MOVABLE, CommandTable, key_of
from redis_tui.core.monitor.filter import Filter, Matcher, glob_regex, normalize_command
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.stats import OTHER, Window


def test_window_slides_and_totals_keep_everything():
    window = Window(seconds=3)
    window.add(100, "SET", b"user", "c1", 5)
    window.add(101, "GET", b"user", "c2", 3)
    window.add(102, "GET", None, "c2", 2)
    stats = window.snapshot(102.5)
    assert stats.per_second == (5, 3, 2)
    assert stats.rate == 3.0  # the last whole second
    assert [(s.name, s.count) for s in stats.commands] == [("GET", 5), ("SET", 5)]
    assert [(s.name, s.count, round(s.share, 2)) for s in stats.prefixes] == [(b"user", 8, 0.8)]
    later = window.snapshot(104.2)  # seconds 100 and 101 left the window
    assert later.per_second == (2, 0, 0)
    assert [(s.name, s.count) for s in later.commands] == [("GET", 2)]
    assert [(s.name, s.count) for s in later.since_start_commands] == [("GET", 5), ("SET", 5)]
    assert [(s.name, s.count) for s in later.since_start_clients] == [("c1", 5), ("c2", 5)]
    assert later.matched == 10


def test_window_is_bounded():
    window = Window(seconds=2, cap=10, total_cap=15)
    for second in range(5):
        for index in range(100):
            window.add(second, "GET", b"k%d" % index, "c", 1)
    stats = window.snapshot(4.5, top=100)
    assert len(stats.prefixes) == 11 and any(s.name == OTHER for s in stats.prefixes)
    assert len(stats.since_start_prefixes) <= 16
    assert sum(s.count for s in stats.since_start_prefixes) == 500


def test_window_clear_and_labels():
    window = Window()
    window.add(1, "SET", b"\x1b[2J[red]x", "c", 1)
    assert window.snapshot(1).prefixes[0].label == "\\x1b[2J[red]x"
    window.clear()
    assert window.snapshot(2).matched == 0


@pytest.mark.parametrize(
    "pattern, yes, no",
    [
        (b"user:*", [b"user:", b"user:1:2"], [b"use", b"xuser:1"]),
        (b"h?llo", [b"hello", b"hallo"], [b"hllo", b"heello"]),
        (b"h[ae]llo", [b"hello", b"hallo"], [b"hillo"]),
        (b"h[^e]llo", [b"hallo", b"hbllo"], [b"hello"]),
        (b"h[a-b]llo", [b"hallo", b"hbllo"], [b"hcllo"]),
        (b"h[b-a]llo", [b"hallo"], [b"hcllo"]),
        (b"a\\*b", [b"a*b"], [b"axb"]),
        (b"[", [b"["], [b"a"]),
        (b"*\xff*", [b"a\xffb"], [b"ab"]),
        (b"x.y+(z)", [b"x.y+(z)"], [b"xxy+z"]),
    ],
)
def test_glob_follows_redis_rules(pattern, yes, no):
    regex = glob_regex(pattern)
    assert all(regex.fullmatch(k) for k in yes)
    assert not any(regex.fullmatch(k) for k in no)


def test_matcher():
    table = CommandTable.default()
    matcher = Matcher(Filter.build(["set", "config|get"], key="user:*", clients=["10.0.0.*", "lua"], db=1))
    label = table.lookup(b"SET").label
    assert matcher.accepts(1, "10.0.0.5:1", label, b"user:1")
    assert matcher.accepts(1, "lua", label, b"user:1")
    assert not matcher.accepts(0, "lua", label, b"user:1")
    assert not matcher.accepts(1, "10.0.1.5:1", label, b"user:1")
    assert not matcher.accepts(1, "lua", label, b"session:1")
    assert not matcher.accepts(1, "lua", label, None)
    assert not matcher.accepts(1, "lua", "GET", b"user:1")
    host_only = Matcher(Filter.build(clients=["::1", "unix"]))
    assert host_only.accepts(0, "[::1]:6379", "GET", None)
    assert host_only.accepts(0, "unix:/tmp/x.sock", "GET", None)
    assert not host_only.accepts(0, "127.0.0.1:6379", "GET", None)
    assert normalize_command(" config  get ") == "CONFIG GET"
    assert Filter.build(["get"], key="a*", db=2).describe() == "GET key=a* db=2"
    assert not Filter().active and Filter.build(db=0).active


def test_default_command_table_first_keys():
    table = CommandTable.default()
    assert table.first_key([b"SET", b"k", b"v"]) == b"k"
    assert table.first_key([b"ping"]) is None
    assert table.first_key([b"EVALSHA", b"abc", b"2", b"k1", b"k2"]) == b"k1"
    assert table.first_key([b"EVAL", b"s", b"0"]) is None
    assert table.first_key([b"xreadgroup", b"GROUP", b"g", b"c", b"streams", b"s1", b">"]) == b"s1"
    assert table.first_key([b"OBJECT", b"ENCODING", b"k"]) == b"k"
    assert table.first_key([b"CONFIG", b"GET", b"maxmemory"]) is None
    assert table.lookup(b"config", b"get").label == "CONFIG GET"
    assert table.lookup(b"EVAL").first_key == MOVABLE
    assert key_of(table.lookup(b"ZUNION"), [b"ZUNION", b"x", b"k"]) is None


def test_command_table_from_odd_replies_falls_back():
    assert CommandTable.from_reply(None).lookup(b"ping").first_key == 0
    assert CommandTable.from_reply([[b"get"], "junk", []]).lookup(b"ping").first_key == 0
    reply = [[b"get", 2, [b"readonly"], 1, 1, 1, [b"@read", b"@string"]],
             [b"mycmd", -1, [b"write"], 0, 0, 0, [b"@keyspace"]]]
    table = CommandTable.from_reply(reply)
    assert table.lookup(b"GET").family == "string"
    assert table.lookup(b"mycmd").first_key == 0 and table.lookup(b"mycmd").write


def test_options_and_config_table(tmp_path):
    text = '[monitor]\nmax_buffer_mb = 2\nmax_duration_s = 0\ndelimiter = "/"\nwindow_s = 30\n'
    config = parse(text, tmp_path / "c.toml")
    options = MonitorOptions.from_section(config.sections["monitor"])
    assert options.max_buffer_bytes == 2 * 1024 * 1024 and options.max_duration_s == 0
    assert options.delimiter == "/" and options.window_s == 30 and options.buffer_lines == 10_000
    assert MonitorOptions.from_section({}, max_duration_s=5).max_duration_s == 5
    for bad in ("max_buffer_mb = 0", "max_duration_s = false", 'delimiter = ""', "window_s = 1", "colour = 1",
                'delimiter = "\\\\"'):
        with pytest.raises(ConfigError, match=r"c.toml:2"):
            parse(f"[monitor]\n{bad}\n", tmp_path / "c.toml")


def test_documented_config_is_valid_and_states_the_defaults():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "config.example.toml"
    config = parse(path.read_text(), path)
    assert MonitorOptions.from_section(config.sections["monitor"]) == MonitorOptions()
