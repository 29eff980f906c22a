"""core.insight.latency: latencystats, LATENCY replies and PING windows parsed and folded, odd input tolerated."""

from __future__ import annotations

import pytest

from redis_tui.core.insight.latency import (
    LatencyReading,
    RoundTrips,
    command_latencies,
    monitor_off,
    parse_history,
    parse_latest,
    percentiles_from,
)
from redis_tui.core.models import CommandRate, CommandStat

INFO = {"latencystats": {
    "latency_percentiles_usec_get": "p50=1.003,p99=4.015,p99.9=12.031",
    "latency_percentiles_usec_client|list": "p50=30.1,p99=41.0,p99.9=41.0",
    "latency_percentiles_usec_debug": "p50=200278.015,p99=200278.015,p99.9=200278.015",
    "latency_percentiles_usec_": "p50=1",  # no name
    "latency_percentiles_usec_odd": "p50=x,p99=-3,garbage",  # nothing usable
    "other_field": "p50=1",
}}


def test_percentiles_by_command():
    out = percentiles_from(INFO)
    assert out is not None and set(out) == {"get", "client|list", "debug"}
    assert out["get"] == (("p50", 1.003), ("p99", 4.015), ("p99.9", 12.031))


def test_redis_6_has_no_latencystats_and_an_empty_section_is_not_missing():
    assert percentiles_from({"commandstats": {}}) is None
    assert percentiles_from({"latencystats": {}}) == {}


def test_command_latencies_share_of_time_and_fallbacks():
    stats = (CommandStat("get", 1000, 2000), CommandStat("set", 10, 100), CommandStat("debug", 1, 200_000))
    rates = (CommandRate("get", 100.0, 2.0), CommandRate("set", 50.0, 12.0))
    rows = {row.name: row for row in command_latencies(INFO, stats, rates)}
    assert rows["get"].share == pytest.approx(200 / 800) and rows["set"].share == pytest.approx(600 / 800)
    assert rows["debug"].calls_per_s == 0.0 and rows["debug"].usec_per_call == 200_000  # idle: since start
    assert rows["debug"].percentile("p99") == 200278.015
    assert rows["client|list"].usec_per_call is None and rows["client|list"].percentile("p50") == 30.1
    assert [row.name for row in command_latencies(INFO, stats, rates)][:2] == ["set", "get"]  # busiest first
    unrated = {row.name: row for row in command_latencies({}, stats, (), rated=False)}
    assert unrated["get"].calls_per_s is None and unrated["get"].share is None
    assert unrated["get"].usec_per_call == 2.0 and unrated["get"].percentiles == ()  # Redis 6: µs/call only


def test_latest_redis_and_valkey_shapes_and_odd_lines():
    reply = [[b"command", 1700000000, 200, 250], [b"fork", b"1700000100", b"12", b"40", b"52", b"3"],
             [b"short", 1], "junk", [None, 1, 2, 3], [b"bad", b"x", 1, 2]]
    events = parse_latest(reply)
    assert [e.name for e in events] == ["fork", "command"]  # most recent first
    assert events[0].count == 3 and events[0].total_ms == 52 and events[1].count is None
    assert events[1].latest_ms == 200 and events[1].max_ms == 250
    assert parse_latest(None) == () and parse_latest(b"ERR") == ()


def test_history_sorted_and_odd_samples_skipped():
    assert parse_history([[20, 5], [10, b"7"], [b"x", 1], [1], "no"]) == ((10, 7), (20, 5))
    assert parse_history(42) == ()


def test_round_trips_over_the_window():
    trips = RoundTrips(size=100)
    assert trips.stats() is None
    for value in range(1, 151):  # the first 50 fall out of the window
        trips.push(float(value))
    trips.push(-1.0)  # ignored
    stats = trips.stats()
    assert stats is not None
    assert (stats.samples, stats.min_ms, stats.max_ms, stats.last_ms) == (100, 51.0, 150.0, 150.0)
    assert stats.avg_ms == pytest.approx(100.5) and stats.p99_ms == 150.0


def test_monitor_off_from_the_reading_else_the_config():
    assert monitor_off(LatencyReading(threshold_ms=0), {"latency-monitor-threshold": "100"}) is True
    assert monitor_off(LatencyReading(threshold_ms=50), {}) is False
    assert monitor_off(LatencyReading(), {"latency-monitor-threshold": "0"}) is True
    assert monitor_off(None, {}) is None and monitor_off(None, {"latency-monitor-threshold": "x"}) is None
