"""The keys screen on long lists: the value viewer keeps a bounded window of rows that pages
both ways, home / end reach a collection's first / last element in one read, and the key
list drops its oldest rows while it pages on (one server kind: the paging is the app's;
the windows are made smaller than the app's so that the tests page less)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from redis_tui.demo.server import EmbeddedServer, available_kinds
from redis_tui.ui.keys import detail as detail_module
from redis_tui.ui.keys import screen as screen_module
from redis_tui.ui.keys.detail import KeyDetail
from tests.ui.helpers import table_rows, text_of, wait_until
from tests.ui.keys_data import app_for, listed, open_keys, scan_done, show_key

pytestmark = pytest.mark.integration

LIST, HASH = b"long:list", b"long:hash"
LENGTH = 100_000
FIELDS = 600
NAMES = 2_000  # small keys, to page the key list through
PAGE = 100
WINDOW, SLACK = 200, 100  # a smaller window than the app's (1,000 rows), so the test pages less
BUILD = r"""
for first = 1, tonumber(ARGV[1]), 1000 do
  local args = {}
  for i = first, first + 999 do args[#args + 1] = 'item:' .. i end
  redis.call('RPUSH', KEYS[1], unpack(args))
end
for i = 1, tonumber(ARGV[2]) do redis.call('HSET', KEYS[2], 'f:' .. i, i) end
for i = 1, tonumber(ARGV[3]) do redis.call('SET', 'k:' .. i, i) end
return 1
"""


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detail_module, "MAX_VALUE_ROWS", WINDOW)
    monkeypatch.setattr(detail_module, "TRIM_SLACK", SLACK)


@pytest.fixture(scope="module")
def long_values() -> Iterator[redis.Redis]:
    server = EmbeddedServer(available_kinds()[0]).start()
    r = redis.Redis(port=server.port)
    r.eval(BUILD, 2, LIST, HASH, LENGTH, FIELDS, NAMES)
    yield r
    r.close()
    server.close()


def url_of(r: redis.Redis) -> str:
    return f"redis://127.0.0.1:{r.connection_pool.connection_kwargs['port']}/0"


def shown_items(app) -> list[tuple[int, str]]:
    return [(int(index), value) for index, value in table_rows(app, "#value-table")]


def contiguous(items: list[tuple[int, str]]) -> bool:
    return all(value == f"item:{index + 1}" for index, value in items) and \
        [index for index, _ in items] == list(range(items[0][0], items[0][0] + len(items)))


async def test_a_long_list_ends_pages_back_and_keeps_a_bounded_window(long_values):
    app = app_for(url_of(long_values), value_page_size=PAGE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        detail = await show_key(pilot, screen, LIST)
        table = screen.query_one("#value-table")
        assert shown_items(app)[:2] == [(0, "item:1"), (1, "item:2")] and len(shown_items(app)) == PAGE
        assert text_of(app, "#value-foot").startswith(f"1–{PAGE} of {LENGTH:,} · scroll down or press M")
        table.focus()
        await pilot.press("end")  # the last page, read in one LRANGE -500 -1
        await wait_until(pilot, lambda: detail.at_end and detail.window[-1].index == LENGTH - 1)
        await pilot.pause()
        assert table.cursor_row == PAGE - 1 and shown_items(app)[-1] == (LENGTH - 1, f"item:{LENGTH}")
        assert text_of(app, "#value-foot") == f"{LENGTH - PAGE + 1:,}–{LENGTH:,} of {LENGTH:,} · home: the first"
        for turn in range(1, 4):  # up at the top of the window: the page before it is read
            table.move_cursor(row=0)
            await wait_until(pilot, lambda turn=turn: detail.window[0].index == LENGTH - (turn + 1) * PAGE)
            await pilot.pause()
            items = shown_items(app)
            assert contiguous(items) and len(items) <= WINDOW + SLACK
        assert items[-1][0] < LENGTH - 1 and not detail.at_end  # the bottom rows went: memory stays flat
        assert "end: the last" in text_of(app, "#value-foot")
        await pilot.press("home")
        await wait_until(pilot, lambda: detail.window[0].index == 0 and len(detail.window) == PAGE)
        for _turn in range(3):  # and down again, page after page
            count = detail.loaded
            await pilot.press("M")
            await wait_until(pilot, lambda count=count: detail.loaded > count)
            await pilot.pause()
        items = shown_items(app)
        assert contiguous(items) and items[0][0] > 0 and len(items) <= WINDOW + SLACK
        assert items[-1][0] == 4 * PAGE - 1 and app.is_running


async def test_a_hash_drops_its_top_rows_and_reads_them_again_from_home(long_values):
    app = app_for(url_of(long_values), value_page_size=PAGE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        detail = await show_key(pilot, screen, HASH)
        assert isinstance(detail, KeyDetail) and text_of(app, "#value-foot").endswith(
            f" of {FIELDS:,} loaded · scroll down or press M for more")
        screen.query_one("#value-table").focus()
        while not detail.at_end:  # HSCAN order: forward only; the top rows go past the window
            await wait_until(pilot, lambda: not detail._busy())  # M while a page loads is not a second page
            count = detail.loaded
            await pilot.press("M")
            await wait_until(pilot, lambda count=count: detail.loaded > count)
        fields = [row[0] for row in table_rows(app, "#value-table")]
        assert detail.loaded == FIELDS and len(fields) == len(set(fields)) < FIELDS
        assert detail.dropped
        await wait_until(pilot, lambda: "home: the first" in text_of(app, "#value-foot")
                         and f"the last {len(fields):,} shown" in text_of(app, "#value-foot"))
        await pilot.press("home")  # reads the hash from the start again
        await wait_until(pilot, lambda: not detail.dropped and detail.loaded <= 2 * PAGE)
        await wait_until(pilot, lambda: text_of(app, "#value-foot").startswith(
            f"{detail.loaded:,} of {FIELDS:,} loaded"))


async def test_paging_through_the_keys_keeps_the_list_bounded(long_values, monkeypatch):
    monkeypatch.setattr(screen_module, "MAX_LISTED", WINDOW)
    monkeypatch.setattr(screen_module, "LIST_SLACK", SLACK)
    app = app_for(url_of(long_values), page_size=PAGE, scan_count=PAGE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)
        table = screen.query_one("#key-list")
        while not screen.last_page.done:  # the cursor at the end of the list loads the next page
            count = screen.listed
            await pilot.press("end")
            await wait_until(pilot, lambda count=count: screen.listed > count or screen.last_page.done)
            assert len(screen.rows) <= WINDOW + SLACK
        await scan_done(pilot, screen)
        await pilot.pause()
        keys = listed(screen)
        total = long_values.dbsize()
        assert screen.listed == total and screen.dropped == total - len(keys) > 0
        assert len(keys) == len(set(keys)) <= WINDOW + SLACK
        assert table.border_subtitle == f"the first {screen.dropped:,} keys are no longer listed"
        assert f"{total:,} keys (scan complete)" in text_of(app, "#keys-bar")
        assert screen.selected == keys[table.cursor_row]  # the cursor's key is the one shown
