"""The MONITOR *screen* under load: stream lag, key latency, memory, the server-side buffer.

    python bench/bench_monitor_screen.py [--seconds 600] [--kind redis] [--load steady --rate 340]

Runs the real app in a pseudo-terminal against a throwaway server under load (default
`redis-benchmark -t set,get,incr -P 1 -c 50`; `--load steady` sends SETs at `--rate` per
second from one client, as a busy application would), opens the MONITOR screen and starts
it, then, every 2 s:
- measures the stream's lag behind the server (target: under 1 s; the view follows the
  tail). With `--load steady` from every frame: the newest ``load:<n>`` on the terminal
  against the moment SET number n was sent. With redis-benchmark: ``SET lagmark:<i>`` sent,
  until that key is on the terminal (under a firehose a line can scroll past between two
  frames and never be drawn: the count of markers seen is printed);
- presses `space` (pause the view) and times how long until the screen shows "view paused"
  (target: keys answered within 100 ms), and presses it again to resume;
- samples the app's RSS (target: growth under 50 MB over 10 minutes) and the monitor
  connection's output buffer on the server (CLIENT LIST omem; target under 1 MB).
For scale it also prints the rate `redis-cli monitor` sees on the same server at the same time.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_dashboard import rss_mb, spawn_in_pty, stop  # noqa: E402

from redis_tui.core import parse  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402


def monitor_omem(r: redis.Redis) -> int:
    """The omem of redis-tui's MONITOR connection (it names itself redis-tui-monitor)."""
    rows = parse.parse_client_list(r.execute_command("CLIENT LIST"))
    return max((row.omem for row in rows if row.name == "redis-tui-monitor"), default=0)


class SteadyLoad(threading.Thread):
    """SET load:<n> (n = 1, 2, ...) at `rate` per second, remembering when each was sent."""

    def __init__(self, port: int, rate: float) -> None:
        super().__init__(daemon=True)
        self.port, self.period = port, 1.0 / rate
        self.sent_at: list[float] = [0.0]
        self.stop_event = threading.Event()

    def run(self) -> None:
        client = redis.Redis(port=self.port)
        next_at = time.monotonic()
        while not self.stop_event.is_set():
            self.sent_at.append(time.monotonic())
            client.set(f"load:{len(self.sent_at) - 1}", "v")
            next_at += self.period
            self.stop_event.wait(max(0.0, next_at - time.monotonic()))
        client.close()


class Terminal:
    """Reads the app's terminal; with a `SteadyLoad`, notes the lag of each frame's newest line."""

    def __init__(self, fd: int, load: SteadyLoad | None) -> None:
        self.fd, self.load = fd, load
        self.newest = 0
        self.lags: list[float] = []

    def read(self, seconds: float, needle: bytes | None = None) -> float | None:
        """Read for `seconds`, or until `needle` appears (returns when it did)."""
        seen = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return None
            now = time.monotonic()
            if self.load is not None:
                newest = max(map(int, re.findall(rb"load:(\d+)", chunk)), default=0)
                if newest > self.newest:
                    self.newest = newest
                    self.lags.append(now - self.load.sent_at[newest])
            if needle is not None:
                seen = (seen + chunk)[-200_000:]
                if needle in seen:
                    return now
        return None


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="how long to run MONITOR (default 600)")
    parser.add_argument("--kind", default=None, help="redis or valkey (default: first found)")
    parser.add_argument("--load", choices=("benchmark", "steady"), default="benchmark",
                        help="redis-benchmark flat out (default), or steady SETs from one client")
    parser.add_argument("--rate", type=float, default=340.0, help="commands/s for --load steady (default 340)")
    args = parser.parse_args()

    with EmbeddedServer(args.kind) as server, tempfile.TemporaryFile() as cli_out:
        r = redis.Redis(port=server.port)
        r.set_response_callback("CLIENT LIST", lambda reply, **_: reply)
        steady = SteadyLoad(server.port, args.rate) if args.load == "steady" else None
        if steady is None:
            load = subprocess.Popen(["redis-benchmark", "-p", str(server.port), "-t", "set,get,incr", "-P", "1",
                                     "-c", "50", "-n", "2000000000", "-q", "-r", "100000"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            steady.start()
        cli = subprocess.Popen(["redis-cli", "-p", str(server.port), "monitor"], stdout=cli_out,
                               stderr=subprocess.DEVNULL)
        pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", server.url])
        term = Terminal(fd, steady)
        try:
            term.read(15.0, needle=b"connected")
            os.write(fd, b"m")
            term.read(10.0, needle=b"Press s to start")
            os.write(fd, b"s")
            term.read(10.0, needle=b"MONITOR running")
            term.read(3.0)
            term.lags.clear()
            rss_start = rss_mb(pid)
            latencies, marker_lags, omems, rss = [], [], [], [rss_start]
            marks = 0
            start = time.monotonic()
            next_key = start
            while time.monotonic() - start < args.seconds:
                if time.monotonic() >= next_key:
                    marked = time.monotonic()
                    if steady is None:
                        marks += 1
                        r.set(f"lagmark:{marks}", "x")
                        seen = term.read(5.0, needle=f"lagmark:{marks}".encode())
                        if seen is not None:
                            marker_lags.append(seen - marked)
                    sent = time.monotonic()
                    os.write(fd, b" ")
                    seen = term.read(5.0, needle=b"view paused")
                    latencies.append((seen or float("inf")) - sent)
                    os.write(fd, b" ")
                    omems.append(monitor_omem(r))
                    rss.append(rss_mb(pid))
                    next_key = marked + 2.0
                term.read(0.05)
            elapsed = time.monotonic() - start
        finally:
            stop(pid)
            if steady is None:
                load.terminate()
                load.wait()
            else:
                steady.stop_event.set()
                steady.join(5)
            cli.terminate()
            cli.wait()
        cli_out.seek(0)
        cli_lines = sum(chunk.count(b"\n") for chunk in iter(lambda: cli_out.read(1 << 20), b""))

    load_name = ("redis-benchmark -t set,get,incr -P 1 -c 50" if args.load == "benchmark"
                 else f"steady SETs at {args.rate:g}/s")
    print(f"# {server.kind} under {load_name}, {elapsed:.0f} s of MONITOR in the TUI")
    print(f"server commands/s seen by redis-cli monitor alongside: {cli_lines / elapsed:,.0f}")
    if steady is not None:
        lags, what = term.lags, f"{len(term.lags)} samples, newest line on screen vs the moment it was sent"
    else:
        lags, what = marker_lags, f"{len(marker_lags)} of {marks} markers drawn within 5 s"
    if lags:
        print(f"stream lag (command sent -> its line on the terminal), {what}: "
              f"median {percentile(lags, 50) * 1000:.0f} ms, p95 {percentile(lags, 95) * 1000:.0f} ms, "
              f"max {max(lags) * 1000:.0f} ms   target < 1 s -> {'MET' if percentile(lags, 95) < 1.0 else 'MISSED'}")
    else:
        print(f"stream lag: no line of the load reached the terminal ({what}) -> MISSED")
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
