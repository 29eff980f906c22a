"""A fleet of three real servers, one of them stopped (SIGSTOP: it accepts connections and answers
nothing): the overview shows two live rows and a red one and keeps updating the live ones; enter opens
the right server's dashboard, esc returns, n goes to the next; doctor checks each server; the password
given in a URL is never on screen nor in any output."""

from __future__ import annotations

import asyncio
import json

import pytest
import redis

from redis_tui import cli
from redis_tui.demo.server import EmbeddedServer, available_kinds
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.run import make_fleet_app
from redis_tui.ui.widgets.node_table import NodeTable
from tests.ui.helpers import text_of, wait_until
from tests.ui.keys_data import screen_text

pytestmark = pytest.mark.integration

PASSWORD = "fleet-secret-41"


@pytest.fixture(scope="module")
def servers():
    """a: a password (first kind), b: the other kind when there is one, c: stopped (SIGSTOP)."""
    kinds = available_kinds()
    started = [EmbeddedServer(kinds[0], {"requirepass": PASSWORD}).start(), EmbeddedServer(kinds[-1]).start(),
               EmbeddedServer(kinds[0]).start()]
    started[2].freeze()
    yield started
    for server in started:
        server.close()


def urls(servers) -> list[str]:
    a, b, c = servers
    return [f"redis://:{PASSWORD}@127.0.0.1:{a.port}/0", b.url, c.url]


def cell(app, port: int, key: str) -> str:
    table = app.screen.query_one(NodeTable)
    row = table.get_row(f"127.0.0.1:{port}")
    return str(row[[column.key for column in table.spec].index(key)])


def monitors(server) -> int:
    client = redis.Redis(port=server.port)
    try:
        return sum("O" in c["flags"] for c in client.client_list())
    finally:
        client.close()


def test_overview_of_three_servers_one_stopped(servers):
    a, b, c = servers
    settings = cli.settings_from(cli.build_tui_parser().parse_intermixed_args([*urls(servers), "--interval", "0.25"]),
                                 {})
    app = make_fleet_app(settings)

    def no_password() -> bool:
        return PASSWORD not in screen_text(app)

    async def watch() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen)
                             and app.screen.query_one(NodeTable).row_count == 3
                             and cell(app, c.port, "status") == "✖ DOWN"
                             and cell(app, a.port, "status") != "✖ DOWN" and cell(app, b.port, "status") != "✖ DOWN")
            assert cell(app, c.port, "problem") == "server-stalled"
            assert "fleet of 3 │ 2/3 up" in text_of(app, "FleetStatus")
            assert no_password()
            # the live rows keep updating while the stopped server answers nothing
            writer = redis.Redis(port=b.port)
            writer.mset({f"k:{i}": "v" for i in range(123)})
            writer.close()
            await wait_until(pilot, lambda: cell(app, b.port, "keys") == "123")
            assert cell(app, c.port, "status") == "✖ DOWN"

            await pilot.press("down", "enter")  # b's dashboard
            await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                             and f"127.0.0.1:{b.port}/0" in text_of(app, "StatusBar")
                             and "connected" in text_of(app, "StatusBar"))
            await pilot.press("m", "s")  # MONITOR on b ...
            await wait_until(pilot, lambda: monitors(b) == 1, 10)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
            await pilot.press("escape")  # ... ends when we leave b
            await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))
            await wait_until(pilot, lambda: monitors(b) == 0)
            assert not isinstance(app.screen, MonitorScreen)

            await pilot.press("up", "enter")  # a's dashboard (with its password), then n: the next one
            await wait_until(pilot, lambda: f"redis://:***@127.0.0.1:{a.port}/0" in text_of(app, "StatusBar")
                             and "connected" in text_of(app, "StatusBar"))
            assert no_password()
            await pilot.press("n")
            await wait_until(pilot, lambda: f"127.0.0.1:{b.port}/0" in text_of(app, "StatusBar"))
            assert no_password() and app._exception is None

    asyncio.run(watch())


def test_doctor_checks_every_server_and_exits_with_the_worst(servers, capsys):
    a, b, c = servers
    assert cli.main(["doctor", *urls(servers), "--json", "--timeout", "3"]) == 2
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert report["status"] == "CRITICAL" and set(report) == {"status", "targets"}
    targets = report["targets"]
    assert [t["target"] for t in targets] == [f"redis://:***@127.0.0.1:{a.port}/0", b.url, c.url]
    assert [t["name"] for t in targets] == [f"127.0.0.1:{s.port}" for s in servers]
    assert {"status", "target", "findings"} <= set(targets[0])
    assert targets[0]["status"] in ("OK", "WARNING") and targets[1]["status"] in ("OK", "WARNING")
    assert targets[2]["status"] == "CRITICAL" and targets[2]["findings"][0]["id"] == "server-stalled"
    assert PASSWORD not in out + err

    assert cli.main(["doctor", *urls(servers), "--timeout", "1.5"]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("CRITICAL: fleet of 3 targets - 1 CRITICAL, ")
    headers = [line for line in out.splitlines() if line.startswith("== ")]
    assert headers == [f"== 127.0.0.1:{s.port} ==" for s in servers]
    stalled = out.index(f"== 127.0.0.1:{c.port} ==")
    assert "server-stalled" in out[stalled:] and "server-stalled" not in out[:stalled]
    assert PASSWORD not in out + err
