"""The cluster as one Snapshot: sums over the primaries that answered, ratios from the sums."""

from __future__ import annotations

from dataclasses import replace

from redis_tui.core.models import CommandRate, Memory
from redis_tui.core.topology.aggregate import whole_snapshot
from tests.ui.cluster_sample import PRIMARIES, REPLICAS, cluster_round, down, topology


def test_sums_over_primaries_and_the_hit_ratio_from_summed_hits_and_misses():
    rnd = cluster_round()
    whole = whole_snapshot(rnd.topology, rnd.updates)
    assert whole is not None
    assert whole.total_keys == 1000 + 1100 + 3300  # replicas' copies not counted
    assert whole.memory.used == (100 + 120 + 330) * 1024 * 1024
    assert whole.clients.connected == 11 + 12 + 13
    assert whole.rates.ops == 200 + 220 + 660
    assert whole.rates.hit_ratio == 440 / 500  # not the mean of 0.9, 0.5 and 1.0
    assert whole.totals.hit_ratio == 440_000 / 500_000
    assert whole.keyspace[0].expires == 500 + 550 + 1650
    assert whole.server.mode == "cluster" and whole.client_list is None


def test_a_down_primary_leaves_the_sums_and_one_unlimited_node_means_no_limit():
    rnd = cluster_round(failed=PRIMARIES[2])
    whole = whole_snapshot(rnd.topology, rnd.updates)
    assert whole is not None and whole.total_keys == 2100
    updates = dict(rnd.updates)
    first = updates[PRIMARIES[0]]
    updates[PRIMARIES[0]] = replace(first, memory=replace(first.memory, maxmemory=0))
    assert whole_snapshot(rnd.topology, updates).memory.maxmemory == 0
    assert whole.memory.maxmemory == 2 * 512 * 1024 * 1024


def test_commands_summed_by_name_with_time_per_call_weighted_by_calls():
    rnd = cluster_round()
    updates = dict(rnd.updates)
    a, b = updates[PRIMARIES[0]], updates[PRIMARIES[1]]
    updates[PRIMARIES[0]] = replace(a, rates=replace(a.rates, commands=(CommandRate("get", 100.0, 1.0),)))
    updates[PRIMARIES[1]] = replace(b, rates=replace(b.rates, commands=(CommandRate("get", 300.0, 3.0),)),
                                    memory=Memory(used=1))
    updates[PRIMARIES[2]] = down(PRIMARIES[2])
    whole = whole_snapshot(rnd.topology, updates)
    assert whole.rates.commands == (CommandRate("get", 400.0, 2.5),)
    assert whole.memory.policy == "mixed"  # "allkeys-lru" and Memory()'s "noeviction"


def test_nothing_answered_gives_none():
    updates = {addr: down(addr) for addr in PRIMARIES + REPLICAS}
    assert whole_snapshot(topology(), updates) is None
