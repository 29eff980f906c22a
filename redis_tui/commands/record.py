"""Record a server (a cluster's every node, or a fleet) to one file, headless, for days: snapshots and events.

It polls exactly as the dashboard does (the same `Poller`; for a cluster the `ClusterPoller`, for several
targets the `FleetPoller`), diagnoses every update as the app does, turns what changed into events, and
writes one SQLite transaction per interval (`core.record.store`). A server that goes away is recorded as
an outage and a connection-lost event; SIGTERM and SIGINT close the file cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.events import Event, EventWatch
from redis_tui.core.findings import Finding
from redis_tui.core.models import Update
from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.options import number
from redis_tui.core.poller import Poller
from redis_tui.core.record.alerts import DEFAULT_REPEAT_S, DEFAULT_TIMEOUT_S, AlertRunner
from redis_tui.core.record.store import RecordingError, RecordingWriter
from redis_tui.core.record.times import TimeError, parse_duration
from redis_tui.core.target import scrub
from redis_tui.settings import Settings

USAGE_EXIT = 2
FLEET = "every one recorded into the one file (its node column names the server)"
SECONDS = number("seconds, above 0", above=0)
PRUNE_EVERY_S = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """record's own options."""
    parser.add_argument("--out", required=True, metavar="FILE", help="the recording to write (appended to if it "
                        "is one already)")
    parser.add_argument("--interval", type=SECONDS.arg_type(), metavar="S", help="seconds between polls "
                        "(default 1, as the dashboard)")
    parser.add_argument("--retention", metavar="D", help="keep only the last D (7d, 12h, 90m): older snapshots "
                        "and events are pruned once a minute and their space given back")
    parser.add_argument("--on-alert", metavar="CMD", help="run CMD (a shell command) when a finding opens, worsens "
                        "or clears: the event as JSON on stdin; REDIS_TUI_EVENT, REDIS_TUI_FINDING, "
                        "REDIS_TUI_SEVERITY, REDIS_TUI_NODE, REDIS_TUI_TARGET (masked) in its environment")
    parser.add_argument("--alert-repeat", type=SECONDS.arg_type(), default=DEFAULT_REPEAT_S, metavar="S",
                        help=f"do not run CMD again for the same finding, node and kind within S seconds "
                        f"(default {DEFAULT_REPEAT_S:g})")
    parser.add_argument("--alert-level", choices=("info", "warning", "critical"), default="warning",
                        help="the least severe finding that runs CMD (default warning: info findings, such as "
                        "no-password on a loopback-only server, are often intended)")
    parser.add_argument("--alert-timeout", type=SECONDS.arg_type(), default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"kill CMD after S seconds (default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--duration", type=SECONDS.arg_type(), metavar="S", help="stop after S seconds "
                        "(default: until SIGTERM or Ctrl-C)")
    parser.add_argument("--node-only", action="store_true", help="on a cluster, record only the node given")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Record until stopped (SIGTERM, SIGINT, --duration); 0 after a clean stop, 2 for bad arguments or file."""
    try:
        retention = parse_duration(args.retention) if args.retention else None
    except TimeError as exc:
        print(f"redis-tui record: --retention: {exc}", file=sys.stderr)
        return USAGE_EXIT
    if settings.target.sentinel and not settings.fleet:
        print("redis-tui record: a Sentinel group is not recorded yet: give its master's URL", file=sys.stderr)
        return USAGE_EXIT
    targets = [m.target for m in settings.fleet] if settings.fleet else [settings.target]
    secrets = tuple(s for t in targets for s in t.secrets)
    shown = [t.display() for t in targets]
    try:
        writer = RecordingWriter(args.out, shown, settings.interval, secrets=secrets,
                                 thresholds=settings.section("thresholds"))
    except RecordingError as exc:
        print(f"redis-tui record: {scrub(str(exc), secrets)}", file=sys.stderr)
        return USAGE_EXIT
    print(f"redis-tui record: recording {', '.join(shown)} every {settings.interval:g} s to "
          f"{Path(args.out).resolve()}" + (f", keeping {args.retention}" if retention else ""), flush=True)
    alerts = None
    if args.on_alert:
        alerts = AlertRunner(args.on_alert, ", ".join(shown), repeat_s=args.alert_repeat, timeout_s=args.alert_timeout,
                             level=args.alert_level)
    try:
        asyncio.run(Recorder(settings, writer, alerts, retention, args).run(args.duration))
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback with a password in it
        print(f"redis-tui record: stopped: {scrub(f'{type(exc).__name__}: {exc}', secrets)}", file=sys.stderr)
        return 1
    finally:
        writer.close()
    print("redis-tui record: stopped, file closed", flush=True)
    return 0


class Recorder:
    """Polls, diagnoses, records and alerts; `run()` until stopped."""

    def __init__(self, settings: Settings, writer: RecordingWriter, alerts: AlertRunner | None,
                 retention: float | None, args: argparse.Namespace) -> None:
        self.settings = settings
        self.writer = writer
        self.alerts = alerts
        self.retention = retention
        self.args = args
        self.limits = Thresholds.from_section(settings.section("thresholds"))
        self.watch = EventWatch()
        self._pruned = 0.0
        self._diagnosers: dict[str, Diagnoser] = {}

    async def run(self, duration: float | None = None) -> None:
        """Record until SIGTERM/SIGINT or `duration` seconds."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        worker = asyncio.create_task(self.alerts.run()) if self.alerts else None
        poll = asyncio.create_task(await self._source())
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait([poll, waiter], timeout=duration, return_when=asyncio.FIRST_COMPLETED)
        for task in (poll, waiter):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poll
        if poll.done() and not poll.cancelled() and poll.exception():
            raise poll.exception()  # type: ignore[misc]
        if self.alerts and worker:
            await self.alerts.drain(min(5.0, self.alerts.timeout_s))
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def _source(self) -> Any:
        """The polling coroutine: one server, every node of a cluster, or every member of a fleet."""
        s = self.settings
        if s.fleet:
            from redis_tui.core.fleet import FleetPoller

            members = {m.addr: m.target for m in s.fleet}
            fleet = FleetPoller(s.fleet, interval=s.interval, client_list_every=s.client_list_interval,
                                config_every=s.config_interval, history=s.history)
            return fleet.run(self._round(lambda addr: self._diagnoser(addr, members.get(addr, s.target))))
        if not self.args.node_only and await _is_cluster(s):
            from redis_tui.commands.cluster import remap_of
            from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
            from redis_tui.core.topology import ClusterPoller

            cluster = ClusterPoller(s.target, interval=s.interval, remap=remap_of(s.section("cluster")),
                                    client_list_every=s.client_list_interval, config_every=s.config_interval,
                                    history=s.history, client_list_max_every=s.client_list_max_interval)
            whole = ClusterDiagnoser(s.target, self.limits)
            return cluster.run(self._round(None, whole.update))
        poller = Poller(s.target, interval=s.interval, client_list_every=s.client_list_interval,
                        client_list_max_every=s.client_list_max_interval, config_every=s.config_interval,
                        history=s.history)
        diagnoser = Diagnoser(s.target, self.limits)
        return poller.run(lambda update: self.one(update, diagnoser.update(update)))

    def _diagnoser(self, addr: str, target: Any) -> Diagnoser:
        if addr not in self._diagnosers:
            self._diagnosers[addr] = Diagnoser(target, self.limits)
        return self._diagnosers[addr]

    def _round(self, per_node: Callable[[str], Diagnoser] | None,
               whole: Callable[[TopologyUpdate], tuple[Finding, ...]] | None = None
               ) -> Callable[[TopologyUpdate], None]:
        """What to do with a round: a fleet's members diagnosed each as its own server (`per_node`), or a cluster
        diagnosed as a whole (`whole`: its findings name their nodes)."""
        def emit(round_: TopologyUpdate) -> None:
            findings: tuple[Finding, ...] | dict[str, tuple[Finding, ...]]
            if per_node is not None:
                findings = {addr: per_node(addr).update(update) for addr, update in round_.updates.items()}
            else:
                findings = whole(round_) if whole else ()
            self.record(round_.updates, self.watch.observe_round(round_, findings))
        return emit

    def one(self, update: Update, findings: tuple[Finding, ...]) -> None:
        """Record one update of the only server."""
        self.record({"": update}, self.watch.observe("", update, findings))

    def record(self, updates: Mapping[str, Update], events: list[Event]) -> None:
        """Write one interval: each node's update and the events it brings, in one transaction; alert."""
        now = time.time()
        for node, update in updates.items():
            self.writer.add(node, update, at=now)
        for event in events:
            self.writer.add_event(event)
            if self.alerts:
                self.alerts.offer(event)
        self.writer.commit()
        if self.retention and now - self._pruned >= PRUNE_EVERY_S:
            self._pruned = now
            self.writer.prune(now - self.retention)


async def _is_cluster(settings: Settings) -> bool:
    from redis_tui.commands.cluster import probe_cluster

    return bool(await probe_cluster(settings.target, 2.0))
