"""SeenKeys: exact de-duplication in a few bytes a key (against a plain set of the names)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from redis_tui.core.keyspace.seen import SeenKeys

names = st.binary(max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(names, max_size=30), max_size=12), st.integers(0, 3), st.integers(1, 4))
def test_fresh_is_exactly_first_sightings_in_order(batches, crc_bits, split_at):
    # tiny partitions, so that most examples split them several times
    seen, reference = SeenKeys(crc_bits=crc_bits, split_at=split_at), set()
    for batch in batches:
        items = list(enumerate(batch))  # items carry their key (the scanner's KeyStats do)
        expected = []
        for item in items:
            if item[1] not in reference:
                reference.add(item[1])
                expected.append(item)
        assert seen.fresh(items, batch) == expected
        assert len(seen) == len(reference)
    assert all(key in seen for key in reference)
    assert all(seen.fresh([key], [key]) == [] for key in reference)


def test_many_splits_lose_nothing():
    seen = SeenKeys(crc_bits=2, split_at=8)
    keys = [b"user:%d:session" % n for n in range(20_000)]
    assert seen.fresh(keys, keys) == keys
    assert seen._hash_bits >= 8  # 20,000 keys in partitions of 8 (8 of them at first): split 9 times
    assert seen.fresh(keys[::-1], keys[::-1]) == []
    assert all(key in seen for key in keys) and b"user:20000:session" not in seen
    assert seen.add(b"new") and not seen.add(b"new") and len(seen) == 20_001


def test_about_ten_bytes_a_key():
    """A Python set of the names' hashes (what this replaced) took ~70 bytes a key."""
    keys = [b"key:%d" % n for n in range(300_000)]
    seen = SeenKeys(split_at=128)  # split once, at 262,144 (2,048 partitions × 128)
    for start in range(0, len(keys), 1000):
        seen.fresh(keys[start:start + 1000], keys[start:start + 1000])
    assert len(seen) == len(keys) and seen._hash_bits == 2
    assert seen.nbytes / len(keys) < 10.5, seen.nbytes / len(keys)
