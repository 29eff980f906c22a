"""Error replies per second (OOM, WRONGTYPE, NOPERM…) from INFO counter deltas."""

from __future__ import annotations

from redis_tui.core.parse import parse_info
from redis_tui.core.rates import compute_rates, error_replies


def info(total: int | None = None, errorstats: dict[str, int] | None = None, uptime: int = 100) -> dict:
    text = f"# Server\nuptime_in_seconds:{uptime}\nrun_id:a\n# Stats\ntotal_commands_processed:1000\n"
    if total is not None:
        text += f"total_error_replies:{total}\n"
    if errorstats is not None:
        text += "# Errorstats\n" + "".join(f"errorstat_{name}:count={count}\n" for name, count in errorstats.items())
    return parse_info(text)


def test_errors_per_second_from_total_error_replies():
    rates = compute_rates(info(total=450, errorstats={"OOM": 440}), info(total=300, errorstats={"OOM": 290}), 2.0)
    assert rates.errors == 75.0


def test_no_new_errors_is_zero_not_unknown():
    assert compute_rates(info(total=300), info(total=300), 1.0).errors == 0.0


def test_without_total_error_replies_the_errorstats_are_summed():
    now = info(errorstats={"OOM": 120, "WRONGTYPE": 30})
    before = info(errorstats={"OOM": 100, "WRONGTYPE": 20})
    assert error_replies(now) == 150
    assert compute_rates(now, before, 1.0).errors == 30.0


def test_a_server_reporting_neither_has_no_error_rate():
    assert error_replies(info()) is None
    assert compute_rates(info(), info(), 1.0).errors is None


def test_a_reset_counter_restarts_the_error_rate():
    assert compute_rates(info(total=5), info(total=300), 1.0).errors is None  # CONFIG RESETSTAT
    assert compute_rates(info(total=5, uptime=3), info(total=300), 1.0).errors is None  # restart
