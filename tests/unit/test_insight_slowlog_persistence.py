"""The slow log's grouping and the persistence state, on hand-made replies (pure functions, no server)."""

from __future__ import annotations

import pytest

from redis_tui.core.insight.persistence import (
    ERR,
    OK,
    RUNNING,
    SaveRule,
    bgsave_started,
    bgsave_state,
    persistence_from,
    save_rules,
)
from redis_tui.core.insight.slowlog import SlowlogOptions, command_line, fold, headline, merge, shape_of, shapes


def entry(entry_id: int, at: int, us: int, *args: bytes, addr: bytes = b"10.0.0.1:5000", name: bytes = b""):
    return [entry_id, at, us, list(args), addr, name]


def test_shapes_fold_numbers_uuids_and_hex():
    assert fold("user:42:session:9f8e7d6c5b4a") == "user:*:session:*"
    assert fold("order:123e4567-e89b-12d3-a456-426614174000") == "order:*"
    assert fold("cafebabe-feed") == "cafebabe-feed"  # letters only: a word, kept
    assert shape_of([b"HGETALL", b"user:1001"]) == "HGETALL user:*"
    assert shape_of([b"config", b"get", b"*"]) == "CONFIG GET"
    assert shape_of([b"DEBUG", b"SLEEP", b"0.1"]) == "DEBUG SLEEP"
    assert shape_of([b"KEYS", b"*"]) == "KEYS"
    assert shape_of([]) == "(empty)"
    assert shape_of([b"GET", b"\x1b[2J[red]x"]) == "GET \\x1b[*J[red]x"  # escaped, never markup


def test_merge_newest_first_and_share_of_slow_time():
    replies = {
        "a:1": [entry(7, 1000, 8000, b"HGETALL", b"user:1"), entry(6, 990, 2000, b"GET", b"k")],
        "b:2": [entry(3, 995, 10_000, b"HGETALL", b"user:2"), ["junk"], "x", entry(-1, 5, 5, b"GET")],
        "c:3": "not a list",
    }
    rows = merge(replies)
    assert [(r.node, r.entry.id) for r in rows] == [("a:1", 7), ("b:2", 3), ("a:1", 6)]
    assert len({r.key for r in rows}) == 3
    groups = shapes(rows)
    assert [(g.shape, g.count, g.total_us, g.max_us) for g in groups] == [
        ("HGETALL user:*", 2, 18_000, 10_000), ("GET k", 1, 2000, 2000)]
    assert groups[0].share == pytest.approx(0.9)
    assert headline(groups) == "HGETALL user:* is 90 % of slow time (2 of 3 entries)"
    assert headline(()) == "" and shapes(()) == ()


def test_command_line_is_escaped_and_cut():
    rows = merge({"": [entry(1, 1, 1, b"SET", b"k\x1b]8;;x", b"v" * 5000)]})
    line = command_line(rows[0].entry, 80)
    assert line.startswith("SET k\\x1b]8;;x v") and len(line) == 81 and line.endswith("…")


def test_slowlog_count_option():
    assert SlowlogOptions.from_section({}).count == 128
    assert SlowlogOptions.from_section({"count": 16}).count == 16
    with pytest.raises(ValueError, match="count must be"):
        SlowlogOptions.from_section({"count": 0})


def test_save_rules():
    assert save_rules("3600 1 300 100") == (SaveRule(3600, 1), SaveRule(300, 100))
    assert save_rules("") == () and save_rules(None) is None
    assert save_rules("60 x 10") == ()
    assert str(SaveRule(300, 100)) == "after 300 s if ≥ 100 changes"


def test_persistence_from_odd_and_full_input():
    blank = persistence_from({}, {}, {}, now=100.0)
    assert blank.rdb.rules is None and blank.aof.enabled is None and blank.fork_us is None
    assert blank.last_save_age_s is None and not blank.rdb.in_progress
    odd = persistence_from({"rdb_bgsave_in_progress": "x", "aof_enabled": "?", "rdb_last_save_time": "-3"},
                           {"latest_fork_usec": "nan"}, {"save": "1 2 3"}, now=1.0)
    assert odd.rdb.rules == (SaveRule(1, 2),) and odd.aof.enabled is False and odd.rdb.last_save is None
    info = {"rdb_bgsave_in_progress": "1", "rdb_current_bgsave_time_sec": "3", "current_save_keys_processed": "250",
            "current_save_keys_total": "1000", "rdb_last_save_time": "900", "rdb_last_bgsave_status": "ok",
            "rdb_changes_since_last_save": "12", "aof_enabled": "1", "aof_current_size": "2048",
            "aof_base_size": "1024", "aof_rewrite_in_progress": "0", "aof_last_bgrewrite_status": "ok",
            "current_cow_size": "4096", "rdb_saves": "4"}
    full = persistence_from(info, {"latest_fork_usec": "512"}, {"appendfsync": "everysec", "save": "60 1"}, 1000.0)
    assert full.rdb.progress == 0.25 and full.rdb.current_s == 3 and full.last_save_age_s == 100
    assert full.aof.enabled and full.aof.fsync == "everysec" and full.aof.current_bytes == 2048
    assert full.fork_us == 512 and full.cow_bytes == 4096


def test_a_bgsave_followed_to_its_end():
    before = persistence_from({"rdb_last_save_time": "900", "rdb_saves": "4", "rdb_last_bgsave_status": "ok"},
                              {}, {}, 1000.0)
    watch = bgsave_started(before, 1000.0)
    running = persistence_from({"rdb_bgsave_in_progress": "1", "rdb_last_save_time": "900", "rdb_saves": "4"},
                               {}, {}, 1001.0)
    watch, state = bgsave_state(watch, running)
    assert state == RUNNING and watch.seen_running
    done = persistence_from({"rdb_last_save_time": "1001", "rdb_saves": "5", "rdb_last_bgsave_status": "ok"},
                            {}, {}, 1002.0)
    assert bgsave_state(watch, done)[1] == OK
    failed = persistence_from({"rdb_last_save_time": "900", "rdb_saves": "4", "rdb_last_bgsave_status": "err"},
                              {}, {}, 1002.0)
    assert bgsave_state(watch, failed)[1] == ERR
    fresh = bgsave_started(before, 1000.0)
    assert bgsave_state(fresh, before)[1] == RUNNING  # nothing visible yet
    same_second = persistence_from({"rdb_last_save_time": "900", "rdb_saves": "5", "rdb_last_bgsave_status": "ok"},
                                   {}, {}, 1000.5)
    assert bgsave_state(fresh, same_second)[1] == OK  # the counter moved


def test_the_config_files_slowlog_count_reaches_the_screen(tmp_path):
    from redis_tui.config_file import ConfigError, parse
    from redis_tui.settings import resolve
    from redis_tui.ui.insight.slowlog import SlowlogScreen
    from redis_tui.ui.run import make_app

    path = tmp_path / "config.toml"
    with pytest.raises(ConfigError, match=":2:"):
        parse("[slowlog]\ncount = 0\n", path)
    app = make_app(resolve({}, {}, parse("[slowlog]\ncount = 16\n", path)))
    assert app.sections["slowlog"] == {"count": 16}
    screen = SlowlogScreen(options=SlowlogOptions.from_section(app.sections["slowlog"]))
    assert screen.count == 16 and screen.COST.startswith("SLOWLOG GET 16 ")
