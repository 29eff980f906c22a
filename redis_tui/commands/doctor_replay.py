"""``doctor --replay FILE``: the same rules at a recorded moment, or every finding open in a recorded window.

``--at T`` (default: the end of the recording) rebuilds each node's snapshots over the rules' window up to T
and runs the Diagnoser over them, exactly as the live doctor and the app do: the findings as they were
(per node on a cluster or fleet recording; the cluster-wide findings — they need the topology, which is not
recorded — come from the recorded finding events).
``--between A B`` reads the recorded finding events: each finding open at any time in [A, B], with when it
opened and when it cleared (null: still open at the end of the recording). Exit codes as doctor's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping
from typing import Any

from redis_tui.commands.output import emit
from redis_tui.core import events as ev
from redis_tui.core.diagnosis.checklist import checklist
from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.display import safe_text
from redis_tui.core.findings import SEVERITIES, STATUSES, Finding, ordered, status_of
from redis_tui.core.models import Snapshot
from redis_tui.core.record.recording import Recording
from redis_tui.core.record.store import RecordingError
from redis_tui.core.record.times import TimeError, iso, parse_time
from redis_tui.core.target import Target, TargetError, parse_url

UNKNOWN = STATUSES["UNKNOWN"]


def run_replay(args: argparse.Namespace, limits: Thresholds, limits_given: Mapping[str, Any]) -> int:
    """Print the replayed report; the exit code (3 for a bad file or time). The rules use the thresholds the
    recorder used, overridden by `limits_given` (this run's [thresholds])."""
    try:
        with Recording.open(args.replay) as rec:
            end = rec.end
            if end is None:
                raise RecordingError(f"{args.replay}: the recording holds no snapshot yet")
            if rec.header.get("thresholds"):  # the rules as the recorder ran them
                limits = Thresholds.from_section({**rec.header["thresholds"], **limits_given})
            if args.between:
                a, b = (parse_time(x, end) for x in args.between)
                report = window_report(rec, min(a, b), max(a, b))
            else:
                report = moment_report(rec, parse_time(args.at, end) if args.at else end, limits)
    except (RecordingError, TimeError) as exc:
        message = f"redis-tui doctor: {exc}"
        if args.json:
            emit(json.dumps({"status": "UNKNOWN", "replay": str(args.replay), "findings": [], "error": str(exc)}))
        print(message, file=sys.stderr)
        return UNKNOWN
    if not args.checklist:
        report.pop("checklist", None)
    emit(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    return STATUSES[report["status"]]


def target_of(rec: Recording, node: str) -> Target:
    """The recorded (masked) target, pointed at `node` when it names a host:port."""
    try:
        target = Target(**parse_url(rec.targets[0])) if rec.targets else Target()
    except TargetError:
        target = Target()
    host, _, port = node.rpartition(":")
    if host and port.isdigit():
        target = dataclasses.replace(target, host=host.strip("[]"), port=int(port), socket=None)
    return target


def moment_report(rec: Recording, t: float, limits: Thresholds) -> dict[str, Any]:
    """The doctor report as it would have been at `t`."""
    start = rec.start or t
    if t < start:
        raise RecordingError(f"{iso(t)} is before the recording starts ({iso(start)})")
    nodes = rec.nodes
    findings: list[Finding] = []
    lines: list[dict[str, Any]] = []
    seen: dict[str, float] = {}
    server = ""
    window = limits.window_s + 2 * rec.interval
    for node in nodes:
        diagnoser = Diagnoser(target_of(rec, node), limits)
        last = None
        for when, _node, update in rec.between(t - window, t, [node]):
            diagnoser.update(update)
            last, seen[node] = update, when
        if last is None:
            continue
        findings += [dataclasses.replace(f, node=node) if node else f for f in diagnoser.findings]
        if isinstance(last, Snapshot) and len(nodes) == 1:
            server = f"{last.server.label}, {last.server.role}"
            lines = [vars(line) for line in checklist(last, target_of(rec, node), limits)]
    if not seen:
        raise RecordingError(f"nothing recorded in the {window:g} s before {iso(t)}")
    if len(nodes) > 1:  # the cluster-wide findings, as the recorder's events have them
        have = {(f.id, f.node) for f in findings}
        for span in window_report(rec, t, t)["findings"]:
            if (span["id"], span["node"]) not in have:
                findings.append(Finding(span["id"], span["severity"], span["title"], span.get("evidence", {}),
                                        node=span["node"], detail="(from the recorded events)"))
    found = ordered(findings)
    report: dict[str, Any] = {"status": str(status_of(found)), "target": ", ".join(rec.targets),
                              "replay": str(rec.path), "at": iso(t), "recorded_at": iso(max(seen.values())),
                              "findings": [f.to_dict() for f in found]}
    if server:
        report["server"] = server
    report["checklist"] = lines
    return report


def window_report(rec: Recording, a: float, b: float) -> dict[str, Any]:
    """Every finding open at some time in [a, b], from the recorded finding events."""
    open_: dict[tuple[str, str], dict[str, Any]] = {}
    spans: list[dict[str, Any]] = []
    for event in rec.events(None, b, (ev.FINDING_OPENED, ev.FINDING_CHANGED, ev.FINDING_CLEARED)):
        fid = str(event.payload.get("id") or event.payload.get("finding") or "")
        key = (fid, event.node)
        span = open_.get(key)
        if event.kind == ev.FINDING_CLEARED:
            if span is not None:
                span["closed_t"] = event.at
                spans.append(open_.pop(key))
            continue
        if span is None:
            span = open_[key] = {"id": fid, "node": event.node, "severity": event.severity,
                                 "title": str(event.payload.get("title", "")), "opened_t": event.at, "closed_t": None,
                                 "evidence": dict(event.payload.get("evidence") or {})}
        elif SEVERITIES.index(event.severity) < SEVERITIES.index(span["severity"]):
            span["severity"] = event.severity  # the worst it reached
    spans += open_.values()
    kept = sorted((s for s in spans if s["opened_t"] <= b and (s["closed_t"] is None or s["closed_t"] >= a)),
                  key=lambda s: (SEVERITIES.index(s["severity"]), s["opened_t"]))
    for span in kept:
        span["opened"] = iso(span["opened_t"])
        span["closed"] = None if span["closed_t"] is None else iso(span["closed_t"])
    worst = {s["severity"] for s in kept}
    status = "CRITICAL" if "critical" in worst else "WARNING" if "warning" in worst else "OK"
    return {"status": status, "target": ", ".join(rec.targets), "replay": str(rec.path),
            "between": [iso(a), iso(b)], "findings": kept}


def render(report: dict[str, Any]) -> str:
    """The replayed report for people."""
    findings = report["findings"]
    when = f"at {report['at']}" if "at" in report else f"between {report['between'][0]} and {report['between'][1]}"
    out = [f"{report['status']}: {report['target']} ({report['replay']} {when}) - "
           f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"]
    if "recorded_at" in report:
        out.append(f"last snapshot {report['recorded_at']}" + (f", {report['server']}" if "server" in report else ""))
    for f in findings:
        where = f" [{f['node']}]" if f.get("node") else ""
        out += ["", f"{f['severity'].upper():8} {f['id']}{where}: {f['title']}"]
        if "opened" in f:
            out.append(f"         open {f['opened']} → {f['closed'] or 'still open at the end'}")
        else:
            out.append(f"         {f.get('detail', '')}")
            out += [f"         {i}. {hint}" for i, hint in enumerate(f.get("hints", ()), 1)]
    if report.get("checklist"):
        out += ["", "Production checklist:"]
        out += [f"  [{line['status']:^7}] {line['title']}: {line['evidence']}" for line in report["checklist"]]
    return "\n".join(safe_text(line, None) for line in out)
