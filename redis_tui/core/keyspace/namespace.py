"""The namespace tree: key counts (and bytes) per prefix, split by a delimiter.

``user:42:session`` counts under ``user:`` and ``user:42:``. `NamespaceTree` is the pure
accumulator (fed key names or analyzer stats); `NamespaceScan` fills one by scanning
``MATCH <prefix>*``, so the keys screen can open a branch lazily: it scans only when a
branch is opened whose children the tree does not hold yet.

On big keyspaces the tree is cheap and incremental: counts grow page by page while SCAN
walks the hash table in an order unrelated to the key names, so `count / progress` is an
honest estimate long before the scan ends (`Branch.estimate`).

Memory is bounded by what can be shown, never by the keyspace: at most `max_children`
branches under one prefix, `max_nodes` in all, `max_depth` levels. A branch that does not
fit is *folded*: its keys stay counted in every branch above it (as ``other_keys``, with
``folded`` saying how many branches went there), and it is never counted again on its
own. So every count the tree shows is exact — the tree leaves a branch out rather than
show part of it. Under a full prefix, a newcomer bigger than the smallest branch kept
there (by keys, or by bytes for analyze: `rank`) takes its place when it is surely new
(a small Bloom filter of folded prefixes says so; its false positives only fold more).
"""

from __future__ import annotations

import builtins
import heapq
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.scan import DEFAULT_COUNT, KeyScanner, ScanPage, glob_escape

DEFAULT_DELIMITER = b":"
DEFAULT_DEPTH = 3
DEFAULT_MAX_NODES = 20_000  # branches in all (~350 bytes each)
DEFAULT_MAX_CHILDREN = 1_000  # branches under one prefix
RANKS = ("keys", "bytes")
FOLDED_BITS = 1 << 22  # the Bloom filter of folded prefixes: 512 KB, made at the first fold

KEYS, BYTES, DIRECT, FOLDED = range(4)  # a node: [keys, bytes, direct keys, child branches folded]


@dataclass(frozen=True)
class Branch:
    """One prefix of the tree. `prefix` ends with the delimiter (the root is b"")."""

    prefix: builtins.bytes
    depth: int
    keys: int  # keys under this prefix, at any depth
    bytes: int  # their MEMORY USAGE (0 when the tree was fed names only)
    direct_keys: int  # keys right here (no delimiter after the prefix)
    other_keys: int  # keys under folded children, or deeper than max_depth
    children: int  # tracked child branches
    folded: int = 0  # child branches folded into other_keys (0: every child is tracked)
    exact: bool = True  # False: a lower bound (a merge of trees where one may have folded it)

    def name(self, delimiter: builtins.bytes = DEFAULT_DELIMITER) -> builtins.bytes:
        """The last segment: b"42" for b"user:42:" (b"" for the root)."""
        return self.prefix[:-len(delimiter)].rsplit(delimiter, 1)[-1] if self.prefix else b""

    def estimate(self, progress: float) -> int:
        """Keys expected once the scan is complete, from the share of the keyspace visited."""
        return self.keys if progress >= 1.0 or progress <= 0.0 else round(self.keys / progress)


