"""Memory rules at their thresholds: just below, at, above."""

from __future__ import annotations

import pytest

from tests.diag_builders import MB, TARGET, find, snapshot

GB = 1024 * MB


def memory(used: int, maxmemory: int = 1000 * MB, policy: str = "noeviction", oom: int | None = None, **info):
    sections = {"memory": {"used_memory": used, "maxmemory": maxmemory, "maxmemory_policy": policy}, **info}
    if oom is not None:
        sections["errorstats"] = {"errorstat_OOM": f"count={oom}"}
    return sections


@pytest.mark.parametrize(("used_mb", "severity"), [
    (899, None), (900, "warning"), (950, "warning"), (979, "warning"), (980, "critical"), (1001, "critical"),
])
def test_memory_pressure_thresholds(used_mb, severity):
    finding = find("memory-pressure", snapshot(memory(used_mb * MB)))
    assert (finding.severity if finding else None) == severity


def test_memory_pressure_thresholds_are_configurable():
    now = snapshot(memory(800 * MB))
    assert find("memory-pressure", now, memory_warning_pct=80).severity == "warning"
    assert find("memory-pressure", now, memory_warning_pct=70, memory_critical_pct=80).severity == "critical"
    assert find("memory-pressure", now, memory_warning_pct=80.1) is None


def test_memory_pressure_evidence_and_noeviction_hint():
    finding = find("memory-pressure", snapshot(memory(int(1.96 * GB), 2 * GB)))
    assert finding.evidence["used_memory"] == int(1.96 * GB)
    assert finding.evidence["maxmemory"] == 2 * GB
    assert finding.evidence["maxmemory_policy"] == "noeviction"
    assert finding.evidence["used_pct"] == 98.0
    assert "98.0%" in finding.title and "noeviction" in finding.detail and "writes fail" in finding.detail
    assert finding.hints[0].startswith("Policy noeviction")
    command = "redis-cli -h cache.example.internal -p 6390 --askpass CONFIG SET maxmemory-policy allkeys-lru"
    assert command in finding.hints[0]


def test_oom_rising_makes_memory_pressure_critical_below_the_thresholds():
    before = snapshot(memory(500 * MB, oom=10))
    now = snapshot(memory(500 * MB, oom=322), taken_at=before.taken_at + 60)
    finding = find("memory-pressure", now, before)
    assert finding.severity == "critical"
    assert finding.evidence["oom_errors_in_window"] == 312
    assert finding.detail.endswith("312 OOM errors in the last 1m00s")
    assert find("memory-pressure", snapshot(memory(500 * MB, oom=10), taken_at=before.taken_at + 60), before) is None


@pytest.mark.parametrize(("expires", "few"), [(9, True), (10, False), (90, False)])
def test_volatile_policy_with_few_ttls(expires, few):
    now = snapshot(memory(990 * MB, policy="volatile-lru", keyspace={"db0": f"keys=100,expires={expires},avg_ttl=5"}))
    finding = find("memory-pressure", now)
    assert finding.evidence["keys_with_ttl_pct"] == float(expires)
    assert any("little to evict" in hint for hint in finding.hints) == few


def test_no_limit_means_no_memory_pressure():
    assert find("memory-pressure", snapshot(memory(10 * GB, maxmemory=0))) is None


def test_oom_rejecting_writes_past_and_rising():
    assert find("oom-rejecting-writes", snapshot(memory(10 * MB, oom=0))) is None
    assert find("oom-rejecting-writes", snapshot(memory(10 * MB))) is None
    past = find("oom-rejecting-writes", snapshot(memory(10 * MB, oom=5)))
    assert past.severity == "warning" and past.evidence["oom_errors_total"] == 5
    before = snapshot(memory(10 * MB, oom=5))
    same = find("oom-rejecting-writes", snapshot(memory(10 * MB, oom=5), taken_at=before.taken_at + 1), before)
    assert same.severity == "warning" and same.evidence["oom_errors_in_window"] == 0
    rising = find("oom-rejecting-writes", snapshot(memory(10 * MB, oom=6), taken_at=before.taken_at + 1), before)
    assert rising.severity == "critical" and rising.evidence["oom_errors_in_window"] == 1


@pytest.mark.parametrize(("evicted", "minimum", "fires"), [(0, 1, False), (1, 1, True), (9, 10, False), (10, 10, True)])
def test_evictions(evicted, minimum, fires):
    before = snapshot({"stats": {"evicted_keys": 100}})
    now = snapshot({"stats": {"evicted_keys": 100 + evicted}}, taken_at=before.taken_at + 10)
    finding = find("evictions", now, before, evictions_min=minimum)
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["evicted_in_window"] == evicted
        assert finding.evidence["evicted_per_s"] == round(evicted / 10, 2)


def test_evictions_need_a_baseline_and_survive_a_restart():
    assert find("evictions", snapshot({"stats": {"evicted_keys": 100}})) is None
    before = snapshot({"stats": {"evicted_keys": 100}})
    restarted = snapshot({"stats": {"evicted_keys": 3}, "server": {"run_id": "b" * 40}}, taken_at=before.taken_at + 5)
    assert find("evictions", restarted, before) is None


@pytest.mark.parametrize(("used_mb", "severity"), [(4095, "info"), (4096, "warning"), (5000, "warning")])
def test_no_maxmemory(used_mb, severity):
    finding = find("no-maxmemory", snapshot(memory(used_mb * MB, maxmemory=0)))
    assert finding.severity == severity
    assert finding.evidence["total_system_memory"] == 8192 * MB


@pytest.mark.parametrize(("ratio", "rss_mb", "used_mb", "case"), [
    (1.49, 1490, 1000, None),
    (1.5, 1500, 1000, "fragmented"),
    (3.0, 150, 50, "fragmented"),
    (3.0, 90, 30, None),  # less than 64 MB apart: not worth a word
    (0.9, 900, 1000, None),
    (0.89, 890, 1000, "swapping"),
])
def test_fragmentation(ratio, rss_mb, used_mb, case):
    info = {"memory": {"mem_fragmentation_ratio": ratio, "used_memory_rss": rss_mb * MB, "used_memory": used_mb * MB}}
    finding = find("high-fragmentation", snapshot(info))
    if case is None:
        assert finding is None
        return
    assert finding.evidence["mem_fragmentation_ratio"] == ratio
    assert ("swap" in finding.hints[0]) == (case == "swapping")
    assert TARGET.host in " ".join(finding.hints)


@pytest.mark.parametrize(("gap", "fires"), [(64 * MB - 1, False), (64 * MB, True), (64 * MB + 1, True)],
                         ids=["just-below", "at", "just-above"])
def test_fragmentation_counts_from_64_mb_of_difference(gap, fires):
    used = 100 * MB
    now = snapshot({"memory": {"used_memory": used, "used_memory_rss": used + gap,
                               "mem_fragmentation_ratio": round((used + gap) / used, 2)}})
    assert now.memory.rss - now.memory.used == gap
    assert (find("high-fragmentation", now) is not None) is fires
