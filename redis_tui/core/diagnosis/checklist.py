"""The production-readiness checklist of the operator's runbook, from one snapshot.

`checklist(snapshot, target)` → one `CheckLine` per item: password auth, persistence,
maxmemory and policy, high availability, monitoring, recent backups. Each passes, warns
or fails with its evidence, or says "cannot check" when CONFIG could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redis_tui.core.diagnosis import hints
from redis_tui.core.diagnosis.rules.server import loopback_only, replicas, sentinel_clients
from redis_tui.core.diagnosis.situation import Situation
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.format import human_bytes, human_duration
from redis_tui.core.models import Snapshot
from redis_tui.core.target import Target


class CheckStatus(StrEnum):
    """A checklist item's outcome (each member equals its string: ``CheckStatus.PASS == "pass"``)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"  # CONFIG could not be read


PASS, WARN, FAIL, UNKNOWN = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL, CheckStatus.UNKNOWN


@dataclass(frozen=True)
class CheckLine:
    """One checklist item: what, pass/warn/fail/unknown, the evidence, and what to do."""

    id: str
    title: str
    status: CheckStatus
    evidence: str
    hint: str = ""


def checklist(
    snapshot: Snapshot, target: Target = Target(), limits: Thresholds = Thresholds()
) -> tuple[CheckLine, ...]:
    """The checklist for the server in `snapshot`."""
    s = Situation.of(snapshot, None, limits, target)
    why = config_unreadable(snapshot)
    return (_password(s, why), _persistence(s, why), _maxmemory(s), _availability(s), _monitoring(s, why),
            _backups(s))


def config_unreadable(snapshot: Snapshot) -> str | None:
    """Why CONFIG GET gave nothing ("CONFIG is not permitted"…), None when it was read."""
    if snapshot.config:
        return None
    for note in snapshot.notes:
        if note.source == "config":
            reason = "not permitted" if note.id == "permission-denied" else "not available"
            return f"cannot check: CONFIG is {reason} ({note.detail})"
    return "cannot check: CONFIG GET was not read yet"


def _line(s: Situation, item: str, status: CheckStatus, evidence: str, hint: str = "") -> CheckLine:
    return CheckLine(item, TITLES[item], status, evidence, hints.fill(hint, s.ctx))


TITLES = {
    "password": "Password authentication",
    "persistence": "Persistence (RDB snapshots and/or AOF)",
    "maxmemory": "maxmemory and a policy that suits a cache",
    "availability": "High availability (replicas or Sentinel)",
    "monitoring": "Monitoring (slow log, latency monitor)",
    "backups": "Recent backups (BGSAVE)",
}


def _password(s: Situation, why: str | None) -> CheckLine:
    requirepass = s.config("requirepass")
    if requirepass == "(set)":
        return _line(s, "password", PASS, "requirepass is set")
    if s.target.password is None and s.target.username is None:
        where = {True: "loopback only", False: "reachable from the network", None: "bind unknown"}[loopback_only(s)]
        return _line(s, "password", FAIL, f"redis-tui connected without a password ({where})",
                     "{conf_line[requirepass <strong-password>]}, or ACL users with the default user off")
    if requirepass == "":
        return _line(s, "password", UNKNOWN, f"connected as ACL user {s.ctx['user']}; requirepass is empty: "
                     "the default user may be open, or off",
                     "check: {cli} ACL GETUSER default (flags: off, or a password)")
    if s.target.username is None and requirepass is None:
        return _line(s, "password", PASS, "the default user needed the password redis-tui gave")
    return _line(s, "password", UNKNOWN, f"connected as ACL user {s.ctx['user']}; the default user: {why}")


def _persistence(s: Situation, why: str | None) -> CheckLine:
    aof = s.number("persistence", "aof_enabled") == 1
    save = s.config("save")
    parts = [f"RDB save '{save}'" if save else "", "AOF on" if aof else ""]
    evidence = ", ".join(p for p in parts if p)
    failing = ("rdb_last_bgsave_status", "aof_last_write_status")
    if any(s.value("persistence", name) == "err" for name in failing):
        return _line(s, "persistence", FAIL, (evidence or "configured") + ", but the last save/write failed",
                     "see the rdb-save-failing / aof-write-failing finding")
    if aof or save:
        return _line(s, "persistence", PASS, evidence)
    if save is None:
        return _line(s, "persistence", UNKNOWN, f"AOF off; RDB rules {why}")
    return _line(s, "persistence", WARN,
                 "save \"\" and appendonly no: a restart loses every key (fine for a pure cache)",
                 "{cli} CONFIG SET save '3600 1 300 100 60 10000' or CONFIG SET appendonly yes")


