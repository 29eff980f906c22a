"""The hash slot of a key on a Redis Cluster: CRC16 of the key (or of its hash tag) modulo 16384.

The cluster specification's rule: the key is hashed whole, unless it holds a ``{`` with a
``}`` somewhere after it and at least one byte between the two; then only the bytes between
the first ``{`` and the first ``}`` after it are hashed (``{user:1}:a`` and ``{user:1}:b``
share a slot). CRC16 is the XMODEM variant (polynomial 0x1021, initial value 0), as in
Redis' ``crc16.c``. `CLUSTER KEYSLOT` on a live cluster gives the same numbers.
"""

from __future__ import annotations

from redis_tui.core.nodes import SLOTS


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _table()


def crc16(data: bytes) -> int:
    """CRC16/XMODEM of `data` (``crc16(b"123456789") == 0x31C3``)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc


def hash_tag(key: bytes) -> bytes:
    """The part of `key` that is hashed: what is between the first ``{`` and the next ``}``, when
    that is not empty; else the whole key."""
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            return key[start + 1:end]
    return key


def key_slot(key: bytes | str) -> int:
    """The hash slot (0-16383) of `key` (text is encoded as UTF-8, undecodable bytes kept)."""
    if isinstance(key, str):
        key = key.encode("utf-8", "surrogateescape")
    return crc16(hash_tag(key)) % SLOTS
