"""What `redis-tui doctor` and `analyze` print for people, into pipes that close early, and when doctor itself fails."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from redis_tui import cli
from redis_tui.commands import doctor as doctor_command
from redis_tui.demo.server import free_port

pytestmark = pytest.mark.integration


def run_closed_pipe(*args: str) -> tuple[int, str]:
    """Run ``python -m redis_tui ARGS`` with stdout a pipe whose reader is already gone; (exit code, stderr)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -1` once head has exited: every write gets EPIPE
    try:
        done = subprocess.run([sys.executable, "-m", "redis_tui", *args], stdout=write_end, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, text=True, timeout=60)
    finally:
        os.close(write_end)
    return done.returncode, done.stderr


def run_to_pipe(*args: str) -> tuple[int, str, str]:
    """The same command with a reader that reads everything; (exit code, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "redis_tui", *args], capture_output=True, stdin=subprocess.DEVNULL,
                          text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("fmt", [(), ("--json",)], ids=["text", "json"])
def test_doctor_into_a_closed_pipe_exits_with_its_status_quietly(fmt):
    port = free_port()
    code, stderr = run_closed_pipe("doctor", f"redis://127.0.0.1:{port}/0", *fmt)
    assert (code, stderr) == (2, "")  # CRITICAL: connection-refused


def test_doctor_on_a_live_server_into_a_closed_pipe(server):
    code, out, _ = run_to_pipe("doctor", server.url, "--checklist", "--timeout", "3")
    assert out.split(":")[0] in doctor_command.STATUSES
    assert run_closed_pipe("doctor", server.url, "--checklist", "--timeout", "3") == (code, "")


def test_analyze_into_a_closed_pipe_exits_0_quietly(server):
    import redis

    redis.Redis(port=server.port).mset({f"user:{i}": "x" * i for i in range(50)})
    for fmt in ((), ("--json",)):
        assert run_closed_pipe("analyze", server.url, *fmt) == (0, "")


def test_plain_text_report_of_a_refused_port(capsys):
    port = free_port()
    code = cli.main(["doctor", f"redis://127.0.0.1:{port}/0"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 2
    assert lines[0] == f"CRITICAL: redis://127.0.0.1:{port}/0 - 1 critical"
    assert lines[1] == ""
    assert lines[2] == f"CRITICAL connection-refused: Connection refused: nothing is listening on 127.0.0.1:{port}"
    assert lines[3].startswith("         ") and lines[3].strip()  # the detail, indented
    assert lines[4] == "         1. Is the server running? (on 127.0.0.1) systemctl status redis-server"
    assert lines[5] == f"         2. What listens there? (on 127.0.0.1) ss -tlnp | grep :{port}"


def test_plain_text_report_with_the_checklist(server, capsys):
    code = cli.main(["doctor", server.url, "--checklist", "--timeout", "3"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    status = lines[0].split(":")[0]
    assert code == doctor_command.STATUSES[status]
    kind = "Valkey" if server.kind == "valkey" else "Redis"
    assert lines[0].startswith(f"{status}: redis://127.0.0.1:{server.port}/0 ({kind} ")
    assert lines[0].endswith(", master) - 4 info")  # loopback, no limit, no persistence, no replica
    assert f"INFO     no-password: No password: anyone who can reach 127.0.0.1:{server.port} can read" in out
    assert "         2. Then give it to your applications: " \
           f"REDIS_URL=redis://:<password>@127.0.0.1:{server.port}/0" in lines
    conf = server.dir / "server.conf"  # the file the server reports in INFO server config_file
    assert f"CONFIG REWRITE (or edit {conf})" in out and "/etc/redis" not in out
    checklist = lines[lines.index("Production checklist:") + 1:]
    assert checklist[0].startswith("  [ fail  ] Password authentication: redis-tui connected without a password")
    assert checklist[1].startswith("            → requirepass <strong-password>")
    titles = [line.split("] ", 1)[1].split(":")[0] for line in checklist if line.startswith("  [")]
    assert titles == ["Password authentication", "Persistence (RDB snapshots and/or AOF)",
                      "maxmemory and a policy that suits a cache", "High availability (replicas or Sentinel)",
                      "Monitoring (slow log, latency monitor)", "Recent backups (BGSAVE)"]


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_a_failure_inside_doctor_is_unknown_with_one_masked_line(monkeypatch, capsys, json_output):
    """A bug in doctor's own code (here: examine raising) gives UNKNOWN (3) and one line, password masked."""
    secret = "Int3rnal-pw"

    async def broken(target, limits, budget):
        raise KeyError(f"unexpected field while talking to redis://:{secret}@x:1 with {target.password}")

    monkeypatch.setattr(doctor_command, "examine", broken)
    port = free_port()
    code = cli.main(["doctor", f"redis://:{secret}@127.0.0.1:{port}/0"] + (["--json"] if json_output else []))
    captured = capsys.readouterr()
    assert code == 3
    assert secret not in captured.out + captured.err
    if json_output:
        import json

        report = json.loads(captured.out)
        assert report["status"] == "UNKNOWN" and report["findings"] == []
        assert report["target"] == f"redis://:***@127.0.0.1:{port}/0"
        assert report["error"].startswith("internal error: KeyError: ")
    else:
        lines = captured.out.splitlines()
        assert lines[0] == f"UNKNOWN: redis://:***@127.0.0.1:{port}/0 - no findings"
        assert lines[1] == "internal error: KeyError: 'unexpected field while talking to redis://:***@x:1 with ***'"
        assert len(lines) == 2


def backups_line(url: str, capsys) -> dict:
    code = cli.main(["doctor", url, "--checklist", "--json", "--timeout", "3"])
    import json

    report = json.loads(capsys.readouterr().out)
    assert code == doctor_command.STATUSES[report["status"]]
    (line,) = [line for line in report["checklist"] if line["id"] == "backups"]
    return line


def test_backups_never_pass_before_the_first_save(server_factory, capsys):
    """rdb_last_save_time is the start time on a fresh server: that is not a backup."""
    import time

    import redis

    server = server_factory({"save": "3600 1"})
    r = redis.Redis(port=server.port)
    r.set("order:1", "paid")
    line = backups_line(server.url, capsys)
    assert line["status"] == "warn"
    assert line["evidence"].startswith("no save since the server started ")
    assert line["evidence"].endswith(" ago (1 changes since)")
    r.bgsave()
    deadline = time.monotonic() + 10
    while r.info("persistence")["rdb_bgsave_in_progress"] or r.info("persistence").get("rdb_saves", 1) == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    line = backups_line(server.url, capsys)
    assert line["status"] == "pass"
    assert line["evidence"].startswith("last successful save ") and line["evidence"].endswith(", 0 changes since")
