"""core.insight.commands: commandstats rows, sums over nodes, sorting and filtering, errorstats rates."""

from __future__ import annotations

import pytest

from redis_tui.core.insight.commands import (
    SORTS,
    command_rows,
    error_counts,
    error_rates,
    has_errorstats,
    sorted_rows,
    summed,
    summed_errors,
)
from redis_tui.core.models import CommandRate, CommandStat

STATS = (CommandStat("get", 1000, 3000, 0, 0), CommandStat("set", 500, 5000, 2, 7), CommandStat("hgetall", 10, 900))
RATES = (CommandRate("get", 40.0, 2.5), CommandRate("set", 10.0, 9.0))


def test_rows_from_stats_and_rates():
    rows = {row.name: row for row in command_rows(STATS, RATES)}
    assert rows["get"].calls_per_s == 40.0 and rows["get"].usec_per_call == 2.5  # over the interval
    assert rows["hgetall"].calls_per_s == 0.0 and rows["hgetall"].usec_per_call == 90.0  # idle: since start
    assert (rows["set"].rejected, rows["set"].failed) == (2, 7)
    assert command_rows(STATS, (), rated=False)[0].calls_per_s is None  # no two polls yet
    assert command_rows((CommandStat("x", 0, 0),), ())[0].usec_per_call is None


def test_summed_over_nodes():
    one = command_rows(STATS, RATES)
    two = command_rows((CommandStat("get", 10, 100, 1, 1),), (CommandRate("get", 10.0, 10.0),))
    rows = {row.name: row for row in summed([one, two])}
    assert (rows["get"].calls, rows["get"].usec, rows["get"].rejected, rows["get"].failed) == (1010, 3100, 1, 1)
    assert rows["get"].calls_per_s == 50.0
    assert rows["get"].usec_per_call == pytest.approx((40 * 2.5 + 10 * 10) / 50)  # weighted by calls
    assert rows["hgetall"].calls == 10 and summed([]) == ()


def test_sorts_and_filter():
    rows = command_rows(STATS, RATES)
    assert [r.name for r in sorted_rows(rows)] == ["get", "set", "hgetall"]
    assert [r.name for r in sorted_rows(rows, "µs/call")] == ["hgetall", "set", "get"]
    assert [r.name for r in sorted_rows(rows, "failed")][0] == "set"
    assert [r.name for r in sorted_rows(rows, "name")] == ["get", "hgetall", "set"]
    assert [r.name for r in sorted_rows(rows, "time")][:2] == ["get", "set"]  # 100 vs 90 µs/s
    assert [r.name for r in sorted_rows(rows, "calls", "GET")] == ["get", "hgetall"]  # substring, any case
    assert sorted_rows(rows, "no such sort") == sorted_rows(rows)
    assert set(SORTS) >= {"calls/s", "calls", "µs/call", "failed", "rejected", "name"}


def test_error_counts_and_odd_lines():
    info = {"errorstats": {"errorstat_WRONGTYPE": "count=3", "errorstat_NOPERM": "count=x",
                           "errorstat_": "count=1", "junk": "count=2", "errorstat_OOM": "count=12"}}
    assert error_counts(info) == {"WRONGTYPE": 3, "OOM": 12}
    assert error_counts({}) == {} and not has_errorstats({}) and has_errorstats({"errorstats": {}})


def test_error_rates_and_a_reset():
    rows = error_rates({"WRONGTYPE": 13, "OOM": 5, "ERR": 1}, {"WRONGTYPE": 3, "OOM": 9}, 2.0)
    by = {row.prefix: row for row in rows}
    assert by["WRONGTYPE"].per_s == 5.0 and by["ERR"].per_s == 0.5  # new since: counted from 0
    assert by["OOM"].per_s is None  # went back: a restart or CONFIG RESETSTAT
    assert rows[0].prefix == "WRONGTYPE"
    assert all(row.per_s is None for row in error_rates({"ERR": 1}, None, 0.0))


def test_errors_summed_over_nodes():
    a = error_rates({"WRONGTYPE": 3}, {"WRONGTYPE": 1}, 1.0)
    b = error_rates({"WRONGTYPE": 4, "OOM": 1}, None, 0.0)
    by = {row.prefix: row for row in summed_errors([a, b])}
    assert (by["WRONGTYPE"].count, by["WRONGTYPE"].per_s) == (7, 2.0)
    assert (by["OOM"].count, by["OOM"].per_s) == (1, None)
