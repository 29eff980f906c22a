"""SCAN several nodes as one (the primaries of a cluster): pages merged, each key with its node.

SCAN cursors are per node, so each node gets its own scan (`KeyScanner` for the key list,
`NamespaceScan` for the tree) and they all step at once. A page holds what the nodes that
answered first found: a slow node's step stays in flight for the next page, and a node that
fails is set aside with its error while the others go on, so no node ever holds up the
rest. Each node's DBSIZE is read when its scan starts (the progress is weighted by it).

`retarget` follows the topology while a scan runs: a node that took over another's slots (a
failover) or whose slots changed (a reshard) is scanned again from cursor 0; a node that
failed is tried again once it answers. The key list then drops every key it already listed
(one `SeenKeys` for every node and restart), and the tree drops that node's partial counts:
no key is listed or counted twice. A step still in flight on a node left behind is not
cancelled: its page is delivered (the scanner has already remembered its keys as listed). A
finished scan keeps its result. What the nodes are (a cluster's primaries, or one node) is
the caller's business.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.namespace import DEFAULT_MAX_NODES, Branch, NamespaceScan, NamespaceTree
from redis_tui.core.keyspace.scan import DEFAULT_COUNT, DEFAULT_PAGE_SIZE, KeyScanner, ScanPage
from redis_tui.core.keyspace.seen import SeenKeys
from redis_tui.core.nodes import Node

RETRY_S = 5.0  # a node whose scan failed is tried again at most this often (once it answers)
Slots = tuple[tuple[int, int], ...]


class Stepping(Protocol):
    """One node's scan, as `NodesScan` drives it."""

    @property
    def progress(self) -> float: ...

    @property
    def done(self) -> bool: ...

    async def next_page(self) -> ScanPage[bytes]: ...


Part = TypeVar("Part", bound=Stepping)


@dataclass(eq=False)
class NodePart(Generic[Part]):
    """One node's share of the scan: its scan, its DBSIZE, and why it failed (if it did)."""

    addr: str
    slots: Slots
    scan: Part
    client: Client
    restarts: int = 0
    dbsize: int | None = None  # read when the scan starts (until then, the node's it replaced, if any)
    sized: bool = False  # DBSIZE was read for this scan
    error: BaseException | None = None
    failed_at: float = 0.0
    task: asyncio.Future[ScanPage[bytes]] | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        """Failed, or scanned to the end with every page collected."""
        return self.error is not None or (self.scan.done and self.task is None)


@dataclass(frozen=True)
class NodesPage(ScanPage[bytes]):
    """A merged page: `nodes[i]` is the node ("host:port") `items[i]` was found on; `complete` is False
    once a node's scan failed (then `done` means every node that answered was scanned)."""

    nodes: tuple[str, ...] = ()
    complete: bool = True


