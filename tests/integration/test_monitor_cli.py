"""`redis-tui monitor` as a user runs it: byte-for-byte redis-cli output, JSON, filters, exits."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
VALUES = [bytes(range(256)), b'q"uote \\ back', b"a b\nc\r\td", "é 中 \u202e".encode(), b"", b"\x1b[2J[red]x[/]"]


def tool(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "redis_tui", "monitor", *args], cwd=ROOT,
                            stdout=kwargs.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, **kwargs)


def wait_for(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def traffic(client: redis.Redis) -> None:
    client.set("marker:start", 1)
    for index, value in enumerate(VALUES):
        client.set(b"odd:%d" % index, value)
        client.get(b"odd:%d" % index)
    client.execute_command("INCR", "counter:hits")
    client.eval("return redis.call('GET', KEYS[1])", 1, "odd:0")
    client.set("marker:end", 1)


def between_markers(data: bytes) -> bytes:
    start = data.index(b'"SET" "marker:start"')
    start = data.rindex(b"\n", 0, start) + 1
    end = data.index(b"\n", data.index(b'"SET" "marker:end"')) + 1
    return data[start:end]


@pytest.mark.skipif(shutil.which("redis-cli") is None, reason="redis-cli not installed")
def test_plain_output_is_byte_for_byte_redis_cli(server, tmp_path):
    ours_path, theirs_path = tmp_path / "ours.txt", tmp_path / "theirs.txt"
    with open(ours_path, "wb") as ours_file, open(theirs_path, "wb") as theirs_file:
        theirs = subprocess.Popen(["redis-cli", "-p", str(server.port), "monitor"], stdout=theirs_file)
        ours = tool("-p", str(server.port), stdout=ours_file)
        wait_for(lambda: ours_path.read_bytes().startswith(b"OK\n") and theirs_path.read_bytes().startswith(b"OK\n"))
        client = redis.Redis(port=server.port, protocol=2)
        traffic(client)
        wait_for(lambda: b"marker:end" in ours_path.read_bytes() and b"marker:end" in theirs_path.read_bytes())
        ours.send_signal(signal.SIGINT)
        _, err = ours.communicate(timeout=10)
        theirs.terminate()
        theirs.wait(5)
    mine, reference = ours_path.read_bytes(), theirs_path.read_bytes()
    assert mine.startswith(b"OK\n")
    assert between_markers(mine) == between_markers(reference)
    assert between_markers(mine).count(b"\n") == 2 * len(VALUES) + 5  # incl. EVAL and the script's own GET
    assert ours.returncode == 0
    summary = err.decode()
    assert "top commands: SET" in summary and "top key prefixes: odd" in summary and "MONITOR stopped" in summary
    client.close()


def test_json_lines_with_filters(server):
    client = redis.Redis(port=server.port, protocol=2)
    proc = tool("-p", str(server.port), "--json", "--command", "set,incr", "--match", "odd:*", "-n", "0")
    time.sleep(1.0)  # no OK line in JSON mode: give it time to start
    traffic(client)
    client.execute_command("SELECT", 1)
    client.set("odd:db1", "x")
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=10)
    records = [json.loads(line) for line in out.decode("ascii").splitlines()]
    assert [r["args"] for r in records] == [
        [f"odd:{i}", v.decode("utf-8", "backslashreplace")] for i, v in enumerate(VALUES)
    ]
    assert {(r["command"], r["db"]) for r in records} == {("SET", 0)}
    assert all(set(r) == {"ts", "db", "client", "command", "args"} for r in records)
    assert abs(records[0]["ts"] - time.time()) < 60
    assert proc.returncode == 0 and "filter: INCR,SET key=odd:* db=0" in err.decode()
    client.close()


def test_closed_stdout_exits_quietly(server):
    client = redis.Redis(port=server.port, protocol=2)
    proc = tool("-p", str(server.port))
    assert proc.stdout.readline() == b"OK\n"
    client.set("first", 1)
    while b'"first"' not in proc.stdout.readline():  # valkey also shows redis-py's CLIENT SETINFO
        pass
    proc.stdout.close()  # like `| head -n 2`
    deadline = time.monotonic() + 15
    while proc.poll() is None and time.monotonic() < deadline:
        client.set("more", "x" * 100)
    assert proc.wait(5) == 0
    assert proc.stderr.read() == b""
    client.close()


def test_duration_ends_the_run(server):
    started = time.monotonic()
    proc = tool("-p", str(server.port), "--duration", "1")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and out == b"OK\n"
    assert 1.0 <= time.monotonic() - started < 15
    assert "maximum duration of 1s reached" in err.decode()


def test_guard_trip_exits_1(server_factory, tmp_path):
    server = server_factory()
    config = tmp_path / "config.toml"
    config.write_text("[monitor]\nmax_buffer_mb = 0.05\nguard_interval_s = 0.05\n")
    proc = tool("-p", str(server.port), "--config", str(config), stdout=subprocess.PIPE)
    assert proc.stdout.readline() == b"OK\n"  # nobody reads stdout from here on: that must not matter
    client = redis.Redis(port=server.port, protocol=2)
    value = b"\x00" * 400_000  # 1.6 MB of MONITOR output per command: more than the 50 KB limit
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        client.set("big", value)
    proc.stdout.close()
    assert proc.wait(10) == 1
    assert "output buffer on the server reached" in proc.stderr.read().decode()
    client.close()


@pytest.mark.parametrize("args, words", [
    (["-p", "1"], "connection refused"),
    (["--duration", "-3"], "argument --duration: expected seconds, a number (0 for no limit), got '-3'"),
    (["--duration", "soon"], "argument --duration: expected seconds, a number (0 for no limit), got 'soon'"),
    (["-n", "x"], "database must be a number"),
    (["--nope"], "unrecognized arguments"),
    (["--command", "GET,HGETALLCACHE:API:V1:SEARCH:*"], "unknown command: HGETALLCACHE:API:V1:SEARCH:* (give"),
    (["--command", "get x", "--command", "[/]"], "unknown commands: GET X, [/] (give"),
])
def test_bad_arguments_and_unreachable_server_exit_2_with_one_line(args, words):
    proc = tool(*args)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and out == b""
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in lines[0]


def test_noperm_exits_2_naming_the_rule(server):
    admin = redis.Redis(port=server.port, protocol=2)
    admin.execute_command("ACL", "SETUSER", "u", "on", ">pw", "~*", "+@all", "-monitor")
    proc = tool("-p", str(server.port), "--user", "u", "--askpass", stdin=subprocess.PIPE)
    out, err = proc.communicate(b"pw\n", timeout=20)
    assert proc.returncode == 2, err
    assert "ACL SETUSER u +monitor" in err.decode() and "pw\n" not in err.decode()
    admin.close()


def test_an_unknown_command_is_refused_before_monitor_starts(server):
    admin = redis.Redis(port=server.port, protocol=2)
    proc = tool("-p", str(server.port), "--command", "set,hgetallcache:api:*")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and out == b""
    assert err.decode().splitlines() == [
        "redis-tui monitor: unknown command: HGETALLCACHE:API:* (give command names such as GET or CONFIG GET, "
        "comma-separated; a key pattern belongs in the key glob)"]
    assert "cmdstat_monitor" not in admin.info("commandstats")  # nothing was started
    proc = tool("-p", str(server.port), "--command", "object|encoding,json.get", "--duration", "0.5")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and out == b"OK\n", err  # subcommands and module commands are accepted
    admin.close()
