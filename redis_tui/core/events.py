"""Events: what changed, and when — the timeline the app shows live and `record` keeps (DESIGN §8).

An `Event` is one change seen on a server (or a node of several): a finding opened, changed severity
or cleared; a restart; a role change or a failover; a config change (old → new, secrets masked); a
connection lost or restored; MONITOR started or stopped by redis-tui. Everything in it is plain and
JSON-able, so the same value is shown on screen, written to a recording and piped to an alert command.

`EventLog` keeps the newest events in bounded memory (a long session never grows it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

FINDING_OPENED = "finding-opened"
FINDING_CHANGED = "finding-changed"
FINDING_CLEARED = "finding-cleared"
RESTART = "restart"
ROLE_CHANGE = "role-change"
FAILOVER = "failover"
CONFIG_CHANGE = "config-change"
CONNECTION_LOST = "connection-lost"
CONNECTION_RESTORED = "connection-restored"
MONITOR_STARTED = "monitor-started"
MONITOR_STOPPED = "monitor-stopped"

KINDS = (FINDING_OPENED, FINDING_CHANGED, FINDING_CLEARED, RESTART, ROLE_CHANGE, FAILOVER, CONFIG_CHANGE,
         CONNECTION_LOST, CONNECTION_RESTORED, MONITOR_STARTED, MONITOR_STOPPED)
"""Every event kind (a public contract, like the finding ids: scripts and alert commands match on them)."""

SEVERITIES = ("info", "warning", "critical")


@dataclass(frozen=True)
class Event:
    """One change: when (wall clock), what kind, on which node ("" for the only server), how bad, a one-line
    summary for people, and a JSON-able payload for scripts (a finding's id/severity/title/evidence, a config
    parameter's old and new value, a restart's old and new run_id...)."""

    at: float
    kind: str
    summary: str
    node: str = ""
    severity: str = "info"  # info | warning | critical
    payload: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> dict[str, Any]:
        """The event as one JSON object (what `record` stores, `--on-alert` receives and `export` writes)."""
        return {"at": self.at, "kind": self.kind, "node": self.node, "severity": self.severity,
                "summary": self.summary, "payload": dict(self.payload)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        """The event `to_json` wrote (unknown keys ignored)."""
        return cls(at=float(data["at"]), kind=str(data["kind"]), summary=str(data.get("summary", "")),
                   node=str(data.get("node", "")), severity=str(data.get("severity", "info")),
                   payload=MappingProxyType(dict(data.get("payload") or {})))


class EventLog:
    """The newest `limit` events, oldest first (bounded: a day-long session keeps the same memory)."""

    def __init__(self, limit: int = 1000) -> None:
        self._events: deque[Event] = deque(maxlen=limit)
        self.total = 0  # every event ever added, including those dropped for room

    def add(self, event: Event) -> Event:
        """Keep `event` (the oldest goes when the log is full)."""
        self._events.append(event)
        self.total += 1
        return event

    def extend(self, events: Iterator[Event] | list[Event] | tuple[Event, ...]) -> None:
        """Keep each of `events`, in order."""
        for event in events:
            self.add(event)

    @property
    def newest(self) -> Event | None:
        """The latest event, None before any."""
        return self._events[-1] if self._events else None

    def since(self, at: float) -> list[Event]:
        """The events at or after `at`, oldest first."""
        return [e for e in self._events if e.at >= at]

    def __iter__(self) -> Iterator[Event]:
        return iter(tuple(self._events))

    def __len__(self) -> int:
        return len(self._events)
