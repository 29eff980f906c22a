"""The keys *screen* on a big database: first page on screen, and keys answered while the
namespace tree counts.

    python bench/bench_keys_screen.py [--keys 1000000] [--runs 5] [--kind redis|valkey]

Builds the dataset of bench_analyze.py (default 1,000,000 keys) in a throwaway server, then
runs the real app in a pseudo-terminal, once per run (a fresh process each time):

1. waits for the dashboard, presses `k` and times until the first key name is drawn on
   the terminal (target < 150 ms), next to `redis-cli SCAN 0 COUNT 1000` (process start,
   connect, first SCAN page) timed in the same run;
2. while the namespace tree counts the whole keyspace (after the first page), presses `?`
   every 0.25 s and times until the help screen is drawn (`?` again closes it): how long a
   key waits while the scan runs (target: well under 100 ms, as when nothing runs, which is
   measured after the count). It also reports how long the tree took to count every key.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import subprocess
import sys
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from bench_analyze import build  # noqa: E402
from bench_dashboard import spawn_in_pty, stop  # noqa: E402

from redis_tui.demo.server import EmbeddedServer  # noqa: E402

KEY_NAME = re.compile(rb"(user:\d+:\d+|cache:page:\d+|session:\d+|queue:\d+|tags:\d+|rank:\d+|events:\d+)")
HELP = re.compile(rb"this help")
SETTLE_S = 0.5  # presses this soon after the first page are reported apart


class Terminal:
    """The app's pseudo-terminal: reads everything it draws, finds patterns in new output."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.tail = b""

    def read(self, seconds: float) -> bytes:
        """Read for up to `seconds` (returns what came)."""
        out = b""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.01))
            if ready:
                try:
                    out += os.read(self.fd, 1 << 16)
                except OSError:
                    break
        return out

    def wait_for(self, pattern: re.Pattern, timeout: float) -> float | None:
        """The time `pattern` first shows in output that arrives from now on (None: never)."""
        seen = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.005)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return None
            seen = (seen + chunk)[-100_000:]
            if pattern.search(seen):
                return time.monotonic()
        return None

    def press(self, key: bytes) -> float:
        """Send a key; when it was sent."""
        os.write(self.fd, key)
        return time.monotonic()


def help_latency(term: Terminal) -> float:
    """ms from `?` to the help screen drawn (then `?` closes it)."""
    sent = term.press(b"?")
    shown = term.wait_for(HELP, 5)
    term.press(b"?")
    return ((shown or float("inf")) - sent) * 1000


def one_run(url: str, dbsize: int) -> dict:
    """First-page latency and key latencies during the tree count, in one fresh app."""
    pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", url])
    term = Terminal(fd)
    figures: dict = {"keys": []}
    try:
        if term.wait_for(re.compile(rb"connected"), 20) is None:
            raise SystemExit("the dashboard never connected")
        term.read(1.0)  # let the first frames settle
        sent = term.press(b"k")
        shown = term.wait_for(KEY_NAME, 10)
        figures["first_page_ms"] = ((shown or float("nan")) - sent) * 1000
        exact = re.compile(rb"all keys(?:\x1b\[[0-9;:]*m| )*" + f"{dbsize:,}".encode())
        started = time.monotonic()
        while time.monotonic() - started < 60:
            figures["keys"].append(help_latency(term))
            figures.setdefault("when", []).append(time.monotonic() - started)
            if term.wait_for(exact, 0.25) is not None:
                break
        figures["tree_s"] = time.monotonic() - started
        figures["idle_keys"] = []
        for _ in range(5):  # the same key once nothing runs, for comparison
            term.read(0.25)
            figures["idle_keys"].append(help_latency(term))
    finally:
        stop(pid)
        os.close(fd)
    return figures


def cli_first_page(port: int) -> float:
    started = time.monotonic()
    subprocess.run(["redis-cli", "-p", str(port), "SCAN", "0", "COUNT", "1000"], capture_output=True, check=True)
    return (time.monotonic() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="fresh app processes to time (default 5)")
    parser.add_argument("--kind", choices=["redis", "valkey"], default=None)
    args = parser.parse_args()

    with EmbeddedServer(args.kind) as server:
        r = redis.Redis(port=server.port)
        print(f"server: {server.kind} on port {server.port}; cores: {os.cpu_count()}; "
              f"load average {os.getloadavg()[0]:.2f} (other processes share these cores)")
        print(f"building {args.keys:,} keys ... {build(server.port, args.keys):.1f} s; DBSIZE {r.dbsize():,}")
        runs = [one_run(server.url, r.dbsize()) for _ in range(args.runs)]
        cli = [cli_first_page(server.port) for _ in range(args.runs)]

    first = [run["first_page_ms"] for run in runs]
    app_ms, cli_ms = statistics.median(first), statistics.median(cli)
    print(f"\n== first page on screen after pressing k ({args.runs} fresh app processes, median) ==")
    print(f"redis-tui keys screen:    {app_ms:6.0f} ms  (runs: {', '.join(f'{ms:.0f}' for ms in first)})  "
          f"target < 150 ms -> {'MET' if app_ms < 150 else 'MISSED'}")
    print(f"redis-cli SCAN 0 COUNT 1000: {cli_ms:3.0f} ms  (process start + connect + one page; "
          f"ratio {app_ms / cli_ms:.1f}x)")
    print("\n== keys while the namespace tree counts every key ==")
    tree_s = [run["tree_s"] for run in runs]
    print(f"tree count of {args.keys:,} keys: median {statistics.median(tree_s):.1f} s "
          f"(each run: {', '.join(f'{s:.1f}' for s in tree_s)}; '?' pressed every 0.25 s meanwhile)")
    presses = [(ms, at) for run in runs for ms, at in zip(run["keys"], run["when"], strict=True)]
    settling = sorted(ms for ms, at in presses if at < SETTLE_S)
    counting = sorted(ms for ms, at in presses if at >= SETTLE_S)
    if settling:
        print(f"'?' -> help drawn in the first {SETTLE_S} s after the first page (the rest of the page is "
              f"added, the first key inspected): {', '.join(f'{ms:.0f}' for ms in settling)} ms")
    if counting:
        p95 = counting[min(len(counting) - 1, int(len(counting) * 0.95))]
        print(f"'?' -> help drawn, {len(counting)} presses during the rest of the count: median "
              f"{statistics.median(counting):.0f} ms, p95 {p95:.0f} ms, max {counting[-1]:.0f} ms   "
              f"target < 100 ms -> {'MET' if p95 < 100 else 'MISSED'}")
    idle = [ms for run in runs for ms in run["idle_keys"]]
    print(f"the same key once the count is over: median {statistics.median(idle):.0f} ms, max {max(idle):.0f} ms")

if __name__ == "__main__":
    main()
