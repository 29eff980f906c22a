"""The production checklist from a snapshot, SLOWLOG parsing, and the error words classify() reads."""

from __future__ import annotations

import pytest
import redis.exceptions as rex
from hypothesis import given
from hypothesis import strategies as st

from redis_tui.core.diagnosis import permissions
from redis_tui.core.diagnosis.checklist import checklist, config_unreadable, summary
from redis_tui.core.errors import classify
from redis_tui.core.models import ClientRow, Problem
from redis_tui.core.parse import parse_slowlog
from redis_tui.core.target import Target
from tests.diag_builders import BASE_CONFIG, MB, snapshot

PROD = {"memory": {"maxmemory": 2048 * MB, "maxmemory_policy": "allkeys-lru"},
        "replication": {"connected_slaves": 1, "slave0": "ip=10.0.0.2,port=6379,state=online,offset=9,lag=0"}}
AUTHED = Target(host="db", port=6379, password="pw")


def by_id(lines):
    return {line.id: line for line in lines}


def test_production_server_passes_every_line():
    lines = checklist(snapshot(PROD), AUTHED)
    ids = ["password", "persistence", "maxmemory", "availability", "monitoring", "backups"]
    assert [line.id for line in lines] == ids
    assert {line.id: line.status for line in lines} == dict.fromkeys(by_id(lines), "pass")
    assert summary(lines) == {"pass": 6, "warn": 0, "fail": 0, "unknown": 0}
    assert "requirepass is set" in by_id(lines)["password"].evidence
    assert by_id(lines)["maxmemory"].evidence == "maxmemory 2.0G, policy allkeys-lru"


def test_default_box_fails_and_warns_with_evidence():
    config = {**BASE_CONFIG, "requirepass": "", "save": "", "latency-monitor-threshold": "0"}
    now = snapshot({"persistence": {"rdb_changes_since_last_save": 5, "rdb_saves": 0}}, config=config, client_list=())
    lines = by_id(checklist(now, Target(host="db", port=6379)))
    assert lines["password"].status == "fail" and "without a password" in lines["password"].evidence
    assert lines["persistence"].status == "warn"
    assert lines["maxmemory"].status == "fail"
    assert lines["availability"].status == "fail" and "replicaof db 6379" in lines["availability"].hint
    assert lines["monitoring"].status == "warn" and "latency monitor is off" in lines["monitoring"].evidence
    assert lines["backups"].status == "warn"


@pytest.mark.parametrize(("policy", "expires", "status"), [
    ("noeviction", 0, "warn"), ("volatile-lru", 5, "warn"), ("volatile-lru", 50, "pass"), ("allkeys-lfu", 0, "pass"),
])
def test_maxmemory_policy_suits_a_cache(policy, expires, status):
    now = snapshot({"memory": {"maxmemory": 100 * MB, "maxmemory_policy": policy},
                    "keyspace": {"db0": f"keys=100,expires={expires},avg_ttl=1"}})
    assert by_id(checklist(now, AUTHED))["maxmemory"].status == status


def test_config_not_permitted_says_cannot_check():
    note = Problem("permission-denied", "CONFIG: …", "User mon has no permissions to run the 'config|get' command",
                   source="config")
    now = snapshot(config={}, notes=(note,))
    assert config_unreadable(now).startswith("cannot check: CONFIG is not permitted")
    lines = by_id(checklist(now, Target(host="db", port=6379, username="mon", password="pw")))
    for item in ("persistence", "monitoring", "password"):
        assert lines[item].status == "unknown"
        assert "cannot check: CONFIG is not permitted" in lines[item].evidence
    assert lines["maxmemory"].status == "fail"  # INFO memory still tells this one
    assert config_unreadable(snapshot()) is None


def test_replica_and_sentinel_count_as_high_availability():
    assert by_id(checklist(snapshot({"replication": {"role": "slave", "master_host": "m", "master_port": 1}})))[
        "availability"].status == "pass"
    sentinel = (ClientRow(1, "10.0.0.5:1", name="sentinel-0a1b2c3d-cmd"),)
    assert by_id(checklist(snapshot(client_list=sentinel)))["availability"].status == "pass"


def test_failed_save_fails_persistence_and_backups():
    lines = by_id(checklist(snapshot({"persistence": {"rdb_last_bgsave_status": "err"}})))
    assert lines["persistence"].status == "fail" and lines["backups"].status == "fail"


FRESH = 1_000_000  # the snapshot's clock; the server started 21 minutes before it and never saved


@pytest.mark.parametrize("saves", ["0", ""], ids=["rdb_saves", "no-rdb_saves-field"])
def test_backups_do_not_pass_before_the_first_save(saves):
    fresh = {"server": {"uptime_in_seconds": 1260},
             "persistence": {"rdb_saves": saves, "rdb_last_save_time": FRESH - 1260, "rdb_changes_since_last_save": 7}}
    line = by_id(checklist(snapshot(fresh, taken_at=FRESH), AUTHED))["backups"]
    assert line.status == "warn"
    assert line.evidence == "no save since the server started 21m00s ago (7 changes since)"
    assert "BGSAVE" in line.hint


