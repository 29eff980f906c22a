"""The keys screen against real servers: listing, filters, the tree, every viewer, hostile names."""

from __future__ import annotations

import json

import pytest
import redis
from textual.widgets import Input

from redis_tui.core.display import redis_repr, safe_text
from redis_tui.core.keyspace.scan import glob_escape
from redis_tui.ui.keys.tree import NamespaceView
from redis_tui.ui.keys.value_view import hex_layout
from tests.integration.keyspace_dataset import BIG_STRING, BIG_STRING_SIZE, BINARY, HOSTILE
from tests.ui.helpers import table_rows, text_of, wait_until
from tests.ui.keys_data import (
    HUGE_HASH,
    HUGE_HASH_FIELDS,
    app_for,
    keys_data,
    listed,
    open_keys,
    scan_done,
    screen_text,
    show_key,
    toast_shown,
)

pytestmark = pytest.mark.integration
__all__ = ["keys_data"]


def server_scan(r, match: bytes = b"*", type: str | None = None) -> set[bytes]:
    return set(r.scan_iter(match=match, count=1000, _type=type))


async def test_browsing_pages_through_every_key_once(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url, page_size=40, scan_count=20)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        await wait_until(pilot, lambda: screen._keys_worker.is_finished)
        first = listed(screen)
        assert 40 <= len(first) < r.dbsize() and not screen.last_page.done  # a screenful, not everything
        assert f"DBSIZE {r.dbsize():,}" in text_of(app, "#keys-bar")
        await pilot.press("M")  # one more page on demand
        await wait_until(pilot, lambda: screen._keys_worker.is_finished and len(listed(screen)) > len(first))
        for _ in range(100):  # reaching the end of the list loads the next page
            if screen.last_page.done:
                break
            count = len(listed(screen))
            await pilot.press("end")
            await wait_until(pilot, lambda count=count: len(listed(screen)) > count or screen.last_page.done)
        await scan_done(pilot, screen)
        keys = listed(screen)
        assert len(keys) == len(set(keys)) == r.dbsize()
        assert set(keys) == set(r.keys(b"*"))
        assert f"{r.dbsize():,} keys (scan complete)" in text_of(app, "#keys-bar")


