"""Diagnose a Redis or Valkey server once: findings with evidence and hints, and an exit code.

Exit codes follow the monitoring-plugin convention: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN (bad arguments, or the check itself failed). The whole run stays within
``--timeout`` seconds (default 10): a server that does not answer gives a finding, not a hang.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from redis_tui.commands.cluster import NOT_A_CLUSTER, probe_cluster, remap_of
from redis_tui.commands.output import emit
from redis_tui.commands.sentinel import choose_group, probe_sentinel, unknown_master
from redis_tui.core.connection import make_client
from redis_tui.core.diagnosis.checklist import CheckLine, checklist
from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
from redis_tui.core.diagnosis.cluster_checklist import topology_checklist
from redis_tui.core.diagnosis.diagnose import diagnose, diagnose_problem
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.display import safe_text
from redis_tui.core.errors import make_problem
from redis_tui.core.findings import STATUSES, Finding, counts, node_status, ordered, status_of
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.options import number
from redis_tui.core.poller import Poller
from redis_tui.core.rounds import Rounds
from redis_tui.core.sentinel import SentinelPoller
from redis_tui.core.target import Target, scrub
from redis_tui.core.topology import ClusterPoller, Remap, aggregate
from redis_tui.settings import Settings

USAGE_EXIT = 3
FLEET = "each is checked, all at once (the worst status is the exit code)"  # commands/doctor_fleet.py
DEFAULT_TIMEOUT = 10.0
TIMEOUT = number("seconds, above 0 and at most 3600", above=0, at_most=3600)
SAMPLE_GAP = 1.0  # seconds between the two samples that let "rising" rules see change


@dataclass(frozen=True)
class Report:
    """What one doctor run found."""

    status: str
    target: str
    findings: tuple[Finding, ...]
    server: str = ""
    checklist: tuple[CheckLine, ...] = ()
    error: str = ""
    topology: dict[str, Any] | None = None  # for a cluster: {kind, state, nodes} (see topology_dict)

    def to_dict(self, with_checklist: bool = False) -> dict[str, Any]:
        """``{status, target, findings: [{id, severity, title, evidence, hints}]}`` (+ ``server``, ``topology``,
        and ``checklist`` when asked for)."""
        out: dict[str, Any] = {"status": self.status, "target": self.target,
                               "findings": [f.to_dict() for f in self.findings]}
        if self.server:
            out["server"] = self.server
        if self.topology is not None:
            out["topology"] = self.topology
        if with_checklist:
            out["checklist"] = [vars(line) for line in self.checklist]
        if self.error:
            out["error"] = self.error
        return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """doctor's own options."""
    parser.add_argument("--json", action="store_true", help='print {"status", "target", "findings"} as JSON '
                        '(several targets: {"status", "targets": [one such object per target]})')
    parser.add_argument("--timeout", type=TIMEOUT.arg_type(), default=DEFAULT_TIMEOUT, metavar="S",
                        help=f"give up after S seconds in total (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--checklist", action="store_true", help="also show the production-readiness checklist")
    parser.add_argument("-c", "--cluster", action="store_true",
                        help="the target must be a cluster node (error if not); check every node of the cluster")
    parser.add_argument("--node-only", action="store_true", help="on a cluster, check only the node given")
    from redis_tui.core.record.times import TIME_HELP

    replay = parser.add_argument_group("replay (a recording made by redis-tui record; no server is contacted)")
    replay.add_argument("--replay", metavar="FILE", help="evaluate the rules on a recording instead of a live server")
    replay.add_argument("--at", metavar="TIME",
                        help=f"the moment to evaluate (default: the recording's end); {TIME_HELP}")
    replay.add_argument("--between", nargs=2, metavar=("A", "B"), help="report every finding open at some time "
                        "in [A, B], with when it opened and cleared (from the recorded events)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Examine the target once, print the report, return the exit code."""
    limits = Thresholds.from_section(settings.section("thresholds"))
    if args.replay or args.at or args.between:
        if not args.replay:
            print("redis-tui doctor: --at and --between go with --replay FILE", file=sys.stderr)
            return USAGE_EXIT
        if args.at and args.between:
            print("redis-tui doctor: --at or --between, not both", file=sys.stderr)
            return USAGE_EXIT
        from redis_tui.commands.doctor_replay import run_replay

        return run_replay(args, limits, settings.section("thresholds"))
    target = settings.target
    remap = remap_of(settings.section("cluster"))
    if settings.fleet:
        return run_fleet(settings, args, limits, remap)
    try:
        if args.node_only:
            report = asyncio.run(examine(target, limits, args.timeout))
        else:
            report = asyncio.run(examine_any(target, limits, args.timeout, remap, args.cluster))
    except Exception as exc:  # noqa: BLE001 - a bug must still give UNKNOWN and one line, not a traceback
        message = scrub(f"{type(exc).__name__}: {exc}", target.secrets)
        report = Report("UNKNOWN", target.display(), (), error=f"internal error: {message}")
    if args.json:
        emit(json.dumps(report.to_dict(args.checklist), indent=2, ensure_ascii=False))
    else:
        emit(render_text(report, args.checklist))
    return STATUSES[report.status]


def run_fleet(settings: Settings, args: argparse.Namespace, limits: Thresholds, remap: Remap) -> int:
    """Examine every target of the fleet at once; print the reports grouped by target; the worst status."""
    from redis_tui.commands.doctor_fleet import examine_fleet, render_fleet_text

    def one(target: Target) -> Awaitable[Report]:
        if args.node_only:
            return examine(target, limits, args.timeout)
        return examine_any(target, limits, args.timeout, remap, args.cluster)

    def failed(target: Target, error: str) -> Report:
        return Report("UNKNOWN", target.display(), (), error=error)

    fleet = asyncio.run(examine_fleet(settings.fleet, one, failed))
    if args.json:
        emit(json.dumps(fleet.to_dict(args.checklist), indent=2, ensure_ascii=False))
    else:
        emit(render_fleet_text(fleet, lambda report: render_text(report, args.checklist)))
    return STATUSES[fleet.status]


async def examine(target: Target, limits: Thresholds, budget: float = DEFAULT_TIMEOUT,
                  gap: float | None = None) -> Report:
    """Two samples `gap` apart (default SAMPLE_GAP, when the budget allows), diagnosed; never longer than `budget`."""
    gap = SAMPLE_GAP if gap is None else gap
    step = max(0.1, min(3.0, budget / 3))
    clients: list[Redis] = []

    def factory(t: Target, client_name: str | None) -> Redis:
        client = make_client(t, connect_timeout=step, reply_timeout=step, client_name=client_name)
        clients.append(client)
        return client

    poller = Poller(target, client_factory=factory, client_name="redis-tui-doctor")
    started = time.monotonic()
    samples: list[Snapshot] = []
    outage: Outage | None = None
    try:
        async with asyncio.timeout(budget):
            first = await poller.poll()
            if isinstance(first, Outage):
                outage = first
            else:
                samples.append(first)
                if budget - (time.monotonic() - started) > gap + 2 * step:
                    await asyncio.sleep(gap)
                    second = await poller.poll()
                    if isinstance(second, Outage):
                        outage = second
                    else:
                        samples.append(second)
    except TimeoutError:
        key = "server-stalled" if samples or _connected(clients) else "connection-timeout"
        outage = Outage(make_problem(key, target, f"no answer within the {budget:g} s budget"), 0.0, 1, 0.0)
    finally:
        await poller.close()
    findings: tuple[Finding, ...] = ()
    server = ""
    lines: tuple[CheckLine, ...] = ()
    if samples:
        now, before = samples[-1], samples[0] if len(samples) > 1 else None
        findings = diagnose(now, before, limits, target)
        server = f"{now.server.label}, {now.server.role}"
        lines = checklist(now, target, limits)
    if outage is not None:
        findings = ordered(findings + diagnose_problem(outage.problem, target))
    return Report(status_of(findings), target.display(), findings, server, lines)


async def examine_any(target: Target, limits: Thresholds, budget: float, remap: Remap, insist: bool) -> Report:
    """A cluster node → `examine_cluster`; a Sentinel (or ``--sentinel``) → `examine_group`; anything else →
    `examine` (or, with `insist`, an UNKNOWN report)."""
    step = max(0.1, min(3.0, budget / 3))
    started = time.monotonic()
    if target.sentinel:
        unknown = await unknown_master(target, step, client_name="redis-tui-doctor")
        if unknown:
            return Report("UNKNOWN", target.display(), (), error=unknown)
        return await examine_group(target, limits, max(0.1, budget - (time.monotonic() - started)))
    is_cluster = await probe_cluster(target, step, client_name="redis-tui-doctor")  # None: examine() says why
    if is_cluster:
        return await examine_cluster(target, limits, budget, remap)
    if insist and is_cluster is False:
        return Report("UNKNOWN", target.display(), (), error=NOT_A_CLUSTER)
    masters = await probe_sentinel(target, step, client_name="redis-tui-doctor") if is_cluster is False else None
    left = max(0.1, budget - (time.monotonic() - started))
    if masters is not None:
        group, why = choose_group(target, masters)
        if group is None:
            return Report("UNKNOWN", target.display(), (), error=why)
        return await examine_group(group, limits, left)
    return await examine(target, limits, left)

async def two_rounds(poller: Rounds, diagnoser: ClusterDiagnoser, budget: float, gap: float,
                     step: float) -> tuple[TopologyUpdate | None, tuple[Finding, ...]]:
    """One round of `poller`, and a second `gap` s later when the budget allows (so "rising" rules see two);
    the last round (None: none finished within `budget`) and its findings. The poller is closed."""
    started = time.monotonic()
    last = None
    findings: tuple[Finding, ...] = ()
    try:
        async with asyncio.timeout(budget):
            last = await poller.poll()
            findings = diagnoser.update(last)
            if budget - (time.monotonic() - started) > gap + 2 * step:
                await asyncio.sleep(gap)
                last = await poller.poll()
                findings = diagnoser.update(last)
    except TimeoutError:
        pass
    finally:
        await poller.close()
    return last, findings


async def examine_cluster(target: Target, limits: Thresholds, budget: float = DEFAULT_TIMEOUT,
                          remap: Remap | None = None, gap: float | None = None) -> Report:
    """Every node of the cluster, two rounds `gap` apart when the budget allows; never longer than `budget`."""
    gap = SAMPLE_GAP if gap is None else gap
    step = max(0.1, min(3.0, budget / 3))
    poller = ClusterPoller(target, interval=max(gap, 0.25), budget=step, remap=remap, client_name="redis-tui-doctor")
    started = time.monotonic()
    last, findings = await two_rounds(poller, ClusterDiagnoser(target, limits), budget, gap, step)
    if last is None:
        return await examine(target, limits, max(0.1, budget - (time.monotonic() - started)))
    snaps = [u for u in last.updates.values() if isinstance(u, Snapshot)]
    server = f"{snaps[0].server.label}, cluster of {len(last.topology.nodes)} nodes" if snaps else ""
    lines = topology_checklist(last, target, limits)
    return Report(status_of(findings), target.display(), findings, server, lines,
                  topology=topology_dict(last, findings))


async def examine_group(target: Target, limits: Thresholds, budget: float = DEFAULT_TIMEOUT,
                        gap: float | None = None) -> Report:
    """Every member of the Sentinel group `target` names, two rounds `gap` apart when the budget allows."""
    gap = SAMPLE_GAP if gap is None else gap
    step = max(0.1, min(3.0, budget / 3))
    poller = SentinelPoller(target, interval=max(gap, 0.25), budget=step, client_name="redis-tui-doctor",
                            totals=aggregate, listen=False)
    last, findings = await two_rounds(poller, ClusterDiagnoser(target, limits), budget, gap, step)
    if last is None:
        problem = make_problem("connection-timeout", target, f"no Sentinel answered within the {budget:g} s budget")
        findings = diagnose_problem(problem, target)
        return Report(status_of(findings), target.display(), findings)
    state = last.sentinel
    master = last.snapshot(state.master) if state is not None and state.master else None
    server = (f"{master.server.label}, Sentinel group {target.master}: master {state.master if state else '?'}"
              if master is not None else f"Sentinel group {target.master}")
    return Report(status_of(findings), target.display(), findings, server, topology_checklist(last, target, limits),
                  topology=topology_dict(last, findings))


def topology_dict(update: TopologyUpdate, findings: tuple[Finding, ...]) -> dict[str, Any]:
    """The JSON ``topology`` object: ``{kind, state, nodes: [{addr, role, primary, slots, status, reachable}]}``
    (a Sentinel group adds ``name``, ``master``, ``quorum``, ``sentinels_answering`` and ``failovers``)."""
    topology = update.topology
    nodes = [{"addr": n.addr, "role": n.role, "primary": n.primary, "slots": n.slot_count,
              "status": node_status(findings, n.addr), "reachable": update.reachable(n.addr)} for n in topology.nodes]
    out: dict[str, Any] = {"kind": topology.kind, "state": topology.state, "nodes": nodes}
    state = update.sentinel
    if state is not None:
        out.update(name=state.name, master=state.master, quorum=state.quorum,
                   sentinels_answering=len(state.reachable),
                   failovers=[{"old": f.old, "new": f.new, "at": f.at, "took_s": f.took_s} for f in state.failovers])
    return out


def _connected(clients: list[Redis]) -> bool:
    """True when one of our clients holds an open connection (we got in, the reply is late)."""
    for client in clients:
        pool = getattr(client, "connection_pool", None)
        for conn in getattr(pool, "_in_use_connections", ()) or ():
            if getattr(conn, "is_connected", False):
                return True
    return False


def render_text(report: Report, with_checklist: bool = False) -> str:
    """The report for people: status line, then each finding with evidence and numbered hints."""
    tally = counts(report.findings)
    parts = [f"{n} {sev}" for sev, n in tally.items() if n]
    head = f"{report.status}: {report.target}"
    if report.server:
        head += f" ({report.server})"
    head += f" - {', '.join(parts) if parts else 'no findings'}"
    out = [head]
    if report.error:
        out.append(report.error)
    if report.topology is not None and report.topology["kind"] == "sentinel":
        topo = report.topology
        sentinels = sum(1 for n in topo["nodes"] if n["role"] == "sentinel")
        out.append(f"Sentinel group {topo['name']}: state {topo['state']}, master {topo['master']}, quorum "
                   f"{topo['quorum']}, {topo['sentinels_answering']}/{sentinels} Sentinels answer")
    elif report.topology is not None:
        topo = report.topology
        slots = sum(n["slots"] for n in topo["nodes"] if n["role"] == "primary")
        out.append(f"{topo['kind'].capitalize()}: state {topo['state']}, {len(topo['nodes'])} nodes, "
                   f"{slots}/16384 slots served")
    if report.topology is not None:
        for node in report.topology["nodes"]:
            slots = f", {node['slots']} slots" if report.topology["kind"] != "sentinel" else ""
            follows = f" of {node['primary']}" if node["primary"] else slots
            down = "" if node["reachable"] else ", unreachable"
            out.append(f"  {node['status']:8} {node['addr']} {node['role']}{follows}{down}")
    for finding in report.findings:
        where = f" [{finding.node}]" if finding.node else ""
        out += ["", f"{finding.severity.upper():8} {finding.id}{where}: {finding.title}", f"         {finding.detail}"]
        out += [f"         {i}. {hint}" for i, hint in enumerate(finding.hints, 1)]
    if with_checklist and report.checklist:
        out += ["", "Production checklist:"]
        for line in report.checklist:
            out.append(f"  [{line.status:^7}] {line.title}: {line.evidence}")
            if line.hint and line.status != "pass":
                out += [f"            → {hint}" for hint in line.hint.split("\n")]
    return "\n".join(safe_text(line, None) for line in out)

