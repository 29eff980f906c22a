"""--demo: a throwaway server with a realistic workload, and nothing left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import redis

from redis_tui.demo.run import DEMO_CONFIG, start_workload
from redis_tui.demo.server import EmbeddedServer


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_workload_looks_like_the_runbook_service(server_kind):
    with EmbeddedServer(server_kind, DEMO_CONFIG) as server:
        workload = start_workload(server)
        try:
            r = redis.Redis(port=server.port)
            wait_for(lambda: r.info("stats")["keyspace_hits"] > 50 and r.info("stats")["keyspace_misses"] > 20)
            names = {c["name"] for c in r.client_list()}
            assert {"api-cache-1", "rate-limiter", "web-sessions", "job-producer", "email-worker-1"} <= names
            wait_for(lambda: r.exists("stats:emails:sent"))
            assert r.keys("cache:api:v1:*") and r.keys("ratelimit:*")
            assert all(r.ttl(k) > 0 for k in r.keys("ratelimit:*")[:20])  # counters expire
            assert all(r.ttl(k) > 0 for k in r.keys("cache:api:*")[:20])
            assert r.config_get("maxmemory-policy")["maxmemory-policy"] == "allkeys-lru"
        finally:
            workload.terminate()
            workload.wait(5)


def test_watchdog_cleans_up_when_the_dashboard_is_killed(tmp_path, server_kind):
    """If the dashboard dies without cleaning up (kill -9), the workload stops the server and its files."""
    script = textwrap.dedent(f"""
        import os, sys
        from redis_tui.demo.server import EmbeddedServer
        from redis_tui.demo.run import start_workload
        server = EmbeddedServer({server_kind!r}).start()
        start_workload(server)
        print(server.port, server.dir, server.process.pid, flush=True)
        sys.stdin.readline()
        os._exit(9)  # no cleanup at all, like SIGKILL
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd())
    port, directory, pid = parent.stdout.readline().split()
    r = redis.Redis(port=int(port))
    wait_for(lambda: r.dbsize() > 0)
    parent.stdin.write("\n")
    parent.stdin.flush()
    parent.wait(5)
    wait_for(lambda: not os.path.exists(directory))
    wait_for(lambda: _gone(pid))


def _gone(pid: int | str) -> bool:
    """The process has exited (no /proc entry, or a zombie waiting for its parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def _workload_pids(port: int) -> list[int]:
    """Processes running the demo workload for `port` (from /proc: what `ps` would show)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if b"redis_tui.demo.workload" in argv and str(port).encode() in argv and state != "Z":
                found.append(int(entry))
    return found


def test_demo_run_starts_everything_and_leaves_nothing_behind():
    """`redis-tui --demo` without the TUI: the real server and workload come up, then go away."""
    import argparse
    import signal

    from redis_tui.demo.run import run_demo

    seen = {}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}

    def watch(settings, notices):
        target = settings.target
        r = redis.Redis(host=target.host, port=target.port)
        wait_for(lambda: r.dbsize() > 0 and "api-cache-1" in {c["name"] for c in r.client_list()})
        seen.update(port=target.port, dir=r.config_get("dir")["dir"], pid=r.info("server")["process_id"],
                    workload=_workload_pids(target.port), notices=notices, write=settings.write,
                    interval=settings.interval, policy=r.config_get("maxmemory-policy")["maxmemory-policy"])
        assert signal.getsignal(signal.SIGTERM) is not handlers[signal.SIGTERM]  # cleanup survives a kill
        return 7

    code = run_demo(argparse.Namespace(interval=0.5, write=True), watch=watch)
    assert code == 7  # the dashboard's exit code is the demo's
    assert seen["notices"] == (f"Demo: {seen['notices'][0].split()[1]} on port {seen['port']} with a "
                               "cache/queue/rate-limit workload",)
    assert (seen["write"], seen["interval"], seen["policy"]) == (True, 0.5, "allkeys-lru")
    assert len(seen["workload"]) == 1
    assert not os.path.exists(seen["dir"])  # the server's files are gone
    assert _gone(seen["pid"])
    assert _workload_pids(seen["port"]) == []
    assert {sig: signal.getsignal(sig) for sig in handlers} == handlers  # the signal handlers are given back
