"""Events: what changed, and when — the timeline the app shows live and `record` keeps (DESIGN §8).

An `Event` is one change seen on a server (or a node of several): a finding opened, changed severity
or cleared; a restart; a role change or a failover; a config change (old → new, secrets masked); a
connection lost or restored; MONITOR started or stopped by redis-tui. Everything in it is plain and
JSON-able, so the same value is shown on screen, written to a recording and piped to an alert command.

`EventLog` keeps the newest events in bounded memory (a long session never grows it). `EventWatch` turns
the stream of updates and findings into events: the app feeds it every update, and so does `record`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from redis_tui.core.findings import SEVERITIES as MOST_SEVERE_FIRST
from redis_tui.core.findings import Finding
from redis_tui.core.format import human_bytes, human_duration
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.poller import secret_config_key

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
    parameter's old and new value, a restart's old and new run_id...).

    Server text in the summary and the payload (config values, error messages) is kept as received, bounded
    in length: show it through `core.display.safe_text`."""

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


def at_least(severity: str, floor: str) -> bool:
    """True when `severity` is `floor` or worse (info < warning < critical); unknown words count as info."""
    rank = {name: i for i, name in enumerate(SEVERITIES)}
    return rank.get(severity, 0) >= rank.get(floor, 0)


BYTE_PARAMETERS = frozenset({"maxmemory", "repl-backlog-size", "client-query-buffer-limit", "proto-max-bulk-len"})
VALUE_LIMIT = 80  # characters of a config value kept in a summary or a payload
_RANK = {s: i for i, s in enumerate(MOST_SEVERE_FIRST)}
FailoverKey = tuple[str, str, float]  # (old, new, when)


@dataclass
class _Node:
    """What `EventWatch` remembers of one node between calls."""

    seen: bool = False  # a Snapshot came (kept through an outage: a restart is seen across it)
    run_id: str = ""  # INFO server run_id of the last Snapshot
    role: tuple[str, str] = ("", "")  # (role, master followed) of the last Snapshot
    outage: Outage | None = None  # the outage under way
    config: Mapping[str, str] = field(default_factory=dict)  # the last CONFIG GET read (not every poll has one)
    open: dict[tuple[str, str], Finding] = field(default_factory=dict)  # (finding id, finding node) → finding


