"""Per-key TYPE, MEMORY USAGE, length and PTTL, a SCAN step at a time.

With scripting allowed, each step is one read-only script call that scans and measures
on the server (see `scripts`). Without it, SCAN runs from the client and the measuring is
pipelined: TYPE + MEMORY USAGE + PTTL for the batch, then the length command of each type.
MEMORY USAGE is sent with the server's default SAMPLES (5), as `redis-cli --memkeys` does.
`BatchGovernor` sizes the script's batches to stay out of the server's slow log.
"""

from __future__ import annotations

import time
from typing import Any

import redis.exceptions

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.scan import Scanner
from redis_tui.core.keyspace.scripts import KeyStats, unpack_stats
from redis_tui.core.parse import parse_config_reply, parse_fields, parse_info, text_of, to_int

LENGTH_COMMANDS = {
    "string": "STRLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD", "hash": "HLEN", "stream": "XLEN",
}


class StatsScanner(Scanner[KeyStats]):
    """A scanner like `KeyScanner` whose items are `KeyStats` instead of names.

    The caller may raise `length_thresholds` as it goes (lengths are then measured only for
    strings, and other keys, of at least that many bytes) and clear `measure_ttl` when no
    key can expire.
    """

    length_thresholds = (0, 0)
    measure_ttl = True

    def _keys_of(self, items: list[KeyStats]) -> list[bytes]:
        return [item[0] for item in items]

    def _script_args(self, cursor: int, stats: bytes = b"1") -> tuple[int | bytes | str, ...]:
        return (*super()._script_args(cursor, stats), *self.length_thresholds, b"1" if self.measure_ttl else b"0")

    async def _measure(self, keys: list[bytes]) -> list[KeyStats]:
        return await pipeline_stats(self.client, keys)

    def _unpack(self, reply: list[Any]) -> list[KeyStats]:
        stats: list[KeyStats] = unpack_stats(reply) if len(reply) > 2 else reply[1]
        return stats


async def pipeline_stats(client: Client, keys: list[bytes]) -> list[KeyStats]:
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
        kind = text_of(kind)
        if kind != "none":
            measured.append((key, kind, -1 if memory is None else int(memory), int(ttl)))
    pipe = client.pipeline(transaction=False)
    for key, kind, _memory, _ttl in measured:
        pipe.execute_command(LENGTH_COMMANDS.get(kind, "EXISTS"), key)
    lengths = await pipe.execute()
    return [
        KeyStats(key, kind, memory, int(length) if kind in LENGTH_COMMANDS else -1, ttl)
        for (key, kind, memory, ttl), length in zip(measured, lengths, strict=True)
    ]


DEFAULT_SLOWLOG_US = 10_000  # Redis' and Valkey's default slowlog-log-slower-than
SCRIPT_COMMANDS = ("cmdstat_evalsha_ro", "cmdstat_eval_ro", "cmdstat_evalsha", "cmdstat_eval")


class BatchGovernor:
    """Keeps each script call well under the server's ``slowlog-log-slower-than``, so
    that analyze never lands in SLOWLOG (where it would read as the app's slow command).

    The first batch is sized from a pessimistic per-key cost; then, every `every` seconds,
    INFO commandstats gives the server's own mean time per script call since the last look
    (other clients' scripts count too: that only makes batches smaller). The batch shrinks
    at once to fit `budget_us`, and grows back by at most `grow` a look, never past `ceiling`.
    Without INFO (ACL), the first size stays. A negative threshold (slow log off) or 0 (every
    command logged) leaves batches as configured.
    """

    share = 0.2  # of the threshold: the mean batch stays this far under it (tails are longer)
    prior_us_per_key = 10.0  # pessimistic: measured 3-4 µs a key, more with big keys
    grow = 1.5
    floor = 10

    def __init__(self, client: Client, ceiling: int, every: float = 0.25) -> None:
        self.client = client
        self.ceiling = self.count = max(1, ceiling)
        self.every = every
        self.threshold_us: int | None = None
        self.budget_us: float | None = None
        self._last: tuple[int, int] | None = None  # (calls, usec) of our script commands
        self._next = 0.0
        self._busy = False

    async def start(self) -> int:
        """Read the threshold and the counters; the first batch size."""
        try:
            reply = await self.client.execute_command("CONFIG", "GET", "slowlog-log-slower-than")
            threshold = to_int(parse_config_reply(reply).get("slowlog-log-slower-than"), DEFAULT_SLOWLOG_US)
        except redis.exceptions.ResponseError:  # CONFIG denied or renamed: assume the default
            threshold = DEFAULT_SLOWLOG_US
        self.threshold_us = threshold
        if threshold > 0:
            self.budget_us = threshold * self.share
            self.count = self._fit(self.budget_us / self.prior_us_per_key)
            self._last = await self._counters()
            self._next = time.monotonic()
        return self.count

    async def update(self) -> int:
        """After a batch: the size for the next ones (reads INFO at most every `every` s)."""
        now = time.monotonic()
        if self.budget_us is None or self._last is None or self._busy or now < self._next:
            return self.count
        self._busy, self._next = True, now + self.every
        try:
            counters = await self._counters()
        finally:
            self._busy = False
        if counters is None:
            return self.count
        calls, usec = counters[0] - self._last[0], counters[1] - self._last[1]
        if calls <= 0:
            return self.count
        self._last = counters
        per_count = usec / calls / self.count
        self.count = self._fit(min(self.budget_us / max(per_count, 1e-3), self.count * self.grow))
        return self.count

    def _fit(self, size: float) -> int:
        return max(min(self.floor, self.ceiling), min(self.ceiling, int(size)))

    async def _counters(self) -> tuple[int, int] | None:
        try:
            stats = parse_info(await self.client.execute_command("INFO", "commandstats")).get("commandstats", {})
        except redis.exceptions.ResponseError:
            self._last = None  # INFO denied: keep the first size
            return None
        calls = usec = 0
        for name in SCRIPT_COMMANDS:
            fields = parse_fields(stats.get(name, ""))
            calls += to_int(fields.get("calls"))
            usec += to_int(fields.get("usec"))
        return calls, usec