class _Folded:
    """Prefixes folded so far, as a Bloom filter (two probes): "no" is certain."""

    def __init__(self, bits: int) -> None:
        self.mask = bits - 1
        self.bits = bytearray(max(1, bits // 8))

    def add(self, prefix: bytes) -> None:
        value = hash(prefix)
        for probe in (value & self.mask, (value >> 32) & self.mask):
            self.bits[probe >> 3] |= 1 << (probe & 7)

    def __contains__(self, prefix: bytes) -> bool:
        value = hash(prefix)
        return all(self.bits[probe >> 3] >> (probe & 7) & 1
                   for probe in (value & self.mask, (value >> 32) & self.mask))


class NamespaceTree:
    """Counts per prefix. Feed it with `add`, `add_keys` or `add_stats`; read with
    `children`, `branch` and `top`. Not thread-safe; cheap to query. See the module
    docstring for the bounds (`max_depth`, `max_children`, `max_nodes`) and `rank`."""

    folded_bits = FOLDED_BITS  # size of the Bloom filter of folded prefixes (a power of two)

    def __init__(
        self,
        delimiter: bytes | str = DEFAULT_DELIMITER,
        max_depth: int = DEFAULT_DEPTH,
        max_nodes: int = DEFAULT_MAX_NODES,
        root: bytes = b"",
        *,
        max_children: int = DEFAULT_MAX_CHILDREN,
        rank: str = "keys",
    ) -> None:
        self.delimiter = delimiter.encode("utf-8", "surrogateescape") if isinstance(delimiter, str) else delimiter
        if not self.delimiter:
            raise ValueError("the delimiter must not be empty")
        if rank not in RANKS:
            raise ValueError(f"rank must be one of {RANKS}")
        self.max_depth = max(1, int(max_depth))
        self.max_nodes = max(1, int(max_nodes))
        self.max_children = max(1, int(max_children))
        self.rank = RANKS.index(rank)  # KEYS or BYTES: what decides which branch stays under a full prefix
        self.root = root
        self._depth0 = root.count(self.delimiter)
        self._nodes: dict[bytes, list[int]] = {root: [0, 0, 0, 0]}
        self._children: dict[bytes, dict[bytes, None]] = {}  # only prefixes that have children
        self._heaps: dict[bytes, list[tuple[int, bytes]]] = {}  # full prefixes: their children, smallest first
        self._folded: _Folded | None = None
        self.folded = 0  # branches folded so far (at least: a Bloom false positive folds without counting)
        self.truncated = False  # something was folded

    def add(self, key: bytes, size: int = 0) -> None:
        """Count one key (that starts with `root`) of `size` bytes."""
        self.add_pairs(((key, size),))

    def add_keys(self, keys: Iterable[bytes]) -> None:
        """Count key names (bytes unknown: 0)."""
        self.add_pairs((key, 0) for key in keys)

    def add_stats(self, items: Iterable[Sequence[Any]]) -> None:
        """Count `(key, type, bytes, …)` tuples (analyzer `KeyStats`)."""
        self.add_pairs((item[0], item[2] if item[2] > 0 else 0) for item in items)

    def add_pairs(self, pairs: Iterable[tuple[bytes, int]]) -> None:
        """Count `(key, bytes)` pairs. Keys are first grouped by their deepest tracked
        prefix, so a batch costs one split per key plus one walk per distinct prefix."""
        delimiter, maxsplit = self.delimiter, self._depth0 + self.max_depth
        direct: dict[bytes, list[int]] = {}
        deeper: dict[bytes, list[int]] = {}
        for key, size in pairs:
            parts = key.split(delimiter, maxsplit)
            last = parts[-1]
            group = deeper if len(parts) > maxsplit and delimiter in last else direct
            prefix = key[: len(key) - len(last)]
            totals = group.get(prefix)
            if totals is None:
                group[prefix] = [1, size]
            else:
                totals[0] += 1
                totals[1] += size
        for group, is_direct in ((direct, True), (deeper, False)):
            for prefix, (count, size) in group.items():
                self._credit(prefix, count, size, is_direct)

    def _credit(self, prefix: bytes, count: int, size: int, is_direct: bool) -> None:
        delimiter, nodes, width = self.delimiter, self._nodes, len(self.delimiter)
        node = nodes[self.root]
        node[KEYS] += count
        node[BYTES] += size
        parent, position = self.root, len(self.root)
        while position < len(prefix):
            end = prefix.index(delimiter, position) + width
            child = prefix[:end]
            found = nodes.get(child)
            if found is None:
                found = self._admit(parent, child, size if self.rank == BYTES else count)
                if found is None:
                    return  # folded: counted in `parent` and above
            node = found
            node[KEYS] += count
            node[BYTES] += size
            parent, position = child, end
        if is_direct:
            node[DIRECT] += count

    def _admit(self, parent: bytes, child: bytes, value: int) -> list[int] | None:
        """A node for `child`, seen for the first time (unless folded before), worth
        `value` so far; None when it is folded into `parent` instead."""
        folded = self._folded
        if folded is not None and self._nodes[parent][FOLDED] and child in folded:
            return None  # folded before (or a false positive): it stays folded, the counts stay exact
        # (a parent that never folded a child cannot have folded this one: the filter's "maybe" is wrong)
        siblings = self._children.get(parent)
        if siblings is not None and len(siblings) >= self.max_children:
            smallest, victim = self._smallest(parent, siblings)
            if value <= smallest:
                self._fold(parent, child)
                return None
            self._evict(parent, victim)
        elif len(self._nodes) >= self.max_nodes:
            self._fold(parent, child)
            return None
        node = self._nodes[child] = [0, 0, 0, 0]
        if siblings is None:
            siblings = self._children[parent] = {}
        siblings[child] = None
        heap = self._heaps.get(parent)
        if heap is not None:
            heapq.heappush(heap, (value, child))
        return node

    def _fold(self, parent: bytes, child: bytes) -> None:
        """Count `child` in `parent` from now on, and never on its own."""
        if self._folded is None:
            self._folded = _Folded(self.folded_bits)
        self._folded.add(child)
        self._nodes[parent][FOLDED] += 1
        self.folded += 1
        self.truncated = True

    def _smallest(self, parent: bytes, siblings: dict[bytes, None]) -> tuple[int, bytes]:
        """(value, prefix) of the smallest child of a full `parent`, from a heap whose
        entries may be stale (values only grow; evicted children are skipped)."""
        heap = self._heaps.get(parent)
        if heap is None:
            heap = self._heaps[parent] = [(self._nodes[child][self.rank], child) for child in siblings]
            heapq.heapify(heap)
        while True:
            value, child = heap[0]
            if child not in siblings:
                heapq.heappop(heap)
                continue
            now = self._nodes[child][self.rank]
            if now == value:
                return value, child
            heapq.heapreplace(heap, (now, child))

    def _evict(self, parent: bytes, child: bytes) -> None:
        """Fold `child`, and drop everything under it (the walk to those stops at `child` now)."""
        del self._children[parent][child]
        stack = [child]
        while stack:
            prefix = stack.pop()
            del self._nodes[prefix]
            self._heaps.pop(prefix, None)
            stack.extend(self._children.pop(prefix, ()))
        self._fold(parent, child)

    @property
    def total_keys(self) -> int:
        """Keys counted so far."""
        return self._nodes[self.root][KEYS]

    @property
    def total_bytes(self) -> int:
        """Bytes counted so far."""
        return self._nodes[self.root][BYTES]

    def branch(self, prefix: bytes | None = None) -> Branch | None:
        """The branch for `prefix` (None: the root), or None when it is not tracked."""
        prefix = self.root if prefix is None else prefix
        return self._branch(prefix) if prefix in self._nodes else None

    def _branch(self, prefix: bytes) -> Branch:
        keys, size, direct, folded = self._nodes[prefix]
        children = self._children.get(prefix, {})
        child_keys = sum(self._nodes[child][KEYS] for child in children)
        depth = prefix.count(self.delimiter) - self._depth0
        return Branch(prefix, depth, keys, size, direct, keys - direct - child_keys, len(children), folded)

    def children(self, prefix: bytes | None = None, by: str = "keys") -> tuple[Branch, ...]:
        """Tracked child branches of `prefix`, biggest first (`by` "keys" or "bytes")."""
        prefix = self.root if prefix is None else prefix
        found = [self._branch(child) for child in self._children.get(prefix, ())]
        return tuple(sorted(found, key=lambda b: (-getattr(b, by), b.prefix)))

    def knows_children(self, prefix: bytes) -> bool:
        """True when the tree holds every child of `prefix` (no scan needed to open it)."""
        branch = self.branch(prefix)
        return branch is not None and branch.other_keys == 0

    def top(self, depth: int, n: int, by: str = "bytes") -> tuple[Branch, ...]:
        """The `n` biggest branches `depth` levels below the root."""
        wanted = self._depth0 + depth
        found = [self._branch(p) for p in self._nodes if p != self.root and p.count(self.delimiter) == wanted]
        return tuple(sorted(found, key=lambda b: (-getattr(b, by), -b.keys, b.prefix))[:n])

    def count_of(self, prefix: bytes) -> tuple[int, int] | None:
        """(keys, bytes) under `prefix`, exactly: its counts when it is tracked, (0, 0)
        when the tree surely never saw it, None when it may have been folded (or lies
        deeper than `max_depth`)."""
        node = self._nodes.get(prefix)
        if node is not None:
            return node[KEYS], node[BYTES]
        width = len(self.delimiter)
        if not prefix.startswith(self.root) or not prefix.endswith(self.delimiter) or len(prefix) <= len(self.root):
            return None
        if prefix.count(self.delimiter) - self._depth0 > self.max_depth:
            return None
        parent = prefix[: prefix.rfind(self.delimiter, 0, len(prefix) - width) + width]
        if len(parent) < len(self.root):
            parent = self.root
        if parent not in self._nodes:
            return (0, 0) if self.count_of(parent) == (0, 0) else None
        # under a tracked parent, a prefix the tree does not hold was folded (then the Bloom
        # filter has it: it has no false negatives) or never seen
        return (0, 0) if self._folded is None or prefix not in self._folded else None


class NamespaceScan:
    """Counts the branches under `prefix` by scanning ``MATCH <prefix>*`` (and ``TYPE``
    when `type` is given).

    Drive it with `await next_page()` (or `async for page in pages()`) from a worker and
    read `tree` between pages; `progress` tells how much of the keyspace was visited.
    The counts are estimates until `done`, then exact: the keys SCAN returns twice are
    dropped (`SeenKeys`, ~10 bytes a key), and the tree keeps at most `max_children`
    branches under a prefix and `max_nodes` in all (the rest is folded, see `NamespaceTree`).
    """

    def __init__(
        self,
        client: Client,
        prefix: bytes = b"",
        delimiter: bytes | str = DEFAULT_DELIMITER,
        max_depth: int = 2,
        max_nodes: int = DEFAULT_MAX_NODES,
        count: int = DEFAULT_COUNT,
        page_size: int = 5000,
        time_budget: float = 0.25,
        type: str | None = None,
        max_children: int = DEFAULT_MAX_CHILDREN,
    ) -> None:
        self.tree = NamespaceTree(delimiter, max_depth, max_nodes, root=prefix, max_children=max_children)
        self.type = type  # count only keys of this type (SCAN TYPE); None: every type
        self.scanner = KeyScanner(
            client, match=glob_escape(prefix) + b"*" if prefix else None, type=type, count=count,
            page_size=page_size, time_budget=time_budget,
        )

    @property
    def progress(self) -> float:
        """Share of the keyspace visited (0.0 – 1.0)."""
        return self.scanner.progress

    @property
    def done(self) -> bool:
        """True once the whole keyspace was visited."""
        return self.scanner.done

    async def next_page(self) -> ScanPage[bytes]:
        """Scan on, add what was found to `tree`, return the page."""
        page = await self.scanner.next_page()
        self.tree.add_keys(page.items)
        return page

    async def pages(self) -> AsyncIterator[ScanPage[bytes]]:
        """Pages until the end."""
        while not self.done:
            yield await self.next_page()
