"""Safety rules at their thresholds: password, persistence, backups, HA, replication, loading."""

from __future__ import annotations

import pytest

from redis_tui.core.models import ClientRow
from redis_tui.core.target import Target
from tests.diag_builders import BASE_CONFIG, TARGET, find, snapshot

NO_AUTH = Target(host="cache.example.internal", port=6390)


def config(**changes):
    return {**BASE_CONFIG, **{k.replace("_", "-"): v for k, v in changes.items()}}


@pytest.mark.parametrize(("bind", "port", "severity"), [
    ("127.0.0.1 -::1", "6379", "info"),
    ("127.0.0.1", "0", "info"),
    ("localhost", "6379", "info"),
    ("0.0.0.0", "6379", "warning"),
    ("* -::*", "6379", "warning"),
    ("127.0.0.1 10.0.0.5", "6379", "warning"),
])
def test_no_password_severity_follows_exposure(bind, port, severity):
    now = snapshot(config=config(requirepass="", bind=bind, port=port))
    finding = find("no-password", now, target=NO_AUTH)
    assert finding.severity == severity
    assert finding.evidence["connected_without_password"] is True
    assert "REDIS_URL=redis://:<password>@cache.example.internal:6390/0" in " ".join(finding.hints)


def test_no_password_not_reported_when_set_or_unknowable():
    assert find("no-password", snapshot(config=config(requirepass="(set)")), target=NO_AUTH) is None
    assert find("no-password", snapshot(config={}), target=TARGET) is None  # we had a password, CONFIG unreadable
    unreadable = find("no-password", snapshot(config={}), target=NO_AUTH)
    assert unreadable.severity == "warning" and unreadable.evidence["loopback_only"] is None
    acl_user = Target(host="h", port=1, username="app", password="pw")  # the default user may be off: no claim
    assert find("no-password", snapshot(config=config(requirepass="")), target=acl_user) is None


@pytest.mark.parametrize(("save", "appendonly", "aof_enabled", "fires"), [
    ("", "no", 0, True), ("3600 1", "no", 0, False), ("", "yes", 1, False), ("", "no", 1, False),
])
def test_persistence_disabled(save, appendonly, aof_enabled, fires):
    now = snapshot({"persistence": {"aof_enabled": aof_enabled}}, config=config(save=save, appendonly=appendonly))
    finding = find("persistence-disabled", now)
    assert (finding is not None) == fires
    if fires:
        assert finding.severity == "info"
    assert find("persistence-disabled", snapshot(config={})) is None


@pytest.mark.parametrize(("save", "stop", "severity"), [
    ("3600 1", "yes", "critical"), ("", "yes", "warning"), ("3600 1", "no", "warning"),
])
def test_rdb_save_failing(save, stop, severity):
    now = snapshot({"persistence": {"rdb_last_bgsave_status": "err", "rdb_changes_since_last_save": 7}},
                   config=config(save=save, stop_writes_on_bgsave_error=stop, dir="/data/redis"))
    finding = find("rdb-save-failing", now)
    assert finding.severity == severity
    assert finding.evidence["writes_refused"] == (severity == "critical")
    assert finding.evidence["rdb_changes_since_last_save"] == 7
    assert any("df -h /data/redis" in hint for hint in finding.hints)
    assert any("MISCONF" in hint for hint in finding.hints) == (severity == "critical")
    assert find("rdb-save-failing", snapshot()) is None


@pytest.mark.parametrize(("write", "rewrite", "severity"), [
    ("ok", "ok", None), ("err", "ok", "critical"), ("ok", "err", "warning"), ("err", "err", "critical"),
])
def test_aof_write_failing(write, rewrite, severity):
    now = snapshot({"persistence": {"aof_enabled": 1, "aof_last_write_status": write,
                                    "aof_last_bgrewrite_status": rewrite}})
    finding = find("aof-write-failing", now)
    assert (finding.severity if finding else None) == severity


