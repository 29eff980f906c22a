"""Hash slots: CRC16/XMODEM and the hash-tag rule, against the values of the Redis Cluster specification
(`CLUSTER KEYSLOT` on a live cluster is compared in tests/ui/test_cluster_keys.py)."""

from __future__ import annotations

import pytest

from redis_tui.core.keyspace.slots import crc16, hash_tag, key_slot


def test_crc16_is_the_xmodem_variant_of_the_specification():
    assert crc16(b"123456789") == 0x31C3  # the check value given in the cluster specification
    assert crc16(b"") == 0


@pytest.mark.parametrize(("key", "slot"), [
    (b"foo", 12182), (b"bar", 5061), (b"user1000", 3443), (b"", 0), (b"\xff\xfe", crc16(b"\xff\xfe") % 16384),
])
def test_key_slot_of_known_keys(key, slot):
    assert key_slot(key) == slot


@pytest.mark.parametrize(("key", "hashed"), [
    (b"{user1000}.following", b"user1000"),  # the specification's examples
    (b"{user1000}.followers", b"user1000"),
    (b"foo{}{bar}", b"foo{}{bar}"),  # an empty tag: the whole key
    (b"foo{{bar}}zap", b"{bar"),  # from the first { to the first } after it
    (b"foo{bar}{zap}", b"bar"),  # only the first tag
    (b"{bar", b"{bar"),  # no closing brace
    (b"}{x}", b"x"),
])
def test_hash_tags_follow_the_specification(key, hashed):
    assert hash_tag(key) == hashed
    assert key_slot(key) == crc16(hashed) % 16384


def test_text_keys_hash_as_their_utf8_bytes():
    assert key_slot("{user1000}.following") == key_slot(b"user1000") == 3443
    assert key_slot("é") == key_slot("é".encode())