class NodesScan(Generic[Part]):
    """One scan over several nodes; subclasses say what each node's scan is and what a page holds."""

    def __init__(self, nodes: Sequence[Node], connect: Callable[[str], Client], make: Callable[[Client], Part], *,
                 retry_s: float = RETRY_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.connect, self.make = connect, make
        self.retry_s, self.clock = retry_s, clock
        self.down: frozenset[str] = frozenset()  # nodes the topology says do not answer
        self.left: list[NodePart[Part]] = []  # nodes left behind whose last step is still in flight
        self.started = time.monotonic()
        self.parts: list[NodePart[Part]] = [self._part(node.addr, node.slots) for node in nodes]

    def _part(self, addr: str, slots: Slots, restarts: int = 0, dbsize: int | None = None) -> NodePart[Part]:
        client = self.connect(addr)
        return NodePart(addr, slots, self.make(client), client, restarts, dbsize)

    # --- state ---------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """Every node scanned to the end or failed (nothing more will come without a retarget)."""
        return not self.left and all(part.finished for part in self.parts)

    @property
    def complete(self) -> bool:
        """Every node scanned to the end."""
        return not self.left and all(part.error is None and part.finished for part in self.parts)

    @property
    def progress(self) -> float:
        """Share of the keys visited, each node weighted by its DBSIZE (equally until all are known)."""
        parts = self.parts
        if not parts:
            return 1.0
        sizes = [part.dbsize for part in parts]
        total = sum(size or 0 for size in sizes)
        if None in sizes or total <= 0:
            return sum(part.scan.progress for part in parts) / len(parts)
        return sum(part.scan.progress * (part.dbsize or 0) for part in parts) / total

    @property
    def dbsize(self) -> int:
        """DBSIZE summed over the nodes that answered it."""
        return sum(part.dbsize or 0 for part in self.parts)

    @property
    def failed(self) -> list[NodePart[Part]]:
        """The nodes whose scan failed (each with its `error`)."""
        return [part for part in self.parts if part.error is not None]

    # --- stepping --------------------------------------------------------------------------
    async def _step(self, part: NodePart[Part]) -> ScanPage[bytes]:
        if not part.sized:
            part.dbsize, part.sized = int(await part.client.dbsize()), True
        return await part.scan.next_page()

    async def _next(self) -> list[tuple[NodePart[Part], ScanPage[bytes]]]:
        """The pages of the nodes that answered first (at least one), [] when every node is finished.

        Cancelling the caller leaves the nodes' steps running: the next call collects them."""
        for part in self.parts:
            if part.task is None and not part.finished:
                part.task = asyncio.ensure_future(self._step(part))
        running = [part.task for part in (*self.parts, *self.left) if part.task is not None]
        if not running:
            return []
        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        pages = []
        for part in (*self.parts, *self.left):
            task = part.task
            if task is None or not task.done():
                continue
            part.task = None
            if task.cancelled():  # sent again on the next call
                continue
            error = task.exception()
            if error is not None:  # this node alone is set aside; the others go on
                part.error, part.failed_at = error, self.clock()
            else:
                pages.append((part, task.result()))
        self.left = [part for part in self.left if part.task is not None]
        return pages

    def _page(self, items: list[bytes], nodes: list[str]) -> NodesPage:
        scans = [part.scan for part in self.parts]
        return NodesPage(tuple(items), self.done, self.progress,
                         sum(getattr(scan, "returned", 0) for scan in scans),
                         sum(getattr(scan, "duplicates", 0) for scan in scans),
                         sum(getattr(scan, "calls", 0) for scan in scans),
                         time.monotonic() - self.started, tuple(nodes), self.complete)

    # --- following the topology ------------------------------------------------------------
    def retarget(self, nodes: Sequence[Node], down: Collection[str] = ()) -> bool:
        """Scan these nodes from now on (`down`: those that do not answer). A node that is new here,
        or whose slots changed, starts from cursor 0; one that failed starts again once it answers
        (at most every `retry_s`); a node no longer given is dropped. True when a scan (re)started.
        A complete scan changes nothing."""
        self.down = frozenset(down)
        if self.complete:
            return False
        wanted = {node.addr: node.slots for node in nodes}
        kept: list[NodePart[Part]] = []
        sizes = {part.slots: part.dbsize for part in self.parts}  # a node taking over slots: their last DBSIZE
        changed = False
        for part in self.parts:
            if part.addr not in wanted or wanted[part.addr] != part.slots:
                self._leave(part)
                changed = True
                continue
            if part.error is not None and part.addr not in self.down and \
                    self.clock() - part.failed_at >= self.retry_s:
                part = self._part(part.addr, part.slots, part.restarts + 1, part.dbsize)
                changed = True
            kept.append(part)
        have = {part.addr for part in kept}
        for node in nodes:
            if node.addr not in have:
                kept.append(self._part(node.addr, node.slots, dbsize=sizes.get(node.slots)))
                changed = True
        self.parts = kept
        return changed

    def _leave(self, part: NodePart[Part]) -> None:
        """Scan `part`'s node no more; a step in flight is collected by `_next` (its keys count as listed)."""
        if part.task is not None:
            self.left.append(part)

    def close(self) -> None:
        """Stop every node's step in flight (the scan is abandoned)."""
        for part in (*self.parts, *self.left):
            task, part.task = part.task, None
            if task is None:
                continue
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # retrieved: no "never retrieved" warning
        self.left = []


class NodesKeyScanner(NodesScan[KeyScanner]):
    """Key names from every node, page by page, each key once (`next_page()` → `NodesPage`)."""

    def __init__(self, nodes: Sequence[Node], connect: Callable[[str], Client], *, match: bytes | None = None,
                 type: str | None = None, count: int = DEFAULT_COUNT, page_size: int = DEFAULT_PAGE_SIZE,
                 time_budget: float = 0.1, server_side: bool = True, retry_s: float = RETRY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seen = SeenKeys()  # every node's, across restarts: a key is listed once
        per = max(1, -(-page_size // max(1, len(nodes))))

        def make(client: Client) -> KeyScanner:
            return KeyScanner(client, match=match, type=type, count=count, page_size=per, time_budget=time_budget,
                              server_side=server_side, seen=self.seen)

        super().__init__(nodes, connect, make, retry_s=retry_s, clock=clock)

    async def next_page(self) -> NodesPage:
        """The new keys the nodes that answered first found, with their nodes (done: every node finished)."""
        items: list[bytes] = []
        nodes: list[str] = []
        for part, page in await self._next():
            items.extend(page.items)
            nodes.extend([part.addr] * len(page.items))
        return self._page(items, nodes)


class NodesNamespaceScan(NodesScan[NamespaceScan]):
    """Prefix counts over every node: one `NamespaceScan` per node, read as one tree (`tree`)."""

    def __init__(self, nodes: Sequence[Node], connect: Callable[[str], Client], prefix: bytes = b"",
                 delimiter: bytes = b":", max_depth: int = 2, max_nodes: int = DEFAULT_MAX_NODES, *,
                 count: int = DEFAULT_COUNT, page_size: int = 5000, time_budget: float = 0.25,
                 type: str | None = None, retry_s: float = RETRY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.prefix, self.delimiter, self.max_depth, self.type = prefix, delimiter, max_depth, type

        def make(client: Client) -> NamespaceScan:
            return NamespaceScan(client, prefix, delimiter, max_depth, max_nodes, count=count, page_size=page_size,
                                 time_budget=time_budget, type=type)

        super().__init__(nodes, connect, make, retry_s=retry_s, clock=clock)

    @property
    def tree(self) -> MergedTree:
        """The counts of every node's tree, summed (read-only)."""
        return MergedTree([part.scan.tree for part in self.parts], self.prefix, self.max_depth)

    async def next_page(self) -> NodesPage:
        """Count on (the nodes that answer first); the page lists the names counted."""
        items: list[bytes] = []
        nodes: list[str] = []
        for part, page in await self._next():
            items.extend(page.items)
            nodes.extend([part.addr] * len(page.items))
        return self._page(items, nodes)


class MergedTree:
    """Several nodes' `NamespaceTree`s read as one (their keyspaces are disjoint: counts add up)."""

    def __init__(self, trees: Sequence[NamespaceTree], root: bytes = b"", max_depth: int = 2) -> None:
        self.trees, self.root, self.max_depth = list(trees), root, max_depth

    @property
    def total_keys(self) -> int:
        """Keys counted so far."""
        return sum(tree.total_keys for tree in self.trees)

    def branch(self, prefix: bytes | None = None) -> Branch | None:
        """The summed branch for `prefix` (None: the root), None when no tree tracks it. Its `children` is
        the most any one tree tracks (cheap; `children()` lists their union)."""
        prefix = self.root if prefix is None else prefix
        found = [branch for tree in self.trees if (branch := tree.branch(prefix)) is not None]
        if not found:
            return None
        return Branch(prefix, found[0].depth, sum(b.keys for b in found), sum(b.bytes for b in found),
                      sum(b.direct_keys for b in found), sum(b.other_keys for b in found),
                      max(b.children for b in found))

    def children(self, prefix: bytes | None = None, by: str = "keys") -> tuple[Branch, ...]:
        """Child branches of `prefix` over every tree, biggest first."""
        prefix = self.root if prefix is None else prefix
        kids = {child.prefix for tree in self.trees for child in tree.children(prefix)}
        found = [branch for kid in kids if (branch := self.branch(kid)) is not None]
        return tuple(sorted(found, key=lambda b: (-getattr(b, by), b.prefix)))

    def knows_children(self, prefix: bytes) -> bool:
        """True when every tree holds every child of `prefix`."""
        branch = self.branch(prefix)
        return branch is not None and branch.other_keys == 0