class EventWatch:
    """What changed since the previous update of each node, as events. Pure: no I/O, no clock but the
    updates' own (`Snapshot.taken_at`, `Outage.since`) — except `monitor`, which takes the time it is given.

    Call `observe(node, update, findings)` once per update per node ("" for a single server), or
    `observe_round` with a whole round of a cluster, a Sentinel group or a fleet. It reports:

    - ``finding-opened`` / ``finding-changed`` (its severity changed; a title alone carries live figures —
      "Memory at 91%…" → "92%" — and is no event) / ``finding-cleared``, per (finding id, finding node).
      A finding event carries the finding's severity (cleared: info). **The first observation of a node
      reports the findings already open as opened**, so a recorder started during an incident records it.
      While a node is unreachable its findings are not cleared (nothing is known of them) and the
      connection finding itself is the ``connection-lost`` event, not a finding event.
    - ``restart``: INFO server ``run_id`` changed (seen across an outage too); warning.
    - ``role-change``: INFO replication role or the master followed changed; warning. A replica that
      became master is a ``failover`` instead (one server, a fleet member); in a cluster or a Sentinel
      group the failover comes from the topology (the ``cluster-failover`` finding, the Sentinels'
      ``+switch-master``, with its duration) and the promoted node's own change stays a role change.
    - ``config-change``: one per parameter whose value changed between two CONFIG GET reads
      (`Snapshot.config`), old → new; secrets masked by name.
    - ``connection-lost`` (critical; also at the first observation, when the target is down already) and
      ``connection-restored`` (with how long it was down).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._nodes: dict[str, _Node] = {}
        self._failovers: set[FailoverKey] = set()

    def observe(self, node: str, update: Update, findings: Sequence[Finding], at: float | None = None) -> list[Event]:
        """The events of this update of `node` ("" for a single server) with its findings, oldest first. `at`:
        when, for an `Outage` (which says only since when the server is down: its default)."""
        return self._observe(node, update, findings, promotion_is_failover=True, at=at)

    def observe_round(self, update: TopologyUpdate,
                      findings: Sequence[Finding] | Mapping[str, Sequence[Finding]]) -> list[Event]:
        """The events of one round over several servers: a cluster or a Sentinel group (`findings` one
        sequence, each finding naming its node, or none for the whole), or a fleet (`findings` by member
        address, as `FleetRound.findings`: each member is a server of its own)."""
        events: list[Event] = []
        if isinstance(findings, Mapping):  # a fleet
            for addr, answer in update.updates.items():
                events += self._observe(addr, answer, findings.get(addr, ()), promotion_is_failover=True,
                                        at=update.taken_at)
            return events
        by_node: dict[str, list[Finding]] = {}
        for finding in findings:
            by_node.setdefault(finding.node if finding.node in update.updates else "", []).append(finding)
        for addr, answer in update.updates.items():
            events += self._observe(addr, answer, by_node.pop(addr, ()), promotion_is_failover=False,
                                    at=update.taken_at)
        events += self._findings(self._node(""), "", update.taken_at, by_node.pop("", ()), clear=True)
        return events + self._sentinel_failovers(update)

    def monitor(self, started: bool, node: str = "", at: float | None = None) -> Event:
        """``monitor-started`` / ``monitor-stopped`` (redis-tui's own MONITOR screen) on `node`."""
        word = "started" if started else "stopped"
        return Event(self.clock() if at is None else at, MONITOR_STARTED if started else MONITOR_STOPPED,
                     f"MONITOR {word} by redis-tui", node, "info", MappingProxyType({}))

    # --- one node ------------------------------------------------------------------------
    def _node(self, node: str) -> _Node:
        return self._nodes.setdefault(node, _Node())

    def _observe(self, node: str, update: Update, findings: Sequence[Finding], *,
                 promotion_is_failover: bool, at: float | None = None) -> list[Event]:
        state = self._node(node)
        if isinstance(update, Outage):
            events = []
            if state.outage is None:
                problem = update.problem
                events.append(_event(update.since, CONNECTION_LOST, problem.summary, node,
                                     "critical", problem=problem.id, error=_cut(problem.summary, 200),
                                     since=update.since))
            state.outage = update
            connection = {update.problem.id, "connection-error"}
            kept = [f for f in findings if f.id not in connection]
            return events + self._findings(state, node, update.since if at is None else at, kept, clear=False)
        events = []
        if state.outage is not None:
            down = max(0.0, update.taken_at - state.outage.since)
            events.append(_event(update.taken_at, CONNECTION_RESTORED,
                                 f"back after {human_duration(down)} (was: {state.outage.problem.summary})", node,
                                 "info",
                                 problem=state.outage.problem.id, down_s=round(down, 3)))
            state.outage = None
        run_id, role = _run_id(update), _role_of(update)
        if state.seen:
            events += _restart(state.run_id, run_id, update, node)
            events += _role_change(state.role, role, update, node, promotion_is_failover)
        if state.config and update.config:
            events += _config(state.config, update, node)
        state.seen, state.run_id, state.role = True, run_id, role
        state.config = update.config or state.config
        return events + self._findings(state, node, update.taken_at, findings, clear=True)

    def _findings(self, state: _Node, node: str, at: float, findings: Sequence[Finding], *,
                  clear: bool) -> list[Event]:
        events = []
        now = {(f.id, f.node): f for f in findings}
        for key, finding in now.items():
            old = state.open.get(key)
            where = finding.node or node
            if old is None:
                events.append(_event(at, FINDING_OPENED, f"{finding.id} opened ({finding.severity}): "
                                     f"{_title(finding)}", where, str(finding.severity), **_finding(finding)))
                if finding.id == "cluster-failover":  # the rule compared the shards' primaries: a failover
                    events.append(_cluster_failover(at, finding, where))
            elif old.severity != finding.severity:
                worse = "worse" if _RANK[finding.severity] < _RANK[old.severity] else "better"
                events.append(_event(at, FINDING_CHANGED, f"{finding.id} {old.severity} → {finding.severity} "
                                     f"({worse}): {_title(finding)}", where, str(finding.severity),
                                     **_finding(finding), old_severity=str(old.severity),
                                     old_title=old.title))
            state.open[key] = finding
        if clear:
            for key in [k for k in state.open if k not in now]:
                finding = state.open.pop(key)
                events.append(_event(at, FINDING_CLEARED, f"{finding.id} cleared (was {finding.severity}): "
                                     f"{_title(finding)}", finding.node or node, "info", **_finding(finding)))
        return events

    def _sentinel_failovers(self, update: TopologyUpdate) -> list[Event]:
        """A Sentinel group's failovers, each once (its `MasterTracker` saw them; the duration is its)."""
        if update.sentinel is None:
            return []
        events, seen = [], set()
        for failover in update.sentinel.failovers:
            key = (failover.old, failover.new, failover.at)
            seen.add(key)
            if key in self._failovers:
                continue
            took = f", took {failover.took_s:.1f} s" if failover.took_s is not None else ""
            events.append(_event(failover.at, FAILOVER, f"master {failover.name} {failover.old} → "
                                 f"{failover.new}{took}", failover.new, "warning", name=failover.name,
                                 old=failover.old, new=failover.new, took_s=failover.took_s))
        self._failovers = seen  # the tracker keeps the last few: one that left its list never comes back
        return events


def _cluster_failover(at: float, finding: Finding, node: str) -> Event:
    old, new = str(finding.evidence.get("old", "?")), str(finding.evidence.get("new", node))
    return _event(at, FAILOVER, f"primary {old} → {new} ({finding.evidence.get('slots', '?')} slots)",
                  node, "warning", old=old, new=new, slots=finding.evidence.get("slots"))


def _event(at: float, kind: str, summary: str, node: str, level: str, **payload: Any) -> Event:
    return Event(at, kind, _cut(summary, 300), node, level, MappingProxyType(payload))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters (server text stays as received: whoever shows it escapes it, once)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(finding: Finding) -> str:
    return _cut(finding.title, 200)


def _finding(finding: Finding) -> dict[str, Any]:
    return {"id": finding.id, "severity": str(finding.severity), "title": finding.title,
            "evidence": dict(finding.evidence), **({"finding_node": finding.node} if finding.node else {})}


def _run_id(snapshot: Snapshot) -> str:
    return snapshot.info.get("server", {}).get("run_id", "")


def _restart(old: str, new: str, now: Snapshot, node: str) -> list[Event]:
    if not old or not new or old == new:
        return []
    uptime = now.server.uptime_s
    return [_event(now.taken_at, RESTART, f"restarted: run_id {old[:8]} → {new[:8]}, up {human_duration(uptime)}",
                   node, "warning", old_run_id=old, new_run_id=new, uptime_s=uptime)]


def _role_of(snapshot: Snapshot) -> tuple[str, str]:
    section = snapshot.info.get("replication", {})
    role = section.get("role") or snapshot.server.role
    if role in ("slave", "replica"):
        host = section.get("master_host", "")
        return "replica", f"{host}:{section.get('master_port', '?')}" if host else ""
    return role, ""


def _role_change(was: tuple[str, str], role: tuple[str, str], now: Snapshot, node: str,
                 promotion_is_failover: bool) -> list[Event]:
    (old, old_master), (new, new_master) = was, role
    if (old, old_master) == (new, new_master):
        return []
    fields = {"old_role": old, "new_role": new, "old_master": old_master, "new_master": new_master}
    if old == "replica" and new == "master" and promotion_is_failover:
        who = node or "this server"
        return [_event(now.taken_at, FAILOVER, f"{who} (replica of {old_master or '?'}) is now master",
                       node, "warning", old=old_master, new=node, **fields)]
    return [_event(now.taken_at, ROLE_CHANGE, f"role {_words(old, old_master)} → {_words(new, new_master)}",
                   node, "warning", **fields)]


def _words(role: str, master: str) -> str:
    return f"replica of {master or '?'}" if role == "replica" else role


def _config(old: Mapping[str, str], now: Snapshot, node: str) -> list[Event]:
    new = now.config
    if old is new or old == new:
        return []
    events = []
    for name in sorted(new.keys() & old.keys()):
        was, value = _masked(name, old[name]), _masked(name, new[name])
        if was == value:
            continue
        shown = [_shown(name, v) for v in (was, value)]
        events.append(_event(now.taken_at, CONFIG_CHANGE, f"{_cut(name, 60)} {shown[0]} → {shown[1]}", node,
                             "info", parameter=name, old=_cut(was, VALUE_LIMIT), new=_cut(value, VALUE_LIMIT)))
    return events


def _masked(name: str, value: str) -> str:
    return ("(set)" if value else "(not set)") if secret_config_key(name.lower()) else value


def _shown(name: str, value: str) -> str:
    if name in BYTE_PARAMETERS and value.isdigit() and int(value):
        number = int(value)  # as one writes it in redis.conf (2gb) when it is a round figure
        for unit, shift in (("gb", 30), ("mb", 20), ("kb", 10)):
            if number % (1 << shift) == 0:
                return f"{number >> shift}{unit}"
        return human_bytes(number)
    return _cut(value, VALUE_LIMIT) if value != "" else '""'
