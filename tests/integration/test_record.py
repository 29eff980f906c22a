"""`redis-tui record` through an incident made on purpose, then what the file gives back.

One recording per server kind (module-scoped: the tests below only read it): a server with a password and a
small maxmemory is filled until it rejects writes (memory-pressure opens), flushed (it clears), reconfigured
(CONFIG SET), stopped and started again (an outage, a restart); then the recorder is killed with SIGKILL.
The alert command appends what it receives to a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from redis_tui import cli
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.record import Recording, RecordingError
from redis_tui.demo.server import EmbeddedServer, available_kinds

pytestmark = pytest.mark.integration

PASSWORD = "s3cret-Pa55word"
INTERVAL = 0.25


@dataclass
class Incident:
    """What happened, and when (wall clock), while the recorder ran."""

    path: Path
    alerts: Path
    alert_env: Path
    pressure_at: float  # memory-pressure was open (seen by the recorder)
    cleared_at: float  # after the recorder saw it clear
    killed_at: float
    stderr: str


def wait_for(check: Callable[[], bool], timeout: float = 10.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(step)


def alert_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def has_alert(path: Path, kind: str, finding_prefix: str) -> bool:
    return any(a["kind"] == kind and str(a["payload"].get("id", "")).startswith(finding_prefix)
               for a in alert_lines(path))


def has_event(path: Path, kind: str) -> bool:
    try:
        with Recording.open(path) as rec:  # read while the recorder writes (WAL)
            return bool(rec.events(kinds=[kind]))
    except RecordingError:  # created, its tables not yet
        return False


def fill_until_oom(client: redis.Redis) -> None:
    value = b"x" * 1000
    for batch in range(10_000):
        pipe = client.pipeline(transaction=False)
        for i in range(100):
            pipe.set(f"fill:{batch}:{i}", value)
        if any(isinstance(r, Exception) for r in pipe.execute(raise_on_error=False)):
            return
    raise AssertionError("the server never ran out of memory")


@pytest.fixture(scope="module", params=available_kinds())
def incident(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Incident]:
    tmp = tmp_path_factory.mktemp("record")
    server = EmbeddedServer(request.param, {"enable-debug-command": "local", "requirepass": PASSWORD,
                                            "maxmemory": "3mb", "maxmemory-policy": "noeviction"}).start()
    config = tmp / "config.toml"
    config.write_text("config_interval = 0.25\nclient_list_interval = 1\n\n[thresholds]\nwindow_s = 1.0\n")
    path, alerts, alert_env = tmp / "incident.rec", tmp / "alerts.jsonl", tmp / "alert-env.txt"
    command = f'cat >> {alerts}; echo "$REDIS_TUI_EVENT $REDIS_TUI_FINDING $REDIS_TUI_TARGET" >> {alert_env}'
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS")}
    env["XDG_CONFIG_HOME"] = str(tmp)
    url = f"redis://:{PASSWORD}@127.0.0.1:{server.port}/0"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "redis_tui", "record", url, "--out", str(path), "--interval", str(INTERVAL),
         "--config", str(config), "--on-alert", command, "--alert-repeat", "0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    client = redis.Redis(port=server.port, password=PASSWORD)
    try:
        wait_for(lambda: has_event(path, "finding-opened"))
        fill_until_oom(client)
        wait_for(lambda: has_alert(alerts, "finding-opened", "memory-pressure"))
        pressure_at = time.time()
        client.flushall()
        wait_for(lambda: has_alert(alerts, "finding-cleared", "memory-pressure"))
        cleared_at = time.time() + INTERVAL
        client.config_set("maxmemory-policy", "allkeys-lru")
        time.sleep(4 * INTERVAL)  # the next CONFIG GET (every 0.25 s here) sees it
        server.stop()
        wait_for(lambda: has_event(path, "connection-lost"))
        server.start()
        wait_for(lambda: has_event(path, "connection-restored"))
        time.sleep(2 * INTERVAL)
        recorder.send_signal(signal.SIGKILL)
        killed_at = time.time()
        _, stderr = recorder.communicate(timeout=10)
        yield Incident(path, alerts, alert_env, pressure_at, cleared_at, killed_at, stderr)
    finally:
        if recorder.poll() is None:
            recorder.kill()
            recorder.communicate()
        client.close()
        server.close()


def at(t: float) -> str:
    return dt.datetime.fromtimestamp(t).isoformat(timespec="milliseconds")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_a_recorder_killed_with_sigkill_leaves_a_whole_file_at_most_one_interval_short(incident):
    conn = sqlite3.connect(incident.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Recording.open(incident.path) as rec:
        assert rec.end is not None and rec.start is not None
        # committed every interval: the last snapshot is within one interval (plus a poll) of the kill
        assert incident.killed_at - rec.end < 3 * INTERVAL
        assert rec.targets and "***" in rec.targets[0]
        assert isinstance(rec.at(rec.end)[""], Snapshot)
    for part in incident.path.parent.glob("incident.rec*"):  # the file and what the kill left in its WAL
        assert PASSWORD.encode() not in part.read_bytes(), part


def test_doctor_replay_at_gives_memory_pressure_then_not_after_it_cleared(incident, capsys):
    code, out = run_cli(capsys, "doctor", "--replay", str(incident.path), "--at", at(incident.pressure_at), "--json")
    report = json.loads(out)
    assert "memory-pressure" in [f["id"] for f in report["findings"]]
    assert code == {"WARNING": 1, "CRITICAL": 2}[report["status"]]
    code, out = run_cli(capsys, "doctor", "--replay", str(incident.path), "--at", at(incident.cleared_at), "--json")
    assert "memory-pressure" not in [f["id"] for f in json.loads(out)["findings"]]
    code, out = run_cli(capsys, "doctor", "--replay", str(incident.path), "--between", "-1h", "-0s", "--json")
    spans = {f["id"]: f for f in json.loads(out)["findings"]}
    pressure = spans["memory-pressure"]
    assert pressure["opened_t"] <= incident.pressure_at <= pressure["closed_t"] <= incident.cleared_at


def test_events_hold_the_outage_the_restart_and_the_config_change(incident):
    with Recording.open(incident.path) as rec:
        events = rec.events()
        kinds = [e.kind for e in events]
        assert "restart" in kinds
        assert kinds.index("connection-lost") < kinds.index("connection-restored") < kinds.index("restart")
        changes = [e for e in events if e.kind == "config-change"]
        assert any(e.payload["parameter"] == "maxmemory-policy" and e.payload["new"] == "allkeys-lru" for e in changes)
        outages = [u for _, _, u in rec.between(rec.start, rec.end) if isinstance(u, Outage)]
        assert outages and outages[0].problem.id.startswith("connection-")


def test_the_replay_shows_the_incident_at_its_time_and_not_after_it_cleared(incident):
    """`redis-tui --replay`: the dashboard on the recording, moved to the incident by the replay keys."""
    import asyncio

    from redis_tui.core.record.times import parse_time
    from redis_tui.ui.run import make_replay_app
    from tests.ui.helpers import text_of, wait_until

    async def replay() -> None:
        with Recording.open(incident.path) as rec:
            app = make_replay_app(rec)
            async with app.run_test(size=(120, 40), notifications=True) as pilot:
                await wait_until(pilot, lambda: app.snapshot is not None)
                await pilot.press("j")  # go to the moment memory pressure was seen
                await wait_until(pilot, lambda: type(app.screen).__name__ == "GotoDialog")
                await pilot.press(*at(incident.pressure_at), "enter")
                await wait_until(pilot, lambda: "memory-pressure" in {f.id for f in app.findings})
                assert abs(app.replay.position - parse_time(at(incident.pressure_at), rec.end or 0)) < 0.01
                assert "REPLAY" in text_of(app, "StatusBar") and "***" in text_of(app, "StatusBar")
                await pilot.press("t")  # the troubleshooting panel says it, as it did live
                await wait_until(pilot, lambda: "memory-pressure" in text_of(app, "#findings-body"))
                await pilot.press("escape", "j")
                await wait_until(pilot, lambda: type(app.screen).__name__ == "GotoDialog")
                await pilot.press(*at(incident.cleared_at + 2 * INTERVAL), "enter")
                await wait_until(pilot, lambda: "memory-pressure" not in {f.id for f in app.findings})
                assert PASSWORD not in text_of(app, "StatusBar") and app.is_running

    asyncio.run(replay())


def test_the_alert_command_got_opened_then_cleared_in_order(incident):
    received = [(a["kind"], a["payload"]["id"]) for a in alert_lines(incident.alerts)]
    pressure = [kind for kind, fid in received if fid == "memory-pressure"]
    assert pressure[0] == "finding-opened" and pressure[-1] == "finding-cleared"
    assert "no-password" not in [fid for _, fid in received]  # info findings do not alert by default
    env = incident.alert_env.read_text().splitlines()
    assert "finding-opened memory-pressure redis://:***@127.0.0.1:" in "\n".join(env)
    assert PASSWORD not in incident.alert_env.read_text() + incident.alerts.read_text()


def test_export_csv_and_jsonl_match_the_recording(incident, capsys, tmp_path):
    with Recording.open(incident.path) as rec:
        recorded = list(rec.between(rec.start, rec.end))
    out_csv = tmp_path / "out.csv"
    assert cli.main(["export", str(incident.path), "--format", "csv", "--out", str(out_csv),
                     "--fields", "used_memory,connected_clients", "ops"]) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    code, out = run_cli(capsys, "export", str(incident.path), "--format", "jsonl", "--fields", "used_memory",
                        "connected_clients", "ops")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == len(lines) == len(recorded)
    for row, line, (t, _node, update) in zip(rows, lines, recorded, strict=True):
        assert float(row["t"]) == line["t"] == round(t, 3)
        if isinstance(update, Snapshot):
            assert int(row["used_memory"]) == line["used_memory"] == update.memory.used
            assert int(row["connected_clients"]) == line["connected_clients"] == update.clients.connected
            assert line["ops"] == update.rates.ops
        else:
            assert row["status"] == line["status"] == update.problem.id and line["used_memory"] is None
    peak = max(line["used_memory"] or 0 for line in lines)
    assert peak > 0.9 * 3 * 1024 * 1024  # the fill is in it
    code, out = run_cli(capsys, "export", str(incident.path), "--events", "--format", "jsonl")
    assert "restart" in [json.loads(line)["kind"] for line in out.splitlines()]


def test_a_recorder_of_a_server_that_is_down_records_the_outage_and_stops_cleanly_on_sigterm(tmp_path):
    from redis_tui.demo.server import free_port

    path = tmp_path / "down.rec"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)
    recorder = subprocess.Popen([sys.executable, "-m", "redis_tui", "record", f"redis://127.0.0.1:{free_port()}/0",
                                 "--out", str(path), "--interval", "0.25"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    try:
        wait_for(lambda: path.exists() and has_event(path, "connection-lost"))
        recorder.send_signal(signal.SIGTERM)
        out, err = recorder.communicate(timeout=10)
    finally:
        if recorder.poll() is None:
            recorder.kill()
    assert recorder.returncode == 0, err
    assert f"to {path}" in out and out.rstrip().endswith("stopped, file closed")
    assert not path.with_name("down.rec-wal").exists()  # the WAL was folded back into the file
    with Recording.open(path) as rec:
        assert isinstance(rec.at(rec.end)[""], Outage)
        assert [e.kind for e in rec.events()][0] == "connection-lost"


def test_a_fleet_is_recorded_into_one_file_node_by_node(tmp_path, capsys):
    from redis_tui.demo.server import free_port

    kind = available_kinds()[0]
    servers = [EmbeddedServer(kind).start() for _ in range(2)]
    dead = f"redis://127.0.0.1:{free_port()}/0"
    path = tmp_path / "fleet.rec"
    try:
        code = cli.main(["record", servers[0].url, servers[1].url, dead, "--out", str(path), "--interval", "0.25",
                         "--duration", "1.2"])
    finally:
        for server in servers:
            server.close()
    assert code == 0
    addrs = [f"127.0.0.1:{s.port}" for s in servers] + [dead.split("//")[1].split("/")[0]]
    with Recording.open(path) as rec:
        assert sorted(rec.nodes) == sorted(addrs) and len(rec.targets) == 3
        moment = rec.at(rec.end)
        assert [type(moment[a]).__name__ for a in addrs] == ["Snapshot", "Snapshot", "Outage"]
        assert [e.node for e in rec.events(kinds=["connection-lost"])] == [addrs[2]]
    code, out = run_cli(capsys, "export", str(path), "--format", "jsonl", "--node", addrs[2])
    assert {json.loads(line)["status"] for line in out.splitlines()} == {"connection-refused"}
