"""The password prompt on a real server with requirepass: a way in, never shown, never stored."""

from __future__ import annotations

import redis

from redis_tui.settings import resolve
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.password import PasswordDialog
from redis_tui.ui.run import make_app
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen
from tests.ui.helpers import plain, settle, text_of, wait_until
from tests.ui.keys_data import screen_text

SECRET = "s3cret-Pa55"


async def type_password(pilot, app, password: str) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, PasswordDialog))
    await pilot.press(*password)
    await pilot.pause()
    assert password not in screen_text(app)  # masked while typed
    await pilot.press("enter")
    await settle(pilot)


async def test_typed_password_gets_the_dashboard_live(server_factory, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = server_factory({"requirepass": SECRET})
    redis.Redis(port=server.port, password=SECRET).mset({f"k{i}": i for i in range(7)})
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        # offered once, over the troubleshooting panel
        await wait_until(pilot, lambda: isinstance(app.screen, PasswordDialog))
        assert isinstance(app.screen_stack[-2], TroubleshootScreen)
        assert "NOAUTH" in screen_text(app) or "requires a password" in screen_text(app)
        await type_password(pilot, app, SECRET)
        await wait_until(pilot, lambda: app.snapshot is not None and isinstance(app.screen, DashboardScreen))
        await wait_until(pilot, lambda: "● connected" in text_of(app, "StatusBar"))
        assert app.snapshot.keyspace[0].keys == 7  # the server's own data
        assert SECRET not in screen_text(app) and "***" in text_of(app, "StatusBar")
        assert app._exception is None
    assert not any(SECRET in path.read_text(errors="replace") for path in tmp_path.rglob("*") if path.is_file())


async def test_a_wrong_password_keeps_auth_failed_and_p_asks_again(server_factory):
    server = server_factory({"requirepass": SECRET})
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await type_password(pilot, app, "wrong")
        await wait_until(pilot, lambda: app.outage is not None and app.outage.problem.id == "auth-failed")
        await wait_until(pilot, lambda: "auth-failed" in plain(app.screen.findings_body.content))
        await pilot.pause(0.6)  # more retries: the prompt is not pushed on the user again
        assert isinstance(app.screen, TroubleshootScreen) and app.snapshot is None
        assert "P Password" in screen_text(app).splitlines()[-1]
        await pilot.press("P")
        await type_password(pilot, app, SECRET)
        await wait_until(pilot, lambda: app.snapshot is not None and app.outage is None)
        assert app._exception is None


async def test_no_password_key_while_the_server_lets_us_in(server):
    app = make_app(resolve({"url": server.url, "interval": 0.25}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None)
        await pilot.press("t")
        await settle(pilot)
        assert "Password" not in screen_text(app).splitlines()[-1]
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, TroubleshootScreen)
