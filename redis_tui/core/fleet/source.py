"""The app's source for a fleet: `FleetPoller` rounds → `FleetRound`s.

Each round every member's update goes through the member's own diagnoser (injected: the fleet
package does not import the diagnosis; each member is diagnosed as the single server it is, with
hints for its own address and user). A `FleetRound` holds the whole round, each member's findings,
and the member the dashboard shows (`show`), if any: the overview reads the round, the dashboard
the focused member's update and findings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from redis_tui.core.findings import Finding, ordered, status_of
from redis_tui.core.fleet.members import Member
from redis_tui.core.fleet.poller import FleetPoller
from redis_tui.core.models import Snapshot, Update
from redis_tui.core.nodes import DOWN, TopologyUpdate
from redis_tui.core.source import FixedSource, RoundSource
from redis_tui.core.target import Target


@dataclass(frozen=True)
class FleetRound:
    """One round over the fleet, as the app needs it."""

    round: TopologyUpdate
    findings: Mapping[str, tuple[Finding, ...]]  # member addr → its findings (no ``node``: each is one server)
    focus: str | None = None  # the member the dashboard shows; None: the overview

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", MappingProxyType(dict(self.findings)))

    @property
    def view(self) -> Update | None:
        """The focused member's Snapshot or Outage (None on the overview)."""
        return self.round.updates.get(self.focus) if self.focus is not None else None

    def status(self, addr: str) -> str:
        """OK / WARNING / CRITICAL from the member's findings; DOWN when it did not answer."""
        if not isinstance(self.round.updates.get(addr), Snapshot):
            return DOWN
        return status_of(self.findings.get(addr, ()))

    @property
    def up(self) -> int:
        """Members that answered this round."""
        return sum(1 for u in self.round.updates.values() if isinstance(u, Snapshot))

    @property
    def tagged(self) -> tuple[Finding, ...]:
        """Every member's findings, each naming its member (``node``), most severe first."""
        return ordered(dataclasses.replace(f, node=addr) for addr, found in self.findings.items() for f in found)


class MemberDiagnoser(Protocol):
    """Turns one server's updates into findings (`core.diagnosis.Diagnoser`, made per member by the caller)."""

    def update(self, update: Update) -> tuple[Finding, ...]: ...


class FleetSource:
    """A `SnapshotSource` whose updates are `FleetRound`s (the app tells them apart)."""

    def __init__(self, rounds: RoundSource, members: Iterable[Member],
                 diagnoser: Callable[[Target], MemberDiagnoser]) -> None:
        self.rounds = rounds
        self.members = tuple(members)
        self.focus: str | None = None
        self.last: FleetRound | None = None
        self._diagnosers = {m.addr: diagnoser(m.target) for m in self.members}

    @property
    def interval(self) -> float:
        return self.rounds.interval

    @property
    def paused(self) -> bool:
        return self.rounds.paused

    def member(self, addr: str) -> Member | None:
        """The member at `addr`."""
        return next((m for m in self.members if m.addr == addr), None)

    async def run(self, emit: Callable[[FleetRound], None]) -> None:
        """Run the rounds until cancelled, calling `emit` with each `FleetRound`."""
        await self.rounds.run(lambda update: emit(self.take(update)))

    def take(self, update: TopologyUpdate) -> FleetRound:
        """Diagnose every member's answer (every round, so "rising" rules see each)."""
        findings = {}
        for addr, answer in update.updates.items():
            diagnoser = self._diagnosers.get(addr)
            if diagnoser is not None:
                findings[addr] = diagnoser.update(answer)
        focus = self.focus if self.focus in update.updates else None
        self.last = FleetRound(update, findings, focus)
        return self.last

    def show(self, addr: str | None) -> FleetRound | None:
        """Show this member from now on (None: the overview); the last round seen that way, if any."""
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
        """The member shown logs in with this password from now on (the others keep theirs)."""
        if isinstance(self.rounds, FleetPoller):
            if self.focus is not None:
                self.rounds.set_member_password(self.focus, password)
        else:
            self.rounds.set_password(password)


FixedFleet = FixedSource[TopologyUpdate]  # prepared fleet rounds (tests, screenshots)