@pytest.mark.parametrize(("age_s", "changes", "save", "fires"), [
    (24 * 3600 - 1, 5, "3600 1", False),
    (24 * 3600, 5, "3600 1", True),
    (48 * 3600, 0, "3600 1", False),
    (48 * 3600, 5, "", False),
])
def test_backup_stale(age_s, changes, save, fires):
    taken_at = 2_000_000.0
    persistence = {"rdb_last_save_time": int(taken_at - age_s), "rdb_changes_since_last_save": changes}
    now = snapshot({"persistence": persistence}, config=config(save=save), taken_at=taken_at)
    finding = find("backup-stale", now)
    assert (finding is not None) == fires
    if fires:
        assert finding.evidence["age_s"] == age_s
        assert "1d00h" in finding.title
    assert find("backup-stale", now, backup_max_age_hours=age_s / 3600 + 1) is None


def test_backup_stale_uses_the_server_clock():
    now = snapshot({"persistence": {"rdb_last_save_time": 1_000_000 - 90_000, "rdb_changes_since_last_save": 1},
                    "server": {"server_time_usec": 1_000_000 * 10**6}}, taken_at=5_000_000.0)
    assert find("backup-stale", now).evidence["age_s"] == 90_000


def test_no_high_availability():
    alone = find("no-high-availability", snapshot(client_list=()))
    assert alone.severity == "info" and alone.evidence["sentinel_connections"] == 0
    assert "replicaof cache.example.internal 6390" in alone.hints[0]
    unknown = find("no-high-availability", snapshot())
    assert "Sentinel unknown" in unknown.detail
    replica = {"replication": {"connected_slaves": 1, "slave0": "ip=10.0.0.2,port=6379,state=online,offset=1,lag=0"}}
    assert find("no-high-availability", snapshot(replica)) is None
    sentinel = (ClientRow(id=3, addr="10.0.0.9:5000", name="sentinel-1a2b3c4d-cmd"),)
    assert find("no-high-availability", snapshot(client_list=sentinel)) is None
    assert find("no-high-availability", snapshot({"replication": {"role": "slave"}})) is None
    assert find("no-high-availability", snapshot(), target=Target(sentinel=(("s1", 26379),), master="m")) is None


def test_replica_with_its_master_gone():
    info = {"replication": {"role": "slave", "master_host": "10.0.0.1", "master_port": 6379,
                            "master_link_status": "down", "master_link_down_since_seconds": 42,
                            "master_sync_in_progress": 0}}
    broken = find("replication-broken", snapshot(info))
    assert broken.severity == "critical"
    assert broken.evidence["master_link_down_since_seconds"] == 42
    assert "10.0.0.1:6379 is down for 42s" in broken.title
    assert "redis-cli -h 10.0.0.1 -p 6379 ping" in " ".join(broken.hints)
    assert find("master-down", snapshot(info)) is None  # serves stale data: no MASTERDOWN
    down = find("master-down", snapshot(info, config=config(replica_serve_stale_data="no")))
    assert down.severity == "critical" and down.evidence["master_host"] == "10.0.0.1"
    up = {"replication": {**info["replication"], "master_link_status": "up"}}
    assert find("replication-broken", snapshot(up)) is None


@pytest.mark.parametrize(("line", "fires"), [
    ("ip=10.0.0.2,port=6379,state=online,offset=1,lag=9", False),
    ("ip=10.0.0.2,port=6379,state=online,offset=1,lag=10", True),
    ("ip=10.0.0.2,port=6379,state=wait_bgsave,offset=0,lag=0", True),
])
def test_master_sees_a_bad_replica(line, fires):
    finding = find("replication-broken", snapshot({"replication": {"connected_slaves": 1, "slave0": line}}))
    assert (finding is not None) == fires
    if fires:
        assert finding.severity == "warning" and "10.0.0.2:6379" in finding.title


def test_server_loading_from_info():
    info = {"persistence": {"loading": 1, "loading_loaded_perc": "37.50", "loading_eta_seconds": 12}}
    finding = find("server-loading", snapshot(info))
    assert finding.severity == "critical"
    assert finding.evidence["loading_loaded_perc"] == 37.5 and finding.evidence["loading_eta_seconds"] == 12
    assert find("server-loading", snapshot()) is None
