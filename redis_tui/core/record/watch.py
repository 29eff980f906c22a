"""The events watch `record` uses: `redis_tui.core.events.EventWatch` when it is there, else `FindingWatch`, a
small stand-in that turns findings into finding-opened/changed/cleared events and notices a restart, a config
change and a lost or regained connection."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from redis_tui.core import events as ev
from redis_tui.core.events import Event
from redis_tui.core.models import Outage, Snapshot, Update

RANK = {"info": 0, "warning": 1, "critical": 2}


class Watch(Protocol):
    """What `record` asks of an events watch."""

    def observe(self, node: str, update: Update, findings: Sequence[Any]) -> list[Event]: ...


def make_watch() -> Watch:
    """The events helper's `EventWatch` if present, else a `FindingWatch`."""
    try:
        from redis_tui.core.events import EventWatch  # type: ignore[attr-defined]
    except ImportError:
        return FindingWatch()
    watch: Watch = EventWatch()
    return watch


def finding_payload(finding: Any) -> dict[str, Any]:
    """A finding as an event payload: id, severity, title, evidence, node."""
    return {"id": finding.id, "severity": str(finding.severity), "title": finding.title,
            "evidence": dict(finding.evidence), "node": finding.node}


class FindingWatch:
    """Per node: the findings open, the run_id and config last seen, and whether the node was reachable."""

    def __init__(self) -> None:
        self._open: dict[str, dict[str, Any]] = {}
        self._run_id: dict[str, str] = {}
        self._config: dict[str, dict[str, str]] = {}
        self._down: dict[str, bool] = {}

    def observe(self, node: str, update: Update, findings: Sequence[Any]) -> list[Event]:
        """The events this update brings for `node`."""
        now = update.taken_at if isinstance(update, Snapshot) else time.time()
        out: list[Event] = []
        where = f" on {node}" if node else ""
        was_down = self._down.get(node)
        down = isinstance(update, Outage)
        if isinstance(update, Outage) and not was_down:
            out.append(Event(now, ev.CONNECTION_LOST, f"connection lost{where}: {update.problem.summary}", node,
                             "critical", {"error": update.problem.id}))
        if not down and was_down:
            out.append(Event(now, ev.CONNECTION_RESTORED, f"connection restored{where}", node))
        self._down[node] = down
        if isinstance(update, Snapshot):
            out += self._server(node, update, now, where)
        current = {f.id: f for f in findings}
        previous = self._open.get(node, {})
        for fid, finding in current.items():
            old = previous.get(fid)
            sev = str(finding.severity)
            if old is None:
                out.append(Event(now, ev.FINDING_OPENED, f"{fid} opened{where}: {finding.title}", node, sev,
                                 finding_payload(finding)))
            elif str(old.severity) != sev:
                payload = {**finding_payload(finding), "previous": str(old.severity)}
                out.append(Event(now, ev.FINDING_CHANGED, f"{fid} {old.severity} → {sev}{where}", node, sev, payload))
        for fid, old in previous.items():
            if fid not in current:
                out.append(Event(now, ev.FINDING_CLEARED, f"{fid} cleared{where}", node, "info",
                                 {**finding_payload(old), "previous": str(old.severity)}))
        self._open[node] = current
        return out

    def _server(self, node: str, snap: Snapshot, now: float, where: str) -> list[Event]:
        out = []
        run_id = snap.info.get("server", {}).get("run_id", "")
        old_run = self._run_id.get(node)
        if run_id and old_run and run_id != old_run:
            out.append(Event(now, ev.RESTART, f"restarted{where}", node, "warning", {"old": old_run, "new": run_id}))
        if run_id:
            self._run_id[node] = run_id
        old_config = self._config.get(node)
        if snap.config and old_config:
            for name, value in sorted(snap.config.items()):
                if old_config.get(name, value) != value:
                    out.append(Event(now, ev.CONFIG_CHANGE, f"config {name}: {old_config[name]} → {value}{where}",
                                     node, "info", {"parameter": name, "old": old_config[name], "new": value}))
        if snap.config:
            self._config[node] = dict(snap.config)
        return out
