"""Analyze several nodes at once (the primaries of a cluster): one `Analyzer` per node, merged.

The nodes are given (`NodeSource`: an address and a client); what they are (a cluster's
primaries) is the caller's business, so this module needs no topology. Every node's scan
runs concurrently (SCAN cursors are per node), each with its own totals; the `ClusterReport`
merges them (types, namespaces, biggest keys, TTLs: exact sums) and keeps a per-node
breakdown. When a node fails mid-run, `relocate` (given by the caller) may name the node
that now serves its slots (after a failover): that node's scan restarts there from zero,
its partial counts dropped. Otherwise the node is reported incomplete, with why, and the
merged report says so (``complete`` False): a partial total is never silent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer, Progress, Report, TopKey, TTLSummary, TypeTotal
from redis_tui.core.keyspace.namespace import Branch, NamespaceTree
from redis_tui.core.keyspace.scan import TYPES

MAX_RESTARTS = 3  # per node: a node that keeps failing is reported incomplete


@dataclass(frozen=True)
class NodeSource:
    """One node to analyze: its address (``host:port``) and an open client to it (the caller closes it)."""

    addr: str
    client: Any


Relocate = Callable[[str, BaseException], Awaitable[NodeSource | None]]
Describe = Callable[[str, BaseException], str]  # (node addr, error) → one line


@dataclass(frozen=True)
class NodeResult:
    """One node's share: keys and bytes measured, its DBSIZE, and whether its scan finished.

    `addr` is where the scan finished (after a failover, the new primary); `started_on` where it began.
    """

    addr: str
    keys: int
    bytes: int
    dbsize: int
    complete: bool
    error: str = ""
    restarts: int = 0
    started_on: str = ""

    def to_json(self) -> dict[str, Any]:
        """``{"addr", "keys", "bytes"}`` (DESIGN §7); a node left unfinished adds ``"complete": false, "error"``."""
        out: dict[str, Any] = {"addr": self.addr, "keys": self.keys, "bytes": self.bytes}
        if not self.complete:
            out.update(complete=False, error=self.error)
        return out


@dataclass(frozen=True)
class ClusterReport:
    """The merged report over every node, and each node's share (in the order given)."""

    report: Report
    nodes: tuple[NodeResult, ...]

    @property
    def complete(self) -> bool:
        """Every node's scan finished."""
        return self.report.complete

    def to_json(self) -> dict[str, Any]:
        """The single-server `analyze --json` document (totals over the nodes) plus ``"nodes"``."""
        out = self.report.to_json()
        out["nodes"] = [node.to_json() for node in self.nodes]
        if not self.complete:
            out["complete"] = False
        return out


class NodesAnalyzer:
    """One analysis over several nodes, concurrently; `run()` returns a `ClusterReport`."""

    def __init__(self, sources: Sequence[NodeSource], options: AnalyzeOptions = AnalyzeOptions(), *,
                 relocate: Relocate | None = None, describe: Describe | None = None,
                 max_restarts: int = MAX_RESTARTS) -> None:
        self.sources = list(sources)
        self.options = options
        self.relocate = relocate
        self.describe = describe or (lambda addr, exc: f"{type(exc).__name__}: {exc}")
        self.max_restarts = max_restarts
        samples = split_sample(options.sample, len(self.sources))
        self._options = [replace(options, sample=sample) for sample in samples]
        self.analyzers = [Analyzer(s.client, o) for s, o in zip(self.sources, self._options, strict=True)]
        self._stopped = False
        self.started = time.monotonic()

    def stop(self) -> None:
        """End every node's run after its current batch; run() returns the partial report."""
        self._stopped = True
        for analyzer in self.analyzers:
            analyzer.stop()

    @property
    def keys_scanned(self) -> int:
        """Keys measured so far over every node."""
        return sum(analyzer.keys_scanned for analyzer in self.analyzers)

    def progress(self) -> Progress:
        """How far the run is: keys over every node, the share weighted by each node's DBSIZE."""
        parts = [analyzer.progress() for analyzer in self.analyzers]
        dbsize = sum(part.dbsize for part in parts)
        if dbsize:
            fraction = sum(part.fraction * part.dbsize for part in parts) / dbsize
        else:
            fraction = sum(part.fraction for part in parts) / max(1, len(parts))
        return Progress(sum(p.keys for p in parts), min(1.0, fraction), time.monotonic() - self.started, dbsize)

    async def run(self, progress: Callable[[Progress], None] | None = None, every: float = 0.1) -> ClusterReport:
        """Analyze every node to the end (or `stop()`), calling `progress` at most every `every` s."""
        self.started = time.monotonic()
        ticker = asyncio.create_task(self._tick(progress, every)) if progress is not None else None
        try:
            results = await asyncio.gather(*(self._node(i) for i in range(len(self.sources))))
        finally:
            if ticker is not None:
                ticker.cancel()
        if progress is not None:
            progress(self.progress())
        reports = [analyzer.report() for analyzer in self.analyzers]
        trees = [analyzer.tree for analyzer in self.analyzers]
        merged = merge_reports(reports, trees, self.options, time.monotonic() - self.started)
        return ClusterReport(merged, tuple(results))

    async def _tick(self, progress: Callable[[Progress], None], every: float) -> None:
        while True:
            await asyncio.sleep(every)
            progress(self.progress())

    async def _node(self, index: int) -> NodeResult:
        source, first = self.sources[index], self.sources[index].addr
        restarts = 0
        while True:
            analyzer = self.analyzers[index]
            try:
                report = await analyzer.run()
            except Exception as exc:  # noqa: BLE001 - a node failing is a result, not a crash of the whole run
                moved = None
                if self.relocate is not None and restarts < self.max_restarts and not self._stopped:
                    moved = await self.relocate(source.addr, exc)
                if moved is None or self._stopped:
                    partial = analyzer.report()
                    return NodeResult(source.addr, partial.keys_scanned, partial.total_bytes, partial.dbsize,
                                      False, self.describe(source.addr, exc), restarts, first)
                restarts += 1
                source = self.sources[index] = moved
                self.analyzers[index] = Analyzer(moved.client, self._options[index])
                continue
            return NodeResult(source.addr, report.keys_scanned, report.total_bytes, report.dbsize,
                              report.complete, "" if report.complete else "stopped", restarts, first)


