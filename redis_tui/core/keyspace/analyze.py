"""Whole-keyspace (or sampled) analysis: where the memory goes, and which keys never expire.

`Analyzer.run()` walks the keyspace with `StatsScanner` (one read-only script call per
batch of `batch` keys, or pipelined commands where scripts are not allowed), and adds up
keys and bytes by type and by namespace prefix, the biggest keys by bytes and by length,
and the TTLs. The server stays responsive: each batch is short (its size is an option) and
an optional pause separates batches. The result is a frozen `Report`; `Report.to_json()`
is the `analyze --json` contract.

From a UI worker: ``report = await analyzer.run(progress=callback)``; `analyzer.report()`
gives a partial report at any time, `analyzer.stop()` ends the run early (run() then
returns the partial report), and cancelling the task stops it at once.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis_tui.core.connection import Client
from redis_tui.core.display import redis_repr
from redis_tui.core.keyspace.keystats import BatchGovernor, StatsScanner
from redis_tui.core.keyspace.namespace import (
    DEFAULT_DELIMITER,
    DEFAULT_MAX_CHILDREN,
    DEFAULT_MAX_NODES,
    Branch,
    NamespaceTree,
)
from redis_tui.core.keyspace.scan import TYPES
from redis_tui.core.keyspace.scripts import KeyStats
from redis_tui.core.keyspace.seen import SeenKeys
from redis_tui.core.parse import keyspace_from, parse_info

# upper bounds (seconds) of the TTL histogram buckets; the last bucket is open-ended
Ranked = tuple[int, int, KeyStats]  # (size or length, arrival order, key): a top-N heap entry
TTL_BOUNDS = (60, 3600, 86400, 7 * 86400, 30 * 86400)
TTL_LABELS = ("<1m", "1m-1h", "1h-1d", "1d-7d", "7d-30d", ">30d")


@dataclass(frozen=True)
class AnalyzeOptions:
    """What to analyze and how gently. `batch` is the SCAN COUNT of one script call (the
    server is busy for roughly 3-4 µs per key of it, and other clients wait that long; the
    run lowers it as needed to keep each call well under the server's
    slowlog-log-slower-than, see `BatchGovernor`), `pause` seconds between batches. `parallel`
    > 1 keeps that many batches queued on the server: a little faster, but other clients may
    then wait for several batches."""

    match: bytes | None = None
    type: str | None = None
    sample: int | None = None
    batch: int = 200
    pause: float = 0.0
    top: int = 10
    delimiter: bytes = DEFAULT_DELIMITER
    depth: int = 3
    max_prefixes: int = DEFAULT_MAX_NODES  # namespace branches kept in all (bigger ones win, see NamespaceTree)
    max_children: int = DEFAULT_MAX_CHILDREN  # namespace branches kept under one prefix
    server_side: bool = True
    dedupe: bool = True
    parallel: int = 2  # scans of disjoint slices of the keyspace (forced to 1 with pause/sample)


@dataclass(frozen=True)
class TypeTotal:
    """Keys and bytes of one type."""

    type: str
    keys: int
    bytes: int


@dataclass(frozen=True)
class TopKey:
    """A big key. `length` is None when unknown (module types); `ttl_s` None = no expiry."""

    key: bytes
    type: str
    bytes: int
    length: int | None
    ttl_s: int | None


@dataclass(frozen=True)
class TTLSummary:
    """Keys without and with an expiry; `histogram` is ((label, keys), …) over TTL_LABELS."""

    persistent: int
    expiring: int
    histogram: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Progress:
    """Where a run is: keys measured, share of the keyspace visited (or of the sample)."""

    keys: int
    fraction: float
    elapsed_s: float
    dbsize: int
    batch: int = 0  # the batch size now (below AnalyzeOptions.batch when the slow log asks for it)


@dataclass(frozen=True)
class Report:
    """The result of an analysis (complete=False for a stopped or partial run)."""

    keys_scanned: int
    total_bytes: int
    by_type: tuple[TypeTotal, ...]
    namespaces: tuple[Branch, ...]
    top_by_bytes: tuple[TopKey, ...]
    top_by_length: tuple[TopKey, ...]
    ttl: TTLSummary
    elapsed_s: float
    dbsize: int
    complete: bool
    sampled: bool
    method: str
    duplicates: int
    delimiter: bytes = DEFAULT_DELIMITER
    folded_prefixes: int = 0  # namespace branches left out of the tree (counted in their parents)

    @property
    def top_keys(self) -> tuple[TopKey, ...]:
        """Biggest by bytes, then the biggest by length not already listed."""
        listed = {top.key for top in self.top_by_bytes}
        return self.top_by_bytes + tuple(top for top in self.top_by_length if top.key not in listed)

    def to_json(self) -> dict[str, Any]:
        """The `analyze --json` document (key names in redis-cli's quoted form)."""
        return {
            "keys_scanned": self.keys_scanned,
            "total_bytes": self.total_bytes,
            "by_type": {total.type: {"keys": total.keys, "bytes": total.bytes} for total in self.by_type},
            "namespaces": [_namespace_json(branch) for branch in self.namespaces],
            "top_keys": [
                {"key": redis_repr(top.key), "type": top.type, "bytes": top.bytes, "length": top.length,
                 "ttl": -1 if top.ttl_s is None else top.ttl_s}
                for top in self.top_keys
            ],
            "ttl": {"persistent": self.ttl.persistent, "expiring": self.ttl.expiring,
                    "histogram": dict(self.ttl.histogram)},
            "elapsed_s": round(self.elapsed_s, 3),
        } | ({"namespaces_folded": self.folded_prefixes} if self.folded_prefixes else {})


def _namespace_json(branch: Branch) -> dict[str, Any]:
    """``{"prefix", "keys", "bytes"}``, and ``"exact": false`` for a lower bound (cluster merges)."""
    out: dict[str, Any] = {"prefix": redis_repr(branch.prefix), "keys": branch.keys, "bytes": branch.bytes}
    if not branch.exact:
        out["exact"] = False
    return out


def top_key(item: KeyStats) -> TopKey:
    """KeyStats → TopKey (TTL rounded to seconds the way TTL does)."""
    key, kind, size, length, ttl = item
    return TopKey(key, kind, max(0, size), None if length < 0 else length, None if ttl < 0 else (ttl + 500) // 1000)


class Analyzer:
    """One analysis run over `client`'s current database (`db` for INFO keyspace)."""

    def __init__(self, client: Client, options: AnalyzeOptions = AnalyzeOptions(), db: int = 0) -> None:
        self.client = client
        self.options = options
        self.db = db
        self.tree = NamespaceTree(options.delimiter, options.depth, options.max_prefixes,
                                  max_children=options.max_children, rank="bytes")
        gentle = options.pause or options.sample or not options.dedupe  # slices overlap by a batch: dedupe needed
        parallel = 1 if gentle else max(1, min(4, options.parallel))
        parallel = 1 << (parallel.bit_length() - 1)  # slices of the cursor space: 1, 2 or 4
        seen = SeenKeys()
        self.scanners = [
            StatsScanner(
                client, match=options.match, type=options.type, count=options.batch, page_size=options.batch,
                dedupe=options.dedupe, server_side=options.server_side, limit=options.sample,
                prefetch=not options.pause, part=(index, parallel), seen=seen,
            )
            for index in range(parallel)
        ]
        self._by_type: dict[str, list[int]] = {}
        self._histogram = [0] * len(TTL_LABELS)
        self._persistent = 0
        self._keys = 0
        self._by_bytes: list[Ranked] = []
        self._by_length: list[Ranked] = []
        self._seq = 0
        self._stopped = False
        self._stopping = asyncio.Event()
        self.governor = BatchGovernor(client, options.batch)
        self.dbsize = 0
        self.started = time.monotonic()

    def stop(self) -> None:
        """End the run after the current batch (a pause between batches is cut short);
        run() returns the partial report."""
        self._stopped = True
        self._stopping.set()

    async def run(self, progress: Callable[[Progress], None] | None = None, every: float = 0.1) -> Report:
        """Analyze until the end (or `stop()`), calling `progress` at most every `every` s."""
        self.started = time.monotonic()
        self._stopping = asyncio.Event()
        if self._stopped:
            self._stopping.set()
        await self._prepare()
        self._progress, self._every, self._shown = progress, every, 0.0
        try:
            await asyncio.gather(*(self._walk(scanner) for scanner in self.scanners))
        finally:
            for scanner in self.scanners:
                scanner.close()
                if self._stopped:
                    scanner.seen = None  # a stopped run does not go on: free what it remembered
        if progress is not None:
            progress(self.progress())
        return self.report()

    async def _walk(self, scanner: StatsScanner) -> None:
        while not scanner.done and not self._stopped:
            self.add(await scanner.step())
            scanner.length_thresholds = self._length_thresholds()
            if scanner.runner is not None:
                scanner.count = await self.governor.update()
            now = time.monotonic()
            if self._progress is not None and now - self._shown >= self._every:
                self._shown = now
                self._progress(self.progress())
            if self.options.pause and not scanner.done and not self._stopped:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.options.pause)

    async def _prepare(self) -> None:
        self.dbsize = int(await self.client.dbsize())
        info = parse_info(await self.client.execute_command("INFO", "keyspace"))
        db = next((d for d in keyspace_from(info) if d.db == self.db), None)
        # nothing can expire: skip PTTL (a key given a TTL during the run shows as persistent)
        count = await self.governor.start() if self.options.server_side else self.options.batch
        for scanner in self.scanners:
            scanner.measure_ttl = db is None or db.expires > 0
            scanner.count = count

    def progress(self) -> Progress:
        """How far the run is."""
        sample, returned = self.options.sample, self.keys_scanned
        if all(scanner.done for scanner in self.scanners):
            fraction = 1.0
        elif sample:
            fraction = min(1.0, returned / sample)
        else:
            fraction = sum(scanner.progress - scanner.start for scanner in self.scanners)
        return Progress(returned, fraction, time.monotonic() - self.started, self.dbsize, self.governor.count)

    @property
    def keys_scanned(self) -> int:
        """Keys measured so far."""
        return self._keys

    def add(self, items: list[KeyStats]) -> None:
        """Add measured keys to the totals (the hot loop: kept plain)."""
        by_type, histogram, bounds = self._by_type, self._histogram, TTL_BOUNDS
        top = max(1, self.options.top)
        by_bytes, by_length = self._by_bytes, self._by_length
        self._keys += len(items)
        self.tree.add_stats(items)
        for item in items:
            _key, kind, size, length, ttl = item
            if size < 0:
                size = 0
            totals = by_type.get(kind)
            if totals is None:
                totals = by_type[kind] = [0, 0]
            totals[0] += 1
            totals[1] += size
            if ttl < 0:
                self._persistent += 1
            else:
                histogram[bisect.bisect_right(bounds, ttl / 1000)] += 1
            if len(by_bytes) < top or size > by_bytes[0][0]:
                self._seq += 1
                _push(by_bytes, (size, self._seq, item), top)
            if length >= 0 and kind != "string" and (len(by_length) < top or length > by_length[0][0]):
                self._seq += 1
                _push(by_length, (length, self._seq, item), top)

    def _length_thresholds(self) -> tuple[int, int]:
        """(strings, other types): keys under these many bytes cannot enter a top list, so
        their length need not be measured. A full list takes only keys strictly bigger than
        its smallest; strings have no elements: they rank by bytes only; a key's element
        count never exceeds its bytes."""
        top = max(1, self.options.top)
        by_bytes = self._by_bytes[0][0] + 1 if len(self._by_bytes) >= top else 0
        by_length = self._by_length[0][0] + 1 if len(self._by_length) >= top else 0
        return by_bytes, min(by_bytes, by_length)

    def report(self) -> Report:
        """The report so far (complete once the run has ended without stop())."""
        by_type = [TypeTotal(kind, 0, 0) for kind in TYPES if kind not in self._by_type]
        by_type += [TypeTotal(kind, keys, size) for kind, (keys, size) in self._by_type.items()]
        by_type.sort(key=lambda t: (-t.bytes, -t.keys, t.type))
        namespaces = tuple(
            branch for depth in range(1, self.options.depth + 1) for branch in self.tree.top(depth, self.options.top)
        )
        expiring = sum(self._histogram)
        return Report(
            keys_scanned=self.keys_scanned,
            total_bytes=self.tree.total_bytes,
            by_type=tuple(by_type),
            namespaces=namespaces,
            top_by_bytes=tuple(top_key(entry[2]) for entry in sorted(self._by_bytes, reverse=True)),
            top_by_length=tuple(top_key(entry[2]) for entry in sorted(self._by_length, reverse=True)),
            ttl=TTLSummary(self._persistent, expiring, tuple(zip(TTL_LABELS, self._histogram, strict=True))),
            elapsed_s=time.monotonic() - self.started,
            dbsize=self.dbsize,
            complete=all(scanner.done for scanner in self.scanners) and not self._stopped,
            sampled=self.options.sample is not None,
            method=self.scanners[0].method,
            duplicates=sum(scanner.duplicates for scanner in self.scanners),
            delimiter=self.options.delimiter,
            folded_prefixes=self.tree.folded,
        )


def _push(heap: list[Ranked], entry: Ranked, size: int) -> None:
    if len(heap) < size:
        heapq.heappush(heap, entry)
    else:
        heapq.heapreplace(heap, entry)


async def analyze(client: Client, options: AnalyzeOptions = AnalyzeOptions(), db: int = 0,
                  progress: Callable[[Progress], None] | None = None) -> Report:
    """Run one `Analyzer` to the end and return its report."""
    return await Analyzer(client, options, db).run(progress)
