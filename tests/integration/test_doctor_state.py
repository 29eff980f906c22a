"""State findings against real servers put in each state, checked through the pure rules (poller →
diagnose) and ``redis-tui doctor --json``, against the server's own numbers."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager, suppress

import pytest
import redis

from redis_tui.core.diagnosis.permissions import RECIPE_RULES
from redis_tui.core.errors import classify
from redis_tui.core.target import Target
from tests.doctor_helpers import (
    by_id,
    client,
    finding,
    ids,
    in_background,
    quick_samples,
    run_doctor,
    sample,
    target_of,
    wait_for,
)

pytestmark = pytest.mark.integration
__all__ = ["quick_samples"]
MB = 1024 * 1024


@contextmanager
def writing(server, size: int = 10_000):
    """Keep writing new keys (each attempt may fail with OOM) until the block ends."""
    stop = threading.Event()

    def work():
        writer, i = client(server), 0
        while not stop.is_set():
            with suppress(redis.ResponseError):
                writer.set(f"w:{i}", b"x" * size)
            i += 1
            time.sleep(0.01)

    with in_background(work):
        try:
            yield
        finally:
            stop.set()


def fill_until_oom(admin: redis.Redis) -> None:
    for i in range(100_000):
        try:
            admin.set(f"fill:{i}", b"x" * 10_000)
        except redis.ResponseError as exc:
            assert classify(exc, Target()).id == "oom-rejecting-writes", exc
            return
    raise AssertionError("never ran out of memory")


def test_memory_full_with_noeviction_then_evicting(server, capsys):
    admin = client(server)
    admin.config_set("maxmemory", admin.info("memory")["used_memory"] + 2 * MB)
    fill_until_oom(admin)
    with writing(server):
        code, report = run_doctor(capsys, server.url)
    maxmemory = int(admin.config_get("maxmemory")["maxmemory"])
    pressure = finding(report, "memory-pressure")
    assert pressure["severity"] == "critical" and code == 2
    assert pressure["evidence"]["maxmemory"] == maxmemory
    assert pressure["evidence"]["maxmemory_policy"] == "noeviction"
    assert pressure["evidence"]["oom_errors_in_window"] > 0
    assert any("allkeys-lru" in hint and f"-p {server.port}" in hint for hint in pressure["hints"])
    oom = finding(report, "oom-rejecting-writes")
    assert oom["severity"] == "critical"
    assert oom["evidence"]["oom_errors_total"] <= int(admin.info("errorstats")["errorstat_OOM"]["count"])
    pure = by_id(sample(target_of(server), during=lambda: fill_until_oom(client(server)))[0])
    assert pure["memory-pressure"].severity == pure["oom-rejecting-writes"].severity == "critical"

    admin.config_set("maxmemory-policy", "allkeys-lru")
    with writing(server):
        code, report = run_doctor(capsys, server.url)
    evictions = finding(report, "evictions")
    assert evictions["severity"] == "warning" and evictions["evidence"]["evicted_in_window"] > 0
    assert evictions["evidence"]["evicted_keys_total"] <= admin.info("stats")["evicted_keys"]
    assert finding(report, "memory-pressure")["evidence"]["maxmemory_policy"] == "allkeys-lru"


def test_saves_failing_then_backup_stale(server_factory, capsys, tmp_path):
    server = server_factory({"enable-protected-configs": "local", "save": "3600 1"})
    admin = client(server)
    admin.config_set("appendonly", "yes")
    wait_for(lambda: admin.info("persistence")["aof_rewrite_in_progress"] == 0)
    admin.config_set("dir", "/proc")  # root can chdir there, but nobody can create a file in it
    admin.bgsave()
    wait_for(lambda: admin.info("persistence")["rdb_last_bgsave_status"] == "err")
    with suppress(redis.ResponseError):  # refused at once: the temp file cannot be created
        admin.bgrewriteaof()
    wait_for(lambda: admin.info("persistence")["aof_last_bgrewrite_status"] == "err")
    with pytest.raises(redis.ResponseError) as refused:
        admin.set("k", "v")
    assert classify(refused.value, target_of(server)).id == "rdb-save-failing"

    code, report = run_doctor(capsys, server.url)
    failing = finding(report, "rdb-save-failing")
    assert failing["severity"] == "critical" and code == 2
    assert failing["evidence"]["writes_refused"] is True and failing["evidence"]["dir"] == "/proc"
    assert "df -h /proc" in " ".join(failing["hints"])
    assert finding(report, "aof-write-failing")["evidence"]["aof_last_bgrewrite_status"] == "err"
    assert {"rdb-save-failing", "aof-write-failing"} <= set(by_id(sample(target_of(server))[0]))

    admin.config_set("dir", str(server.dir))
    admin.bgsave()
    wait_for(lambda: admin.info("persistence")["rdb_last_bgsave_status"] == "ok")
    admin.set("k", "v")
    time.sleep(1.2)
    code, report = run_doctor(capsys, server.url, config={"backup_max_age_hours": 0.0003}, tmp_path=tmp_path)
    stale = finding(report, "backup-stale")
    assert stale["severity"] == "warning" and stale["evidence"]["age_s"] >= 1
    assert stale["evidence"]["rdb_changes_since_last_save"] == admin.info("persistence")["rdb_changes_since_last_save"]
    assert not ids(report) & {"rdb-save-failing", "persistence-disabled"}


def test_replica_loses_its_master(server_factory, capsys):
    master = server_factory({"repl-diskless-sync-delay": "0"})
    replica = server_factory({"replicaof": f"127.0.0.1 {master.port}", "replica-serve-stale-data": "no"})
    watcher = client(replica)
    wait_for(lambda: watcher.info("replication")["master_link_status"] == "up")
    code, report = run_doctor(capsys, master.url)
    assert not ids(report) & {"no-high-availability", "replication-broken"}
    assert not ids(run_doctor(capsys, replica.url)[1]) & {"replication-broken", "master-down"}

    master.stop()
    wait_for(lambda: watcher.info("replication")["master_link_status"] == "down")
    code, report = run_doctor(capsys, replica.url)
    broken = finding(report, "replication-broken")
    assert broken["severity"] == "critical" and code == 2
    assert broken["evidence"]["master_port"] == master.port
    assert f"redis-cli -h 127.0.0.1 -p {master.port} ping" in " ".join(broken["hints"])
    assert finding(report, "master-down")["severity"] == "critical"
    with pytest.raises(redis.ResponseError) as refused:
        watcher.get("anything")
    assert classify(refused.value, target_of(replica)).id == "master-down"
    assert {"replication-broken", "master-down"} <= set(by_id(sample(target_of(replica))[0]))


def test_clients_and_traffic(server, capsys, tmp_path):
    admin = client(server)
    admin.execute_command("DEBUG", "SLEEP", "0.02")
    pipe = admin.pipeline(transaction=False)
    for i in range(1000):
        pipe.get(f"missing:{i}")
    pipe.execute()
    monitor = socket.socket()
    monitor.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    monitor.connect(("127.0.0.1", server.port))
    monitor.sendall(b"MONITOR\r\n")  # and never read: its replies pile up in the server
    for _ in range(40):
        admin.set("big", b"x" * 200_000)

    def monitor_row():
        rows = [c for c in admin.client_list() if c["cmd"] == "monitor" and int(c["omem"]) >= MB]
        return rows[0] if rows else None

    row = wait_for(monitor_row)
    with in_background(lambda: client(server).blpop("queue", 3)):
        wait_for(lambda: admin.info("clients")["blocked_clients"] == 1)
        code, report = run_doctor(capsys, server.url, config={"blocked_clients": 1, "client_output_buffer_mb": 1},
                                  tmp_path=tmp_path)
        admin.lpush("queue", "wake up")
    monitor.close()
    assert code == 1 and report["status"] == "WARNING"
    assert finding(report, "slow-commands")["evidence"]["slowest_command"].startswith("DEBUG SLEEP")
    assert finding(report, "low-hit-ratio")["evidence"]["keyspace_misses"] >= 1000
    assert finding(report, "low-hit-ratio")["evidence"]["keyspace_hits"] == admin.info("stats")["keyspace_hits"]
    assert finding(report, "blocked-clients")["evidence"]["blocked_clients"] == 1
    buffer = finding(report, "client-output-buffer")
    assert buffer["evidence"]["client_id"] == int(row["id"]) and buffer["evidence"]["omem"] >= MB
    assert f"CLIENT KILL ID {row['id']}" in " ".join(buffer["hints"])
    for quiet in ("persistence-disabled", "no-high-availability", "no-password"):  # a loopback dev box
        assert finding(report, quiet)["severity"] == "info", quiet
    assert finding(report, "no-high-availability")["evidence"]["sentinel_connections"] == 0
    no_limit = finding(report, "no-maxmemory")
    assert no_limit["severity"] == "info"
    assert no_limit["evidence"]["total_system_memory"] == admin.info("memory")["total_system_memory"]


def test_acl_users(server, capsys):
    admin = client(server)
    admin.execute_command("ACL", "SETUSER", "mon", "on", ">monpw", "~*", "-@all", "+info", "+ping", "+client|setname")
    admin.execute_command("ACL", "SETUSER", "bare", "on", ">barepw", "-@all", "+info")
    recipe = [">tuipw" if rule == ">CHANGE-ME" else rule for rule in RECIPE_RULES]
    admin.execute_command("ACL", "SETUSER", "tui", *recipe)
    url = f"redis://{{}}@127.0.0.1:{server.port}/0"

    code, report = run_doctor(capsys, url.format("mon:monpw"), "--checklist")
    denied = finding(report, "permission-denied")
    assert denied["severity"] == "warning" and code == 1
    assert denied["evidence"]["denied_commands"] == ["client|list", "config|get", "slowlog|get"]
    assert "ACL SETUSER mon +client|list +config|get +slowlog|get" in " ".join(denied["hints"])
    unknown = {line["id"] for line in report["checklist"] if line["status"] == "unknown"}
    assert unknown == {"password", "persistence", "monitoring"}
    assert all("cannot check: CONFIG is not permitted" in line["evidence"]
               for line in report["checklist"] if line["id"] in unknown)
    pure = by_id(sample(Target(host="127.0.0.1", port=server.port, username="mon", password="monpw"))[0])
    assert pure["permission-denied"].evidence["denied_commands"] == ["client|list", "config|get", "slowlog|get"]

    # a user that may not even name its connection is still examined (unnamed), and told what it lacks
    code, report = run_doctor(capsys, url.format("bare:barepw"))
    bare = finding(report, "permission-denied")
    assert bare["severity"] == "warning" and code == 1
    assert bare["evidence"]["denied_commands"] == ["client|list", "config|get", "slowlog|get"]
    assert "ACL SETUSER bare +client|list +config|get +slowlog|get" in " ".join(bare["hints"])

    code, report = run_doctor(capsys, url.format("tui:tuipw"), "--checklist")
    assert "permission-denied" not in ids(report)
    lines = {line["id"]: line for line in report["checklist"]}
    assert [i for i, line in lines.items() if line["status"] == "unknown"] == ["password"]
    assert "requirepass is empty" in lines["password"]["evidence"]  # read through CONFIG GET, as the recipe allows


def test_production_ready_server_is_ok(server_factory, capsys, monkeypatch):
    secret = "prod-secret-1"
    config = {"requirepass": secret, "masterauth": secret, "save": "3600 1 300 100", "maxmemory": "64mb",
              "maxmemory-policy": "allkeys-lru", "latency-monitor-threshold": "100", "repl-diskless-sync-delay": "0"}
    master = server_factory(config)
    replica = server_factory({**config, "replicaof": f"127.0.0.1 {master.port}"})
    wait_for(lambda: client(replica, password=secret).info("replication")["master_link_status"] == "up")
    monkeypatch.setenv("REDISCLI_AUTH", secret)
    code, report = run_doctor(capsys, master.url, "--checklist")
    backups = [line for line in report["checklist"] if line["id"] == "backups"]
    assert backups[0]["status"] == "warn"  # no save since the start: not a backup yet
    admin = client(master, password=secret)
    admin.bgsave()
    wait_for(lambda: not admin.info("persistence")["rdb_bgsave_in_progress"]
             and admin.info("persistence")["rdb_last_bgsave_status"] == "ok")
    code, report = run_doctor(capsys, master.url, "--checklist")
    assert (code, report["status"], report["findings"]) == (0, "OK", [])
    assert {line["id"]: line["status"] for line in report["checklist"]} == dict.fromkeys(
        ["password", "persistence", "maxmemory", "availability", "monitoring", "backups"], "pass")
    assert secret not in str(report)


def test_fragmented_memory(server, capsys, tmp_path):
    admin = client(server)
    admin.execute_command("DEBUG", "POPULATE", "300000", "key", "100")
    admin.eval("for i = 0, 299999 do if i % 3 ~= 0 then redis.call('DEL', 'key:' .. i) end end", 0)
    memory = wait_for(lambda: (m := admin.info("memory"))["mem_fragmentation_ratio"] >= 1.5 and m)
    assert memory["used_memory_rss"] - memory["used_memory"] >= 16 * MB
    code, report = run_doctor(capsys, server.url, config={"fragmentation_min_mb": 16}, tmp_path=tmp_path)
    fragmented = finding(report, "high-fragmentation")
    assert fragmented["severity"] == "warning" and code == 1
    assert fragmented["evidence"]["mem_fragmentation_ratio"] >= 1.5
    assert "activedefrag" in fragmented["hints"][0]
    assert "high-fragmentation" not in ids(run_doctor(capsys, server.url, config={"fragmentation_min_mb": 1000},
                                                      tmp_path=tmp_path)[1])
