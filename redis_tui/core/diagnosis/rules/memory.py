"""Memory rules: memory-pressure, oom-rejecting-writes, evictions, no-maxmemory, high-fragmentation."""

from __future__ import annotations

from redis_tui.core.diagnosis.situation import MB, Situation
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import CRITICAL, INFO, WARNING, Finding
from redis_tui.core.format import human_bytes, percent
from redis_tui.core.models import Memory

POLICY_MEANING = {
    "noeviction": "when full, writes fail with OOM",
    "allkeys-lru": "when full, the least recently used keys are evicted",
    "allkeys-lfu": "when full, the least frequently used keys are evicted",
    "allkeys-random": "when full, random keys are evicted",
    "volatile-lru": "when full, only keys with a TTL are evicted (least recently used first)",
    "volatile-lfu": "when full, only keys with a TTL are evicted (least frequently used first)",
    "volatile-random": "when full, only keys with a TTL are evicted (at random)",
    "volatile-ttl": "when full, only keys with a TTL are evicted (nearest expiry first)",
}


def oom_errors(s: Situation) -> tuple[int | None, int | None]:
    """(OOM errors since the server started, OOM errors since `before`)."""
    total = s.errors(s.now, "OOM")
    earlier = s.errors(s.before, "OOM")
    recent = None if total is None or earlier is None else max(0, total - earlier)
    return total, recent


def memory_pressure(s: Situation) -> Finding | None:
    """Used memory near maxmemory (or OOM errors rising), with what the policy will do."""
    m = s.now.memory
    if not m.maxmemory:
        return None
    used_pct = 100.0 * m.used / m.maxmemory
    _, recent_oom = oom_errors(s)
    rising = bool(recent_oom)
    if used_pct >= s.limits.memory_critical_pct or rising:
        severity = CRITICAL
    elif used_pct >= s.limits.memory_warning_pct:
        severity = WARNING
    else:
        return None
    share = s.now.ttl_share
    cases: tuple[str, ...] = ("oom",) if rising else ()
    if m.policy == "noeviction":
        cases += ("noeviction",)
    elif m.policy.startswith("volatile") and (share is None or share * 100 < s.limits.volatile_ttl_min_pct):
        cases += ("volatile",)
    meaning = POLICY_MEANING.get(m.policy, "see the maxmemory-policy documentation")
    evidence = {
        "used_memory": m.used,
        "maxmemory": m.maxmemory,
        "used_pct": round(used_pct, 1),
        "maxmemory_policy": m.policy,
        "policy_meaning": meaning,
        "keys": s.now.total_keys,
        "keys_with_ttl_pct": None if share is None else round(share * 100, 1),
        "oom_errors_in_window": recent_oom,
        "window_s": round(s.window_s, 1),
    }
    detail = (f"used_memory {human_bytes(m.used)} / maxmemory {human_bytes(m.maxmemory)} ({used_pct:.1f}%), "
              f"policy {m.policy} ({meaning})")
    if share is not None and m.policy.startswith("volatile"):
        detail += f", {percent(share)} of keys have a TTL"
    if recent_oom:
        detail += f", {recent_oom} OOM errors in {s.window}"
    values = {"pct": f"{used_pct:.1f}%", "used": human_bytes(m.used), "maxmemory": human_bytes(m.maxmemory),
              "policy": m.policy, "ttl_pct": percent(share), "oom_errors": recent_oom}
    return s.finding("memory-pressure", severity, evidence, detail, values, cases)


def oom_rejecting_writes(s: Situation) -> Finding | None:
    """Writes refused with OOM (INFO errorstats): critical while rising, a warning for past ones."""
    total, recent = oom_errors(s)
    if not total:
        return None
    rising = bool(recent)
    when = f"in {s.window}" if rising else "since the server started or its stats were reset"
    evidence = {"oom_errors_total": total, "oom_errors_in_window": recent, "window_s": round(s.window_s, 1),
                "maxmemory_policy": s.now.memory.policy}
    count = recent if rising else total
    detail = f"{count} writes rejected with OOM {when} (errorstat_OOM count={total}), policy {s.now.memory.policy}"
    values = {"oom_errors": count, "oom_when": when}
    return s.finding("oom-rejecting-writes", CRITICAL if rising else WARNING, evidence, detail, values)


