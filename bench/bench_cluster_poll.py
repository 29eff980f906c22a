"""Benchmark: polling a 30-node cluster (targets of the Cluster issue), with redis-cli beside it.

Starts a local cluster (default 15 primaries + 15 replicas), then in the same run:

1. poll rounds of `ClusterPoller` at the default 1 s interval for `--seconds` (default 30, after 5 s of warm-up):
   round time min / median / max (target: ≤ 250 ms), and the app's CPU time as % of one core
   over the run (target: ≤ 10 %);
2. commands per second each node received from redis-tui, from the servers' own
   ``INFO commandstats`` before and after (minus replication traffic and the measurement's own calls)
   (target: ≤ 2 per node);
3. redis-cli for comparison: the time of ``redis-cli -p P info`` over all nodes one after
   another (one process per node, as a shell loop would do).

Usage: python bench/bench_cluster_poll.py [--primaries 15] [--replicas 1] [--seconds 30] [--kind redis|valkey]
Run from the repository root. Needs redis-cli on PATH for part 3.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from redis_tui.core.target import Target  # noqa: E402
from redis_tui.core.topology import ClusterPoller  # noqa: E402
from redis_tui.demo.cluster import LocalCluster  # noqa: E402

# replication traffic between the nodes (REPLCONF ACK from replicas, PING from primaries), not redis-tui's
REPLICATION = ("cmdstat_replconf", "cmdstat_ping")


def command_calls(cluster: LocalCluster) -> dict[int, int]:
    """Calls of every command per node (port), from INFO commandstats, without replication traffic."""
    out = {}
    for node in cluster.nodes:
        stats = cluster.client(node).info("commandstats")
        out[node.port] = sum(v["calls"] for k, v in stats.items() if k not in REPLICATION)
    return out


async def poll_for(cluster: LocalCluster, seconds: float, warmup: float = 5.0):
    """Poll at the default interval: after `warmup` s (connections opened, first full fetch done),
    measure for `seconds`: round times, CPU, and the commands each node received."""
    poller = ClusterPoller(Target(host="127.0.0.1", port=cluster.nodes[0].port), interval=1.0)
    rounds: list[float] = []
    nodes_seen = 0

    def emit(update) -> None:
        nonlocal nodes_seen
        rounds.append(update.round_s)
        nodes_seen = max(nodes_seen, len(update.updates))

    task = asyncio.create_task(poller.run(emit))
    await asyncio.sleep(warmup)
    rounds.clear()
    before = command_calls(cluster)
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    after = command_calls(cluster)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    print(f"nodes polled per round: {nodes_seen}")
    # the measurement's own connection (HELLO) and INFO commandstats, one each per node, are in `after`
    per_node = {p: (after[p] - before[p] - 2) / wall for p in before}
    return rounds, cpu, wall, per_node


def redis_cli_sweep(cluster: LocalCluster) -> float | None:
    cli = shutil.which("redis-cli")
    if cli is None:
        return None
    started = time.monotonic()
    for node in cluster.nodes:
        subprocess.run([cli, "-p", str(node.port), "info"], stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primaries", type=int, default=15)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    args = parser.parse_args()
    started = time.monotonic()
    with LocalCluster(args.kind, primaries=args.primaries, replicas=args.replicas).start(timeout=120) as cluster:
        print(f"{cluster.kind}: {len(cluster.nodes)} nodes up in {time.monotonic() - started:.1f} s")
        rounds, cpu, wall, by_port = asyncio.run(poll_for(cluster, args.seconds))
        per_node = list(by_port.values())
        ms = sorted(r * 1000 for r in rounds)
        print(f"poll rounds: {len(ms)} in {wall:.1f} s; round time ms min {ms[0]:.1f} / median "
              f"{statistics.median(ms):.1f} / max {ms[-1]:.1f} (target max <= 250)")
        print(f"app CPU: {100 * cpu / wall:.1f} % of one core (target <= 10 %)")
        print(f"commands/s per node from redis-tui: min {min(per_node):.2f} / median {statistics.median(per_node):.2f}"
              f" / max {max(per_node):.2f} (target <= 2)")
        sweep = redis_cli_sweep(cluster)
        if sweep is not None:
            print(f"redis-cli: `redis-cli -p P info` over the {len(cluster.nodes)} nodes one after another: "
                  f"{sweep * 1000:.0f} ms; redis-tui's median round: {statistics.median(ms):.1f} ms "
                  f"(ratio {sweep * 1000 / statistics.median(ms):.1f}x)")


if __name__ == "__main__":
    main()
