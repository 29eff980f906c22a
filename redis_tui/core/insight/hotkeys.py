"""Hot keys: the keys used most, from the server's LFU counters or from a MONITOR sample.

With an LFU eviction policy (``allkeys-lfu``, ``volatile-lfu``) every key carries an access
counter that ``OBJECT FREQ`` reads without touching it, and `LfuScan` walks the keyspace
like ``redis-cli --hotkeys`` does — but one read-only server-side script call per batch of
keys (SCAN with a large COUNT, then OBJECT FREQ of each key, on the server) instead of one
round trip per ten keys. The script gets the smallest count of the client's top-N list and
returns only the keys that beat it, with their TYPE: the reply stays a few keys long.

Without LFU there are no counters; the command and UI layers then count the first key of
each command seen in a time-boxed MONITOR sample with `HitCounter` (this module has no
MONITOR reader: core feature packages do not import each other).

Results are `HotKeys`; `HotKeys.to_json()` is the ``analyze --hotkeys --json`` contract.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import heapq
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis.exceptions as rex

from redis_tui.core.connection import Client
from redis_tui.core.display import redis_repr
from redis_tui.core.parse import parse_info

LFU, MONITOR = "lfu", "monitor"
LFU_POLICIES = frozenset({"allkeys-lfu", "volatile-lfu"})
TOP = 20  # keys listed (redis-cli lists 16)
BATCH = 1000  # SCAN COUNT of one script call: ~1-2 ms of server time
FALLBACK_BATCH = 200  # keys per pipelined round trip when scripts are not allowed
PARALLEL = 1  # slices of the keyspace scanned at once (analyze --parallel)
SECONDS = 10.0  # the MONITOR sample's default length
HIT_CAP = 200_000  # distinct keys a MONITOR sample counts before it forgets the coldest half

LFU_SCRIPT = r"""
local res = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[2])
local keys, above, out = res[2], tonumber(ARGV[3]), {}
for i = 1, #keys do
  local k = keys[i]
  local f = redis.call('OBJECT', 'FREQ', k)
  if f and f > above then
    out[#out + 1] = k
    out[#out + 1] = f
    out[#out + 1] = redis.call('TYPE', k).ok
  end
end
return {res[1], #keys, out}
"""
# ARGV: cursor, COUNT, the count a key must beat. Reply: next cursor, keys
# scanned, then key, freq, type of each key that beat it. OBJECT FREQ and TYPE do not touch the
# key (no LFU/LRU update); a key deleted between SCAN and OBJECT FREQ answers nil and is left out.
LFU_SHA = hashlib.sha1(LFU_SCRIPT.encode()).hexdigest()


def is_lfu(policy: str | None) -> bool:
    """True when `policy` (maxmemory-policy) keeps LFU counters."""
    return (policy or "").strip().lower() in LFU_POLICIES


async def read_policy(client: Client) -> str:
    """The server's maxmemory-policy, from INFO memory (needs no CONFIG permission); "" when not said."""
    info = parse_info(await client.execute_command("INFO", "memory"))
    return next((fields["maxmemory_policy"].strip() for fields in info.values() if "maxmemory_policy" in fields), "")


@dataclass(frozen=True, slots=True)
class HotKey:
    """One hot key: its access count (LFU counter or MONITOR hits), its type, the node it lives on."""

    key: bytes
    count: int
    type: str = ""
    node: str = ""  # "host:port" on a cluster, "" on one server


@dataclass(frozen=True)
class HotKeys:
    """The result of a scan or a sample: the hottest keys first."""

    method: str  # LFU | MONITOR
    seconds: float  # how long it took (lfu) or the sample's length (monitor)
    keys: tuple[HotKey, ...] = ()
    sampled: int = 0  # keys scanned (lfu) or commands seen (monitor)
    nodes: tuple[str, ...] = ()  # the primaries covered, on a cluster
    complete: bool = True  # False: stopped early (the list covers what was read)

    def to_json(self) -> dict[str, Any]:
        """``{"method", "seconds", "hotkeys": [{"key", "freq"|"hits", "type"}]}``; keys quoted like redis-cli."""
        word = "freq" if self.method == LFU else "hits"
        out: dict[str, Any] = {"method": self.method, "seconds": round(self.seconds, 3), "hotkeys": [
            {"key": redis_repr(hot.key), word: hot.count, "type": hot.type, **({"node": hot.node} if hot.node else {})}
            for hot in self.keys]}
        out["sampled"] = self.sampled
        if self.nodes:
            out["nodes"] = list(self.nodes)
        if not self.complete:
            out["complete"] = False
        return out


def merge(results: Sequence[HotKeys], top: int = TOP) -> HotKeys:
    """Several nodes' results as one (a cluster: every primary), hottest first."""
    keys = sorted((hot for result in results for hot in result.keys), key=lambda hot: (-hot.count, hot.key))
    return HotKeys(results[0].method if results else LFU, max((r.seconds for r in results), default=0.0),
                   tuple(keys[:top]), sum(r.sampled for r in results),
                   tuple(node for r in results for node in r.nodes), all(r.complete for r in results))


class TopN:
    """The `size` keys with the highest counts seen so far (a bounded min-heap). Among equal
    counts the first one offered stays, as in redis-cli; a key offered twice (SCAN may return a
    key twice) is kept once."""

    def __init__(self, size: int = TOP) -> None:
        self.size = size
        self._heap: list[tuple[int, int, bytes, str]] = []  # (count, -arrival, key, type)
        self._names: set[bytes] = set()
        self._arrivals = 0

    @property
    def threshold(self) -> int:
        """The count a key must beat to get in (0 while the list is not full: like redis-cli, a key whose
        counter has decayed to 0 is not listed)."""
        return self._heap[0][0] if len(self._heap) >= self.size else 0

    def offer(self, key: bytes, count: int, kind: str = "") -> None:
        """Consider one key."""
        if key in self._names or count <= self.threshold or self.size <= 0:
            return
        self._arrivals += 1
        entry = (count, -self._arrivals, key, kind)
        self._names.add(key)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, entry)
        else:
            self._names.discard(heapq.heappushpop(self._heap, entry)[2])

    def hot(self, node: str = "") -> tuple[HotKey, ...]:
        """The list, hottest first (first found first among equals)."""
        return tuple(HotKey(key, count, kind, node) for count, _, key, kind in sorted(self._heap, reverse=True))


class HitCounter:
    """Hits per key in a MONITOR sample. Memory is bounded: past `cap` distinct keys the coldest
    half is forgotten (a key that comes back starts again from 0), which a hot key survives."""

    def __init__(self, cap: int = HIT_CAP) -> None:
        self.cap = cap
        self.counts: dict[bytes, int] = {}
        self.seen = 0  # commands counted, with a key or not
        self.pruned = False

    def add(self, key: bytes | None, count: int = 1) -> None:
        """Count `count` commands whose first key is `key` (None: a command without a key)."""
        self.seen += count
        if key is None:
            return
        counts = self.counts
        counts[key] = counts.get(key, 0) + count
        if len(counts) > self.cap:
            self._prune()

    def _prune(self) -> None:
        keep = heapq.nlargest(self.cap // 2, self.counts.items(), key=lambda item: item[1])
        self.counts = dict(keep)
        self.pruned = True

    def top(self, size: int = TOP) -> list[tuple[bytes, int]]:
        """The `size` most used keys with their hits, most first (then by name)."""
        best = heapq.nlargest(size, self.counts.items(), key=lambda item: item[1])
        return sorted(best, key=lambda item: (-item[1], item[0]))


async def key_types(client: Client, keys: Sequence[bytes]) -> list[str]:
    """TYPE of each key, pipelined ("none" for a key gone since)."""
    if not keys:
        return []
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("TYPE", key)
    replies = await pipe.execute(raise_on_error=False)
    return [_text(reply) if not isinstance(reply, Exception) else "?" for reply in replies]


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reverse64(number: int) -> int:
    return int(f"{number:064b}"[::-1], 2)


def scan_progress(cursor: int) -> float:
    """Share of the keyspace a SCAN cursor has covered (the cursor counts in reversed binary)."""
    return _reverse64(cursor) / 2**64


def cursor_at(position: float) -> int:
    """The SCAN cursor `position` (0.0-1.0, a multiple of a power of two) of the way through the keyspace."""
    return _reverse64(int(position * 2**64) % 2**64)


@dataclass
class ScanProgress:
    """How far a scan is: keys read, of about `dbsize`, the share of the keyspace covered."""

    keys: int = 0
    dbsize: int = 0
    fraction: float = 0.0
    elapsed_s: float = 0.0
    method: str = "script"  # "script" (one read-only script call per batch) or "pipeline"


class LfuScan:
    """The LFU scan of one server (or cluster node): every key's OBJECT FREQ, the top `top` kept.

    `batch` keys per call (SCAN COUNT), `pause` seconds between calls. `run()` returns the
    `HotKeys`; `stop()` ends it after the current batch (a partial, `complete=False` result).
    Raises what the connection raises: NOPERM for OBJECT (script and pipeline alike), the
    server's error when the policy is not LFU.
    """

    def __init__(self, client: Client, *, batch: int = BATCH, pause: float = 0.0, top: int = TOP,
                 node: str = "", scripts: bool = True, parallel: int = PARALLEL) -> None:
        self.client = client
        self.batch, self.pause, self.node = max(1, batch), max(0.0, pause), node
        # slices of the cursor space scanned at once (1, 2 or 4): the server always has the next batch
        # queued instead of waiting for a round trip; a pause means gentleness first: one slice
        self.parallel = 1 if pause else 1 << (max(1, min(4, parallel)).bit_length() - 1)
        self.best = TopN(top)
        self.progress = ScanProgress(method="script" if scripts else "pipeline")
        self._variants = [("EVALSHA_RO", "EVAL_RO"), ("EVALSHA", "EVAL")] if scripts else []
        self._stopping = asyncio.Event()
        self._covered = [0.0] * self.parallel

    def stop(self) -> None:
        """Stop after the current batch."""
        self._stopping.set()

    async def run(self, on_progress: Callable[[ScanProgress], None] | None = None) -> HotKeys:
        """Scan to the end (or `stop()`)."""
        started = time.monotonic()
        self.progress.dbsize = int(await self.client.dbsize())
        if self.parallel > 1:  # the first call alone: it finds out which way scripts run here
            self._variants[:] = self._variants[:1] if await self._probe() else self._variants
        done = await asyncio.gather(*(self._slice(index, started, on_progress) for index in range(self.parallel)))
        return HotKeys(LFU, time.monotonic() - started, self.best.hot(self.node), self.progress.keys,
                       (self.node,) if self.node else (), complete=all(done))

    async def _probe(self) -> bool:
        """Run the script on an empty batch; True when it ran (the variant that worked is first)."""
        while self._variants:
            try:
                await self._script(0, count=1)
                return True
            except rex.ResponseError as exc:
                if not _scripts_refused(exc):
                    return False  # the real calls will say it again, with context
                self._variants.pop(0)
        return False

    async def _slice(self, index: int, started: float, on_progress: Callable[[ScanProgress], None] | None) -> bool:
        """Scan the `index`-th slice of the cursor space; True when it reached its end."""
        progress, start, end = self.progress, index / self.parallel, (index + 1) / self.parallel
        cursor = cursor_at(start)
        while True:
            cursor, scanned = await self._step(cursor)
            progress.keys += scanned
            position = 1.0 if cursor == 0 else scan_progress(cursor)
            self._covered[index] = min(end, max(start, position)) - start
            progress.fraction = sum(self._covered)
            progress.elapsed_s = time.monotonic() - started
            if on_progress is not None:
                on_progress(progress)
            if cursor == 0 or position >= end:
                return True
            if self._stopping.is_set():
                return False
            if self.pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.pause)

    async def _step(self, cursor: int) -> tuple[int, int]:
        """One batch: the next cursor and the number of keys it scanned."""
        while self._variants:
            try:
                reply = await self._script(cursor)
            except rex.ResponseError as exc:
                if not _scripts_refused(exc):
                    raise
                self._variants.pop(0)
                continue
            found = reply[2]
            for index in range(0, len(found), 3):
                self.best.offer(found[index], int(found[index + 1]), _text(found[index + 2]))
            return int(reply[0]), int(reply[1])
        self.progress.method = "pipeline"
        return await self._pipelined(cursor)

    async def _script(self, cursor: int, count: int | None = None) -> list[Any]:
        by_sha, by_body = self._variants[0]
        argv = (cursor, self.batch if count is None else count, self.best.threshold)
        try:
            reply: list[Any] = await self.client.execute_command(by_sha, LFU_SHA, 0, *argv)
        except rex.NoScriptError:
            reply = await self.client.execute_command(by_body, LFU_SCRIPT, 0, *argv)
        return reply

    async def _pipelined(self, cursor: int) -> tuple[int, int]:
        """Without scripts: SCAN, then OBJECT FREQ of its keys in one pipeline, TYPE of the ones that get in."""
        reply = await self.client.execute_command("SCAN", cursor, "COUNT", min(self.batch, FALLBACK_BATCH))
        keys = reply[1]
        if keys:
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.execute_command("OBJECT", "FREQ", key)
            freqs = await pipe.execute(raise_on_error=False)
            errors = [f for f in freqs if isinstance(f, rex.ResponseError) and "no such key" not in str(f).lower()]
            if errors:
                raise errors[0]
            above = self.best.threshold
            hot = [(key, int(f)) for key, f in zip(keys, freqs, strict=True) if isinstance(f, int) and f > above]
            for (key, count), kind in zip(hot, await key_types(self.client, [key for key, _ in hot]), strict=True):
                self.best.offer(key, count, kind)
        return int(reply[0]), len(keys)


def _scripts_refused(exc: rex.ResponseError) -> bool:
    """The server or the user does not run our script this way (no *_RO commands, scripting
    forbidden, or a command inside it refused: the pipeline then names the refused command)."""
    if isinstance(exc, rex.NoPermissionError):
        return True
    text = str(exc).lower()
    return any(word in text for word in ("unknown command", "noperm", "no permissions", "disabled", "not allowed",
                                         "can't run this command"))
