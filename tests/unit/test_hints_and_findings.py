"""The hint table is complete, filled with the target's host and port, and never leaks a password;
findings order, status and JSON; thresholds and their config table."""

from __future__ import annotations

import json
import string
from dataclasses import fields
from pathlib import Path

import pytest

from redis_tui import config_file
from redis_tui.config_file import ConfigError
from redis_tui.core.diagnosis import hints
from redis_tui.core.diagnosis.diagnose import Diagnoser, diagnose, diagnose_problem
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import Finding, counts, ordered, status_of
from redis_tui.core.models import ClientRow, Outage, Problem, SlowEntry
from redis_tui.core.target import TLS, Target
from tests.diag_builders import MB, TARGET, snapshot

FINDING_IDS = {
    "connection-refused", "host-unresolved", "connection-timeout", "tls-error", "auth-required", "auth-failed",
    "permission-denied", "server-loading", "server-busy", "max-clients", "protected-mode", "server-stalled",
    "master-down", "memory-pressure", "oom-rejecting-writes", "evictions", "no-maxmemory", "high-fragmentation",
    "no-password", "persistence-disabled", "rdb-save-failing", "aof-write-failing", "backup-stale",
    "no-high-availability", "replication-broken", "rejected-connections", "blocked-clients", "low-hit-ratio",
    "slow-commands", "client-output-buffer",
    "replica-lagging", "replication-backlog-too-small", "sentinel-quorum-lost", "sentinel-unreachable",
    "sentinel-master-down", "failover-happened",
}
TARGETS = [
    Target(host="cache.example.internal", port=6390, password="s3cret-pw"),
    Target(host="10.1.2.3", port=7000, db=3, username="monitor", password="pa55:word@x", tls=True,
           tls_files=TLS(cacert="/etc/ca.pem")),
    Target(socket="/run/redis/redis.sock", password="s3cret-pw"),
]


def test_every_design_id_has_hints():
    assert set(hints.HINTS) >= FINDING_IDS


@pytest.mark.parametrize(("finding_id", "target"), [
    pytest.param(finding_id, target, id=f"{finding_id}-{name}")
    for finding_id in sorted(hints.HINTS)
    for target, name in zip(TARGETS, ["tcp", "tls-acl", "socket"], strict=True)
    if not (finding_id == "tls-error" and target.socket)  # no TLS over a unix socket
])
def test_every_hint_is_filled_with_the_target(finding_id, target):
    entry = hints.HINTS[finding_id]
    cases = tuple(entry.cases)
    title, steps = hints.render(finding_id, hints.context(target), cases)
    assert len(steps) == len(entry.hints) + sum(len(v) for v in entry.cases.values())
    text = title + "\n" + "\n".join(steps)
    assert "{" not in text and "}" not in text
    assert target.password not in text
    ctx = hints.context(target)
    forms = (target.address, f"-h {target.host} -p {target.port}", f"{ctx['host']} {ctx['port']}")
    assert any(form in step for form in forms for step in steps), steps
    if target.tls:
        assert all("--tls" in step for step in steps if step.count("redis-cli -h"))


def test_context_uses_placeholders_not_passwords():
    ctx = hints.context(TARGETS[1])
    assert ctx["url_example"] == "rediss://monitor:<password>@10.1.2.3:7000/3"
    assert ctx["cli"] == "redis-cli -h 10.1.2.3 -p 7000 --tls -n 3 --user monitor --askpass"
    assert ctx["cli_admin"] == "redis-cli -h 10.1.2.3 -p 7000 --tls -n 3"
    assert hints.context(TARGETS[2])["cli"] == "redis-cli -s /run/redis/redis.sock --askpass"
    assert hints.context(Target(), "valkey")["service"] == "valkey-server"


def test_templates_use_only_known_fields():
    formatter = string.Formatter()
    known = set(hints.context(TARGETS[0]))
    for finding_id, entry in hints.HINTS.items():
        for template in (entry.title, *entry.hints, *(h for v in entry.cases.values() for h in v)):
            for _, name, _, _ in formatter.parse(template):
                if name and "[" in name:  # {conf_line[maxmemory <bytes>]} / {keep[…]}: a setting, not a field
                    name, setting = name.rstrip("]").split("[")
                    assert name in ("conf_line", "keep") and setting.strip(), (finding_id, name)
                assert name is None or name in known or name.isidentifier(), (finding_id, name)


def everything_wrong():
    """One snapshot that trips every state rule (with a baseline for the rising ones)."""
    info = {
        "memory": {"used_memory": 990 * MB, "maxmemory": 1000 * MB, "maxmemory_policy": "volatile-lru",
                   "used_memory_rss": 3000 * MB, "mem_fragmentation_ratio": 3.0},
        "persistence": {"rdb_last_bgsave_status": "err", "aof_enabled": 1, "aof_last_write_status": "err",
                        "loading": 1},
        "clients": {"blocked_clients": 50},
        "replication": {"role": "slave", "master_host": "10.0.0.1", "master_port": 6379, "master_link_status": "down"},
        "keyspace": {"db0": "keys=1000,expires=1,avg_ttl=5"},
    }
    before = snapshot(info, taken_at=1000.0)
    rising = {**info, "stats": {"evicted_keys": 50, "rejected_connections": 9, "keyspace_misses": 5000},
              "errorstats": {"errorstat_OOM": "count=12"}}
    notes = (Problem("permission-denied", "", "NOPERM … 'slowlog|get' command", source="slowlog"),)
    now = snapshot(rising, taken_at=1060.0, notes=notes, client_list=(ClientRow(1, "1.2.3.4:5", omem=64 * MB),),
                   slowlog=(SlowEntry(1, 1059, 50_000, (b"KEYS", b"*")),),
                   config={"save": "", "appendonly": "no", "requirepass": "", "replica-serve-stale-data": "no",
                           "bind": "0.0.0.0", "port": "6379"})
    return now, before


