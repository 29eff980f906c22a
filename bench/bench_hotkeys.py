"""Benchmark: `redis-tui analyze --hotkeys --json` against `redis-cli --hotkeys` on the same LFU server.

Starts a throwaway server (``maxmemory-policy allkeys-lfu``, ``enable-debug-command yes``, and
``lfu-decay-time 0`` so that the counters do not move between the runs being compared), fills
it with 1,000,000 keys (DEBUG POPULATE), makes some keys hot with a skewed access pattern
(pipelined GETs on a Zipf-like set: the key of rank r gets ~1/r of the reads), then in the same
run times both commands, alternated, and prints min / median over the runs of each, the ratio
of the medians (target: redis-tui >= 3x faster) and whether the top 10 are the same keys. Keys
with equal counters are compared as groups: the counts of the top 10 must be the same, and every
group of equal counts must hold the same keys, except the last one, which the top 10 may cut
anywhere (each tool keeps the first keys it meets, in its own SCAN order). Last, the time from
opening the hot keys screen (H) to its first data on screen (target <= 300 ms), in the app run
headless.

Usage: python bench/bench_hotkeys.py [--keys N] [--kind redis|valkey] [--runs N] [--reads N] [--tui-args '…']
Run from the repository root. Needs redis-cli on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from redis_tui.demo.server import EmbeddedServer  # noqa: E402

CONFIG = {"maxmemory-policy": "allkeys-lfu", "enable-debug-command": "yes", "lfu-decay-time": "0", "save": ""}
HOT_SET = 2000  # keys that get reads, ranked
TOP = 10


def fill(r: redis.Redis, keys: int, reads: int, seed: int = 7) -> None:
    """`keys` keys ``key:N``, then `reads` GETs spread over HOT_SET keys with Zipf weights."""
    r.execute_command("DEBUG", "POPULATE", keys)
    rng = random.Random(seed)
    ranked = rng.sample(range(keys), HOT_SET)
    weights = [1 / rank for rank in range(1, HOT_SET + 1)]
    pipe = r.pipeline(transaction=False)
    for number, index in enumerate(rng.choices(ranked, weights, k=reads), 1):
        pipe.get(f"key:{index}")
        if number % 10_000 == 0:
            pipe.execute()
    pipe.execute()


def timed(argv: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def cli_top(out: str) -> list[tuple[str, int]]:
    """(quoted key, counter) from redis-cli's summary lines."""
    rows = []
    for line in out.split("-------- summary -------")[-1].splitlines():
        if line.startswith("hot key found with counter: "):
            count, _, key = line[len("hot key found with counter: "):].partition("\tkeyname: ")
            rows.append((key, int(count)))
    return rows


def tui_top(out: str) -> list[tuple[str, int]]:
    return [(entry["key"], entry["freq"]) for entry in json.loads(out)["hotkeys"]]


def same_top(ours: list[tuple[str, int]], theirs: list[tuple[str, int]], top: int = TOP) -> tuple[bool, str]:
    """Whether the top `top` agree, equal counts compared as groups (the last group may be cut anywhere)."""
    a, b = ours[:top], theirs[:top]
    if [count for _, count in a] != [count for _, count in b]:
        return False, f"counts differ: {[c for _, c in a]} vs {[c for _, c in b]}"
    counts = sorted({count for _, count in a}, reverse=True)
    for count in counts[:-1]:
        mine, yours = {k for k, c in a if c == count}, {k for k, c in b if c == count}
        if mine != yours:
            return False, f"keys with counter {count} differ: {sorted(mine)} vs {sorted(yours)}"
    last = counts[-1] if counts else None
    cut = sum(1 for _, c in a if c == last)
    return True, (f"counts {[c for _, c in a]}; the last group (counter {last}) has {cut} key(s) in the top {top}, "
                  "compared by count only" if last is not None else "empty")


async def first_data(url: str, times: int = 3) -> list[float]:
    """Seconds from opening the hot keys screen (H) to its first data on screen, `times` times."""
    from redis_tui.settings import resolve
    from redis_tui.ui.insight.hotkeys import HotKeysScreen
    from redis_tui.ui.run import make_app

    out = []
    app = make_app(resolve({"url": url, "interval": 1.0}, {}))
    async with app.run_test(size=(120, 40)) as pilot:
        while app.snapshot is None:
            await pilot.pause(0.05)
        for _ in range(times):
            await pilot.press("H")
            screen = app.screen
            assert isinstance(screen, HotKeysScreen)
            while screen.first_data_s is None:
                await pilot.pause(0.01)
            out.append(screen.first_data_s)
            await pilot.press("escape")
            await pilot.pause()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--kind", default="redis", choices=["redis", "valkey"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reads", type=int, default=300_000, help="skewed GETs that make keys hot")
    parser.add_argument("--tui-args", default="", help="more flags for redis-tui, e.g. '--batch 2000 --parallel 2'")
    args = parser.parse_args()

    server = EmbeddedServer(args.kind, CONFIG).start()
    try:
        r = redis.Redis(port=server.port)
        started = time.perf_counter()
        fill(r, args.keys, args.reads)
        version = r.info("server").get("redis_version")
        print(f"{args.kind} {version}: {r.dbsize():,} keys, {args.reads:,} skewed GETs "
              f"({time.perf_counter() - started:.1f} s to build)")
        ours = [sys.executable, "-m", "redis_tui", "analyze", "-p", str(server.port), "--hotkeys", "--json",
                *args.tui_args.split()]
        theirs = ["redis-cli", "-p", str(server.port), "--hotkeys"]
        tui_times, cli_times = [], []
        tui_out = cli_out = ""
        for _ in range(args.runs):  # alternated: a drift of the machine's speed hits both
            elapsed, tui_out = timed(ours)
            tui_times.append(elapsed)
            elapsed, cli_out = timed(theirs)
            cli_times.append(elapsed)
        tui_median, cli_median = statistics.median(tui_times), statistics.median(cli_times)
        print(f"redis-tui analyze --hotkeys --json {args.tui_args}: min {min(tui_times):.2f} s, "
              f"median {tui_median:.2f} s ({args.runs} runs, whole process)")
        print(f"redis-cli --hotkeys:                min {min(cli_times):.2f} s, median {cli_median:.2f} s")
        print(f"ratio (redis-cli / redis-tui, medians): {cli_median / tui_median:.1f}x (target >= 3x)")
        same, detail = same_top(tui_top(tui_out), cli_top(cli_out))
        print(f"top {TOP} the same keys: {'yes' if same else 'NO'} — {detail}")
        print("redis-tui top 5:", ", ".join(f"{k} {c}" for k, c in tui_top(tui_out)[:5]))
        print("redis-cli top 5:", ", ".join(f"{k} {c}" for k, c in cli_top(cli_out)[:5]))
        shown = asyncio.run(first_data(server.url))
        print(f"the H screen's first data (policy and DBSIZE read, the cost shown): "
              f"{', '.join(f'{s * 1000:.0f}' for s in shown)} ms after opening it (target <= 300 ms)")
        return 0 if same else 1
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
