"""The namespace tree of the keys screen: key counts per prefix, loaded lazily.

The view renders counts held by scans (`NamespaceScan`, or a `FrozenScan` of fixed data)
and, once connected, runs the scans itself in a worker: opening a branch whose children no
scan has counted queues a scan of that prefix (a failure is posted as `Failed`; without a
client nothing is sent). While a scan runs, counts are
estimates (``~12.3K``: keys counted / share of the keyspace visited) and new branches are
appended; when it ends, the branches are sorted, biggest first, and the counts are exact.
On a cluster the scans are `NodesNamespaceScan`s (one scan per primary, read as one tree,
given by `connect`'s `counter`): counts are sums over the primaries, and a node that did not
answer leaves them estimates, with a word on the border.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis
from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_count, percent, thousands
from redis_tui.core.keyspace.namespace import Branch, NamespaceScan, NamespaceTree
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.nodes import Node

TREE_PAGE = 1000  # keys counted between two looks at the event loop (each page is a few ms of work)
TREE_REDRAW_S = 0.3  # how often counts are redrawn while a tree scan runs

class TreeCounts(Protocol):
    """The counts per prefix the view reads (a `NamespaceTree`, or several read as one)."""

    max_depth: int

    def branch(self, prefix: bytes | None = None) -> Branch | None: ...

    def children(self, prefix: bytes | None = None, by: str = "keys") -> tuple[Branch, ...]: ...

    def knows_children(self, prefix: bytes) -> bool: ...


class Counts(Protocol):
    """What the view reads from a scan (read-only)."""

    @property
    def tree(self) -> TreeCounts: ...

    @property
    def progress(self) -> float: ...

    @property
    def done(self) -> bool: ...


Counter = Callable[..., Any]  # (prefix, delimiter, depth, **NamespaceScan options) → a scan with next_page()


def exact(scan: Counts) -> bool:
    """The scan's counts are final: it ended, and (over several nodes) every node answered."""
    return scan.done and getattr(scan, "complete", True)


def prefix_of(node: TreeNode[bytes]) -> bytes:
    """The prefix a node stands for (every node has one; the root's is b"")."""
    return node.data or b""


@dataclass
class FrozenScan:
    """Counts that are already known (fixed data for tests, or a finished scan)."""

    tree: NamespaceTree
    progress: float = 1.0
    done: bool = True


