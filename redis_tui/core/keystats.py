"""Per-key TYPE, MEMORY USAGE, length and PTTL, a SCAN step at a time.

With scripting allowed, each step is one read-only script call that scans and measures
on the server (see `scripts`). Without it, SCAN runs from the client and the measuring is
pipelined: TYPE + MEMORY USAGE + PTTL for the batch, then the length command of each type.
MEMORY USAGE is sent with the server's default SAMPLES (5), as `redis-cli --memkeys` does.
"""

from __future__ import annotations

from redis_tui.core.keyspace import KeyScanner
from redis_tui.core.scripts import KeyStats, unpack_stats

LENGTH_COMMANDS = {"string": "STRLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD", "hash": "HLEN", "stream": "XLEN"}


class StatsScanner(KeyScanner):
    """A `KeyScanner` whose items are `KeyStats` instead of names.

    The caller may raise `length_thresholds` as it goes (lengths are then measured only for
    strings, and other keys, of at least that many bytes) and clear `measure_ttl` when no
    key can expire.
    """

    length_thresholds = (0, 0)
    measure_ttl = True

    @staticmethod
    def _keys_of(items: list[KeyStats]) -> list[bytes]:
        return [item[0] for item in items]

    def _script_args(self, cursor: int, stats: bytes = b"1") -> tuple:
        return (*super()._script_args(cursor, stats), *self.length_thresholds, b"1" if self.measure_ttl else b"0")

    async def _measure(self, keys: list[bytes]) -> list:
        return await pipeline_stats(self.client, keys)

    def _unpack(self, reply: list) -> list:
        return unpack_stats(reply) if len(reply) > 2 else reply[1]


async def pipeline_stats(client, keys: list[bytes]) -> list[KeyStats]:
    """KeyStats of `keys` with two pipelined round trips; vanished keys are left out."""
    if not keys:
        return []
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("TYPE", key)
        pipe.execute_command("MEMORY USAGE", key)
        pipe.execute_command("PTTL", key)
    replies = await pipe.execute()
    measured = []
    for index, key in enumerate(keys):
        kind, memory, ttl = replies[3 * index: 3 * index + 3]
        kind = kind.decode("ascii", "replace") if isinstance(kind, bytes) else str(kind)
        if kind != "none":
            measured.append((key, kind, -1 if memory is None else int(memory), int(ttl)))
    pipe = client.pipeline(transaction=False)
    for key, kind, _memory, _ttl in measured:
        pipe.execute_command(LENGTH_COMMANDS.get(kind, "EXISTS"), key)
    lengths = await pipe.execute()
    return [
        KeyStats(key, kind, memory, int(length) if kind in LENGTH_COMMANDS else -1, ttl)
        for (key, kind, memory, ttl), length in zip(measured, lengths)
    ]