def test_all_state_rules_fire_together_filled_and_ordered():
    now, before = everything_wrong()
    target = Target(host="cache.example.internal", port=6390)
    found = diagnose(now, before, Thresholds(), target)
    ids = [f.id for f in found]
    expected = {"memory-pressure", "oom-rejecting-writes", "evictions", "high-fragmentation", "no-password",
                "rdb-save-failing", "aof-write-failing", "replication-broken", "master-down", "rejected-connections",
                "blocked-clients", "low-hit-ratio", "slow-commands", "client-output-buffer", "permission-denied",
                "server-loading"}
    assert expected <= set(ids)
    assert len(ids) == len(set(ids))
    assert found == ordered(found)
    for finding in found:
        text = " ".join(finding.hints)
        assert "{" not in text + finding.title
        assert "-h cache.example.internal -p 6390" in text or "cache.example.internal 6390" in text, finding.id
        json.dumps(finding.to_dict())


def test_order_status_and_counts():
    def f(fid, sev):
        return Finding(fid, sev, fid)
    found = ordered([f("b", "info"), f("z", "warning"), f("a", "critical"), f("c", "warning")])
    assert [x.id for x in found] == ["a", "c", "z", "b"]
    assert status_of(found) == "CRITICAL"
    assert status_of(found[1:]) == "WARNING"
    assert status_of(found[3:]) == "OK"
    assert status_of(()) == "OK"
    assert counts(found) == {"critical": 1, "warning": 2, "info": 1}
    with pytest.raises(ValueError):
        Finding("x", "fatal", "x")


def test_finding_is_frozen():
    finding = Finding("x", "info", "t", {"a": 1})
    with pytest.raises(TypeError):
        finding.evidence["a"] = 2  # type: ignore[index]
    assert finding.to_dict()["evidence"] == {"a": 1}


def test_problem_findings_are_critical_with_hints():
    problem = Problem("tls-error", "…", "wrong version number", cause="tls-not-spoken")
    (finding,) = diagnose_problem(problem, Target(host="h.example", port=6380, tls=True))
    assert finding.severity == "critical" and finding.evidence["cause"] == "tls-not-spoken"
    assert finding.hints[0] == "The port speaks plain Redis: use redis://h.example:6380/0 (without --tls)"
    (unknown,) = diagnose_problem(Problem("something-new", "odd", "odd"), TARGET)
    assert unknown.id == "connection-error"


def test_diagnoser_keeps_a_window_and_forgets_after_an_outage():
    diagnoser = Diagnoser(TARGET, Thresholds(window_s=60))
    base = {"stats": {"evicted_keys": 0}}
    assert "evictions" not in [f.id for f in diagnoser.update(snapshot(base, taken_at=1000))]
    found = diagnoser.update(snapshot({"stats": {"evicted_keys": 5}}, taken_at=1030))
    assert [f for f in found if f.id == "evictions"][0].evidence["evicted_in_window"] == 5
    # 70 s later the 1000 s snapshot is out of the window; the baseline is the 1030 one
    found = diagnoser.update(snapshot({"stats": {"evicted_keys": 5}}, taken_at=1070))
    assert "evictions" not in [f.id for f in found]
    outage = Outage(Problem("connection-refused", "refused"), since=1080, attempts=1, retry_at=1081)
    assert [f.id for f in diagnoser.update(outage)] == ["connection-refused"]
    found = diagnoser.update(snapshot({"stats": {"evicted_keys": 9}}, taken_at=1090))
    assert "evictions" not in [f.id for f in found]
    assert diagnoser.findings == found


def test_thresholds_table_matches_the_dataclass_and_the_documented_file():
    assert set(Thresholds.schema()) == {f.name for f in fields(Thresholds)}
    path = Path(__file__).resolve().parents[2] / "config.example.toml"
    parsed = config_file.parse(path.read_text(), path)
    assert Thresholds.from_section(parsed.sections["thresholds"]) == Thresholds()
    assert set(parsed.sections["thresholds"]) == set(Thresholds.schema())


@pytest.mark.parametrize(("line", "message"), [
    ("memory_warning_pct = 120", "memory_warning_pct must be a percentage"),
    ("blocked_clients = 0", "blocked_clients must be a whole number"),
    ("blocked_clients = 2.5", "blocked_clients must be a whole number"),
    ("backup_max_age_hours = true", "backup_max_age_hours must be a number above 0"),
    ("memory_warn = 80", "unknown key 'memory_warn'"),
])
def test_bad_threshold_values_name_the_line(line, message, tmp_path):
    path = tmp_path / "config.toml"
    text = f'url = "redis://localhost:6379/0"\n[thresholds]\n{line}\n'
    with pytest.raises(ConfigError) as error:
        config_file.parse(text, path)
    assert f"{path}:3:" in str(error.value) and message in str(error.value)


def test_thresholds_from_section_overrides():
    limits = Thresholds.from_section({"memory_warning_pct": 80, "blocked_clients": 3})
    assert limits.memory_warning_pct == 80 and limits.blocked_clients == 3 and limits.memory_critical_pct == 98
