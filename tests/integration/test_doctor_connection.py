"""Connection findings against real servers put in each state: the pure path (poller → rules) and
``redis-tui doctor --json`` (status, exit code, hints filled with the real host and port)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from redis_tui.core.target import Target
from redis_tui.demo.server import free_port
from tests.doctor_helpers import (
    by_id,
    client,
    finding,
    ids,
    in_background,
    quick_samples,
    raw_connection,
    run_doctor,
    sample,
    target_of,
    wait_for,
)

pytestmark = pytest.mark.integration
__all__ = ["quick_samples"]
ROOT = Path(__file__).resolve().parents[2]


def assert_connection_finding(report: dict, finding_id: str, host: str, port: int) -> dict:
    assert report["status"] == "CRITICAL"
    found = finding(report, finding_id)
    assert found is not None, report
    assert found["severity"] == "critical"
    text = " ".join(found["hints"])
    assert f"-h {host} -p {port}" in text or f"{host}:{port}" in text or f"{host} {port}" in text
    return found


def test_refused(capsys):
    port = free_port()
    code, report = run_doctor(capsys, f"redis://127.0.0.1:{port}/0")
    assert code == 2
    found = assert_connection_finding(report, "connection-refused", "127.0.0.1", port)
    assert f"ss -tlnp | grep :{port}" in " ".join(found["hints"])
    assert [f.id for f in sample(Target(host="127.0.0.1", port=port))[0]] == ["connection-refused"]


def test_refused_detail_is_one_plain_sentence(capsys):
    port = free_port()
    code, report = run_doctor(capsys, f"redis://127.0.0.1:{port}/0")
    found = finding(report, "connection-refused")
    assert found["detail"] == f"Connecting to 127.0.0.1:{port} failed: Connection refused (errno 111)"
    assert found["evidence"]["error"] == found["detail"]


def test_a_server_that_never_answers_gives_one_plain_sentence(capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel accepts; nobody ever replies
    port = listener.getsockname()[1]
    try:
        code, report = run_doctor(capsys, "-h", "127.0.0.1", "-p", str(port), "--timeout", "1.5")
    finally:
        listener.close()
    assert code == 2
    (found,) = report["findings"]
    assert found["id"] in ("server-stalled", "connection-timeout")
    assert " — " not in found["detail"] and "CancelledError" not in found["detail"]


def test_a_database_that_does_not_exist(server_factory, capsys):
    server = server_factory({"requirepass": "db-pw-123", "databases": "4"})
    code, report = run_doctor(capsys, f"redis://:db-pw-123@127.0.0.1:{server.port}/9")
    assert code == 2 and ids(report) == {"db-out-of-range"}
    found = finding(report, "db-out-of-range")
    assert found["title"] == f"Database 9 does not exist on 127.0.0.1:{server.port}"
    assert found["detail"] == "DB index is out of range: the server has 4 databases (0 to 3)"
    assert (found["evidence"]["databases"], found["evidence"]["db"]) == (4, 9)
    cli = f"redis-cli -h 127.0.0.1 -p {server.port} --askpass"
    assert found["hints"][0] == f"Pick a database that exists (-n 0, or /0 at the end of the URL); count them: " \
                                f"{cli} CONFIG GET databases"
    assert found["hints"][2] == "To have more: databases 32 in /etc/redis/redis.conf, then restart redis-server " \
                                "(a cluster has database 0 only)"
    assert "Is the server running" not in str(report) and "db-pw-123" not in str(report)
    code, report = run_doctor(capsys, f"redis://:db-pw-123@127.0.0.1:{server.port}/3")
    assert "db-out-of-range" not in ids(report)


def test_missing_socket_is_refused(capsys, tmp_path):
    code, report = run_doctor(capsys, "-s", str(tmp_path / "nope.sock"))
    assert code == 2 and finding(report, "connection-refused")["evidence"]["cause"] == "no-such-socket"


def test_unresolved_host(capsys):
    code, report = run_doctor(capsys, "-h", "no-such-host.invalid", "-p", "6399")
    assert code == 2
    assert_connection_finding(report, "host-unresolved", "no-such-host.invalid", 6399)


def test_connect_timeout_stays_within_the_budget(capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):  # fill the accept queue: further SYNs are dropped
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        started = time.monotonic()
        code, report = run_doctor(capsys, "-p", str(port), "-h", "127.0.0.1", "--timeout", "1.5")
        assert time.monotonic() - started < 4
        assert_connection_finding(report, "connection-timeout", "127.0.0.1", port)
    finally:
        for sock in fillers + [listener]:
            sock.close()


def test_auth_required_and_failed(server_factory, capsys, monkeypatch):
    server = server_factory({"requirepass": '"correct horse"'})
    code, report = run_doctor(capsys, server.url)
    assert_connection_finding(report, "auth-required", "127.0.0.1", server.port)
    assert "REDIS_URL=redis://:<password>@127.0.0.1:" in " ".join(finding(report, "auth-required")["hints"])
    code, report = run_doctor(capsys, f"redis://:wrong-pw@127.0.0.1:{server.port}/0")
    assert_connection_finding(report, "auth-failed", "127.0.0.1", server.port)
    assert "wrong-pw" not in str(report)
    monkeypatch.setenv("REDISCLI_AUTH", "correct horse")
    code, report = run_doctor(capsys, server.url)
    assert "correct horse" not in str(report)
    assert not ids(report) & {"auth-required", "auth-failed", "no-password"}
    assert by_id(sample(target_of(server))[0])["auth-required"].severity == "critical"


def test_password_given_to_a_server_without_one(server, capsys):
    code, report = run_doctor(capsys, f"redis://:pw@127.0.0.1:{server.port}/0")
    assert finding(report, "auth-failed")["evidence"]["cause"] == "no-password-set"
    assert "drop the password" in finding(report, "auth-failed")["hints"][0]


def test_max_clients(server_factory, capsys):
    server = server_factory({"maxclients": "1"})
    holder = raw_connection(server.port)
    holder.sendall(b"PING\r\n")
    assert holder.recv(16) == b"+PONG\r\n"
    try:
        code, report = run_doctor(capsys, server.url)
        assert_connection_finding(report, "max-clients", "127.0.0.1", server.port)
        assert "max-clients" in ids(report)
    finally:
        holder.close()


def test_rejected_connections_rising(server_factory):
    server = server_factory({"maxclients": "2"})
    holders = []

    def reject_some():
        holders.append(raw_connection(server.port))
        for _ in range(3):
            extra = raw_connection(server.port)
            assert b"max number of clients" in extra.recv(100)
            extra.close()

    try:
        found = by_id(sample(target_of(server), during=reject_some)[0])
        assert found["rejected-connections"].evidence["rejected_in_window"] == 3
        assert found["rejected-connections"].evidence["maxclients"] == 2
    finally:
        for sock in holders:
            sock.close()
    assert client(server).info("stats")["rejected_connections"] == 3


def test_rejected_connections_seen_by_doctor(server_factory, capsys):
    server = server_factory({"maxclients": "3"})
    holder = client(server)
    holder.ping()
    rejected = []

    def reject_once_doctor_is_in():
        probe = client(server)
        wait_for(lambda: any(c["name"] == "redis-tui-doctor" for c in probe.client_list()), every=0.01)
        time.sleep(0.1)  # after doctor's first sample, well within its 0.3 s gap
        for _ in range(3):  # holder, doctor and probe fill the 3 slots
            extra = raw_connection(server.port)
            rejected.append(extra.recv(100))
            extra.close()
        probe.close()

    with in_background(reject_once_doctor_is_in):
        code, report = run_doctor(capsys, server.url)
    assert all(b"max number of clients" in reply for reply in rejected) and len(rejected) == 3
    found = finding(report, "rejected-connections")
    assert found["severity"] == "warning" and found["evidence"]["rejected_in_window"] == 3
    assert found["evidence"]["rejected_connections_total"] == holder.info("stats")["rejected_connections"]


def outside_address() -> str | None:
    """This host's address on its default route (not loopback), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_protected_mode_and_exposed_without_password(server_factory, capsys):
    address = outside_address()
    if address is None:
        pytest.skip("this host has no non-loopback address to connect from")
    server = server_factory({"bind": "0.0.0.0", "protected-mode": "yes"})
    code, report = run_doctor(capsys, "-h", address, "-p", str(server.port))
    assert_connection_finding(report, "protected-mode", address, server.port)
    code, report = run_doctor(capsys, server.url)  # from loopback it works, but nothing guards it
    exposed = finding(report, "no-password")
    assert exposed["severity"] == "warning" and exposed["evidence"]["bind"] == "0.0.0.0"
    assert code == 1


