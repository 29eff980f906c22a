"""Pure pieces of the scanner: glob escaping, cursor progress, de-duplication, blob unpacking."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from redis_tui.core.keyspace.scan import SeenKeys, cursor_at, glob_escape, scan_progress
from redis_tui.core.keyspace.scripts import STATS_RECORD, KeyStats, unpack_names, unpack_stats


def test_glob_escape_escapes_every_special_byte():
    assert glob_escape(b"a*b?c[d]e\\f") == b"a\\*b\\?c\\[d\\]e\\\\f"
    assert glob_escape(b"\xff\x1b[2J") == b"\xff\x1b\\[2J"


def glob_tokens(pattern: bytes) -> list[tuple[bool, int]]:
    """(escaped, byte) pairs the way Redis's stringmatchlen reads a pattern."""
    out, index = [], 0
    while index < len(pattern):
        if pattern[index] == 0x5C and index + 1 < len(pattern):
            out.append((True, pattern[index + 1]))
            index += 2
        else:
            out.append((False, pattern[index]))
            index += 1
    return out


@given(st.binary(max_size=20))
def test_glob_escape_leaves_no_live_wildcard(key):
    tokens = glob_tokens(glob_escape(key))
    assert bytes(byte for _escaped, byte in tokens) == key
    assert all(escaped for escaped, byte in tokens if byte in b"*?[]\\")


def test_scan_progress_is_the_reversed_cursor():
    assert scan_progress(0) == 0.0
    assert scan_progress(1) == 0.5  # lowest bit = the upper half of the table
    assert scan_progress(2) == 0.25
    assert scan_progress(3) == 0.75
    for position in (0.0, 0.25, 0.5, 0.75):
        assert scan_progress(cursor_at(position)) == position


def test_seen_keys_drop_repeats_in_order():
    seen = SeenKeys()
    assert seen.fresh([b"a", b"b"], [b"a", b"b"]) == [b"a", b"b"]
    assert seen.fresh([b"c", b"a", b"c", b"d"], [b"c", b"a", b"c", b"d"]) == [b"c", b"d"]
    assert len(seen) == 4
    assert seen.add(b"e") and not seen.add(b"e")


@settings(max_examples=100)
@given(st.lists(st.binary(max_size=40), max_size=50))
def test_unpack_names_round_trip(keys):
    reply = [b"0", b"".join(struct.pack("<I", len(k)) for k in keys), b"".join(keys), b""]
    assert unpack_names(reply) == keys


@settings(max_examples=100)
@given(st.lists(st.tuples(st.binary(max_size=30), st.sampled_from([1, 2, 3, 4, 5, 6, 0]),
                          st.integers(-1, 2**40), st.integers(-1, 2**31), st.integers(-2, 2**40)), max_size=30))
def test_unpack_stats_round_trip(rows):
    names = {1: "string", 2: "list", 3: "set", 4: "zset", 5: "hash", 6: "stream"}
    records, others, expected = b"", b"", []
    for index, (key, code, memory, length, ttl) in enumerate(rows):
        records += STATS_RECORD.pack(code, memory, length, ttl, len(key))
        if code == 0:
            kind = "ReJSON-RL" if index % 2 else "none"  # a module type, or a vanished key
            others += bytes([len(kind)]) + kind.encode()
        else:
            kind = names[code]
        if kind != "none":
            expected.append(KeyStats(key, kind, memory, length, ttl))
    reply = [b"0", records, b"".join(row[0] for row in rows), others]
    got = unpack_stats(reply)
    assert sorted(got) == sorted(expected)
