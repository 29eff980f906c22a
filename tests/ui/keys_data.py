"""A server holding every type, TTLs, hostile and binary names and big keys (built by the
tests), shared by the read-only keys-screen tests of a module, and helpers to drive the
keys screen."""

from __future__ import annotations

import dataclasses
import io

import pytest
from rich.console import Console
from textual.widgets._toast import Toast

from redis_tui.core.keyspace.scan import glob_escape
from redis_tui.demo.server import available_kinds
from redis_tui.settings import resolve
from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.run import make_app
from tests.integration.keyspace_dataset import Dataset
from tests.ui.helpers import wait_until

HUGE_HASH, HUGE_HASH_FIELDS = b"huge:hash", 100_000


class KeysData(Dataset):
    """The integration dataset plus a hash of 100,000 fields."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        for start in range(0, HUGE_HASH_FIELDS, 10_000):
            self.sync.hset(HUGE_HASH, mapping={b"field:%d" % n: b"%d" % n for n in range(start, start + 10_000)})
        self.keys[HUGE_HASH] = "hash"


@pytest.fixture(scope="module", params=available_kinds())
def keys_data(request):
    """One dataset server per test module and server kind (for tests that change nothing)."""
    data = KeysData(request.param)
    yield data
    data.close()


def app_for(url: str, write: bool = False, **keyspace):
    """The live app for `url`, with [keyspace] settings."""
    settings = resolve({"url": url, "write": write}, {})
    return make_app(dataclasses.replace(settings, sections={"keyspace": keyspace}))


def listed(screen: KeysScreen) -> list[bytes]:
    """The keys in the list, in order, as the original bytes."""
    return [screen.rows[row_key] for row_key in screen.query_one("#key-list").rows]


async def open_keys(pilot) -> KeysScreen:
    """Press k and wait for the first page."""
    app = pilot.app
    await wait_until(pilot, lambda: app.snapshot is not None)
    await pilot.press("k")
    screen = app.screen
    assert isinstance(screen, KeysScreen)
    await wait_until(pilot, lambda: screen.last_page is not None)
    return screen


async def scan_done(pilot, screen: KeysScreen) -> None:
    """Wait until the current scan has been read to the end."""
    await wait_until(pilot, lambda: screen.last_page is not None and screen.last_page.done
                     and screen._keys_worker.is_finished)


async def show_key(pilot, screen: KeysScreen, key: bytes) -> KeyDetail:
    """List exactly `key` and wait until its detail is shown."""
    screen.set_filter(glob_escape(key), None)
    detail = screen.query_one(KeyDetail)
    await wait_until(pilot, lambda: listed(screen) == [key] and detail.info is not None and detail.info.key == key)
    await pilot.pause()
    return detail


def screen_text(app) -> str:
    """Everything on the terminal as plain text (what the user reads, escapes included)."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      color_system=None, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def toasts(app) -> list[str]:
    """The toasts drawn on the current screen, as the user reads them (each rendered)."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def toast_shown(pilot, text: str) -> None:
    """Wait until a toast saying `text` is drawn, and check the app survived drawing it."""
    app = pilot.app
    await wait_until(pilot, lambda: any(text in shown for shown in toasts(app)) or app._exception is not None)
    await pilot.pause()  # one more frame: the toast is painted
    assert app._exception is None, app._exception
    assert app.is_running
    assert any(text in shown for shown in toasts(app)), toasts(app)
    assert "\x1b" not in screen_text(app)
