"""Several nodes' namespace trees read as one (the keys screen's tree on a cluster), and the keys bar's words
for a scan over several nodes."""

from __future__ import annotations

from rich.text import Text

from redis_tui.core.keyspace.namespace import NamespaceTree
from redis_tui.core.keyspace.nodes_scan import MergedTree, NodesPage
from redis_tui.ui.keys.bar import bar_text


def tree_of(*keys: bytes) -> NamespaceTree:
    tree = NamespaceTree(b":", max_depth=2)
    tree.add_keys(keys)
    return tree


def test_counts_add_up_and_children_are_the_union():
    one = tree_of(b"user:1:a", b"user:2:a", b"jobs:x", b"plain")
    two = tree_of(b"user:1:b", b"cache:z", b"cache:y")
    merged = MergedTree([one, two], max_depth=2)
    assert merged.branch(b"").keys == 7 and merged.total_keys == 7
    assert merged.branch(b"").direct_keys == 1
    assert [(b.prefix, b.keys) for b in merged.children()] == [(b"user:", 3), (b"cache:", 2), (b"jobs:", 1)]
    assert [(b.prefix, b.keys) for b in merged.children(b"user:")] == [(b"user:1:", 2), (b"user:2:", 1)]
    assert merged.branch(b"cache:").keys == 2 and merged.branch(b"nothing:") is None
    assert merged.knows_children(b"user:")


def test_the_bar_says_what_a_scan_over_nodes_covers():
    page = NodesPage((b"k",), True, 0.6, 1, 0, 3, 0.1, ("10.0.0.5:6379",), complete=False)
    bar = bar_text(1, page, dbsize=10, cover=Text(" · 3 primaries · down: 10.0.0.6:6379 (connection-refused)"))
    assert bar.plain.startswith("1 key (scan incomplete: 60% of the keyspace) · DBSIZE 10 · 3 primaries · down: ")
    done = NodesPage((b"k",), True, 1.0, 1, 0, 3, 0.1, ("10.0.0.5:6379",))
    assert bar_text(1, done).plain.startswith("1 key (scan complete)")
