"""``redis-tui monitor`` on a cluster: one MONITOR per primary (``--replicas``: every node), one merged stream.

Each line is redis-cli's with the node in front (DESIGN §7)::

    127.0.0.1:7000 1700000000.123456 [0 127.0.0.1:51234] "SET" "k" "v"

and ``--json`` objects start with ``"node"``. The composition: the topology (core/topology)
names the nodes, core/monitor's `MergedMonitor` streams them. A node that goes away ends
its stream with a line on stderr; the others go on. Exit codes as on one server; 2 also
when no node's stream could start.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from redis_tui.commands.cluster import node_target, read_topology
from redis_tui.commands.monitor_report import USAGE_EXIT, exit_status, report_head
from redis_tui.core.errors import classify
from redis_tui.core.format import human_bytes, thousands
from redis_tui.core.monitor.events import StopReason
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import json_lines
from redis_tui.core.monitor.merged import MergedMonitor
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import USER, MonitorEvent
from redis_tui.core.target import Target

TOPOLOGY_TIMEOUT = 5.0


class Writer(Protocol):
    """The stdout writer of commands/monitor.py (`StdoutWriter`)."""

    broken: bool
    dropped_lines: int
    on_broken: Callable[[], None] | None

    def put(self, data: bytes) -> None:
        """Queue bytes for stdout."""


class PlainRuns:
    """redis-cli's line with ``<addr> `` in front."""

    def __init__(self, writer: Writer, addrs: list[str]) -> None:
        self.writer = writer
        self.prefixes = [addr.encode() + b" " for addr in addrs]

    def runs(self, runs: list[tuple[int, list[bytes]]]) -> None:
        """See `RunSink.runs`."""
        out = []
        for index, lines in runs:
            prefix = self.prefixes[index]
            out.append(prefix + b"\n".join(lines)[1:].replace(b"\n+", b"\n" + prefix) + b"\n")
        self.writer.put(b"".join(out))


class JsonRuns(PlainRuns):
    """`--json` objects with ``"node"`` first."""

    def __init__(self, writer: Writer, addrs: list[str]) -> None:
        super().__init__(writer, addrs)
        self.heads = [b'{"node": ' + json.dumps(addr).encode() + b', "ts": ' for addr in addrs]

    def runs(self, runs: list[tuple[int, list[bytes]]]) -> None:
        """See `RunSink.runs`."""
        self.writer.put(b"".join(json_lines(lines).replace(b'{"ts": ', self.heads[i]) for i, lines in runs))


async def stream_cluster(seed: Target, remap: Mapping[str, str], options: MonitorOptions, spec: Filter,
                         writer: Writer, json_output: bool, replicas: bool) -> int:
    """Stream the merged MONITOR of the cluster behind `seed`; the exit code."""
    try:
        topology = await read_topology(seed, remap, TOPOLOGY_TIMEOUT, "redis-tui-monitor")
    except Exception as exc:  # noqa: BLE001 - one classified line
        problem = classify(exc, seed, connected=False)
        print(f"redis-tui monitor: cannot read the cluster topology: {problem.summary}", file=sys.stderr)
        return USAGE_EXIT
    chosen = [n for n in topology.nodes if (n.role == "primary" and (n.slots or not n.failing))
              or (replicas and n.role == "replica")]
    nodes = [(n.addr, t) for n in chosen if (t := node_target(seed, n)) is not None]
    if not nodes:
        print("redis-tui monitor: the cluster has no node to monitor", file=sys.stderr)
        return USAGE_EXIT
    first = True

    def on_event(addr: str, event: MonitorEvent) -> None:
        nonlocal first
        if event.kind == "started":
            if first and not json_output:
                writer.put(b"OK\n")
            first = False
        if event.kind in ("lost", "retrying", "resumed", "warning"):
            print(f"redis-tui monitor: {addr}: {event.message}", file=sys.stderr, flush=True)
        elif event.kind == "ended":
            left = len(nodes) - len(merged.ended)
            rest = f"; the other {left} node{'s' if left != 1 else ''} go on" if left else ""
            print(f"redis-tui monitor: {addr}: its stream ended: {event.message}{rest}", file=sys.stderr, flush=True)

    addrs = [addr for addr, _ in nodes]
    sink = JsonRuns(writer, addrs) if json_output else PlainRuns(writer, addrs)
    merged = MergedMonitor(nodes, options, spec, sink=sink, on_event=on_event)
    kinds = "nodes" if replicas else "primaries"
    print(f"redis-tui monitor: cluster of {len(topology.nodes)} nodes: MONITOR on {len(nodes)} {kinds} "
          f"({', '.join(addrs)})", file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()

    def on_broken() -> None:
        loop.call_soon_threadsafe(merged.stop, StopReason.STDOUT_CLOSED)

    writer.on_broken = on_broken
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, merged.stop, USER)
    try:
        end = await merged.run()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return exit_status(end, lambda: summary(merged, end, writer))


def summary(merged: MergedMonitor, end: MonitorEvent, writer: Writer) -> str:
    """The closing report over the merged stream, with each node's share."""
    lines = report_head(merged.stats(), merged.filter, merged.started_at, end, f" over {len(merged.addrs)} nodes")
    seconds = max(end.at - (merged.started_at or end.at), 1e-9)
    per_node = ", ".join(f"{addr} {thousands(count)} ({thousands(round(count / seconds))}/s)"
                         + (" ended" if addr in merged.ended else "")
                         for addr, count in zip(merged.addrs, merged.written, strict=True))
    lines.append(f"  per node: {per_node}")
    if merged.peak_omem:
        lines.append(f"  peak MONITOR output buffer on a node: {human_bytes(merged.peak_omem)}")
    if writer.dropped_lines:
        lines.append(f"  {thousands(writer.dropped_lines)} lines not written: stdout was too slow")
    return "\n".join(lines)
