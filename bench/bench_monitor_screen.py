"""The MONITOR *screen* under load: key latency, memory over time, the server-side buffer.

    python bench/bench_monitor_screen.py [--seconds 600] [--kind redis]

Runs the real app in a pseudo-terminal against a throwaway server under
`redis-benchmark -t set,get,incr -P 1 -c 50`, opens the MONITOR screen and starts it,
then, every 2 s, presses `space` (pause the view) and times how long until the screen
shows "view paused" (target: keys answered within 100 ms), presses it again to resume,
and samples the app's RSS (target: growth under 50 MB over 10 minutes) and the monitor
connection's output buffer on the server (CLIENT LIST omem; target under 1 MB). For
scale it also prints the rate `redis-cli monitor` sees on the same server at the same time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_dashboard import drain, rss_mb, spawn_in_pty, stop  # noqa: E402

from redis_tui.core import parse  # noqa: E402
from redis_tui.core.server import EmbeddedServer  # noqa: E402


def monitor_omem(r: redis.Redis) -> int:
    """The omem of redis-tui's MONITOR connection (it names itself redis-tui-monitor)."""
    rows = parse.parse_client_list(r.execute_command("CLIENT LIST"))
    return max((row.omem for row in rows if row.name == "redis-tui-monitor"), default=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to run MONITOR (default 600)")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    args = parser.parse_args()

    with EmbeddedServer(args.kind) as server:
        r = redis.Redis(port=server.port)
        r.set_response_callback("CLIENT LIST", lambda reply, **_: reply)
        load = subprocess.Popen(["redis-benchmark", "-p", str(server.port), "-t", "set,get,incr", "-P", "1",
                                 "-c", "50", "-n", "2000000000", "-q", "-r", "100000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cli_out = tempfile.TemporaryFile()
        cli = subprocess.Popen(["redis-cli", "-p", str(server.port), "monitor"], stdout=cli_out,
                               stderr=subprocess.DEVNULL)
        pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", server.url])
        try:
            drain(fd, 15.0, needle=b"connected")
            os.write(fd, b"m")
            drain(fd, 10.0, needle=b"Press s to start")
            os.write(fd, b"s")
            drain(fd, 10.0, needle=b"MONITOR running")
            drain(fd, 3.0)
            rss_start = rss_mb(pid)
            latencies, omems, rss = [], [], [rss_start]
            start = time.monotonic()
            next_key = start
            while time.monotonic() - start < args.seconds:
                if time.monotonic() >= next_key:
                    sent = time.monotonic()
                    os.write(fd, b" ")
                    _, seen = drain(fd, 5.0, needle=b"view paused")
                    latencies.append((seen or float("inf")) - sent)
                    os.write(fd, b" ")
                    omems.append(monitor_omem(r))
                    rss.append(rss_mb(pid))
                    next_key = sent + 2.0
                drain(fd, 0.05)
            elapsed = time.monotonic() - start
        finally:
            stop(pid)
            load.terminate()
            cli.terminate()
            load.wait()
            cli.wait()
        cli_out.seek(0)
        cli_lines = sum(chunk.count(b"\n") for chunk in iter(lambda: cli_out.read(1 << 20), b""))

    print(f"# {server.kind} under redis-benchmark -t set,get,incr -P 1 -c 50, {elapsed:.0f} s of MONITOR in the TUI")
    print(f"server commands/s seen by redis-cli monitor alongside: {cli_lines / elapsed:,.0f}")
    print(f"key -> screen latency (space -> 'view paused'), {len(latencies)} presses: "
          f"median {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms   target < 100 ms -> "
          f"{'MET' if percentile(latencies, 95) < 0.1 else 'MISSED'}")
    print(f"app RSS: start {rss_start:.1f} MB, end {rss[-1]:.1f} MB, peak {max(rss):.1f} MB, growth "
          f"{rss[-1] - rss_start:+.1f} MB   target < 50 MB -> {'MET' if max(rss) - rss_start < 50 else 'MISSED'}")
    print(f"monitor connection omem on the server: peak {max(omems) / 1024:.1f} KB   target < 1 MB -> "
          f"{'MET' if max(omems) < 1024 * 1024 else 'MISSED'}")


if __name__ == "__main__":
    main()
