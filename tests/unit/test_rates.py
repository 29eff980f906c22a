from redis_tui.core.models import CommandStat, Rates, Totals
from redis_tui.core.parse import parse_info
from redis_tui.core.rates import Rings, add_totals, compute_rates, per_second


def info(hits, misses, ops=0, uptime=100, run_id="a"):
    return parse_info(f"# Server\nuptime_in_seconds:{uptime}\nrun_id:{run_id}\n# Stats\nkeyspace_hits:{hits}\n"
                      f"keyspace_misses:{misses}\ntotal_commands_processed:{ops}\n")


def test_rates_from_deltas():
    rates = compute_rates(info(150, 50, 1000), info(100, 30, 500), 2.0)
    assert (rates.hits, rates.misses, rates.ops) == (25.0, 10.0, 250.0)
    assert rates.hit_ratio == 25 / 35


def test_counter_going_backwards_restarts_the_rate():
    rates = compute_rates(info(5, 1, 10), info(100, 30, 500), 1.0)  # CONFIG RESETSTAT
    assert rates.hits is None and rates.ops is None and rates.hit_ratio is None


def test_server_restart_gives_no_rates_at_all():
    rates = compute_rates(info(500, 50, 10_000, uptime=3, run_id="b"), info(100, 30, 500, uptime=90), 1.0)
    assert rates == Rates(interval_s=1.0)


def test_first_poll_has_no_rates():
    assert compute_rates(info(1, 1), None, 0.0).ops is None


def test_per_second_edges():
    assert per_second(10, 5, 0) is None and per_second(None, 5, 1) is None and per_second(5, 10, 1) is None


def test_totals_add_only_positive_deltas():
    totals = add_totals(Totals(), info(150, 50), info(100, 30))
    assert (totals.hits, totals.misses) == (50, 20)
    totals = add_totals(totals, info(10, 5, run_id="b", uptime=1), info(150, 50))  # restart: nothing added
    assert (totals.hits, totals.misses) == (50, 20)
    assert totals.hit_ratio == 50 / 70


def test_command_rates_busiest_first_and_skip_resets():
    before = (CommandStat("get", 100, 1000), CommandStat("set", 10, 100), CommandStat("del", 50, 50))
    now = (CommandStat("get", 300, 1400), CommandStat("set", 20, 300), CommandStat("del", 1, 1),
           CommandStat("new", 5, 5))
    rates = compute_rates(info(0, 0), info(0, 0), 2.0, now, before).commands
    assert [(r.name, r.calls_per_s, r.usec_per_call) for r in rates] == [("get", 100.0, 2.0), ("set", 5.0, 20.0)]


def test_rings_are_bounded_and_carry_unknowns():
    rings = Rings(size=3)
    rings.push(Rates(ops=5.0, hits=1.0, misses=1.0), 100)
    rings.push(Rates(), 200)
    history = rings.push(Rates(ops=7.0), 300)
    assert history.ops == (5.0, 5.0, 7.0) and history.hit_ratio == (50.0, 50.0, 50.0)
    history = rings.push(Rates(ops=9.0), 400)
    assert history.ops == (5.0, 7.0, 9.0) and history.used_memory == (200.0, 300.0, 400.0)


def test_an_unchanged_counter_is_not_a_reset():
    """Hits and no new misses: every lookup hit, a 100 % ratio (not 'unknown')."""
    rates = compute_rates(info(150, 30, 1000), info(100, 30, 500), 2.0)
    assert (rates.hits, rates.misses) == (25.0, 0.0)
    assert rates.hit_ratio == 1.0
    assert per_second(7, 7, 1.0) == 0.0