def _maxmemory(s: Situation) -> CheckLine:
    m = s.now.memory
    if not m.maxmemory:
        return _line(s, "maxmemory", FAIL, f"maxmemory 0 (no limit), {human_bytes(m.used)} used",
                     "{cli} CONFIG SET maxmemory <bytes>; CONFIG SET maxmemory-policy allkeys-lru")
    evidence = f"maxmemory {human_bytes(m.maxmemory)}, policy {m.policy}"
    if m.policy == "noeviction":
        return _line(s, "maxmemory", WARN, evidence + ": writes fail when full (right for a store, not a cache)",
                     "{cli} CONFIG SET maxmemory-policy allkeys-lru")
    if m.policy.startswith("volatile"):
        share = s.now.ttl_share or 0.0
        if share * 100 < s.limits.volatile_ttl_min_pct:
            return _line(s, "maxmemory", WARN, evidence + f", but only {share:.0%} of keys have a TTL",
                         "{cli} CONFIG SET maxmemory-policy allkeys-lru")
    return _line(s, "maxmemory", PASS, evidence)


def _availability(s: Situation) -> CheckLine:
    role = s.now.server.role
    if role == "slave":
        return _line(s, "availability", PASS, f"this server is a replica of {s.value('replication', 'master_host')}:"
                     f"{s.value('replication', 'master_port')}")
    count = len(replicas(s))
    sentinels = sentinel_clients(s)
    if s.target.sentinel:
        return _line(s, "availability", PASS, f"reached through Sentinel; {count} replica(s)")
    if count or sentinels:
        return _line(s, "availability", PASS, f"{count} replica(s), {sentinels or 0} Sentinel connection(s)")
    known = "no Sentinel connection" if sentinels == 0 else "Sentinel unknown (CLIENT LIST not read)"
    return _line(s, "availability", FAIL, f"standalone master, no replicas, {known}",
                 "add a replica (replicaof {host} {port}) and Sentinel (sentinel monitor mymaster {host} {port} 2)")


def _monitoring(s: Situation, why: str | None) -> CheckLine:
    slower = s.config("slowlog-log-slower-than")
    latency = s.config("latency-monitor-threshold")
    if slower is None:
        return _line(s, "monitoring", UNKNOWN, f"slow log and latency monitor {why}")
    evidence = f"slowlog-log-slower-than {slower} µs, latency-monitor-threshold {latency} ms"
    if slower.startswith("-"):
        return _line(s, "monitoring", WARN, evidence + ": the slow log is off",
                     "{cli} CONFIG SET slowlog-log-slower-than 10000")
    if latency in (None, "0"):
        return _line(s, "monitoring", WARN, evidence + ": the latency monitor is off",
                     "{cli} CONFIG SET latency-monitor-threshold 100; alert on `redis-tui doctor` exit codes from cron")
    return _line(s, "monitoring", PASS, evidence)


def _backups(s: Situation) -> CheckLine:
    if s.value("persistence", "rdb_last_bgsave_status") == "err":
        return _line(s, "backups", FAIL, "the last BGSAVE failed (rdb_last_bgsave_status:err)",
                     "{cli} BGSAVE; then check the log")
    last = s.number("persistence", "rdb_last_save_time")
    changes = s.number("persistence", "rdb_changes_since_last_save")
    age = s.server_time() - last
    if s.saved_since_start() is False:
        rules = "; no save rules" if s.config("save") == "" else ""
        return _line(s, "backups", WARN, f"no save since the server started {human_duration(s.now.server.uptime_s)} "
                     f"ago ({changes} changes since){rules}",
                     "{cli} BGSAVE now, schedule it (cron) or set save rules, and copy the dump off the host")
    evidence = f"last successful save {human_duration(age)} ago, {changes} changes since"
    if changes and age >= s.limits.backup_max_age_hours * 3600:
        return _line(s, "backups", WARN, evidence, "{cli} BGSAVE, and copy the dump off the host")
    return _line(s, "backups", PASS, evidence)


def summary(lines: tuple[CheckLine, ...]) -> dict[str, int]:
    """{status: how many lines}."""
    out: dict[str, int] = dict.fromkeys(CheckStatus, 0)
    for line in lines:
        out[line.status] += 1
    return out

