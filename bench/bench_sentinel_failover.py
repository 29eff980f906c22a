"""Benchmark: how soon after ``+switch-master`` the dashboard shows the new master and the failover.

Target of the Sentinel issue: "the app shows the new master and the failover event within 2 s of
+switch-master (measured from the Sentinel event to the screen)". Starts a local Sentinel group (a
master, 2 replicas, 3 Sentinels; down-after 1 s) and runs the dashboard's source as the app does
(`ClusterSource` over a `SentinelPoller` at `--interval`, with the `ClusterDiagnoser`), then
`--trials` times sends ``SENTINEL FAILOVER mymaster`` and measures:

1. beside it, as ``redis-cli -p SENTINEL_PORT psubscribe +switch-master`` on every Sentinel would: when
   the first Sentinel publishes ``+switch-master`` (subscriptions of its own, in other threads);
2. when the source first hands the app a round whose status line names the new master, with the
   failover in its list (the toast) and ``failover-happened`` among its findings — the app renders
   that round as soon as it gets it;

and prints each trial, then min / median / max of (2) - (1) in ms, and the failover durations the
app reported. The source also runs the default event subscriptions, so (2) usually follows (1) by
the time one round takes, not by a poll interval.

Usage: python bench/bench_sentinel_failover.py [--trials 6] [--interval 1] [--kind redis|valkey]
Run from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis_tui.core.diagnosis.cluster import ClusterDiagnoser  # noqa: E402
from redis_tui.core.sentinel import SentinelPoller  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.core.topology import aggregate  # noqa: E402
from redis_tui.core.topology.source import ClusterRound, ClusterSource  # noqa: E402
from redis_tui.demo.sentinel import SentinelGroup  # noqa: E402

TIMEOUT = 20.0


class SwitchWatch:
    """Our own ``PSUBSCRIBE +switch-master`` on every Sentinel: the monotonic time of each announcement."""

    def __init__(self, ports: list[int]) -> None:
        self.seen: list[tuple[float, str]] = []
        for port in ports:
            pubsub = redis.Redis(port=port, decode_responses=True).pubsub()
            pubsub.psubscribe("+switch-master")
            threading.Thread(target=self._run, args=(pubsub,), daemon=True).start()

    def _run(self, pubsub) -> None:
        while True:
            try:
                message = pubsub.get_message(timeout=0.05)
            except Exception:  # noqa: BLE001 - closed at the end
                return
            if message and message["type"] == "pmessage":
                words = str(message["data"]).split()
                self.seen.append((time.monotonic(), f"{words[3]}:{words[4]}"))

    def first_after(self, since: float, new: str) -> float | None:
        return min((at for at, addr in list(self.seen) if at >= since and addr == new), default=None)


async def trial(group: SentinelGroup, source_rounds: list[tuple[float, ClusterRound]], watch: SwitchWatch) -> dict:
    old = group.addr(group.current_master())
    sent = time.monotonic()
    await asyncio.to_thread(group.failover)
    new = await asyncio.to_thread(group.wait_master, lambda addr: addr != old, TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    shown = None
    while shown is None and time.monotonic() < deadline:
        for at, item in source_rounds:
            state = item.round.sentinel
            if at < sent or state is None or state.master != new:
                continue
            if any(f.new == new for f in state.failovers) and any(f.id == "failover-happened" for f in item.findings):
                shown = (at, next(f for f in state.failovers if f.new == new))
                break
        await asyncio.sleep(0.02)
    switched = watch.first_after(sent, new)
    if shown is None or switched is None:
        return {"old": old, "new": new, "lag_ms": None, "took": None}
    return {"old": old, "new": new, "lag_ms": (shown[0] - switched) * 1000, "took": shown[1].took_s,
            "switch_after_ms": (switched - sent) * 1000}


async def main(args: argparse.Namespace) -> None:
    group = SentinelGroup(args.kind).start(linked=True)
    try:
        seed = Target(sentinel=(("127.0.0.1", group.sentinels[0].port),), master=group.name)
        source = ClusterSource(SentinelPoller(seed, interval=args.interval, totals=aggregate),
                               ClusterDiagnoser(seed))
        rounds: list[tuple[float, ClusterRound]] = []
        task = asyncio.create_task(source.run(lambda item: rounds.append((time.monotonic(), item))))
        watch = SwitchWatch([s.port for s in group.sentinels])
        await asyncio.sleep(2 * args.interval)
        print(f"{group.kind}-server group: master + 2 replicas + 3 Sentinels, source every {args.interval:g} s")
        results = []
        for number in range(1, args.trials + 1):
            result = await trial(group, rounds, watch)
            results.append(result)
            lag = "not shown" if result["lag_ms"] is None else f"{result['lag_ms']:.0f} ms after +switch-master"
            took = f", failover took {result['took']:.1f} s" if result["took"] is not None else ""
            print(f"trial {number}: {result['old']} → {result['new']}: on screen {lag}{took}")
            await asyncio.to_thread(group.wait_healthy, TIMEOUT, False)
            await asyncio.sleep(1.0)
        task.cancel()
        lags = [r["lag_ms"] for r in results if r["lag_ms"] is not None]
        if lags:
            print(f"on screen after +switch-master: min {min(lags):.0f} ms, median {statistics.median(lags):.0f} ms, "
                  f"max {max(lags):.0f} ms over {len(lags)} of {len(results)} failovers (target: within 2000 ms)")
        tooks = [r["took"] for r in results if r["took"] is not None]
        if tooks:
            print(f"failover duration reported: median {statistics.median(tooks):.2f} s")
    finally:
        group.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    asyncio.run(main(parser.parse_args()))