def evictions(s: Situation) -> Finding | None:
    """Keys evicted since the baseline."""
    evicted = s.increase("stats", "evicted_keys")
    if evicted is None or evicted < s.limits.evictions_min:
        return None
    rate = evicted / s.window_s if s.window_s > 0 else None
    evidence = {"evicted_in_window": evicted, "window_s": round(s.window_s, 1),
                "evicted_per_s": None if rate is None else round(rate, 2),
                "evicted_keys_total": s.now.memory.evicted_keys, "maxmemory_policy": s.now.memory.policy}
    memory = s.now.memory
    detail = f"{evicted} keys evicted in {s.window} (policy {memory.policy}, {memory.evicted_keys} in total)"
    return s.finding("evictions", WARNING, evidence, detail, {"evicted": evicted, "window": s.window})


def no_maxmemory(s: Situation) -> Finding | None:
    """No memory limit: info, or a warning once used memory is a large share of the host's RAM."""
    m = s.now.memory
    if m.maxmemory:
        return None
    system = s.number("memory", "total_system_memory")
    share = m.used / system if system else None
    severity = WARNING if share is not None and share * 100 >= s.limits.no_maxmemory_system_pct else INFO
    evidence = {"maxmemory": 0, "used_memory": m.used, "total_system_memory": system or None,
                "used_of_system_pct": None if share is None else round(share * 100, 1)}
    detail = f"maxmemory 0 (no limit), used_memory {human_bytes(m.used)}"
    if share is not None:
        detail += f" = {percent(share)} of the host's {human_bytes(system)}"
    values = {"used": human_bytes(m.used), "system": human_bytes(system) if system else "unknown"}
    return s.finding("no-maxmemory", severity, evidence, detail, values)


def fragmentation_case(memory: Memory, limits: Thresholds) -> str | None:
    """``fragmented`` (RSS far above used), ``swapping`` (RSS below used), or None (fine, or too small to matter).

    A ratio is ignored while RSS and used memory differ by less than ``fragmentation_min_mb``
    (a 1 MB server's ratio of 6 is allocator overhead, not a problem). The Memory pane colours
    the ratio by this same test.
    """
    ratio = memory.fragmentation
    if ratio is None or abs(memory.rss - memory.used) < limits.fragmentation_min_mb * MB:
        return None
    if ratio >= limits.fragmentation_ratio:
        return "fragmented"
    if ratio < limits.fragmentation_swap_ratio:
        return "swapping"
    return None


def high_fragmentation(s: Situation) -> Finding | None:
    """RSS far above used memory (fragmented), or below it (swapping)."""
    m = s.now.memory
    ratio = m.fragmentation
    case = fragmentation_case(m, s.limits)
    if case is None or ratio is None:
        return None
    words = "memory is fragmented" if case == "fragmented" else "RSS below used memory: swapping"
    evidence = {"mem_fragmentation_ratio": ratio, "used_memory_rss": m.rss, "used_memory": m.used}
    detail = (f"mem_fragmentation_ratio {ratio:.2f}: {words} "
              f"(used_memory_rss {human_bytes(m.rss)}, used_memory {human_bytes(m.used)})")
    values = {"ratio": f"{ratio:.2f}", "rss": human_bytes(m.rss), "used": human_bytes(m.used)}
    return s.finding("high-fragmentation", WARNING, evidence, detail, values, (case,))


RULES = (memory_pressure, oom_rejecting_writes, evictions, no_maxmemory, high_fragmentation)
