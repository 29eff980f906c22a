"""First data on the memory (M), config (C) and Pub/Sub (U) screens: from the key press to the first reading shown.

    python bench/bench_insight_memconf.py [--runs 5] [--kind redis|valkey] [--keys 100000] [--channels 200]

The app runs headless (Textual's run_test) on a live poller against an embedded server holding `--keys` keys
and `--channels` channels with a subscriber each (plus patterns and, on 7+, shard channels). Each run presses
the screen's key on the dashboard, waits for its first reading (`InsightScreen.first_data_s`: from the screen
being shown to the reading rendered), then goes back. The first opening builds the screen (its module is
imported then); later ones reuse it. Target (issue 12): <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import redis  # noqa: E402

from redis_tui.demo.server import EmbeddedServer  # noqa: E402
from redis_tui.settings import resolve  # noqa: E402
from redis_tui.ui.run import make_app  # noqa: E402

SCREENS = (("M", "memory"), ("C", "config"), ("U", "pubsub"))


async def measure(url: str, runs: int) -> dict[str, list[float]]:
    """Per screen: the key press to the first reading shown, in seconds, for each run."""
    app = make_app(resolve({"url": url, "interval": 1.0}, {}))
    figures: dict[str, list[float]] = {}
    for _, name in SCREENS:
        figures[name] = []
        figures[name + " (shown→data)"] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.snapshot is None:
            await pilot.pause(0.05)
        for _ in range(runs):
            for key, name in SCREENS:
                pressed = time.monotonic()
                await pilot.press(key)
                while not (getattr(app.screen, "NAME", "") == name and app.screen.first_data_s is not None):
                    await pilot.pause(0.005)
                figures[name].append(time.monotonic() - pressed)
                figures[name + " (shown→data)"].append(app.screen.first_data_s)
                await pilot.press("escape")
                await pilot.pause(0.1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kind", default="redis")
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=200)
    args = parser.parse_args()
    server = EmbeddedServer(args.kind, {"enable-debug-command": "local"}).start()
    try:
        r = redis.Redis(port=server.port)
        r.execute_command("DEBUG", "POPULATE", args.keys, "key", 100)
        listener = r.pubsub()
        listener.subscribe(*[f"channel:{i}" for i in range(args.channels)])
        listener.psubscribe("news.*", "alerts.*")
        with contextlib.suppress(redis.ResponseError):  # shard channels: 7+
            listener.execute_command("SSUBSCRIBE", "orders{1}")
        version = r.info("server").get("redis_version") or "?"
        figures = asyncio.run(measure(server.url, args.runs))
        print(f"{args.kind} {version}: {args.keys:,} keys, {args.channels} channels; {args.runs} openings each")
        print(f"{'screen':<20} {'first':>9} {'median later':>13} {'max later':>10}   target <= 300 ms")
        for name, seconds in figures.items():
            later = seconds[1:] or seconds
            print(f"{name:<20} {seconds[0] * 1000:>7.0f}ms {statistics.median(later) * 1000:>11.0f}ms "
                  f"{max(later) * 1000:>8.0f}ms")
        listener.close()
    finally:
        server.close()


if __name__ == "__main__":
    main()
