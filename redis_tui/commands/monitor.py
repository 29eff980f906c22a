"""Stream MONITOR headless: redis-cli's line format or JSON lines, with filters and a summary.

Plain output is exactly what ``redis-cli monitor`` prints (``OK``, then one line per
command), so existing scripts keep working; ``--json`` prints one object per line. Stops
after --duration (default: [monitor] max_duration_s, 600 s; 0 for none), on Ctrl-C, when
the MONITOR output buffer on the server passes [monitor] max_buffer_mb, or when stdout is
closed; then prints a summary of the top commands and key prefixes on stderr.
Unlike redis-cli, -n/--db filters the stream to one database. Exit codes: 0 done, 1
stopped by the output-buffer guard, 2 bad arguments or the server refused or cannot be
reached.
"""

from __future__ import annotations

import argparse
import asyncio
import queue
import signal
import sys
import threading
from collections.abc import Callable
from typing import BinaryIO

from redis_tui.commands.cluster import NOT_A_CLUSTER, add_cluster_arguments, probe_cluster, remap_of
from redis_tui.commands.monitor_report import USAGE_EXIT, exit_status, report_head
from redis_tui.commands.output import silence_stdout
from redis_tui.core.format import human_bytes, thousands
from redis_tui.core.monitor.events import StopReason
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import json_lines, plain_block, plain_lines
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import USER, MonitorEvent, MonitorSession
from redis_tui.core.target import TargetError, parse_db
from redis_tui.settings import Settings

PROBE_TIMEOUT = 3.0
MAX_PENDING = 64 * 1024 * 1024  # bytes waiting for a slow stdout before lines are dropped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The monitor command's own options."""
    parser.epilog = (
        "-n/--db N filters the stream to database N (unlike redis-cli). Stops after --duration, on Ctrl-C, "
        "when the MONITOR output buffer on the server passes [monitor] max_buffer_mb (default 8), or when "
        "stdout closes; then prints a summary on stderr. Exit codes: 0 done, 1 stopped by the output-buffer "
        "guard, 2 bad arguments, or the server refused or cannot be reached."
    )
    group = parser.add_argument_group("monitor (filters apply to the output and the summary)")
    group.add_argument("--command", action="append", metavar="CMD",
                       help="only this command (repeatable, or comma-separated; 'CONFIG GET' for a subcommand)")
    group.add_argument("--match", metavar="GLOB", help="only commands whose first key matches this Redis glob")
    group.add_argument("--client", action="append", metavar="ADDR",
                       help="only this client: ip:port, ip, unix, lua, or a glob (repeatable)")
    group.add_argument("--json", action="store_true", help='one JSON object per line: {"ts", "db", "client", '
                       '"command", "args"}; arguments that are not valid UTF-8 get \\xNN for each bad byte')
    group.add_argument("--duration", type=MonitorOptions.arg_type("max_duration_s"), metavar="S",
                       help="stop after S seconds (default [monitor] max_duration_s = 600; 0 for no limit)")
    add_cluster_arguments(group, "MONITOR every primary, merged by time, each line starting with its node")
    group.add_argument("--replicas", action="store_true", help="on a cluster, MONITOR the replicas too")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Stream until stopped; returns the exit code."""
    try:
        options = MonitorOptions.from_section(settings.section("monitor"), max_duration_s=args.duration)
        commands = [c for value in args.command or () for c in value.split(",")]
        db = parse_db(args.db) if args.db is not None else None
        spec = Filter.build(commands, key=args.match, clients=args.client or (), db=db)
    except (TargetError, ValueError) as exc:
        print(f"redis-tui monitor: {exc}", file=sys.stderr)
        return USAGE_EXIT
    is_cluster = None if args.node_only else asyncio.run(probe_cluster(settings.target, PROBE_TIMEOUT))
    if args.cluster and is_cluster is False:
        print(f"redis-tui monitor: {NOT_A_CLUSTER}", file=sys.stderr)
        return USAGE_EXIT
    writer = StdoutWriter(sys.stdout.buffer)
    try:
        if is_cluster:
            from redis_tui.commands.monitor_cluster import stream_cluster

            remap = remap_of(settings.section("cluster"))
            return asyncio.run(stream_cluster(settings.target, remap, options, spec, writer, args.json, args.replicas))
        return asyncio.run(_stream(settings, options, spec, writer, json_lines=args.json))
    finally:
        writer.close()
        if writer.broken:
            silence_stdout()


async def _stream(settings: Settings, options: MonitorOptions, spec: Filter, writer: StdoutWriter,
                  json_lines: bool) -> int:
    loop = asyncio.get_running_loop()
    sink = JsonSink(writer) if json_lines else PlainSink(writer)
    first = True

    def on_event(event: MonitorEvent) -> None:
        nonlocal first
        if event.kind == "started" and not json_lines and first:
            writer.put(b"OK\n")
        first = False
        if event.kind in ("lost", "retrying", "resumed", "warning"):
            print(f"redis-tui monitor: {event.message}", file=sys.stderr, flush=True)

    session = MonitorSession(settings.target, options, spec, sink=sink, on_event=on_event)

    def on_broken() -> None:
        loop.call_soon_threadsafe(session.stop, StopReason.STDOUT_CLOSED)

    writer.on_broken = on_broken
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, session.stop, USER)
    try:
        end = await session.run()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    writer.close()
    return exit_status(end, lambda: summary(session, end, writer))


def summary(session: MonitorSession, end: MonitorEvent, writer: StdoutWriter) -> str:
    """The closing report: counts, rate, top commands and prefixes, the guard's figures."""
    lines = report_head(session.stats(), session.filter, session.started_at, end)
    if session.peak_omem or session.last_omem is not None:
        lines.append(f"  peak MONITOR output buffer on the server: {human_bytes(session.peak_omem)}")
    if writer.dropped_lines:
        lines.append(f"  {thousands(writer.dropped_lines)} lines not written: stdout was too slow")
    return "\n".join(lines)


