"""Keys screen additions against a real server: search inside a collection (`f` in the value table:
HSCAN MATCH), copy a value (`Y`: the app's clipboard), export the listed keys
or the open collection as JSON lines (`x`), with a hostile key name and a binary value."""

from __future__ import annotations

import base64
import json

import pytest
import redis
from textual.widgets import Input

from redis_tui.core.keyspace.scan import glob_escape
from redis_tui.demo.server import EmbeddedServer
from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.export import ExportDialog
from redis_tui.ui.keys.search import SearchDialog
from tests.conftest import BASE_CONFIG, KINDS
from tests.ui.helpers import wait_until
from tests.ui.keys_data import app_for, listed, open_keys, screen_text, toast_shown

pytestmark = pytest.mark.integration

HOSTILE = b"\x1b[2J[red]"
BINARY = b"\x00\xff\xfe bin"


@pytest.fixture(scope="module")
def one_server():
    """One server (the first kind present): these screens send the same commands to either kind."""
    server = EmbeddedServer(KINDS[0], dict(BASE_CONFIG)).start()
    yield server
    server.close()


def fill(r: redis.Redis) -> None:
    r.flushall()
    pipe = r.pipeline(transaction=False)
    for start in range(0, 10_000, 1000):
        pipe.hset(b"big", mapping={f"f:{n}".encode(): f"v{n}".encode() for n in range(start, start + 1000)})
    pipe.set(HOSTILE, b"hostile")
    pipe.set(b"bin", BINARY)
    pipe.set(b"text", b"hello\nworld")
    pipe.hset(b"small", mapping={b"name": b"ada", b"blob": BINARY})
    pipe.expire(b"text", 500)
    pipe.execute()


def decoded(record: dict, name: str) -> bytes:
    if f"{name}_b64" in record:
        return base64.b64decode(record[f"{name}_b64"])
    return record[name].encode("utf-8")


async def pick(pilot, screen, key: bytes) -> KeyDetail:
    """Put the list's cursor on `key` (every key is listed: no new scan) and wait for its detail."""
    detail = screen.query_one(KeyDetail)
    await wait_until(pilot, lambda: key in listed(screen))
    screen.query_one("#key-list").move_cursor(row=listed(screen).index(key))
    await wait_until(pilot, lambda: detail.info is not None and detail.info.key == key and not detail._busy())
    return detail


async def export_to(pilot, path, *, expect_exists: bool = False) -> None:
    app = pilot.app
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
    app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    if expect_exists:
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog)
                         and "exists: press Overwrite" in screen_text(app))
        await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, ExportDialog))


async def test_search_end_copy_and_export(one_server, tmp_path):
    r = redis.Redis(port=one_server.port)
    fill(r)
    app = app_for(one_server.url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_keys(pilot)

        # search inside a 10k-field hash: exactly the matching fields, the count said
        detail = await pick(pilot, screen, b"big")
        screen.query_one("#value-table").focus()
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog))
        app.screen.query_one(Input).value = "f:12*"
        await pilot.press("enter")
        expected = {b"f:12"} | {f"f:12{n}".encode() for n in range(10)} | {f"f:12{n:02}".encode() for n in range(100)}
        await wait_until(pilot, lambda: detail.reader is not None and detail.reader.done
                         and {e.name for e in detail.window} == expected)
        assert len(detail.window) == 111 and all(e.value == b"v" + (e.name or b"")[2:] for e in detail.window)
        await wait_until(pilot, lambda: "111 matched (HSCAN MATCH f:12*" in screen_text(app))

        # copy the selected element: the field's value
        await pilot.press("Y")
        first = detail.window[0]
        await wait_until(pilot, lambda: app.clipboard == first.value.decode())

        # export the open collection (the matches read): one line per field
        await export_to(pilot, tmp_path / "big.jsonl")
        lines = [json.loads(line) for line in (tmp_path / "big.jsonl").read_text().splitlines()]
        assert {line["field"].encode() for line in lines} == expected

        # copy a string value (text as is) and a binary one (redis-cli's escaped form)
        await pick(pilot, screen, b"text")
        screen.query_one("#key-list").focus()
        await pilot.press("Y")
        await wait_until(pilot, lambda: app.clipboard == "hello\nworld")
        await pick(pilot, screen, b"bin")
        await pilot.press("Y")
        await wait_until(pilot, lambda: app.clipboard == '"\\x00\\xff\\xfe bin"')

        # a hash with a binary value: its export line carries the exact bytes in base64
        detail = await pick(pilot, screen, b"small")
        screen.query_one("#value-table").focus()
        await wait_until(pilot, lambda: len(detail.window) == 2)
        await export_to(pilot, tmp_path / "small.jsonl")
        lines = [json.loads(line) for line in (tmp_path / "small.jsonl").read_text().splitlines()]
        assert {decoded(line, "field"): decoded(line, "value") for line in lines} == {b"name": b"ada", b"blob": BINARY}

        # export every listed key: the file matches the server, hostile name included
        await wait_until(pilot, lambda: len(listed(screen)) == r.dbsize())
        screen.query_one("#key-list").focus()
        (tmp_path / "keys.jsonl").write_text("old")
        await export_to(pilot, tmp_path / "keys.jsonl", expect_exists=True)
        await toast_shown(pilot, "Wrote 5 keys")
        records = [json.loads(line) for line in (tmp_path / "keys.jsonl").read_text().splitlines()]
        by_key = {decoded(rec, "key"): rec for rec in records}
        assert set(by_key) == set(r.keys("*"))
        assert by_key[HOSTILE]["key"] == HOSTILE.decode() and by_key[b"big"]["type"] == "hash"
        assert by_key[b"big"]["ttl"] == -1 and 400 < by_key[b"text"]["ttl"] <= 500

        # a bad path: said in the dialog, nothing written
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one(Input).value = str(tmp_path / "missing" / "x.jsonl")
        await pilot.press("enter")
        assert isinstance(app.screen, ExportDialog) and "no such directory" in screen_text(app)
        await pilot.press("escape")
        assert app.is_running and "\x1b" not in screen_text(app)
        assert isinstance(screen.query_one(KeyDetail), KeyDetail) and glob_escape(b"a") == b"a"
