"""Benchmark: a fleet of 50 local servers, one of them down (targets of the fleet issue), redis-cli beside it.

Starts `--servers` throwaway servers (default 50) and kills one, then in the same run:

1. the app itself (``redis-tui URL1 … URL50`` in a pseudo-terminal, on the overview) at the default 1 s
   interval for `--seconds` (default 30, after 8 s of warm-up): its CPU as % of one core (target ≤ 10 %)
   and RSS, and the commands per second each server received from it, from the servers' own
   ``INFO commandstats`` before and after (target ≤ 1.5 per server);
2. the rounds of `FleetPoller` (each member diagnosed, as in the app) for `--seconds`: round time min /
   median / p95 / max (target ≤ 250 ms), and how many members answered;
3. redis-cli for comparison: ``redis-cli -p P info`` over the live servers one after another (one process
   per server, as a shell loop would do).

Usage: python bench/bench_fleet.py [--servers 50] [--seconds 30] [--kind redis|valkey]
Run from the repository root. Needs redis-cli on PATH for part 3.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_dashboard import cpu_seconds, drain, rss_mb, spawn_in_pty, stop  # noqa: E402
from redis_tui.core.diagnosis.diagnose import Diagnoser  # noqa: E402
from redis_tui.core.fleet import FleetPoller, FleetSource, Member  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402


def calls(clients: dict[int, redis.Redis]) -> dict[int, int]:
    """Calls of every command so far, per server (port), from INFO commandstats."""
    return {port: sum(v["calls"] for v in c.info("commandstats").values()) for port, c in clients.items()}


def run_app(urls: list[str], clients: dict[int, redis.Redis], seconds: float, warmup: float = 8.0):
    """The app on the fleet in a pty: (CPU % of one core, RSS MB, commands/s per live server)."""
    pid, fd = spawn_in_pty([sys.executable, "-m", "redis_tui", *urls])
    try:
        _, found, _ = drain(fd, 30.0, needle=b"Servers")
        if found is None:
            raise SystemExit("the overview never showed")
        drain(fd, warmup)
        before, cpu0, wall0 = calls(clients), cpu_seconds(pid), time.monotonic()
        drain(fd, seconds)
        cpu, wall = cpu_seconds(pid) - cpu0, time.monotonic() - wall0
        after = calls(clients)
        rss = rss_mb(pid)
    finally:
        stop(pid)
        os.close(fd)
    per_server = [(after[p] - before[p] - 1) / wall for p in before]  # -1: the measurement's own INFO
    return 100 * cpu / wall, rss, per_server


async def poll_rounds(members: list[Member], seconds: float, warmup: float = 5.0):
    """Rounds of the app's source (poller + each member's diagnosis): (round times, CPU s, wall s, up)."""
    poller = FleetPoller(members, interval=1.0)
    source = FleetSource(poller, members, lambda target: Diagnoser(target))
    rounds: list[float] = []
    up = []

    def emit(fleet) -> None:
        rounds.append(fleet.round.round_s)
        up.append(fleet.up)

    task = asyncio.create_task(source.run(emit))
    await asyncio.sleep(warmup)
    rounds.clear()
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return rounds, cpu, wall, up[-1] if up else 0


def redis_cli_sweep(servers: list[EmbeddedServer]) -> float | None:
    cli = shutil.which("redis-cli")
    if cli is None:
        return None
    started = time.monotonic()
    for server in servers:
        subprocess.run([cli, "-p", str(server.port), "info"], stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    args = parser.parse_args()
    started = time.monotonic()
    servers = [EmbeddedServer(args.kind).start() for _ in range(args.servers)]
    try:
        down = servers[len(servers) // 2]
        down.stop()  # killed: its port refuses connections
        live = [s for s in servers if s is not down]
        print(f"{servers[0].kind}: {len(servers)} servers started in {time.monotonic() - started:.1f} s, "
              f"1 stopped (:{down.port}); {os.cpu_count()} cores; python {sys.version.split()[0]}")
        clients = {s.port: redis.Redis(port=s.port) for s in live}
        urls = [s.url for s in servers]
        cpu_pct, rss, per_server = run_app(urls, clients, args.seconds)
        print(f"app (redis-tui {len(urls)} URLs, the overview, {args.seconds:.0f} s): CPU {cpu_pct:.1f} % of one core "
              f"(target <= 10 %), RSS {rss:.0f} MB")
        print(f"commands/s per live server from the app: min {min(per_server):.2f} / median "
              f"{statistics.median(per_server):.2f} / max {max(per_server):.2f} (target <= 1.5)")
        members = [Member(f"s{i}", Target(host="127.0.0.1", port=s.port)) for i, s in enumerate(servers)]
        rounds, cpu, wall, up = asyncio.run(poll_rounds(members, args.seconds))
        ms = sorted(r * 1000 for r in rounds)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        print(f"poll rounds (poller + diagnosis, in-process): {len(ms)} in {wall:.1f} s, {up}/{len(members)} up; "
              f"round ms min {ms[0]:.1f} / median {statistics.median(ms):.1f} / p95 {p95:.1f} / max {ms[-1]:.1f} "
              f"(target max <= 250); {100 * cpu / wall:.1f} % of one core")
        sweep = redis_cli_sweep(live)
        if sweep is not None:
            print(f"redis-cli: `redis-cli -p P info` over the {len(live)} live servers one after another: "
                  f"{sweep * 1000:.0f} ms; redis-tui's median round over all {len(servers)}: "
                  f"{statistics.median(ms):.1f} ms (ratio {sweep * 1000 / statistics.median(ms):.1f}x)")
        for client in clients.values():
            client.close()
    finally:
        for server in servers:
            server.close()


if __name__ == "__main__":
    main()