def test_a_save_after_the_start_passes():
    saved = {"server": {"uptime_in_seconds": 1260},
             "persistence": {"rdb_saves": "", "rdb_last_save_time": FRESH - 60, "rdb_changes_since_last_save": 7}}
    line = by_id(checklist(snapshot(saved, taken_at=FRESH), AUTHED))["backups"]
    assert (line.status, line.evidence) == ("pass", "last successful save 1m00s ago, 7 changes since")


def test_backup_stale_says_when_there_never_was_a_save():
    from tests.diag_builders import find

    day = 30 * 3600
    stale = {"server": {"uptime_in_seconds": day},
             "persistence": {"rdb_saves": 0, "rdb_last_save_time": FRESH - day, "rdb_changes_since_last_save": 5}}
    found = find("backup-stale", snapshot(stale, taken_at=FRESH))
    assert found.detail == (f"no save since the server started 1d06h ago (rdb_last_save_time {FRESH - day}), "
                            "5 changes since")
    assert found.title == "No successful save for 1d06h, with 5 changes since"
    assert found.evidence["saved_since_start"] is False


def test_parse_slowlog_reads_entries_newest_first():
    reply = [[1, 1700000000, 15000, [b"KEYS", b"*"], b"10.0.0.1:5000", b"app"],
             [7, 1700000100, 20, [b"GET", b"\xff"]],
             ["junk"], None, [b"x", b"y", b"z", b"w"]]
    entries = parse_slowlog(reply)
    assert [e.id for e in entries] == [7, 1]
    assert entries[1].args == (b"KEYS", b"*") and entries[1].client_name == "app"
    assert entries[0].client_addr == "" and entries[0].args == (b"GET", b"\xff")
    assert parse_slowlog(b"ERR") == () and parse_slowlog(None) == ()


@given(st.recursive(st.none() | st.integers() | st.binary(max_size=8) | st.text(max_size=8),
                    lambda children: st.lists(children, max_size=6), max_leaves=30))
def test_parse_slowlog_never_raises(reply):
    assert isinstance(parse_slowlog(reply), tuple)


T = Target(host="db.example", port=6379)


@pytest.mark.parametrize(("exc", "finding_id", "cause"), [
    (rex.ResponseError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."),
     "server-busy", ""),
    (rex.ResponseError("BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."),
     "server-busy", ""),
    (rex.ResponseError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
                       "to disk."), "rdb-save-failing", ""),
    (rex.ResponseError("OOM command not allowed when used memory > 'maxmemory'."), "oom-rejecting-writes", ""),
    (rex.OutOfMemoryError("command not allowed when used memory > 'maxmemory'."), "oom-rejecting-writes", ""),
    (rex.ResponseError("ERR unknown command 'SLOWLOG', with args beginning with: 'GET'"), "command-unavailable", ""),
    (rex.ConnectionError("max number of clients reached"), "max-clients", ""),
    (rex.ResponseError("DENIED Running in protected mode because protected mode is enabled"), "protected-mode", ""),
    (rex.MasterDownError("Link with MASTER is down and replica-serve-stale-data is set to 'no'."), "master-down", ""),
    (rex.AuthenticationError("AUTH <password> called without any password configured for the default user."),
     "auth-failed", "no-password-set"),
    (rex.ConnectionError("Error while reading from db.example:6379 : (104, 'Connection reset by peer')"),
     "tls-error", "tls-expected"),
    (rex.ConnectionError("Error 2 connecting to /tmp/x.sock. No such file or directory."),
     "connection-refused", "no-such-socket"),
    (rex.ConnectionError("Error 1 connecting to db.example:6379. [SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                         "verify failed"), "tls-error", "verify"),
])
def test_classify_by_the_servers_words(exc, finding_id, cause):
    problem = classify(exc, T)
    assert (problem.id, problem.cause) == (finding_id, cause)


def test_reset_after_a_working_connection_is_a_lost_connection():
    exc = rex.ConnectionError("Error while reading from db.example:6379 : (104, 'Connection reset by peer')")
    assert classify(exc, T, connected=True).id == "connection-lost"
    assert classify(exc, Target(host="db.example", port=6379, tls=True)).id == "connection-error"


@pytest.mark.parametrize(("detail", "source", "command"), [
    ("NOPERM User mon has no permissions to run the 'config|get' command", "config", "config|get"),
    ("NOPERM this user has no permissions to run the 'info' command or its subcommand", "", "info"),
    ("NOPERM something else", "client-list", "client|list"),
    ("NOPERM something else", "", None),
])
def test_denied_command(detail, source, command):
    assert permissions.denied_command(detail, source) == command


def test_recipe_is_read_only_and_covers_what_the_poller_sends():
    rules = permissions.RECIPE_RULES
    assert "-@all" in rules and not any(r.startswith("+@") for r in rules)
    for command in ("info", "client|setname", "client|list", "config|get", "slowlog|get"):
        assert permissions.acl_rule(command) in rules
    assert not any(word in permissions.RECIPE for word in ("+set", "+del", "+flush", "+config|set", "+debug"))
