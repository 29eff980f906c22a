"""``redis-tui --demo``: a throwaway server + the demo workload + the dashboard, cleaned up on exit."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import NoReturn

from redis_tui.demo.cluster import LocalCluster
from redis_tui.demo.server import EmbeddedServer, ServerError
from redis_tui.settings import Settings, resolve

DEMO_CONFIG = {"maxmemory": "24mb", "maxmemory-policy": "allkeys-lru"}


def start_workload(server: EmbeddedServer, others: Sequence[EmbeddedServer] = (),
                   cluster: bool = False) -> subprocess.Popen[bytes]:
    """The workload process (it also cleans up after us if we are killed: `server` and `others`)."""
    extra = ["--cluster"] if cluster else []
    for node in others:
        extra += ["--node", str(node.port), "--node-dir", str(node.dir)]
    return subprocess.Popen(
        [sys.executable, "-m", "redis_tui.demo.workload", "--port", str(server.port), "--dir", str(server.dir),
         *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def run_demo(args: argparse.Namespace, watch: Callable[[Settings, tuple[str, ...]], int] | None = None) -> int:
    """Start everything, run the dashboard, stop everything; its exit code, or 1 if no server could start.

    `watch(settings, notices)` is what runs while the demo is up (default: the dashboard).
    """
    cluster = getattr(args, "cluster", False)
    try:
        if cluster:
            demo: LocalCluster | EmbeddedServer = LocalCluster(primaries=3, replicas=1, config=DEMO_CONFIG).start()
        else:
            demo = EmbeddedServer(config=DEMO_CONFIG).start()
    except ServerError as exc:
        print(f"redis-tui --demo: {exc}", file=sys.stderr)
        return 1
    server = demo.nodes[0] if isinstance(demo, LocalCluster) else demo
    others = demo.nodes[1:] if isinstance(demo, LocalCluster) else []
    workload = None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        for sig in previous:  # an SSH hang-up or kill must still run the cleanup below
            signal.signal(sig, _exit_on_signal)
        workload = start_workload(server, others, cluster)
        settings = resolve({"url": server.url, "interval": args.interval, "write": args.write}, {})
        if watch is None:
            from redis_tui.ui.run import run_dashboard

            def watch(settings: Settings, notices: tuple[str, ...]) -> int:
                return run_dashboard(settings, notices, insist=cluster, replicas=getattr(args, "replicas", False))

        where = (f"a cluster of {1 + len(others)} {server.kind}-servers (3 primaries + 3 replicas) from port "
                 f"{server.port}" if cluster else f"{server.kind}-server on port {server.port}")
        notice = f"Demo: {where} with a cache/queue/rate-limit workload"
        return watch(settings, (notice,))
    finally:
        if workload is not None:
            workload.terminate()
            try:
                workload.wait(3)
            except subprocess.TimeoutExpired:
                workload.kill()
        demo.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _exit_on_signal(signum: int, _frame: FrameType | None) -> NoReturn:
    raise SystemExit(128 + signum)