class NamespaceView(Tree[bytes]):
    """Prefixes and their key counts; a node's data is its prefix (the root's is b"")."""

    class Failed(Message):
        """A scan failed (the counts so far stay)."""

        def __init__(self, exc: Exception) -> None:
            super().__init__()
            self.exc = exc

    class Counted(Message):
        """The counts shown changed (what says "of N keys" elsewhere reads them again)."""

    def __init__(self, delimiter: bytes, **kwargs) -> None:
        super().__init__(Text("all keys"), data=b"", **kwargs)
        self.delimiter = delimiter
        self.kind: str | None = None  # the key type the scans count (None: every type)
        self.scans: dict[bytes, Counts] = {}
        self._labels: dict[int, str] = {}
        self.show_root = True
        self.guide_depth = 2
        self.client: Redis | None = None  # None: counts are handed over with set_scan
        self.counter: Counter | None = None  # on a cluster: makes the scans (over every primary)
        self.settings = KeyspaceSettings()
        self._order: list[bytes] = []  # prefixes asked for, the latest last
        self._worker: Worker[None] | None = None

    def connect(self, client: Redis, settings: KeyspaceSettings, counter: Counter | None = None) -> None:
        """Count with `client` (or the scans `counter` makes), as deep and in pages as `settings` say."""
        self.client, self.settings, self.counter = client, settings, counter

    def on_mount(self) -> None:
        self.root.expand()

    # --- where counts come from ------------------------------------------------------
    def reset_counts(self, kind: str | None) -> None:
        """Forget every count: the tree is to count keys of type `kind` (None: every type)."""
        self.kind = kind
        if self._worker is not None:
            self._worker.cancel()
        self._worker = None
        self._order.clear()
        for scan in self.scans.values():
            close = getattr(scan, "close", None)  # a scan over several nodes: its steps in flight go
            if close is not None:
                close()
        self.scans.clear()
        self._labels.clear()
        self.root.remove_children()
        self.root.set_label(self.label_for(b""))
        self.border_title = self.title()

    def title(self) -> str:
        """``Namespaces (:)``, naming the type counted when there is one."""
        title = f"Namespaces ({safe_text(self.delimiter, 8)})"
        return f"{title} · {self.kind} keys" if self.kind else title

    def set_scan(self, prefix: bytes, scan: Counts) -> None:
        """Count `prefix`'s branches with `scan` (rooted at `prefix`)."""
        self.scans[prefix] = scan
        self.refresh_counts()

    def _sources(self, prefix: bytes) -> list[tuple[Counts, Branch]]:
        """Scans that track `prefix`, deepest root first."""
        found = []
        for root in sorted(self.scans, key=len, reverse=True):
            if prefix.startswith(root):
                branch = self.scans[root].tree.branch(prefix)
                if branch is not None:
                    found.append((self.scans[root], branch))
        return found

    def count(self, prefix: bytes) -> tuple[int, bool] | None:
        """(keys under `prefix`, exact?), or None when no scan counts it.

        The count comes from the deepest finished scan that tracks `prefix` (else the
        deepest running one). A branch below it that a later scan counted again shows that
        later count, so the same later count replaces the earlier one here too: a parent
        always holds the sum of its children as shown, even when keys came or went between
        the two passes."""
        sources = self._sources(prefix)
        if not sources:
            return None
        scan, branch = next(((s, b) for s, b in sources if s.done), sources[0])
        keys, final = branch.estimate(scan.progress), exact(scan)
        for root in self._recounted(prefix, scan):
            before, now = scan.tree.branch(root), self.count(root)
            if before is not None and now is not None:
                keys += now[0] - before.estimate(scan.progress)
                final = final and now[1]
        return keys, final

    def _recounted(self, prefix: bytes, scan: Counts) -> list[bytes]:
        """Roots of finished scans strictly below `prefix` other than `scan`, outermost only."""
        roots = [root for root, other in self.scans.items()
                 if other is not scan and other.done and root != prefix and root.startswith(prefix)]
        return [root for root in roots if not any(root != outer and root.startswith(outer) for outer in roots)]

    def _children_source(self, prefix: bytes) -> Counts | None:
        """The scan whose tree lists `prefix`'s children (None: no scan goes that deep)."""
        if prefix in self.scans:
            return self.scans[prefix]
        for scan, branch in self._sources(prefix):
            if branch.depth < scan.tree.max_depth:
                return scan
        return None

    def needs_scan(self, prefix: bytes) -> bool:
        """True when opening `prefix` needs a scan of its own."""
        if prefix in self.scans:
            return False
        scan = self._children_source(prefix)
        return scan is None or (scan.done and not scan.tree.knows_children(prefix))

    def _expandable(self, prefix: bytes) -> bool:
        if prefix in self.scans:
            branch = self.scans[prefix].tree.branch(prefix)
            return not self.scans[prefix].done or (branch is not None and branch.children > 0)
        sources = self._sources(prefix)
        if not sources:
            return True
        scan, branch = sources[0]
        return branch.children > 0 or branch.other_keys > 0 or not scan.done

    # --- rendering ---------------------------------------------------------------------
    def label_for(self, prefix: bytes) -> Text:
        """``user: 1,204`` / ``user: ~1.2K`` (names escaped); ``+998K more`` when branches
        under it were folded (the tree lists at most `max_children` under a prefix; the
        others' keys are in its count, not listed)."""
        if prefix:
            delimiter = self.delimiter
            name = prefix[: -len(delimiter)].rsplit(delimiter, 1)[-1]
            label = Text(safe_text(name, 48) or "(empty)", no_wrap=True, overflow="ellipsis")
            label.append(safe_text(delimiter, 8), style="dim")
        else:
            label = Text(f"all {self.kind} keys" if self.kind else "all keys", style="bold", no_wrap=True,
                         overflow="ellipsis")
        counted = self.count(prefix)
        if counted is None:
            label.append("  …", style="dim")
        else:
            keys, exact = counted
            label.append("  " + (thousands(keys) if exact else "~" + human_count(keys)),
                         style="bold" if exact else "yellow")
        source = self._children_source(prefix)
        branch = source.tree.branch(prefix) if source is not None else None
        if branch is not None and branch.folded:
            label.append(f"  +{human_count(branch.folded)} more", style="dim")
        return label

    def refresh_counts(self) -> None:
        """Re-label the shown nodes and add branches found since (root and opened nodes)."""
        self._sync(self.root)
        self.post_message(self.Counted())

    def _relabel(self, node: TreeNode[bytes]) -> None:
        label = self.label_for(prefix_of(node))
        if self._labels.get(node.id) != label.plain:
            self._labels[node.id] = label.plain
            node.set_label(label)

    def _sync(self, node: TreeNode[bytes]) -> None:
        prefix = prefix_of(node)
        self._relabel(node)
        if not node.is_root:
            node.allow_expand = self._expandable(prefix)
        if not (node.is_expanded or node.is_root):
            return
        source = self._children_source(prefix)
        if source is None:
            return
        branches = source.tree.children(prefix)
        shown = [prefix_of(child) for child in node.children]
        wanted = [branch.prefix for branch in branches]
        if source.done and self._recounted(prefix, source):  # a branch counted again may have moved
            wanted.sort(key=lambda child: -(self.count(child) or (0, True))[0])
        if source.done and shown != wanted:
            self._rebuild(node, wanted)
        else:
            have = set(shown)
            for child in wanted:
                if child not in have:
                    node.add(self.label_for(child), data=child, allow_expand=self._expandable(child))
        for child_node in node.children:
            self._sync(child_node)

    def _rebuild(self, node: TreeNode[bytes], order: list[bytes]) -> None:
        """Children in `order`, keeping which were open and where the cursor was."""
        opened = {prefix_of(child) for child in node.children if child.is_expanded}
        cursor = prefix_of(self.cursor_node) if self.cursor_node is not None else None
        for child in node.children:
            self._forget(child)
        node.remove_children()
        for prefix in order:
            child = node.add(self.label_for(prefix), data=prefix, allow_expand=self._expandable(prefix))
            if prefix in opened:
                child.expand()
        if cursor is not None:
            target = self.find(cursor)
            if target is not None:
                self.move_cursor(target, animate=False)

    def _forget(self, node: TreeNode[bytes]) -> None:
        self._labels.pop(node.id, None)
        for child in node.children:
            self._forget(child)

    def find(self, prefix: bytes, node: TreeNode[bytes] | None = None) -> TreeNode[bytes] | None:
        """The shown node of `prefix`, if any."""
        node = node or self.root
        if node.data == prefix:
            return node
        for child in node.children:
            if prefix.startswith(prefix_of(child)):
                return self.find(prefix, child)
        return None

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        node = event.node
        if node.is_root:
            return
        self._sync(node)
        if self.needs_scan(prefix_of(node)):
            self.request_scan(prefix_of(node))

    # --- counting ------------------------------------------------------------------------
    def request_scan(self, prefix: bytes) -> None:
        """Count the branches under `prefix` (most recently asked first; one scan at a time)."""
        if self.client is None:
            return
        if prefix not in self.scans:
            settings = self.settings
            if self.counter is None:
                scan = NamespaceScan(self.client, prefix, self.delimiter, settings.tree_depth,
                                     count=settings.scan_count, page_size=TREE_PAGE, time_budget=0.1, type=self.kind)
            else:  # on a cluster: one scan per primary, read as one
                scan = self.counter(prefix, self.delimiter, settings.tree_depth, count=settings.scan_count,
                                    page_size=TREE_PAGE, time_budget=0.1, type=self.kind)
            self.set_scan(prefix, scan)
        if prefix in self._order:
            self._order.remove(prefix)
        self._order.append(prefix)
        self._resume()

    def _resume(self) -> None:
        if self._worker is None or self._worker.is_finished:
            self._worker = self._count_branches()

    def retarget(self, nodes: Sequence[Node], down: Collection[str]) -> None:
        """On a cluster: the scans follow the topology (a node that took over slots, or failed and
        answers again, is counted again from the start); counting resumes if one restarted."""
        restarted = False
        for scan in self.scans.values():
            retarget = getattr(scan, "retarget", None)
            if retarget is not None and retarget(nodes, down):
                restarted = True
        if restarted:
            self._resume()

    @work(group="tree")
    async def _count_branches(self) -> None:
        """Drain the scan queue a page at a time (a scan asked for later goes first); the
        tree is redrawn a few times a second, not after every page."""
        shown = 0.0
        while True:
            pending = [prefix for prefix in reversed(self._order) if not self.scans[prefix].done]
            if not pending:
                break
            scan = self.scans[pending[0]]
            if not hasattr(scan, "next_page"):  # counts handed over, nothing to read
                break
            try:
                await scan.next_page()
            except Exception as exc:  # noqa: BLE001 - the screen shows it; the counts so far stay
                self.post_message(self.Failed(exc))
                break
            if not (self.app.is_running and self.is_attached):
                return
            if scan.done or time.monotonic() - shown >= TREE_REDRAW_S:
                shown = time.monotonic()
                self.refresh_counts()
                where = safe_text(pending[0], 24) or "all keys"
                self.border_subtitle = "" if scan.done else f"counting {where} {percent(scan.progress, 0)}"
        self.border_subtitle = self._missing()

    def _missing(self) -> str:
        """On a cluster: which nodes the counts leave out (their scan failed), else ""."""
        missing = sorted({part.addr for scan in self.scans.values() for part in getattr(scan, "failed", ())})
        if not missing:
            return ""
        return f"counts leave out {safe_text(', '.join(missing), 60)} (down)"
