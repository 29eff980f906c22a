"""The dashboard's source on a cluster: `ClusterPoller` rounds → `ClusterRound`s.

The app reads one stream of updates (`SnapshotSource`). On a cluster each item is a
`ClusterRound`: the whole round (topology, every node's Snapshot/Outage, the aggregate), the
cluster total as one `Snapshot` (`whole_snapshot`, with its own history rings), the cluster
findings (`ClusterDiagnoser`, run on every round), and what the dashboard shows now: the
total, or the node the user picked (`show`). `FixedRounds` plays prepared rounds (tests,
screenshots), as `FixedSource` does for one server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from redis_tui.core.findings import Finding
from redis_tui.core.models import Snapshot, Update
from redis_tui.core.nodes import TopologyUpdate
from redis_tui.core.rates import Rings
from redis_tui.core.source import FixedSource, RoundSource
from redis_tui.core.topology.aggregate import whole_snapshot


@dataclass(frozen=True)
class ClusterRound:
    """One round as the dashboard needs it."""

    round: TopologyUpdate
    whole: Snapshot | None  # the cluster total (None when no primary answered)
    findings: tuple[Finding, ...]
    focus: str | None = None  # the node shown, None for the whole cluster

    @property
    def view(self) -> Update:
        """What the panes show: the focused node's Snapshot/Outage, or the total (else the seed's outage)."""
        if self.focus is not None and self.focus in self.round.updates:
            return self.round.updates[self.focus]
        if self.whole is not None:
            return self.whole
        outages = self.round.outages
        seen_from = self.round.topology.seen_from
        return outages.get(seen_from) or next(iter(outages.values()), None) or self.round.updates[seen_from]

    @property
    def nodes_up(self) -> int:
        """Nodes that answered this round."""
        return sum(1 for u in self.round.updates.values() if isinstance(u, Snapshot))


class RoundDiagnoser(Protocol):
    """Turns each round into findings (`core.diagnosis.cluster.ClusterDiagnoser`, injected by the caller:
    topology never imports diagnosis)."""

    def update(self, update: TopologyUpdate) -> tuple[Finding, ...]: ...


class ClusterSource:
    """A `SnapshotSource` whose updates are `ClusterRound`s (the app tells them apart)."""

    def __init__(self, rounds: RoundSource, diagnoser: RoundDiagnoser, history: int = 300) -> None:
        self.rounds = rounds
        self.diagnoser = diagnoser
        self.focus: str | None = None
        self.last: ClusterRound | None = None
        self._rings = Rings(history)

    @property
    def interval(self) -> float:
        return self.rounds.interval

    @property
    def paused(self) -> bool:
        return self.rounds.paused

    async def run(self, emit: Callable[[ClusterRound], None]) -> None:
        """Run the rounds until cancelled, calling `emit` with each `ClusterRound`."""
        await self.rounds.run(lambda update: emit(self.take(update)))

    def take(self, update: TopologyUpdate) -> ClusterRound:
        """Diagnose one round and sum it up (every round, so the rules and the history see each)."""
        findings = self.diagnoser.update(update)
        whole = whole_snapshot(update.topology, update.updates)
        if whole is not None:
            whole = dataclasses.replace(whole, history=self._rings.push(whole.rates, whole.memory.used))
        focus = self.focus if self.focus in update.updates else None
        self.last = ClusterRound(update, whole, findings, focus)
        return self.last

    def show(self, addr: str | None) -> ClusterRound | None:
        """Show this node from now on (None: the whole cluster); the last round seen that way, if any."""
        self.focus = addr
        if self.last is None:
            return None
        self.last = dataclasses.replace(self.last, focus=addr if addr in self.last.round.updates else None)
        return self.last

    def set_interval(self, seconds: float) -> float:
        return self.rounds.set_interval(seconds)

    def set_paused(self, paused: bool) -> None:
        self.rounds.set_paused(paused)

    def refresh_now(self) -> None:
        self.rounds.refresh_now()

    def set_password(self, password: str) -> None:
        self.rounds.set_password(password)


FixedRounds = FixedSource[TopologyUpdate]  # prepared rounds (tests, screenshots)
