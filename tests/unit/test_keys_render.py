"""What the keys and analyze screens draw from core results: escaped, bounded, exact."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from redis_tui.core.display import redis_repr
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer, Progress
from redis_tui.core.keyspace.namespace import NamespaceTree
from redis_tui.core.keyspace.scan import ScanPage, glob_escape, glob_prefix
from redis_tui.core.keyspace.scripts import KeyStats
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.values import Element, KeyInfo, StringValue
from redis_tui.ui.analyze.screen import progress_text
from redis_tui.ui.analyze.view import ReportView
from redis_tui.ui.keys.bar import bar_text, visited
from redis_tui.ui.keys.detail import info_text
from redis_tui.ui.keys.names import copy_form, editable_name, key_cell
from redis_tui.ui.keys.tree import FrozenScan, NamespaceView
from redis_tui.ui.keys.value_view import TEXT_LINES, cell, element_row, hex_layout, string_body, string_head

HOSTILE = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"


def no_controls(text: str) -> bool:
    return all(char.isprintable() for char in text)


@given(st.binary(max_size=64))
def test_copy_form_is_the_name_or_its_quoted_form(key):
    copied = copy_form(key)
    assert no_controls(copied)
    if copied.startswith('"') and copied == redis_repr(key):
        return
    assert copied.encode("utf-8") == key  # a plain name is copied as it is


def test_copy_and_edit_forms():
    assert copy_form(b"user:1") == editable_name(b"user:1") == "user:1"
    assert copy_form(HOSTILE) == redis_repr(HOSTILE) and editable_name(HOSTILE) == ""
    assert copy_form(b"\xff\xfe") == '"\\xff\\xfe"' and editable_name(b"\xff\xfe") == ""
    assert copy_form(b"") == '""' and editable_name(None) == ""
    assert editable_name(b"caf\xc3\xa9 *") == "café *"


@given(st.binary(max_size=300))
def test_cells_are_plain_bounded_text(data):
    for text in (key_cell(data), cell(data, len(data) + 10)):
        assert no_controls(text.plain) and len(text.plain) <= 200


def test_element_rows_per_type():
    assert [t.plain for t in element_row("hash", Element(b"v" * 10, 5000, name=HOSTILE))] == [
        "\\x1b[2J\\x1b]8;;http://x\\a[red]bo…", "vvvvvvvvvv …(4.9K)"]
    assert [t.plain for t in element_row("list", Element(b"x", 1, index=7))] == ["7", "x"]
    assert [t.plain for t in element_row("set", Element(b"\x00\xff", 2))] == ["\\x00\\xff"]
    assert [t.plain for t in element_row("zset", Element(b"m", 1, score=b"1.5", index=0))] == ["0", "1.5", "m"]
    stream = Element(b"", 9, name=b"1-0", fields=((b"n", b"1"), (b"what", b"\x1b")))
    assert [t.plain for t in element_row("stream", stream)] == ["1-0", "n=1  what=\\x1b"]


def test_string_previews():
    data = json.dumps({"a": [1, {"b": "\x1b"}]}).encode()
    value = StringValue(data, len(data))
    assert string_head(value).plain == f"JSON · {len(data)}B"
    assert string_body(value).plain == json.dumps(json.loads(data), indent=2)
    data = b"a first line of text\nthen an escape \x1b[2J in the second one"
    assert string_body(StringValue(data, len(data))).plain.splitlines() == [
        "a first line of text", "then an escape \\x1b[2J in the second one"]
    many = b"\n".join(b"%d" % n for n in range(TEXT_LINES + 50))
    assert string_body(StringValue(many, len(many))).plain.endswith(f"… (first {TEXT_LINES} lines)")
    binary = StringValue(b"\x00" * 64 * 1024, 5 * 1024 * 1024)
    assert string_head(binary).plain == "binary · 5.0M, showing the first 16.0K as hex"
    first_line = "00000000  " + " ".join(["00"] * 16) + "  |" + "." * 16 + "|"
    assert string_body(binary, 80).plain.splitlines()[0] == first_line
    assert len(string_body(binary, 50).plain.splitlines()[0]) <= 50
    assert [hex_layout(c) for c in (141, 123, 120, 77, 76, 67, 66, 45, 44, 39, 38)] == [
        (32, 1), (32, 2), (16, 1), (16, 1), (16, 2), (16, 2), (8, 1), (8, 1), (8, 2), (8, 2), (4, 2)]
    data = bytes(range(256)) * 2
    for columns in (200, 141, 123, 77, 67, 43, 39, 20):  # every layout fits and holds every byte once
        lines = string_body(StringValue(data, len(data)), columns).plain.splitlines()
        assert max(map(len, lines)) <= max(columns, 25)
        width, group = hex_layout(columns)
        assert bytes.fromhex("".join(line[10:10 + width * 2 + width // group - 1] for line in lines)) == data
    # the keys screen at 120 columns gives the value 67: 16 bytes a line, not 8
    assert string_body(StringValue(b"Hello\x00\xff", 7), 67).plain == "00000000  4865 6c6c 6f00 ff" + " " * 22 + \
        "  Hello.."


def test_info_text_shows_what_the_key_is_and_when_it_expires():
    now = 1_764_000_000.0  # 2025-11-24 16:00:00 UTC (TZ=UTC in tests)
    info = KeyInfo(HOSTILE, True, "hash", "listpack", 90_000, now + 90, 120, 3)
    assert info_text(info, now).plain.splitlines() == [
        "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]", "type hash  encoding listpack", "fields 3  memory 120B",
        "TTL 1m30s · expires 2025-11-24 16:01:30"]
    assert info_text(info, now + 89.5).plain.splitlines()[3].startswith("TTL 500ms")
    persistent = KeyInfo(b"k", True, "stream", None, None, None, None, None)
    assert info_text(persistent, now).plain.splitlines()[1:] == ["type stream  encoding ?", "memory —", "no expiry"]
    gone = KeyInfo(b"k", False, "none", None, None, None, None, None)
    assert info_text(gone, now).plain == "k\nthis key no longer exists"
    long = KeyInfo(b"cache:" + "é".encode() * 150, True, "string", "raw", 90_000, now + 90, 120, 3)
    lines = info_text(long, now, 40).plain.splitlines()  # the name takes 2 lines at most: the TTL stays in view
    assert len(lines) == 5 and lines[0] == "cache:" + "é" * 34 and lines[1] == "é" * 39 + "…"
    assert lines[4] == "TTL 1m30s · expires 2025-11-24 16:01:30"
    assert info_text(long, now).plain.splitlines()[0] == "cache:" + "é" * 150  # no width: the whole name


def tree_view(*scans: tuple[bytes, NamespaceTree, float, bool]) -> NamespaceView:
    view = NamespaceView(b":")
    for prefix, tree, progress, done in scans:
        view.scans[prefix] = FrozenScan(tree, progress, done)
    return view


def test_tree_labels_estimate_while_scanning_and_ask_for_deeper_scans():
    tree = NamespaceTree(b":", max_depth=2)
    tree.add_keys([b"user:%d:name" % n for n in range(30)] + [b"user:1:a:b", b"plain", HOSTILE])
    view = tree_view((b"", tree, 0.25, False))
    assert view.label_for(b"").plain == "all keys  ~132"
    assert view.label_for(b"user:").plain == "user:  ~124"
    view = tree_view((b"", tree, 1.0, True))
    assert view.label_for(b"user:").plain == "user:  31"
    assert view.label_for(b"\x1b[2J\x1b]8;;http:").plain == "\\x1b[2J\\x1b]8;;http:  1"
    assert view.label_for(b"nothing:").plain == "nothing:  …"
    assert not view.needs_scan(b"user:")  # depth 1: the root scan counted its children
    assert view.needs_scan(b"user:1:")  # depth 2 with deeper keys: a scan of its own
    assert view.needs_scan(b"unknown:")
    deeper = NamespaceTree(b":", max_depth=2, root=b"user:1:")
    deeper.add_keys([b"user:1:name", b"user:1:a:b"])
    view.scans[b"user:1:"] = FrozenScan(deeper, 0.5, False)
    assert not view.needs_scan(b"user:1:")
    assert view.label_for(b"user:1:").plain == "1:  2"  # the finished root scan's exact count wins
    assert view.label_for(b"user:1:a:").plain == "a:  ~2"


def shown_tree_is_consistent(view: NamespaceView, prefix: bytes = b"") -> None:
    """Every parent holds at least the sum of its children, as labelled."""
    source = view._children_source(prefix)
    if source is None:
        return
    children = [branch.prefix for branch in source.tree.children(prefix)]
    assert view.count(prefix)[0] >= sum(view.count(child)[0] for child in children), prefix
    for child in children:
        shown_tree_is_consistent(view, child)


def test_a_branch_counted_again_replaces_its_old_count_in_every_parent():
    # the root pass counted cache:api: at 2,249; keys expired; opening it counted 2,063
    old = NamespaceTree(b":", max_depth=2)
    old.add_keys([b"cache:api:%d:x" % n for n in range(2249)] + [b"cache:web:%d" % n for n in range(10)]
                 + [b"session:%d" % n for n in range(100)])
    new = NamespaceTree(b":", max_depth=2, root=b"cache:api:")
    new.add_keys([b"cache:api:%d:x" % n for n in range(2063)])
    view = tree_view((b"", old, 1.0, True), (b"cache:api:", new, 1.0, True))
    assert view.label_for(b"cache:api:").plain == "api:  2,063  +1.1K more"  # 1,000 of its branches listed
    assert view.label_for(b"cache:").plain == "cache:  2,073"  # 2,063 + the 10 of cache:web:
    assert view.label_for(b"").plain == "all keys  2,173"
    assert view.count(b"cache:web:") == (10, True) and view.count(b"session:") == (100, True)
    shown_tree_is_consistent(view)
    # a deeper pass again, under the recounted branch: it replaces its part everywhere above
    deeper = NamespaceTree(b":", max_depth=2, root=b"cache:api:7:")
    view.scans[b"cache:api:7:"] = FrozenScan(deeper, 1.0, True)  # cache:api:7:x expired too
    assert [view.count(p)[0] for p in (b"cache:api:7:", b"cache:api:", b"cache:", b"")] == [0, 2062, 2072, 2172]
    shown_tree_is_consistent(view)
    # while a recount runs, the finished pass is shown (and stays consistent)
    view.scans[b"session:"] = FrozenScan(NamespaceTree(b":", 2, root=b"session:"), 0.5, False)
    assert view.count(b"session:") == (100, True) and view.count(b"") == (2172, True)


def test_the_tree_names_the_type_it_counts():
    view = NamespaceView(b":")
    assert view.title() == "Namespaces (:)" and view.label_for(b"").plain == "all keys  …"
    view.kind = "hash"
    assert view.title() == "Namespaces (:) · hash keys" and view.label_for(b"").plain == "all hash keys  …"


def test_the_bar_counts_against_the_tree():
    page = ScanPage(tuple(b"k%d" % n for n in range(1000)), False, 0.004, 1000, 0, 1, 0.1)
    assert bar_text(1000, page).plain == "1,000 keys · 0.4% of the keyspace scanned · match * · type all"
    assert bar_text(1000, page, total=(2249, True), dbsize=2249).plain == (
        "1,000 of 2,249 keys · DBSIZE 2,249 · match * · type all")
    assert bar_text(1000, page, total=(12_345, False), loading=True, kind="hash", match=b"user:*").plain == (
        "1,000 of ~12.3K keys · loading… · match user:* · type hash")
    done = ScanPage((), True, 1.0, 2063, 0, 3, 0.2)
    assert bar_text(2063, done, total=(2063, True)).plain == "2,063 keys (scan complete) · match * · type all"
    assert bar_text(1, done, match=b"\x1b[2J[red]").plain == "1 key (scan complete) · match \\x1b[2J[red] · type all"
    assert [visited(p) for p in (0.0, 0.0004, 0.004, 0.25, 1.0)] == ["0%", "<0.1%", "0.4%", "25%", "100%"]


def test_glob_prefix_reads_back_a_branch_filter():
    for prefix in (b"user:", b"a*[b]\\:", b"\xff:", b""):
        assert glob_prefix(glob_escape(prefix) + b"*") == prefix
    assert glob_prefix(None) == b"" and glob_prefix(b"*") == b""
    assert [glob_prefix(p) for p in (b"us?r:*", b"user:", b"user:[ab]*", b"a\\")] == [None, None, None, None]


def test_progress_text_and_options():
    assert progress_text(Progress(412_000, 0.5, 2.0, 1_000_000)).plain == (
        "412,000 of ~1,000,000 keys · 50% · 206K keys/s · ETA 2s · 2s elapsed")
    assert progress_text(Progress(0, 0.0, 0.0, 0)).plain == "0 keys · 0% · 0 keys/s · 0s elapsed"
    options = KeyspaceSettings(delimiter="/", batch=50, pause_ms=20, top=3, depth=2).analyze_options()
    assert (options.delimiter, options.batch, options.pause, options.top, options.depth) == (b"/", 50, 0.02, 3, 2)


def render(renderable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_report_view_escapes_names_and_fits_the_width():
    analyzer = Analyzer(None, AnalyzeOptions(top=3, depth=2))
    analyzer.add([KeyStats(HOSTILE + b":x", "string", 100, 3, -1), KeyStats(b"\xff:a", "hash", 5000, 40, 90_000),
                  KeyStats(b"user:1", "string", 60, 2, 30_000)])
    report = analyzer.report()
    for width in (80, 120):
        text = render(ReportView(report), width)
        assert "\x1b" not in text and "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]:x" in text
        assert "\\xff:" in text and "3 keys" in text.splitlines()[0]
        assert max(len(line) for line in text.splitlines()) <= width
    wide, narrow = render(ReportView(report), 120), render(ReportView(report), 80)
    assert any("By type" in line and "Namespaces" in line for line in wide.splitlines())  # two columns
    assert narrow.index("Namespaces") > narrow.index("TTL")  # one column: namespaces below the TTLs


def test_a_branch_says_how_many_branches_under_it_are_not_listed():
    tree = NamespaceTree(b":", max_depth=2, max_children=2)
    tree.add_keys([b"user:%d:x" % n for n in range(5)] + [b"cache:1"])
    view = tree_view((b"", tree, 1.0, True))
    assert view.label_for(b"user:").plain == "user:  5  +3 more"  # 2 listed, 3 folded; all 5 counted
    assert view.label_for(b"").plain == "all keys  6"
    assert [b.prefix for b in tree.children(b"user:")] == [b"user:0:", b"user:1:"]


def test_pages_of_big_elements_are_shorter():
    from redis_tui.ui.keys.detail import page_size_for

    def info(memory, length):
        return KeyInfo(b"k", True, "list", "quicklist", None, None, memory, length)

    assert page_size_for(info(10_000, 100), 200) == 200  # small elements: the setting
    assert page_size_for(info(10 * 100 * 2**20, 10), 200) == 1  # 100 MB items: one a page
    assert page_size_for(info(200 * 2**20, 10_000), 200) == 200 and page_size_for(info(2**30, 10_000), 200) == 39
    assert page_size_for(info(None, 10), 200) == 200  # MEMORY USAGE refused: the setting
