"""NamespaceTree against a brute-force count of the same keys."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redis_tui.core.keyspace.namespace import NamespaceTree

key_parts = st.lists(st.sampled_from([b"", b"a", b"b", b"\xff", b"\x1b[2J"]), min_size=1, max_size=5)
keys_strategy = st.lists(st.builds(lambda parts: b":".join(parts), key_parts), max_size=60)


def brute(keys: list[bytes], depth: int, delimiter: bytes = b":") -> Counter:
    """keys under each prefix of 1..depth segments."""
    counts: Counter = Counter()
    for key in keys:
        parts = key.split(delimiter)
        for level in range(1, min(depth, len(parts) - 1) + 1):
            counts[delimiter.join(parts[:level]) + delimiter] += 1
    return counts


@settings(max_examples=200, deadline=None)
@given(keys_strategy, st.integers(1, 4))
def test_counts_match_brute_force(keys, depth):
    tree = NamespaceTree(b":", max_depth=depth)
    tree.add_keys(keys)
    expected = brute(keys, depth)
    assert tree.total_keys == len(keys)
    for prefix, count in expected.items():
        assert tree.branch(prefix).keys == count
    # every tracked branch is a real prefix, and children add up
    for level in range(1, depth + 1):
        for branch in tree.top(level, 10_000):
            assert branch.keys == expected[branch.prefix]
            assert branch.depth == level
    for prefix in [b"", *expected]:
        branch = tree.branch(prefix)
        children = tree.children(prefix)
        assert branch.direct_keys + branch.other_keys + sum(c.keys for c in children) == branch.keys
        assert all(child.prefix.startswith(prefix) for child in children)


@settings(max_examples=100, deadline=None)
@given(keys_strategy)
def test_batches_equal_one_by_one(keys):
    one, batch = NamespaceTree(max_depth=3), NamespaceTree(max_depth=3)
    for key in keys:
        one.add(key, 7)
    batch.add_pairs([(key, 7) for key in keys])
    assert one.top(1, 100) == batch.top(1, 100)
    assert one.top(3, 100) == batch.top(3, 100)
    assert one.total_bytes == batch.total_bytes == 7 * len(keys)


def test_direct_and_deeper_keys():
    tree = NamespaceTree(b":", max_depth=2)
    tree.add_pairs([(b"user", 1), (b"user:1", 2), (b"user:1:name", 3), (b"user:1:a:b:c", 4), (b"x:y", 5)])
    root = tree.branch()
    assert (root.keys, root.bytes, root.direct_keys) == (5, 15, 1)
    user = tree.branch(b"user:")
    assert (user.keys, user.bytes, user.direct_keys, user.children) == (3, 9, 1, 1)
    one = tree.branch(b"user:1:")
    # user:1:name is direct; user:1:a:b:c is deeper than max_depth: counted, not attributed
    assert (one.keys, one.direct_keys, one.other_keys) == (2, 1, 1)
    assert not tree.knows_children(b"user:1:")
    assert tree.knows_children(b"user:")
    assert [b.prefix for b in tree.children()] == [b"user:", b"x:"]
    assert tree.children(b"user:")[0].name() == b"1"


def test_node_cap_counts_overflow_in_parent():
    tree = NamespaceTree(b":", max_depth=1, max_nodes=3)  # root + 2 prefixes
    tree.add_keys([b"a:1", b"b:1", b"c:1", b"c:2", b"d"])
    assert tree.truncated
    root = tree.branch()
    assert root.keys == 5 and root.direct_keys == 1
    assert root.other_keys == 2  # c:1, c:2 have no node
    assert tree.branch(b"c:") is None


def test_multibyte_delimiter_and_root():
    tree = NamespaceTree("::", max_depth=2, root=b"app::")
    tree.add_keys([b"app::users::1", b"app::users::2", b"app::x"])
    assert [b.prefix for b in tree.children()] == [b"app::users::"]
    assert tree.branch(b"app::users::").keys == 2
    assert tree.branch().direct_keys == 1
    assert tree.top(1, 5)[0].prefix == b"app::users::"


def test_estimate_scales_by_progress():
    tree = NamespaceTree()
    tree.add_keys([b"a:1"] * 10)
    branch = tree.branch(b"a:")
    assert branch.estimate(0.25) == 40
    assert branch.estimate(1.0) == 10


def test_empty_delimiter_is_refused():
    with pytest.raises(ValueError):
        NamespaceTree(b"")


wide_keys = st.lists(st.tuples(st.builds(lambda parts: b":".join(parts),
                                         st.lists(st.sampled_from([b"a", b"b", b"c", b"d", b"e", b""]),
                                                  min_size=1, max_size=4)),
                               st.integers(0, 1000)), max_size=80)


def brute_pairs(pairs: list[tuple[bytes, int]], depth: int) -> dict[bytes, list[int]]:
    """[keys, bytes] under each prefix of 1..depth segments."""
    out: dict[bytes, list[int]] = {}
    for key, size in pairs:
        parts = key.split(b":")
        for level in range(1, min(depth, len(parts) - 1) + 1):
            sums = out.setdefault(b":".join(parts[:level]) + b":", [0, 0])
            sums[0] += 1
            sums[1] += size
    return out


@settings(max_examples=150, deadline=None)
@given(wide_keys, st.integers(1, 3), st.integers(1, 3), st.integers(1, 8), st.sampled_from(["keys", "bytes"]),
       st.integers(1, 9), st.sampled_from([8, 64, 1 << 22]))
def test_bounded_tree_shows_only_exact_counts(pairs, depth, max_children, max_nodes, rank, batch, bloom_bits):
    tree = NamespaceTree(b":", max_depth=depth, max_nodes=max_nodes, max_children=max_children, rank=rank)
    tree.folded_bits = bloom_bits  # a tiny Bloom filter: false positives fold new branches too
    for start in range(0, len(pairs), batch):
        tree.add_pairs(pairs[start:start + batch])
    expected = brute_pairs(pairs, depth)
    assert (tree.total_keys, tree.total_bytes) == (len(pairs), sum(size for _, size in pairs))
    assert len(tree._nodes) <= max_nodes
    stack = [b""]
    while stack:  # every branch shown is exact, and a parent is the sum of what it holds
        prefix = stack.pop()
        branch = tree.branch(prefix)
        children = tree.children(prefix)
        assert len(children) <= max_children
        if prefix:
            assert [branch.keys, branch.bytes] == expected[prefix]
        assert branch.direct_keys + branch.other_keys + sum(c.keys for c in children) == branch.keys
        assert branch.other_keys > 0 or branch.folded == 0
        stack += [child.prefix for child in children]
    assert tree.truncated == (tree.folded > 0)
    for prefix in [*expected, b"zz:", b"a:zz:", b"b:b:zz:"]:
        count = tree.count_of(prefix)  # never a wrong figure: exact, or None (unknown)
        assert count is None or list(count) == expected.get(prefix, [0, 0]), prefix


def test_a_bigger_newcomer_takes_the_place_of_the_smallest_branch():
    tree = NamespaceTree(b":", max_depth=1, max_children=2, rank="bytes")
    tree.add_pairs([(b"a:1", 10), (b"b:1", 20)])
    tree.add_pairs([(b"c:1", 1000)])  # bigger than a: (10 bytes): a: is folded
    tree.add_pairs([(b"a:2", 5000)])  # a: was folded: it stays folded (a count from now on would be wrong)
    assert [(b.prefix, b.bytes) for b in tree.children(by="bytes")] == [(b"c:", 1000), (b"b:", 20)]
    root = tree.branch()
    assert (root.keys, root.other_keys, root.folded) == (4, 2, 1)
    assert tree.count_of(b"a:") is None and tree.count_of(b"c:") == (1, 1000)
    assert tree.truncated and tree.folded == 1


def test_by_keys_the_first_branches_stay():
    tree = NamespaceTree(b":", max_depth=1, max_children=2)
    for key in (b"a:1", b"b:1", b"c:1", b"c:2", b"a:2"):  # one page each: c: is never bigger on arrival
        tree.add_keys([key])
    assert [(b.prefix, b.keys) for b in tree.children()] == [(b"a:", 2), (b"b:", 1)]
    assert tree.branch().other_keys == 2 and tree.branch().folded == 1
    tree.add_keys([b"d:1", b"d:2"])  # two keys on arrival beat b:'s one
    assert [(b.prefix, b.keys) for b in tree.children()] == [(b"a:", 2), (b"d:", 2)]
    assert tree.count_of(b"c:") is None and tree.count_of(b"b:") is None  # folded: unknown here
    assert tree.count_of(b"e:") == (0, 0)  # never folded (the Bloom filter is sure of a "no")
    deeper = NamespaceTree(b":", max_depth=2, max_children=1)
    deeper.add_keys([b"x:1:a", b"x:2:a"])
    assert deeper.count_of(b"y:") == (0, 0)  # the root folded nothing: y: was never seen
    assert deeper.count_of(b"x:2:") is None and deeper.count_of(b"x:1:") == (1, 0)


def test_merged_trees_never_show_a_partial_count_as_exact():
    from redis_tui.core.keyspace.analyze import AnalyzeOptions
    from redis_tui.core.keyspace.nodes_analyze import merge_namespaces

    one = NamespaceTree(b":", max_depth=2, max_children=2, rank="bytes")
    two = NamespaceTree(b":", max_depth=2, max_children=2, rank="bytes")
    one.add_pairs([(b"a:1", 100), (b"b:1", 50)])
    two.add_pairs([(b"a:2", 10), (b"c:1", 70), (b"b:2", 5)])  # b: arrives last in a full root: folded here
    merged = {b.prefix: b for b in merge_namespaces([one, two], AnalyzeOptions(depth=1, top=5))}
    assert (merged[b"a:"].keys, merged[b"a:"].bytes, merged[b"a:"].exact) == (2, 110, True)
    assert (merged[b"c:"].keys, merged[b"c:"].exact) == (1, True)  # `one` never saw c: (it folded nothing)
    assert (merged[b"b:"].keys, merged[b"b:"].bytes, merged[b"b:"].exact) == (1, 50, False)  # a lower bound


def test_a_bloom_false_positive_never_hides_a_branch_or_a_count():
    tree = NamespaceTree(b":", max_depth=2, max_children=2)
    tree.folded_bits = 8  # tiny: false positives are easy to find
    tree.add_keys([b"a:x:1", b"a:y:1", b"a:z:1", b"b:1:1"])  # a:z: is folded (a: is full)
    maybe = [b"b:%d:" % n for n in range(2, 10_000) if b"b:%d:" % n in tree._folded]  # never seen, "maybe folded"
    tree.add_keys([maybe[0] + b"k"])  # b: never folded a child: the filter is wrong, the branch is kept
    assert tree.branch(maybe[0]).keys == 1 and tree.count_of(maybe[0]) == (1, 0)
    tree.add_keys([b"b:%d:k" % n for n in range(10_000, 10_003)])  # b: is full: these three are folded
    b = tree.branch(b"b:")  # (after the first, a false positive may fold one uncounted: "folded" is a lower bound)
    assert b.other_keys == 3 and 1 <= b.folded <= 3
    assert tree.count_of(maybe[1]) is None  # "maybe folded" under a parent that folded: unknown, never 0
    tree.add_keys([maybe[1] + b"k"])
    assert tree.branch(maybe[1]) is None and tree.branch(b"b:").keys == 6  # folded, but counted
