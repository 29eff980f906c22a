"""doctor and diagnosis benchmarks, side by side with redis-cli in the same run.

    python bench/bench_doctor.py [--kind redis|valkey] [--seconds 30]

1. `redis-tui doctor` wall time (process start to exit; two samples 1 s apart by design)
   against `redis-cli PING` and `redis-cli INFO all`, on a healthy server and on a frozen
   one (SIGSTOP: doctor must end within its --timeout; redis-cli hangs, so `timeout 3` ends it).
2. The poller's steady-state cost at the defaults, now with SLOWLOG polling: commands per
   second from the server's total_commands_processed over --seconds (target <= 2).
3. `diagnose()` cost per snapshot (the app calls it on every poll).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import redis  # noqa: E402

from redis_tui.core.diagnosis.diagnose import diagnose  # noqa: E402
from redis_tui.core.poller import Poller  # noqa: E402
from redis_tui.core.target import Target  # noqa: E402
from redis_tui.demo.server import EmbeddedServer  # noqa: E402


def timed(argv: list[str], runs: int = 3) -> float:
    """Best wall time of `runs` runs of argv, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        best = min(best, time.perf_counter() - started)
    return best


def doctor_times(server: EmbeddedServer) -> None:
    doctor = [sys.executable, "-m", "redis_tui", "doctor", "-p", str(server.port), "-h", "127.0.0.1"]
    cli = ["redis-cli", "-p", str(server.port)]
    ping, info = timed(cli + ["PING"]), timed(cli + ["INFO", "all"])
    healthy = timed(doctor, runs=2)
    print(f"redis-cli PING           {ping * 1000:8.1f} ms")
    print(f"redis-cli INFO all       {info * 1000:8.1f} ms")
    work = healthy - 1.0  # the deliberate gap between the two samples
    print(f"redis-tui doctor         {healthy * 1000:8.1f} ms  (1000 ms of it is the gap between the two samples; "
          f"the rest, {work * 1000:.0f} ms, is {work / info:.0f}x redis-cli INFO all)")
    server.freeze()
    try:
        frozen = timed(doctor + ["--timeout", "3"], runs=1)
        cli_frozen = timed(["timeout", "3"] + cli + ["PING"], runs=1)
    finally:
        server.thaw()
    print(f"doctor --timeout 3, frozen server  {frozen * 1000:8.1f} ms "
          f"(redis-cli PING hangs: killed by timeout 3 after {cli_frozen * 1000:.0f} ms)")


def poller_cost(server: EmbeddedServer, seconds: float) -> None:
    admin = redis.Redis(port=server.port)

    async def run() -> None:
        poller = Poller(Target(host="127.0.0.1", port=server.port))
        task = asyncio.create_task(poller.run(lambda update: None))
        await asyncio.sleep(1.5)  # past the first poll's burst (CLIENT LIST, CONFIG GET, SLOWLOG GET)
        before = admin.info("stats")["total_commands_processed"]
        await asyncio.sleep(seconds)
        after = admin.info("stats")["total_commands_processed"]
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        rate = (after - before - 1) / seconds  # -1: our own INFO stats
        print(f"poller steady state      {rate:8.2f} commands/s over {seconds:g} s (target <= 2; "
              f"redis-cli --stat sends 1.00)")

    asyncio.run(run())


def diagnose_cost(server: EmbeddedServer) -> None:
    async def one():
        poller = Poller(Target(host="127.0.0.1", port=server.port))
        try:
            first = await poller.poll()
            await asyncio.sleep(0.3)
            return first, await poller.poll()
        finally:
            await poller.close()

    before, now = asyncio.run(one())
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        diagnose(now, before)
    each = (time.perf_counter() - started) / rounds
    print(f"diagnose() per snapshot  {each * 1e6:8.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("redis", "valkey"))
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with EmbeddedServer(args.kind) as server:
        print(f"{server.kind}-server on port {server.port}")
        doctor_times(server)
        diagnose_cost(server)
        poller_cost(server, args.seconds)


if __name__ == "__main__":
    main()
