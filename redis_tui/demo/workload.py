"""A realistic workload for ``redis-tui --demo`` (run as ``python -m redis_tui.demo.workload``).

It plays the service from the operator's runbook: a web API whose responses are cached
with TTLs (a mix of hits and misses), per-client rate-limit counters that expire, user
sessions, and an email job queue drained by blocking workers. It runs in its own process
and doubles as a watchdog: when the dashboard process dies, it shuts the demo server down
and removes its directory, so nothing is left behind.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import time
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster

PRODUCTS = 4000
CLIENT_IPS = [f"203.0.113.{n}" for n in range(1, 60)] + [f"198.51.100.{n}" for n in range(1, 40)]
ENDPOINTS = ("products", "categories", "search", "reviews")
CLUSTER = False  # --cluster: every client is a cluster client (keys spread over the primaries)


def connect(port: int, **options: Any) -> Any:
    """A client of the demo server (a cluster client from the seed node with --cluster)."""
    if CLUSTER:
        return RedisCluster(host="127.0.0.1", port=port, **options)
    return aioredis.Redis(port=port, **options)


def popular(rng: random.Random, count: int) -> int:
    """A Zipf-like pick: a few items are hot, most are cold (gives a realistic hit ratio)."""
    return min(count - 1, int(rng.paretovariate(1.2)) - 1)


async def api_cache(port: int, name: str, seed: int, rate: float) -> None:
    """GET a cached API response; on a miss, 'compute' it and SET it with a TTL."""
    rng = random.Random(seed)
    r = connect(port, client_name=name)
    while True:
        endpoint = rng.choice(ENDPOINTS)
        item = popular(rng, PRODUCTS)
        key = f"cache:api:v1:{endpoint}:{item}"
        if await r.get(key) is None:
            body = {"id": item, "endpoint": endpoint, "name": f"Item {item}", "price": round(rng.uniform(1, 500), 2),
                    "tags": rng.sample(["new", "sale", "eco", "gift", "bulk", "b2b"], 3),
                    "description": "x" * rng.randint(200, 3000)}
            await r.set(key, json.dumps(body), ex=rng.randint(20, 180))
        await asyncio.sleep(rng.expovariate(rate))


async def rate_limiter(port: int, seed: int, rate: float) -> None:
    """Fixed-window rate limiting: INCR ratelimit:<ip>:<minute>, EXPIRE 60."""
    rng = random.Random(seed)
    r = connect(port, client_name="rate-limiter")
    while True:
        key = f"ratelimit:{rng.choice(CLIENT_IPS)}:{int(time.time() // 60)}"
        async with r.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, 60)
            await pipe.execute()
        await asyncio.sleep(rng.expovariate(rate))


async def sessions(port: int, seed: int, rate: float) -> None:
    """Log users in (HSET + EXPIRE) and read sessions back (HGETALL)."""
    rng = random.Random(seed)
    r = connect(port, client_name="web-sessions")
    while True:
        sid = f"session:{rng.randrange(1500):05d}"
        if rng.random() < 0.2:
            await r.hset(sid, mapping={"user_id": rng.randrange(10**6), "cart": rng.randrange(10),
                                       "ip": rng.choice(CLIENT_IPS)})
            await r.expire(sid, 600)
        else:
            await r.hgetall(sid)
        await asyncio.sleep(rng.expovariate(rate))


async def producer(port: int, seed: int, rate: float) -> None:
    """Enqueue email jobs; schedule a few for later in a sorted set."""
    rng = random.Random(seed)
    r = connect(port, client_name="job-producer")
    sequence = 0
    while True:
        sequence += 1
        job = json.dumps({"id": sequence, "to": f"user{rng.randrange(10**5)}@example.com", "template": "receipt"})
        if rng.random() < 0.1:
            await r.zadd("jobs:scheduled", {job: time.time() + rng.randint(60, 3600)})
        else:
            await r.lpush("jobs:email", job)
        await asyncio.sleep(rng.expovariate(rate))


async def worker(port: int, index: int, seed: int) -> None:
    """Drain the queue with BRPOP (shows up as a blocked client while idle)."""
    rng = random.Random(seed)
    r = connect(port, client_name=f"email-worker-{index}", socket_timeout=None)
    while True:
        job = await r.brpop(["jobs:email"], timeout=5)
        if job:
            await r.incr("stats:emails:sent")
            await asyncio.sleep(rng.uniform(0.05, 0.4))  # 'send' the email


async def watchdog(parent: int, ports: list[int], directories: list[str]) -> None:
    """When the dashboard process is gone, stop the servers and remove their directories."""
    while os.getppid() == parent:
        await asyncio.sleep(0.5)
    clean_up(ports, directories)


def clean_up(ports: list[int], directories: list[str]) -> None:
    """SHUTDOWN NOSAVE the demo servers (every node of a demo cluster), remove their directories, and
    exit this process at once.

    Synchronous on purpose: once the server goes, the other tasks fail, and nothing may
    cancel this half-way.
    """
    for port in ports:
        with contextlib.suppress(Exception):  # SHUTDOWN closes the connection under us; that is success
            redis.Redis(port=port, socket_timeout=2).shutdown(nosave=True)
    for directory in directories:
        shutil.rmtree(directory, ignore_errors=True)
    os._exit(0)


async def seed_data(port: int, seed: int) -> None:
    """Fill the server like a service that has been up a while: cached responses, sessions, a backlog."""
    rng = random.Random(seed)
    r = connect(port, client_name="seed")
    async with r.pipeline(transaction=False) as pipe:
        for item in range(0, PRODUCTS, 3):  # a warm but incomplete cache: misses still happen
            for endpoint in ENDPOINTS[:2]:
                body = json.dumps({"id": item, "endpoint": endpoint, "description": "x" * rng.randint(200, 3000)})
                pipe.set(f"cache:api:v1:{endpoint}:{item}", body, ex=rng.randint(60, 900))
        for sid in range(1500):
            pipe.hset(f"session:{sid:05d}", mapping={"user_id": rng.randrange(10**6), "cart": rng.randrange(10)})
            pipe.expire(f"session:{sid:05d}", rng.randint(300, 1800))
        for user in range(2000):
            pipe.zadd("leaderboard:daily", {f"user:{user}": rng.randrange(10**5)})
        for n in range(500):
            pipe.xadd("events:orders", {"order": n, "amount": rng.randint(5, 500)}, maxlen=10_000, approximate=True)
        await pipe.execute()
    await r.aclose()


async def run(port: int, directory: str | None, seed: int = 7, others: tuple[int, ...] = (),
              more_dirs: tuple[str, ...] = ()) -> None:
    """Seed the data, then start every part of the workload (about 300 commands/s in total)."""
    parent = os.getppid()
    await seed_data(port, seed)
    tasks = [
        api_cache(port, "api-cache-1", seed, 90),
        api_cache(port, "api-cache-2", seed + 1, 90),
        rate_limiter(port, seed + 2, 40),
        sessions(port, seed + 3, 25),
        producer(port, seed + 4, 8),
        worker(port, 1, seed + 5),
        worker(port, 2, seed + 6),
        worker(port, 3, seed + 7),
        watchdog(parent, [port, *others], [d for d in (directory, *more_dirs) if d]),
    ]
    await asyncio.gather(*tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description="redis-tui demo workload")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", help="server directory to remove if the dashboard dies")
    parser.add_argument("--cluster", action="store_true", help="--port is a cluster node: use cluster clients")
    parser.add_argument("--node", type=int, action="append", default=[], help="another server to stop (repeatable)")
    parser.add_argument("--node-dir", action="append", default=[], help="another directory to remove (repeatable)")
    args = parser.parse_args()
    global CLUSTER
    CLUSTER = args.cluster
    try:
        asyncio.run(run(args.port, args.dir, others=tuple(args.node), more_dirs=tuple(args.node_dir)))
    except KeyboardInterrupt:
        pass
    except Exception:  # noqa: BLE001 - the server went away: the demo is over
        pass


if __name__ == "__main__":
    main()