def test_stalled_server_frozen_paused_or_sleeping(server, capsys):
    admin = client(server)
    started = time.monotonic()
    server.freeze()
    try:
        code, report = run_doctor(capsys, server.url, "--timeout", "1.5")
    finally:
        server.thaw()
    assert time.monotonic() - started < 3.5
    assert_connection_finding(report, "server-stalled", "127.0.0.1", server.port)

    admin.execute_command("CLIENT", "PAUSE", "1500", "ALL")
    code, report = run_doctor(capsys, server.url, "--timeout", "1")
    assert_connection_finding(report, "server-stalled", "127.0.0.1", server.port)
    wait_for(lambda: admin.ping())

    with in_background(lambda: client(server).execute_command("DEBUG", "SLEEP", "1.5")):
        time.sleep(0.2)
        code, report = run_doctor(capsys, server.url, "--timeout", "1")
    assert_connection_finding(report, "server-stalled", "127.0.0.1", server.port)
    admin.slowlog_reset()


def test_busy_script(server_factory, capsys):
    server = server_factory({"busy-reply-threshold": "100"})
    admin = client(server)

    def loop_forever():
        with contextlib.suppress(redis.ResponseError):  # killed by SCRIPT KILL below
            client(server).eval("while true do end", 0)

    with in_background(loop_forever):
        wait_for(lambda: _busy(admin))
        code, report = run_doctor(capsys, server.url)
        found = assert_connection_finding(report, "server-busy", "127.0.0.1", server.port)
        assert "SCRIPT KILL" in found["hints"][0]
        assert "busy running a script" in found["evidence"]["error"]
        assert [f.id for f in sample(target_of(server))[0]] == ["server-busy"]
        admin.script_kill()