class PlainSink:
    """redis-cli's format: the server's line without ``+``, one per line."""

    def __init__(self, writer: StdoutWriter) -> None:
        self.writer = writer

    def block(self, block: bytes, count: int) -> None:
        """All lines of a block."""
        self.writer.put(plain_block(block))

    def lines(self, lines: list[bytes]) -> None:
        """Some lines."""
        if lines:
            self.writer.put(plain_lines(lines))


class JsonSink(PlainSink):
    """One JSON object per line (see `core.monitor.lines.json_record`)."""

    def block(self, block: bytes, count: int) -> None:
        """All lines of a block."""
        self.lines(block.split(b"\r\n")[:-1])

    def lines(self, lines: list[bytes]) -> None:
        """Some lines."""
        self.writer.put(json_lines(lines))


class StdoutWriter:
    """Writes to a binary stream from a thread, so a slow reader never stalls the socket loop.

    Past `max_pending` bytes waiting, further output is dropped and counted. When the
    stream closes (``| head``), `broken` turns True and `on_broken` is called (from the
    writer thread).
    """

    def __init__(self, stream: BinaryIO, max_pending: int = MAX_PENDING) -> None:
        self.stream = stream
        self.max_pending = max_pending
        self.pending = 0
        self.dropped_lines = 0
        self.broken = False
        self.on_broken: Callable[[], None] | None = None
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="monitor-stdout", daemon=True)
        self._thread.start()

    def put(self, data: bytes) -> None:
        """Queue `data` for writing (or drop it if the reader is too slow or gone)."""
        if self.broken or not data:
            return
        if self.pending > self.max_pending:
            self.dropped_lines += data.count(b"\n")
            return
        with self._lock:
            self.pending += len(data)
        self._queue.put(data)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            chunks = []
            while item is not None:
                chunks.append(item)
                if len(chunks) >= 256:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if chunks:
                self._write(b"".join(chunks))
            if item is None:
                return

    def _write(self, data: bytes) -> None:
        try:
            if not self.broken:
                self.stream.write(data)
                self.stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            self.broken = True
            if self.on_broken is not None:
                self.on_broken()
        finally:
            with self._lock:
                self.pending -= len(data)
