"""The pure parts of hot keys: the bounded top list, the hit counter, merging, the JSON shape, counting
keys in MONITOR blocks, and the flags that do not go together."""

from __future__ import annotations

import argparse

import pytest

from redis_tui import cli
from redis_tui.commands.hotkeys import check_arguments, render
from redis_tui.commands.hotkeys_monitor import KeySink
from redis_tui.core.insight.hotkeys import LFU, MONITOR, HitCounter, HotKey, HotKeys, TopN, merge
from redis_tui.core.monitor.commands import CommandTable


def test_top_n_keeps_the_highest_first_found_among_equals_and_each_key_once():
    top = TopN(3)
    assert top.threshold == 0
    for key, count in [(b"z", 0), (b"a", 5), (b"b", 5), (b"c", 5), (b"d", 5), (b"e", 9), (b"a", 5), (b"f", 1)]:
        top.offer(key, count, "string")
    assert [(h.key, h.count) for h in top.hot()] == [(b"e", 9), (b"a", 5), (b"b", 5)]
    assert top.threshold == 5  # a key must now beat 5
    top.offer(b"e", 9)  # the same key again (SCAN may return it twice): kept once
    assert [h.key for h in top.hot()] == [b"e", b"a", b"b"]


def test_hit_counter_forgets_the_coldest_half_past_its_cap():
    counter = HitCounter(cap=4)
    counter.add(b"hot", 10)
    for key in (b"a", b"b", b"c", b"d"):
        counter.add(key)
    counter.add(None, 5)  # a command without a key
    assert counter.pruned and len(counter.counts) <= 4 and counter.seen == 19
    assert counter.top(1) == [(b"hot", 10)]


def test_merge_and_json_shape():
    one = HotKeys(LFU, 1.5, (HotKey(b"k\x1b[2J", 30, "string", "10.0.0.1:6379"),), 100, ("10.0.0.1:6379",))
    two = HotKeys(LFU, 2.0, (HotKey(b"z", 40, "hash", "10.0.0.2:6379"),), 50, ("10.0.0.2:6379",), complete=False)
    both = merge([one, two])
    assert [h.key for h in both.keys] == [b"z", b"k\x1b[2J"] and both.sampled == 150 and both.seconds == 2.0
    doc = both.to_json()
    assert doc["method"] == "lfu" and doc["complete"] is False and doc["nodes"] == ["10.0.0.1:6379", "10.0.0.2:6379"]
    assert doc["hotkeys"][1] == {"key": '"k\\x1b[2J"', "freq": 30, "type": "string", "node": "10.0.0.1:6379"}
    sample = HotKeys(MONITOR, 10.0, (HotKey(b"a", 7, "list"),), 20).to_json()
    assert sample == {"method": "monitor", "seconds": 10.0, "hotkeys": [{"key": '"a"', "hits": 7, "type": "list"}],
                      "sampled": 20}
    text = render(both, "redis://x:6379/0")
    assert 'hot key found with counter: 30\tkeyname: "k\\x1b[2J"' in text and "\x1b" not in text


def test_key_sink_counts_first_keys_of_blocks_and_odd_lines():
    counter = HitCounter()
    sink = KeySink(counter, CommandTable.default)
    block = (b'+1700000000.1 [0 127.0.0.1:1] "GET" "user:1"\r\n'
             b'+1700000000.2 [0 127.0.0.1:1] "GET" "user:1"\r\n'
             b'+1700000000.3 [0 127.0.0.1:1] "PING"\r\n'
             b'+1700000000.4 [0 lua] "EVAL" "return 1" "1" "k\\x00"\r\n'
             b'+1700000000.5 [0 127.0.0.1:1] "HGET" "a \\"b\\"" "f"\r\n')
    sink.block(block, 5)
    sink.lines([b'+1700000000.6 [0 127.0.0.1:1] "SET" "user:1" "v"'])
    assert counter.counts == {b"user:1": 3, b"k\x00": 1, b'a "b"': 1} and counter.seen == 6


def _args(**given) -> argparse.Namespace:
    base = dict(hotkeys=False, duration=None, match=None, type=None, sample=None, delimiter=None, depth=None)
    return argparse.Namespace(**{**base, **given})


@pytest.mark.parametrize("given,words", [
    (dict(duration=5.0), "add --hotkeys"),
    (dict(hotkeys=True, match="a*"), "not with --match"),
    (dict(hotkeys=True, duration=0.0), "above 0"),
])
def test_flags_that_do_not_go_together(given, words):
    assert words in (check_arguments(_args(**given)) or "")


def test_bad_combination_is_a_usage_error(capsys):
    assert cli.main(["analyze", "redis://127.0.0.1:1", "--duration", "3"]) == 2
    assert "--duration" in capsys.readouterr().err
    assert check_arguments(_args(hotkeys=True, duration=2.0)) is None
