"""The namespace tree: key counts (and bytes) per prefix, split by a delimiter.

``user:42:session`` counts under ``user:`` and ``user:42:``. `NamespaceTree` is the pure
accumulator (fed key names or analyzer stats); `NamespaceScan` fills one by scanning
``MATCH <prefix>*``, so the keys screen can open a branch lazily: it scans only when a
branch is opened whose children the tree does not hold yet.

On big keyspaces the tree is cheap and incremental: counts grow page by page while SCAN
walks the hash table in an order unrelated to the key names, so `count / progress` is an
honest estimate long before the scan ends (`Branch.estimate`). Memory is bounded by
`max_nodes` (prefixes beyond it are counted in their parent's `other_keys`) and by
`max_depth` (levels below it are counted in the deepest tracked branch).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.scan import DEFAULT_COUNT, KeyScanner, ScanPage, glob_escape

DEFAULT_DELIMITER = b":"
DEFAULT_DEPTH = 3
DEFAULT_MAX_NODES = 100_000


@dataclass(frozen=True)
class Branch:
    """One prefix of the tree. `prefix` ends with the delimiter (the root is b"")."""

    prefix: builtins.bytes
    depth: int
    keys: int  # keys under this prefix, at any depth
    bytes: int  # their MEMORY USAGE (0 when the tree was fed names only)
    direct_keys: int  # keys right here (no delimiter after the prefix)
    other_keys: int  # keys under untracked children (node cap) or deeper than max_depth
    children: int  # tracked child branches

    def name(self, delimiter: builtins.bytes = DEFAULT_DELIMITER) -> builtins.bytes:
        """The last segment: b"42" for b"user:42:" (b"" for the root)."""
        return self.prefix[:-len(delimiter)].rsplit(delimiter, 1)[-1] if self.prefix else b""

    def estimate(self, progress: float) -> int:
        """Keys expected once the scan is complete, from the share of the keyspace visited."""
        return self.keys if progress >= 1.0 or progress <= 0.0 else round(self.keys / progress)


class NamespaceTree:
    """Counts per prefix. Feed it with `add`, `add_keys` or `add_stats`; read with
    `children`, `branch` and `top`. Not thread-safe; cheap to query."""

    def __init__(
        self,
        delimiter: bytes | str = DEFAULT_DELIMITER,
        max_depth: int = DEFAULT_DEPTH,
        max_nodes: int = DEFAULT_MAX_NODES,
        root: bytes = b"",
    ) -> None:
        self.delimiter = delimiter.encode("utf-8", "surrogateescape") if isinstance(delimiter, str) else delimiter
        if not self.delimiter:
            raise ValueError("the delimiter must not be empty")
        self.max_depth = max(1, int(max_depth))
        self.max_nodes = max(1, int(max_nodes))
        self.root = root
        self._depth0 = root.count(self.delimiter)
        self._nodes: dict[bytes, list[int]] = {root: [0, 0, 0]}  # prefix → [keys, bytes, direct]
        self._children: dict[bytes, list[bytes]] = {root: []}
        self.truncated = False  # max_nodes was reached

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
        node[0] += count
        node[1] += size
        parent, position = self.root, len(self.root)
        while position < len(prefix):
            end = prefix.index(delimiter, position) + width
            child = prefix[:end]
            if child in nodes:
                node = nodes[child]
            else:
                if len(nodes) >= self.max_nodes:
                    self.truncated = True
                    return
                node = nodes[child] = [0, 0, 0]
                self._children[parent].append(child)
                self._children[child] = []
            node[0] += count
            node[1] += size
            parent, position = child, end
        if is_direct:
            node[2] += count

    @property
    def total_keys(self) -> int:
        """Keys counted so far."""
        return self._nodes[self.root][0]

    @property
    def total_bytes(self) -> int:
        """Bytes counted so far."""
        return self._nodes[self.root][1]

    def branch(self, prefix: bytes | None = None) -> Branch | None:
        """The branch for `prefix` (None: the root), or None when it is not tracked."""
        prefix = self.root if prefix is None else prefix
        return self._branch(prefix) if prefix in self._nodes else None

    def _branch(self, prefix: bytes) -> Branch:
        node = self._nodes[prefix]
        children = self._children.get(prefix, [])
        child_keys = sum(self._nodes[child][0] for child in children)
        depth = prefix.count(self.delimiter) - self._depth0
        return Branch(prefix, depth, node[0], node[1], node[2], node[0] - node[2] - child_keys, len(children))

    def children(self, prefix: bytes | None = None, by: str = "keys") -> tuple[Branch, ...]:
        """Tracked child branches of `prefix`, biggest first (`by` "keys" or "bytes")."""
        prefix = self.root if prefix is None else prefix
        found = [self._branch(child) for child in self._children.get(prefix, [])]
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


class NamespaceScan:
    """Counts the branches under `prefix` by scanning ``MATCH <prefix>*`` (and ``TYPE``
    when `type` is given).

    Drive it with `await next_page()` (or `async for page in pages()`) from a worker and
    read `tree` between pages; `progress` tells how much of the keyspace was visited.
    SCAN duplicates are not removed here (rare, and keeping every name seen would cost
    memory on 10M keys); the counts are estimates until `done`.
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
    ) -> None:
        self.tree = NamespaceTree(delimiter, max_depth, max_nodes, root=prefix)
        self.type = type  # count only keys of this type (SCAN TYPE); None: every type
        self.scanner = KeyScanner(
            client, match=glob_escape(prefix) + b"*" if prefix else None, type=type, count=count,
            page_size=page_size, time_budget=time_budget, dedupe=False,
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