def _busy(admin: redis.Redis) -> bool:
    try:
        admin.ping()
    except redis.ResponseError as exc:
        return "BUSY" in str(exc)
    return False


def test_loading(server_factory, capsys):
    server = server_factory()
    admin = client(server)
    admin.execute_command("DEBUG", "POPULATE", "1500")
    admin.save()
    server.config.update({"key-load-delay": "1000", "loading-process-events-interval-bytes": "1024"})
    server.restart()
    code, report = run_doctor(capsys, server.url)
    found = finding(report, "server-loading")
    assert found["severity"] == "critical" and found["evidence"]["loading"] == 1
    assert code == 2
    wait_for(lambda: client(server).info("persistence")["loading"] == 0, timeout=20)
    assert "server-loading" not in ids(run_doctor(capsys, server.url)[1])


def test_doctor_as_a_process_exits_with_the_status():
    port = free_port()
    done = subprocess.run([sys.executable, "-m", "redis_tui", "doctor", "-p", str(port), "--timeout", "3"],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stdout.startswith(f"CRITICAL: redis://localhost:{port}/0")
    assert "1. Is the server running?" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "redis_tui", "doctor", "--timeout", "0"],
                         cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert bad.returncode == 3 and bad.stdout == "" and "Traceback" not in bad.stderr
