"""The latency (L) and commands-and-errors (E) screens on fixed data: snapshots at 80x24 and 120x40 (with hostile
server text, escaped), Redis 6 without latencystats, and a cluster summed or shown one node at a time.

Regenerate after an intended visual change: pytest tests/ui/test_insight_latency.py --snapshot-update
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from redis_tui.core.insight.latency import LatencyEvent, LatencyReading
from redis_tui.core.models import CommandStat, Server, Snapshot
from redis_tui.ui.insight.base import Reading
from redis_tui.ui.insight.latency import LatencyScreen
from tests.ui.cluster_sample import PRIMARIES, REPLICAS, make_cluster_app
from tests.ui.helpers import make_app, settle, table_rows, text_of, wait_until
from tests.ui.sample import NOW, healthy

SIZES = [(80, 24), (120, 40)]
DOCTOR = ("Dave, I have observed latency spikes in this \x1b[2J[red]Redis[/] \u202einstance.\n\n"
          "1. command: 3 latency spikes (average 180ms, mean deviation 20ms, period 12.00 sec). "
          "Worst all time event 210ms.\n\nI have a few advices for you:\n\n"
          "- Check your Slow Log to understand what are the commands you are running which are too slow.\n")


def latency_snapshot(taken_at: float = NOW, errors: int = 3) -> Snapshot:
    base = healthy(taken_at)
    stats = (*base.commands, CommandStat("debug", 3, 600_000))
    info = {
        "latencystats": {
            "latency_percentiles_usec_get": "p50=1.003,p99=4.015,p99.9=12.031",
            "latency_percentiles_usec_set": "p50=2.007,p99=8.031,p99.9=20.095",
            "latency_percentiles_usec_incr": "p50=1.003,p99=3.007,p99.9=6.015",
            "latency_percentiles_usec_expire": "p50=1.003,p99=2.007,p99.9=5.023",
            "latency_percentiles_usec_hgetall": "p50=3.007,p99=40.191,p99.9=812.031",
            "latency_percentiles_usec_brpop": "p50=5.023,p99=9.023,p99.9=11.007",
            "latency_percentiles_usec_debug": "p50=200278.015,p99=210763.775,p99.9=210763.775",
        },
        "errorstats": {"errorstat_WRONGTYPE": f"count={errors}", "errorstat_NOPERM": "count=1",
                       "errorstat_\x1b[2J[red]EVIL[/]": "count=1"},
    }
    return replace(base, commands=stats, info=info,
                   config={**base.config, "latency-monitor-threshold": "100"})


def monitor_reading(doctor: str = DOCTOR) -> Reading[LatencyReading]:
    events = (LatencyEvent("command", int(NOW) - 30, 210, 210),
              LatencyEvent("fast-command", int(NOW) - 300, 120, 150))
    histories = {"command": tuple((int(NOW) - 300 + i * 30, v) for i, v in enumerate((150, 180, 210, 120, 190))),
                 "fast-command": ((int(NOW) - 300, 120), (int(NOW) - 200, 150))}
    return Reading("", LatencyReading(events, histories, doctor, 100, 0.31), at=NOW)


async def _latency(pilot) -> None:
    await pilot.press("L")
    await settle(pilot)
    screen = pilot.app.screen
    for rtt in (0.22, 0.25, 0.31, 0.9, 0.28):
        screen.show_readings({"": Reading("", LatencyReading(rtt_ms=rtt), at=NOW)})
    screen.show_readings({"": monitor_reading()})
    await settle(pilot)
    monitor = text_of(pilot.app, "#latency-monitor")  # DOCTOR's text escaped, never markup or a control
    assert "\\x1b[2J[red]Redis[/] \\u202einstance" in monitor and "\x1b" not in monitor


async def _commands(pilot) -> None:
    await pilot.press("E")
    await settle(pilot)
    pilot.app.source.push(latency_snapshot(NOW + 1, errors=13))  # the next poll: WRONGTYPE rising
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_latency_screen(snap_compare, size):
    assert snap_compare(make_app(latency_snapshot()), terminal_size=size, run_before=_latency)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_commands_screen(snap_compare, size):
    assert snap_compare(make_app(latency_snapshot()), terminal_size=size, run_before=_commands)


def test_redis_6_says_what_is_missing():
    old = replace(latency_snapshot(), info={}, server=Server(kind="redis", version="6.0.16"))
    assert "Redis 6.0.16: no INFO latencystats" in LatencyScreen._percentile_note(old)
    assert "since start (latencystats)" in LatencyScreen._percentile_note(latency_snapshot())
    assert LatencyScreen._percentile_note(None) == "waiting for the first poll"


async def test_commands_sum_the_cluster_and_show_one_node_on_n():
    app, _ = make_cluster_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.cluster is not None)
        await pilot.press("E")
        await settle(pilot)
        assert "whole cluster (n: next)" in text_of(app, "#commands-bar")
        assert "sum over 3 primaries" in text_of(app, "#commands-note")
        get = next(row for row in table_rows(app, "#commands-table") if row[0] == "get")
        assert get[1] == "30,000" and get[2] == "5.5K/s"  # 3 × 10,000 calls, 3 × 1,830/s
        await pilot.press("n")
        assert PRIMARIES[0] in text_of(app, "#commands-bar")
        assert next(row for row in table_rows(app, "#commands-table") if row[0] == "get")[1] == "10,000"
        for _ in range(len(PRIMARIES) + len(REPLICAS)):
            await pilot.press("n")
        assert "whole cluster" in text_of(app, "#commands-bar")
        await pilot.press("s")  # calls/s → time
        assert "sorted by time" in str(app.screen.query_one("#commands-table").border_subtitle)
        await pilot.press("escape", "L")  # the latency screen: one node, the dashboard's
        await settle(pilot)
        assert f"node {PRIMARIES[0]} (n: next)" in text_of(app, "#latency-bar")
        assert app.is_running
