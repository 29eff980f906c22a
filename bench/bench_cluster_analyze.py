"""Benchmark: `analyze` over a 3-primary cluster (a target of the Cluster issue) vs today's analyze node by node.

Starts a local cluster (3 primaries, no replicas), writes `--keys` keys (default 1M: 90 %
strings, 5 % hashes, 5 % lists), each through a pipeline to the primary that serves its slot
(hash tags chosen per slot, so every slot gets keys), then in the same run:

1. the cluster analyze (every primary concurrently, `analyze_cluster`), checking that its
   per-type totals are exactly what was written and that keys = the sum of DBSIZE;
2. today's single-node analyze (`Analyzer`) run on each primary one after another;

and prints both times and the ratio (bounded by the cores: the servers and the app share them).

Usage: python bench/bench_cluster_analyze.py [--keys 1000000] [--kind redis|valkey]
Run from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.crc import key_slot  # noqa: E402

from redis_tui.commands.analyze_cluster import analyze_cluster  # noqa: E402
from redis_tui.core.connection import make_client  # noqa: E402
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.demo.cluster import LocalCluster, slot_ranges  # noqa: E402

SLOTS = 16384


def tags_by_slot() -> list[bytes]:
    tags: list[bytes | None] = [None] * SLOTS
    missing, i = SLOTS, 0
    while missing:
        tag = b"%x" % i
        slot = key_slot(tag)
        if tags[slot] is None:
            tags[slot] = tag
            missing -= 1
        i += 1
    return [t for t in tags if t is not None]


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def load(port: int, first: int, last: int, count: int, tags: list[bytes], written: dict[str, int]) -> None:
    """`count` keys in slots first..last of the node at `port`, sent raw in batches."""
    sock = socket.create_connection(("127.0.0.1", port))
    span = last - first + 1
    batch: list[bytes] = []
    sent = 0

    def drain(n: int) -> None:
        got = b""
        while got.count(b"\r\n") < n:
            got += sock.recv(1 << 20)

    for n in range(count):
        key = b"k:%d:{%s}" % (n % 97, tags[first + n % span])
        pick = n % 20
        if pick == 0:
            batch.append(resp(b"HSET", key, b"f", b"%d" % n, b"g", b"x"))
            written["hash"] += 1
        elif pick == 1:
            batch.append(resp(b"RPUSH", key, b"a", b"b", b"c"))
            written["list"] += 1
        else:
            batch.append(resp(b"SET", key, b"v" * (n % 64)))
            written["string"] += 1
        if len(batch) == 5000:
            sock.sendall(b"".join(batch))
            drain(len(batch))
            sent += len(batch)
            batch = []
    if batch:
        sock.sendall(b"".join(batch))
        drain(len(batch))
    sock.close()


async def serial(cluster: LocalCluster) -> tuple[float, int]:
    started, keys = time.monotonic(), 0
    for node in cluster.primaries:
        client = make_client(Target(host="127.0.0.1", port=node.port))
        try:
            keys += (await Analyzer(client, AnalyzeOptions()).run()).keys_scanned
        finally:
            await client.aclose()
    return time.monotonic() - started, keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=("redis", "valkey"), default=None)
    args = parser.parse_args()
    with LocalCluster(args.kind, primaries=3, replicas=0).start() as cluster:
        started = time.monotonic()
        tags = tags_by_slot()
        written = {"string": 0, "hash": 0, "list": 0}
        for node, (first, last), share in zip(cluster.primaries, slot_ranges(3), (0, 1, 2), strict=True):
            count = args.keys // 3 + (1 if share < args.keys % 3 else 0)
            load(node.port, first, last, count, tags, written)
        dbsizes = [cluster.client(n).dbsize() for n in cluster.primaries]
        print(f"{cluster.kind}: {sum(dbsizes):,} keys over 3 primaries {dbsizes}, loaded in "
              f"{time.monotonic() - started:.1f} s")
        seed = Target(host="127.0.0.1", port=cluster.nodes[0].port)
        t0 = time.monotonic()
        result = asyncio.run(analyze_cluster(seed, AnalyzeOptions(), {}))
        together = time.monotonic() - t0
        totals = {t.type: t.keys for t in result.report.by_type if t.keys}
        exact = totals == {k: v for k, v in written.items() if v} and result.report.keys_scanned == sum(dbsizes)
        alone, alone_keys = asyncio.run(serial(cluster))
        print(f"cluster analyze (3 primaries concurrently): {together:6.2f} s  {result.report.keys_scanned:,} keys, "
              f"per-type totals exact: {exact} {totals}")
        print(f"single-node analyze, one node after another: {alone:6.2f} s  {alone_keys:,} keys")
        print(f"ratio (one after another / concurrently): {alone / together:.2f}x")


if __name__ == "__main__":
    main()
