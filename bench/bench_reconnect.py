"""Recovery after a restart: from the port reopening to fresh data on the dashboard and MONITOR.

    python bench/bench_reconnect.py [--runs 3] [--outage 9] [--kind redis|valkey]

The app runs headless (Textual's run_test) on a live poller with the MONITOR screen
started. Each run kills the server, waits `--outage` seconds (long enough for the retry
backoff to reach its 8 s step), starts the server again on the same port, and measures
from the moment the port accepts a TCP connection (a thread probing every 2 ms) to
(1) the first snapshot taken after it reaching the app, (2) MONITOR's "resumed".
Target: <= 2 s for both (before the port probe, up to the whole backoff step: 7.7 s seen).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from redis_tui.demo.server import EmbeddedServer  # noqa: E402
from redis_tui.settings import resolve  # noqa: E402
from redis_tui.ui.run import make_app  # noqa: E402


def first_open(port: int, stop: threading.Event, out: list[float]) -> None:
    """Record the monotonic time the port first accepts a connection."""
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.05):
                out.append(time.monotonic())
                return
        except OSError:
            time.sleep(0.002)


async def one_run(app, pilot, server: EmbeddedServer, outage: float) -> tuple[float, float]:
    monitor = app.get_screen("monitor")
    server.stop()
    await pilot.pause(outage)
    opened: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=first_open, args=(server.port, stop, opened), daemon=True)
    prober.start()
    await asyncio.to_thread(server.start)
    prober.join(5)
    stop.set()
    reopened = opened[0]
    data_at = monitor_at = None
    deadline = time.monotonic() + 30
    while (data_at is None or monitor_at is None) and time.monotonic() < deadline:
        snapshot = app.snapshot
        if data_at is None and app.outage is None and snapshot is not None and snapshot.taken_at > time.time() - 5 \
                and snapshot.server.uptime_s < outage:
            data_at = time.monotonic()
        event = monitor.session.last_event
        if monitor_at is None and event is not None and event.kind == "resumed" and event.at > time.time() - 5:
            monitor_at = time.monotonic()
        await pilot.pause(0.01)
    if data_at is None or monitor_at is None:
        raise SystemExit("no fresh data within 30 s of the restart")
    return data_at - reopened, monitor_at - reopened


async def bench(kind: str | None, runs: int, outage: float) -> None:
    with EmbeddedServer(kind) as server:
        app = make_app(resolve({"url": server.url}, {}))
        async with app.run_test(size=(120, 40)) as pilot:
            while app.snapshot is None:
                await pilot.pause(0.05)
            await pilot.press("m")
            await pilot.press("s")
            while app.monitor_since is None:
                await pilot.pause(0.05)
            await pilot.press("escape")
            print(f"{server.kind}-server, outage {outage:g} s per run, {runs} runs")
            dashboard, monitor = [], []
            for run in range(runs):
                data_s, monitor_s = await one_run(app, pilot, server, outage)
                dashboard.append(data_s)
                monitor.append(monitor_s)
                print(f"  run {run + 1}: dashboard {data_s:.2f} s, MONITOR {monitor_s:.2f} s")
    for name, values in (("dashboard", dashboard), ("MONITOR", monitor)):
        print(f"{name:>9}: port open -> fresh data  min {min(values):.2f} s  median "
              f"{statistics.median(values):.2f} s  max {max(values):.2f} s  (target <= 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--outage", type=float, default=9.0, help="seconds the server stays down per run")
    parser.add_argument("--kind", choices=("redis", "valkey"))
    args = parser.parse_args()
    asyncio.run(bench(args.kind, args.runs, args.outage))


if __name__ == "__main__":
    main()
