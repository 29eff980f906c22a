"""The insight screens: first data on screen after opening each one (target ≤ 300 ms).

    python bench/bench_insight.py [--runs 10] [--kind redis|valkey] [--commands 200] [--interval 1]

Starts a throwaway server (``latency-monitor-threshold 50``, a few latency spikes from ``DEBUG SLEEP``,
`--commands` distinct commands in commandstats, a few error replies), runs the real app on it (Textual's
headless driver, 120×40), waits for the dashboard's first poll, then for each screen of `SCREENS` presses
its key, waits until the screen says its first data is shown (`InsightScreen.first_data_s`: from the
screen opening to its first readings on screen), goes back, and does it again `--runs` times. Prints the
median and the worst per screen against the target, and the app's own CPU time from the key press to the
first data (on a busy shared machine the wall-clock figures grow with the load average; the CPU time much
less: it is what the opening costs the app itself).

A new insight screen is one more line in `SCREENS`: (its registry name, its key).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time

import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from redis_tui.demo.server import EmbeddedServer, available_kinds  # noqa: E402
from redis_tui.settings import resolve  # noqa: E402
from redis_tui.ui.insight.base import InsightScreen  # noqa: E402
from redis_tui.ui.run import make_app  # noqa: E402

TARGET_MS = 300.0
SCREENS: list[tuple[str, str]] = [  # (registry name, key): the screens measured, in this order
    ("latency", "L"),
    ("commands", "E"),
    ("slowlog", "S"),
    ("persistence", "B"),
    ("memory", "M"),
    ("config", "C"),
    ("pubsub", "U"),
    ("hotkeys", "H"),
]


def prepare(port: int, commands: int) -> None:
    """Latency spikes, many distinct commands in commandstats and latencystats, some error replies."""
    r = redis.Redis(port=port)
    for _ in range(3):
        r.execute_command("DEBUG", "SLEEP", "0.06")
    names = ["get", "set", "incr", "hset", "hget", "hgetall", "lpush", "lrange", "sadd", "smembers", "zadd",
             "zrange", "expire", "ttl", "exists", "del", "mget", "mset", "append", "strlen"]
    pipe = r.pipeline(transaction=False)
    for i in range(commands):
        pipe.set(f"k:{i}", i)
        pipe.get(f"k:{i}")
        pipe.hset(f"h:{i}", "f", i)
        pipe.lpush(f"l:{i}", i)
        pipe.sadd(f"s:{i}", i)
        pipe.zadd(f"z:{i}", {"m": i})
    pipe.execute()
    for name in names:
        with contextlib.suppress(redis.ResponseError):
            r.execute_command(name.upper(), "k:0")
    for _ in range(20):
        with contextlib.suppress(redis.ResponseError):
            r.lpush("k:0", "x")  # WRONGTYPE
    r.close()


async def measure(url: str, runs: int, interval: float) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """{screen name: [first data in ms, one per opening]}, and the app's CPU time (ms) from the key press to it."""
    app = make_app(resolve({"url": url, "interval": interval}, {}))
    out: dict[str, list[float]] = {name: [] for name, _ in SCREENS}
    cpu: dict[str, list[float]] = {name: [] for name, _ in SCREENS}
    async with app.run_test(size=(120, 40), notifications=False) as pilot:
        deadline = time.monotonic() + 10
        while app.snapshot is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        for _ in range(runs):
            for name, key in SCREENS:
                cpu_before = time.process_time()
                await pilot.press(key)
                screen = app.screen
                assert isinstance(screen, InsightScreen), f"{key} did not open an insight screen ({name})"
                until = time.monotonic() + 5
                while screen.first_data_s is None and time.monotonic() < until:
                    await asyncio.sleep(0.002)
                if screen.first_data_s is not None:
                    out[name].append(screen.first_data_s * 1000)
                    cpu[name].append((time.process_time() - cpu_before) * 1000)
                await pilot.press("escape")
                await pilot.pause(0.1)
    return out, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--kind", choices=["redis", "valkey"], default=None, help="default: every kind present")
    parser.add_argument("--commands", type=int, default=200, help="keys per command family written beforehand")
    parser.add_argument("--interval", type=float, default=1.0, help="the dashboard's polling interval")
    args = parser.parse_args()
    for kind in [args.kind] if args.kind else available_kinds():
        server = EmbeddedServer(kind, {"latency-monitor-threshold": "50", "enable-debug-command": "local"}).start()
        try:
            prepare(server.port, args.commands)
            results, cpu = asyncio.run(measure(server.url, args.runs, args.interval))
        finally:
            server.close()
        load = os.getloadavg()[0]
        print(f"{kind}: first data on screen after opening ({args.runs} openings each; target ≤ {TARGET_MS:.0f} ms; "
              f"load average {load:.1f} on {os.cpu_count()} CPUs)")
        for name, _key in SCREENS:
            values = results[name]
            if not values:
                print(f"  {name:<12} no data within 5 s")
                continue
            worst, median = max(values), statistics.median(values)
            verdict = "OK" if worst <= TARGET_MS else "median OK" if median <= TARGET_MS else "OVER"
            print(f"  {name:<12} first opening {values[0]:6.1f} ms   median {median:6.1f} ms   worst {worst:6.1f} ms   "
                  f"{verdict}   (app CPU from key to data: median {statistics.median(cpu[name]):5.1f} ms)")


if __name__ == "__main__":
    main()