def split_sample(sample: int | None, nodes: int) -> list[int | None]:
    """A sample of `sample` keys shared by `nodes` nodes (the remainder to the first ones)."""
    if sample is None:
        return [None] * nodes
    per, extra = divmod(sample, max(1, nodes))
    return [max(1, per + (1 if i < extra else 0)) for i in range(nodes)]


def merge_reports(reports: Sequence[Report], trees: Sequence[NamespaceTree], options: AnalyzeOptions,
                  elapsed_s: float) -> Report:
    """One report from disjoint keyspaces (each with its namespace tree): sums, and the biggest of the biggest."""
    by_type: dict[str, list[int]] = {kind: [0, 0] for kind in TYPES}
    for report in reports:
        for total in report.by_type:
            sums = by_type.setdefault(total.type, [0, 0])
            sums[0] += total.keys
            sums[1] += total.bytes
    types = sorted((TypeTotal(k, n, b) for k, (n, b) in by_type.items()), key=lambda t: (-t.bytes, -t.keys, t.type))
    top = max(1, options.top)
    by_bytes = sorted((t for r in reports for t in r.top_by_bytes), key=lambda t: -t.bytes)[:top]
    by_length = sorted((t for r in reports for t in r.top_by_length), key=_length_key)[:top]
    histogram = [0] * len(reports[0].ttl.histogram) if reports else []
    labels = [label for label, _ in reports[0].ttl.histogram] if reports else []
    for report in reports:
        for i, (_label, count) in enumerate(report.ttl.histogram):
            histogram[i] += count
    methods = sorted({r.method for r in reports})
    return Report(
        keys_scanned=sum(r.keys_scanned for r in reports),
        total_bytes=sum(r.total_bytes for r in reports),
        by_type=tuple(types),
        namespaces=merge_namespaces(trees, options),
        top_by_bytes=tuple(by_bytes),
        top_by_length=tuple(by_length),
        ttl=TTLSummary(sum(r.ttl.persistent for r in reports), sum(r.ttl.expiring for r in reports),
                       tuple(zip(labels, histogram, strict=True))),
        elapsed_s=elapsed_s,
        dbsize=sum(r.dbsize for r in reports),
        complete=all(r.complete for r in reports),
        sampled=options.sample is not None,
        method="+".join(methods),
        duplicates=sum(r.duplicates for r in reports),
        delimiter=options.delimiter,
        folded_prefixes=sum(r.folded_prefixes for r in reports),
    )


def _length_key(top: TopKey) -> int:
    return -(top.length or 0)


def merge_namespaces(trees: Sequence[NamespaceTree], options: AnalyzeOptions) -> tuple[Branch, ...]:
    """The top branches per depth over several trees of disjoint keyspaces, as one tree fed
    every key would give them. A branch that one tree tracks and another may have folded
    (`NamespaceTree.count_of` is None there) gets the sum of what is known and
    ``exact=False``: a lower bound, never shown as exact."""
    merged: dict[bytes, list[int]] = {}  # prefix → [keys, bytes, direct keys, depth, folded]
    children: dict[bytes, set[bytes]] = {}
    for tree in trees:
        stack = [tree.root]
        while stack:
            prefix = stack.pop()
            for branch in tree.children(prefix):
                sums = merged.setdefault(branch.prefix, [0, 0, 0, branch.depth, 0])
                sums[2] += branch.direct_keys
                sums[4] += branch.folded
                children.setdefault(prefix, set()).add(branch.prefix)
                stack.append(branch.prefix)
    exact: dict[bytes, bool] = {}
    for prefix, sums in merged.items():
        counts = [tree.count_of(prefix) for tree in trees]
        known = [count for count in counts if count is not None]
        sums[0], sums[1] = sum(keys for keys, _ in known), sum(size for _, size in known)
        exact[prefix] = len(known) == len(counts)
    out: list[Branch] = []
    for depth in range(1, options.depth + 1):
        level = []
        for prefix, (keys, size, direct, at, folded) in merged.items():
            if at != depth:
                continue
            kids = children.get(prefix, set())
            other = keys - direct - sum(merged[kid][0] for kid in kids)
            level.append(Branch(prefix, depth, keys, size, direct, other, len(kids), folded, exact[prefix]))
        level.sort(key=lambda b: (-b.bytes, -b.keys, b.prefix))
        out += level[: options.top]
    return tuple(out)
