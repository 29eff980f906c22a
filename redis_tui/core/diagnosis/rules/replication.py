"""Replication rules, on a master's INFO: a replica falling behind, full resyncs the backlog could have avoided.

Both compare `now` with `before` (the start of the window): "growing" and "rising" need a baseline.
A finding about one replica names it (`Finding.node`).
"""

from __future__ import annotations

from redis_tui.core.diagnosis.situation import MB, Situation
from redis_tui.core.findings import WARNING, Finding
from redis_tui.core.format import human_bytes, human_duration
from redis_tui.core.replication import MASTER, replication_of

BACKLOG_MINUTES = 5  # the suggested backlog holds this many minutes of writes
BACKLOG_FLOOR = 16 * MB


def _lags(s: Situation, which: str) -> dict[str, int]:
    """{replica: bytes behind the master} for the online replicas in `now` or `before`."""
    snapshot = s.now if which == "now" else s.before
    if snapshot is None:
        return {}
    repl = replication_of(snapshot)
    if repl.offset is None:
        return {}
    return {r.addr: max(0, repl.offset - r.offset) for r in repl.replicas if r.state == "online"}


def _write_rate(s: Situation) -> float | None:
    """Bytes per second the master wrote to its replication stream over the window."""
    if s.before is None or s.window_s <= 0:
        return None
    now, then = replication_of(s.now).offset, replication_of(s.before).offset
    if now is None or then is None or now < then:
        return None
    return (now - then) / s.window_s


def replica_lagging(s: Situation) -> Finding | None:
    """A replica at least `replica_lag_mb` behind, further behind than at the window's start, and either silent for
    2 s or more than 2 seconds' worth of writes behind (a healthy replica acknowledges every second)."""
    repl = replication_of(s.now)
    if repl.role != MASTER or s.before is None or replication_of(s.before).role != MASTER:
        return None
    now, then, rate = _lags(s, "now"), _lags(s, "before"), _write_rate(s)
    silent = {r.addr: r.lag_s or 0.0 for r in repl.replicas}
    lagging = {}
    for addr, lag in now.items():
        behind = lag >= s.limits.replica_lag_mb * MB and lag > then.get(addr, 0)
        if behind and (silent.get(addr, 0.0) >= 2 or (rate is not None and lag > 2 * rate)):
            lagging[addr] = lag
    if not lagging:
        return None
    worst = max(lagging, key=lambda a: lagging[a])
    host, _, port = worst.rpartition(":")
    evidence = {"replica": worst, "lag_bytes": lagging[worst], "lag_bytes_before": then.get(worst, 0),
                "seconds_since_ack": silent.get(worst), "master_repl_offset": repl.offset,
                "write_rate_bytes_per_s": round(rate) if rate is not None else None, "window_s": round(s.window_s),
                "lagging_replicas": dict(lagging)}
    detail = (f"replica {worst} is {human_bytes(lagging[worst])} behind (was {human_bytes(then.get(worst, 0))} "
              f"{human_duration(s.window_s)} ago), last ack {silent.get(worst, 0):.0f}s ago")
    if len(lagging) > 1:
        detail += f"; {len(lagging)} replicas lag"
    values = {"lag": human_bytes(lagging[worst]), "replica_host": host.strip("[]"), "replica_port": port}
    finding = s.finding("replica-lagging", WARNING, evidence, detail, values)
    return Finding(finding.id, finding.severity, finding.title, finding.evidence, finding.hints, finding.detail,
                   node=worst)


def backlog_too_small(s: Situation) -> Finding | None:
    """Full resyncs in the window that followed a refused partial resync (``sync_full`` and ``sync_partial_err``
    rising): a replica came back after its place had left the backlog."""
    full, refused = s.increase("stats", "sync_full"), s.increase("stats", "sync_partial_err")
    if not full or not refused or replication_of(s.now).role != MASTER:
        return None
    repl = replication_of(s.now)
    rate = _write_rate(s)
    suggested = max(BACKLOG_FLOOR, 2 * (repl.backlog_size or 0), int((rate or 0) * 60 * BACKLOG_MINUTES))
    suggested_mb = -(-suggested // MB)
    evidence = {"sync_full_in_window": full, "sync_partial_err_in_window": refused,
                "repl_backlog_size": repl.backlog_size, "repl_backlog_histlen": repl.backlog_used,
                "write_rate_bytes_per_s": round(rate) if rate is not None else None,
                "suggested_repl_backlog_size": suggested_mb * MB, "window_s": round(s.window_s)}
    detail = (f"sync_full +{full} and sync_partial_err +{refused} in {s.window}; repl-backlog-size "
              f"{human_bytes(repl.backlog_size)}")
    values = {"window": s.window, "backlog": human_bytes(repl.backlog_size),
              "write_rate": human_bytes(rate) if rate is not None else "<bytes>", "suggested": f"{suggested_mb}mb"}
    return s.finding("replication-backlog-too-small", WARNING, evidence, detail, values)


RULES = (replica_lagging, backlog_too_small)