async def test_glob_and_type_filters_list_what_the_server_matches(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        await pilot.press("slash")
        box = screen.query_one("#glob-input", Input)
        assert box.display and box.has_focus
        box.value = "user:1*"
        await pilot.press("enter")
        await scan_done(pilot, screen)
        assert not box.display
        assert set(listed(screen)) == server_scan(r, b"user:1*") and len(listed(screen)) == 111
        assert "match user:1*" in text_of(app, "#keys-bar")
        for kind in ("string", "hash", "list", "set", "zset", "stream"):
            await pilot.press("t")
            await scan_done(pilot, screen)
            assert f"type {kind}" in text_of(app, "#keys-bar")
            assert set(listed(screen)) == server_scan(r, b"user:1*", kind)
        await pilot.press("t")  # back to all types
        await pilot.press("slash")
        assert box.value == "user:1*"
        box.value = ""
        await pilot.press("enter")
        await scan_done(pilot, screen)
        assert set(listed(screen)) == set(r.keys(b"*")) and "type all" in text_of(app, "#keys-bar")
        screen.set_filter(None, "zset")
        await scan_done(pilot, screen)
        assert set(listed(screen)) == server_scan(r, b"*", "zset")


def tree_count(tree: NamespaceView, prefix: bytes) -> int:
    keys, exact = tree.count(prefix)
    assert exact
    return keys


async def test_tree_counts_match_the_server_and_open_lazily(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        tree = screen.query_one(NamespaceView)
        await wait_until(pilot, lambda: b"" in tree.scans and tree.scans[b""].done)
        await pilot.pause()
        assert tree_count(tree, b"") == r.dbsize()
        assert f"all keys  {r.dbsize():,}" in str(tree.root.label)
        children = [node.data for node in tree.root.children]
        assert b"user:" in children and HOSTILE.split(b":")[0] + b":" in children
        for prefix in children:
            assert tree_count(tree, prefix) == len(r.keys(glob_escape(prefix) + b"*")), prefix
        counts = [tree_count(tree, prefix) for prefix in children]
        assert counts == sorted(counts, reverse=True)  # biggest first once counted
        hostile = tree.find(HOSTILE.split(b":")[0] + b":")
        assert "\\x1b[2J\\x1b]8;;http:" in str(hostile.label)

        # a branch the root scan did not go into: opening it scans MATCH <prefix>*
        deep = tree.find(b"\xff:")
        tree.focus()
        tree.move_cursor(deep)
        await pilot.press("space")
        await wait_until(pilot, lambda: tree.find(b"\xff:\xfe:") is not None)
        tree.move_cursor(tree.find(b"\xff:\xfe:"))
        await pilot.press("space")
        await wait_until(pilot, lambda: b"\xff:\xfe:" in tree.scans and tree.scans[b"\xff:\xfe:"].done)
        await wait_until(pilot, lambda: tree.find(b"\xff:\xfe:deep:") is not None)
        assert tree_count(tree, b"\xff:\xfe:deep:") == 1
        assert "\\xff:" in str(deep.label)

        # selecting a branch lists its keys
        tree.move_cursor(tree.find(b"session:"))
        await pilot.press("enter")
        await scan_done(pilot, screen)
        assert set(listed(screen)) == set(r.keys(b"session:*"))
        tree.move_cursor(tree.root)
        await pilot.press("enter")
        await scan_done(pilot, screen)
        assert screen.match is None and len(listed(screen)) == r.dbsize()


async def test_every_type_has_its_viewer(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url, value_page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        detail = await show_key(pilot, screen, b"session:3")
        assert detail.info.type == "hash" and detail.info.memory == r.memory_usage(b"session:3")
        assert 0 < detail.info.ttl_ms <= 600_000 and "TTL " in text_of(app, "#key-info")
        assert {tuple(row) for row in table_rows(app, "#value-table")} == {
            (k.decode(), v.decode()) for k, v in r.hgetall(b"session:3").items()}

        detail = await show_key(pilot, screen, b"queue:7")
        items = r.lrange(b"queue:7", 0, -1)
        assert table_rows(app, "#value-table") == [[str(i), v.decode()] for i, v in enumerate(items)]
        assert "items 8" in text_of(app, "#key-info") and "no expiry" in text_of(app, "#key-info")

        await show_key(pilot, screen, b"tags:5")
        assert {row[0] for row in table_rows(app, "#value-table")} == {m.decode() for m in r.smembers(b"tags:5")}

        await show_key(pilot, screen, b"rank:4")
        expected = r.zrange(b"rank:4", 0, -1, withscores=True, score_cast_func=bytes)
        assert table_rows(app, "#value-table") == [
            [str(i), score.decode(), member.decode()] for i, (member, score) in enumerate(expected)]

        await show_key(pilot, screen, b"events:2")
        entry_id, fields = r.xrange(b"events:2")[0]
        assert table_rows(app, "#value-table") == [[entry_id.decode(), "  ".join(
            f"{k.decode()}={v.decode()}" for k, v in fields.items())]]

        await show_key(pilot, screen, b"json")
        assert text_of(app, "#value-head").startswith("JSON")
        assert text_of(app, "#string-body") == json.dumps(json.loads(r.get(b"json")), indent=2)

        await show_key(pilot, screen, b"user:7:name")
        assert text_of(app, "#value-head").startswith("text") and text_of(app, "#string-body") == "name 7"


async def test_big_keys_open_with_a_bounded_first_page(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url, value_page_size=100)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        await show_key(pilot, screen, HUGE_HASH)
        rows = table_rows(app, "#value-table")
        assert 100 <= len(rows) < 200  # the first page only, of 100,000 fields
        assert f"of {HUGE_HASH_FIELDS:,} loaded" in text_of(app, "#value-foot")
        assert all(r.hget(HUGE_HASH, field.encode()) == value.encode() for field, value in rows[:20])
        screen.query_one("#value-table").focus()
        await pilot.press("M")
        await wait_until(pilot, lambda: len(table_rows(app, "#value-table")) >= len(rows) + 100)
        fields = [row[0] for row in table_rows(app, "#value-table")]
        assert len(fields) == len(set(fields))

        await show_key(pilot, screen, BIG_STRING)
        head = text_of(app, "#value-head")
        assert head.startswith("binary · 5.0M") and "showing the first 16.0K as hex" in head
        assert f"bytes {BIG_STRING_SIZE:,}" in text_of(app, "#key-info")
        assert len(text_of(app, "#string-body")) < 200_000
        # the 70-column pane holds 16 bytes a line (5 MB of zero bytes: every line the same)
        assert text_of(app, "#string-body").splitlines()[1] == "00000010  " + " ".join(["0000"] * 8) + "  " + "." * 16


async def test_hostile_and_binary_names_are_escaped_and_inspectable(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        await scan_done(pilot, screen)
        shown = screen_text(app)
        assert "\x1b" not in shown and "\x07" not in shown  # nothing reaches the terminal raw
        detail = await show_key(pilot, screen, HOSTILE)
        assert table_rows(app, "#key-list") == [[safe_text(HOSTILE)]]
        assert text_of(app, "#key-info").splitlines()[0] == "\\x1b[2J\\x1b]8;;http://x\\a[red]boom[/]"
        assert detail.info.memory == r.memory_usage(HOSTILE) and detail.info.type == "string"
        assert text_of(app, "#string-body") == "\\x1b[2J value [bold]x[/]"
        await pilot.press("y")
        assert app.clipboard == redis_repr(HOSTILE)
        await toast_shown(pilot, "Copied " + redis_repr(HOSTILE))  # escaped once, [red] and [/] as text

        await show_key(pilot, screen, BINARY)
        assert table_rows(app, "#key-list") == [["\\xff\\xfe"]]
        assert {row[0] for row in table_rows(app, "#value-table")} == {"\\x00\\xff", safe_text(HOSTILE)}
        await pilot.press("y")
        assert app.clipboard == '"\\xff\\xfe"'
        await show_key(pilot, screen, b"user:3:name")
        await pilot.press("y")
        assert app.clipboard == "user:3:name"
        await toast_shown(pilot, "Copied user:3:name")
        assert "\x1b" not in screen_text(app)


async def test_refresh_follows_the_server_and_the_client_is_closed_on_exit(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url)
    async with app.run_test(size=(120, 40)) as pilot:
        r.set(b"refresh:me", b"v", ex=7200)
        screen = await open_keys(pilot)
        await show_key(pilot, screen, b"refresh:me")
        r.expire(b"refresh:me", 90)
        await pilot.press("R")
        await wait_until(pilot, lambda: "TTL 1m" in text_of(app, "#key-info"))
        names = [c.get("name") for c in r.client_list()]
        assert "redis-tui-keys" in names
        await pilot.press("escape")
        assert not isinstance(app.screen, type(screen))
        await pilot.press("k")  # the screen kept its list
        assert app.screen is screen and listed(screen) == [b"refresh:me"]
    r.delete(b"refresh:me")
    assert "redis-tui-keys" not in [c.get("name") for c in r.client_list()]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_a_long_name_leaves_the_ttl_and_a_16_byte_hex_line_in_view(server, size):
    r = redis.Redis(port=server.port)
    name = b"cache:api:v1:search:" + b"q" * 250
    r.set(name, bytes(range(64)), ex=600)
    app = app_for(server.url)
    async with app.run_test(size=size) as pilot:
        screen = await open_keys(pilot)
        await show_key(pilot, screen, name)
        await wait_until(pilot, lambda: "TTL 9m" in screen_text(app))
        shown = screen_text(app)
        assert "cache:api:v1:search:qqq" in shown and "bytes 64  memory" in shown and "type string" in shown
        width, _group = hex_layout(screen.query_one("#key-detail").content_region.width - 1)
        assert width == (16 if size == (120, 40) else 8)
        assert "00000000  0001 0203 0405 0607" in shown


async def test_the_tree_and_the_bar_count_the_keys_of_the_type_listed(keys_data):
    r = keys_data.sync
    app = app_for(keys_data.url, page_size=40, scan_count=20)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        tree = screen.query_one(NamespaceView)
        await wait_until(pilot, lambda: b"" in tree.scans and tree.scans[b""].done and screen._keys_worker.is_finished)
        await pilot.pause()
        assert not screen.last_page.done  # a screenful listed, the tree counted everything
        bar = text_of(app, "#keys-bar")
        assert bar.startswith(f"{len(listed(screen)):,} of {r.dbsize():,} keys") and "scanned" not in bar

        await pilot.press("t")  # strings only: the tree counts strings too, and says so
        strings = server_scan(r, b"*", "string")
        await wait_until(pilot, lambda: tree.kind == "string" and b"" in tree.scans and tree.scans[b""].done
                         and screen._keys_worker.is_finished)
        await pilot.pause()
        assert tree_count(tree, b"") == len(strings) and "string keys" in tree.border_title
        assert f"all string keys  {len(strings):,}" in str(tree.root.label)
        assert tree_count(tree, b"user:") == 300 and tree.find(b"queue:") is None and tree.find(b"session:") is None
        bar = text_of(app, "#keys-bar")
        if screen.last_page.done:
            assert bar.startswith(f"{len(strings):,} keys (scan complete)")
        else:
            assert bar.startswith(f"{len(listed(screen)):,} of {len(strings):,} keys")

        await pilot.press("t")  # hashes
        hashes = server_scan(r, b"*", "hash")
        await wait_until(pilot, lambda: tree.kind == "hash" and b"" in tree.scans and tree.scans[b""].done)
        assert tree_count(tree, b"") == len(hashes) and tree_count(tree, b"session:") == 100
        assert tree.find(b"user:") is None


async def test_a_branch_counted_again_keeps_its_parents_consistent(server):
    r = redis.Redis(port=server.port)
    r.mset({b"cache:api:%d:body" % n: b"x" for n in range(300)})
    r.set(b"cache:web:1", b"x")
    app = app_for(server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        tree = screen.query_one(NamespaceView)
        await wait_until(pilot, lambda: b"" in tree.scans and tree.scans[b""].done)
        assert tree.count(b"cache:") == (301, True) and tree.count(b"cache:api:") == (300, True)
        r.delete(*[b"cache:api:%d:body" % n for n in range(100)])  # gone between two passes
        tree.focus()
        tree.move_cursor(tree.find(b"cache:"))
        await pilot.press("space")
        await wait_until(pilot, lambda: tree.find(b"cache:api:") is not None)
        tree.move_cursor(tree.find(b"cache:api:"))
        await pilot.press("space")  # deeper than the first pass went: counted again
        await wait_until(pilot, lambda: b"cache:api:" in tree.scans and tree.scans[b"cache:api:"].done)
        await wait_until(pilot, lambda: "api:  200" in str(tree.find(b"cache:api:").label))
        assert "cache:  201" in str(tree.find(b"cache:").label)
        assert f"all keys  {r.dbsize():,}" in str(tree.root.label) and r.dbsize() == 201
