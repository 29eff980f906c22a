"""Helpers for the doctor integration tests: run `redis-tui doctor --json` in-process, sample a
server through the real poller, and put servers in states (all against real servers)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from redis_tui import cli
from redis_tui.commands import doctor as doctor_command
from redis_tui.core.diagnosis.diagnose import diagnose, diagnose_problem
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.models import Outage
from redis_tui.core.poller import Poller
from redis_tui.core.target import Target
from redis_tui.demo.server import EmbeddedServer


def run_doctor(capsys, *args: str, config: dict | None = None, tmp_path: Path | None = None):
    """(exit code, parsed JSON) of ``redis-tui doctor ARGS --json`` (optionally with a [thresholds] file)."""
    argv = ["doctor", *args, "--json"]
    if config:
        path = (tmp_path or Path("/tmp")) / "doctor-config.toml"
        path.write_text("[thresholds]\n" + "".join(f"{k} = {v!r}\n" for k, v in config.items()))
        argv += ["--config", str(path)]
    code = cli.main(argv)
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == doctor_command.STATUSES[report["status"]]
    return code, report


def finding(report: dict, finding_id: str) -> dict | None:
    """The finding `finding_id` of a doctor JSON report, or None."""
    found = [f for f in report["findings"] if f["id"] == finding_id]
    return found[0] if found else None


def ids(report: dict) -> set[str]:
    """Finding ids of a doctor JSON report."""
    return {f["id"] for f in report["findings"]}


def sample(target: Target, gap: float = 0.3, limits: Thresholds = Thresholds(), during=None):
    """The pure path: two real polls `gap` apart through `Poller`, then `diagnose` (or the outage's finding).

    `during`, if given, is called between the two polls (to change the server's state).
    """
    async def go():
        poller = Poller(target)
        try:
            first = await poller.poll()
            if isinstance(first, Outage):
                return diagnose_problem(first.problem, target), None
            await asyncio.sleep(gap)
            if during:
                await asyncio.to_thread(during)
            second = await poller.poll()
            if isinstance(second, Outage):
                return diagnose_problem(second.problem, target), first
            return diagnose(second, first, limits, target), second
        finally:
            await poller.close()
    return asyncio.run(go())


def by_id(findings) -> dict:
    """{id: Finding}."""
    return {f.id: f for f in findings}


def target_of(server: EmbeddedServer, **fields) -> Target:
    """A Target for an embedded server."""
    return Target(host="127.0.0.1", port=server.port, **fields)


def client(server: EmbeddedServer, **kwargs) -> redis.Redis:
    """A plain redis-py client to `server` (for setting up states, and for checking against the server)."""
    return redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10, **kwargs)


def wait_for(predicate, timeout: float = 10.0, every: float = 0.05):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")


@contextmanager
def in_background(function, *args):
    """Run `function(*args)` in a thread for the duration of the block, then join it."""
    thread = threading.Thread(target=function, args=args, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        thread.join(30)


def raw_connection(port: int, host: str = "127.0.0.1") -> socket.socket:
    """A bare TCP connection (for connections that must not read their replies)."""
    return socket.create_connection((host, port), timeout=5)


@pytest.fixture(autouse=True)
def quick_samples(monkeypatch):
    """Doctor's two samples 0.3 s apart instead of 1 s (import this fixture into a test module)."""
    monkeypatch.setattr(doctor_command, "SAMPLE_GAP", 0.3)
