"""A Sentinel group as redis-tui sees it: what each Sentinel says, the events they publish, the failovers.

The values `core.sentinel` produces on every round (`TopologyUpdate.sentinel`) and the diagnosis
and the screens read. Frozen, like `Snapshot`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

MASTER_DOWN_FLAGS = frozenset({"s_down", "o_down"})


@dataclass(frozen=True)
class SentinelView:
    """One Sentinel this round: whether it answered, and what it says about the master."""

    addr: str
    reachable: bool
    error: str = ""  # why it did not answer (a problem id and summary)
    master: str | None = None  # where it says the master is ("host:port")
    master_flags: frozenset[str] = frozenset()  # master, s_down, o_down, failover_in_progress…
    quorum: int | None = None
    replicas: int | None = None  # num-slaves
    other_sentinels: int | None = None  # num-other-sentinels
    ckquorum: str = ""  # the CKQUORUM reply (OK … / NOQUORUM …), "" when not asked
    ckquorum_ok: bool | None = None
    tilt: bool = False
    rtt_ms: float | None = None  # how long its answers took this round
    last_ok: float | None = None  # wall clock of its last answer (this round or before)
    configured: bool = False  # named on the command line / in the config (not only discovered)
    flags: frozenset[str] = frozenset()  # how the other Sentinels flag it (s_down, disconnected…)


@dataclass(frozen=True)
class SentinelEvent:
    """One message a Sentinel published (``+sdown``, ``+switch-master``…), as received."""

    at: float  # wall clock when we received it
    sentinel: str  # which Sentinel published it
    kind: str  # the channel: +sdown, -odown, +switch-master…
    text: str  # the payload as sent

    def line(self) -> str:
        """``14:02:31 127.0.0.1:26379 +sdown master mymaster 10.0.0.5 6379``."""
        return f"{clock_time(self.at)} {self.sentinel} {self.kind} {self.text}"


@dataclass(frozen=True)
class Failover:
    """The master of `name` moved from `old` to `new`: when, and how long the failover took."""

    name: str
    old: str
    new: str
    at: float  # wall clock of the switch (+switch-master, else when it was confirmed)
    took_s: float | None = None  # from the failover's start (+sdown/+odown/+try-failover) to the switch
    confirmed_by: int = 0  # Sentinels that named `new` when it was confirmed

    def text(self) -> str:
        """``master mymaster moved 10.0.0.5:6379 → 10.0.0.6:6379 at 14:02:31, failover took 3.1 s``."""
        took = f"failover took {self.took_s:.1f} s" if self.took_s is not None else "failover start not seen"
        return f"master {self.name} moved {self.old} → {self.new} at {clock_time(self.at)}, {took}"


@dataclass(frozen=True)
class SentinelState:
    """The group this round: its master, every Sentinel's view, recent events and the failovers seen."""

    name: str  # the master's name (``mymaster``)
    master: str | None = None  # the current master ("host:port"), as confirmed
    sentinels: tuple[SentinelView, ...] = ()
    quorum: int | None = None
    events: tuple[SentinelEvent, ...] = ()  # the most recent, oldest first
    failovers: tuple[Failover, ...] = ()  # every switch seen since start (the last few), oldest first
    odown_open: bool = False  # a Sentinel published +odown for the master and no -odown since
    pending: str | None = None  # a new master named by +switch-master, not confirmed yet
    other_masters: tuple[str, ...] = ()  # other names the Sentinels monitor (not watched)

    @property
    def reachable(self) -> tuple[SentinelView, ...]:
        """The Sentinels that answered this round."""
        return tuple(s for s in self.sentinels if s.reachable)

    @property
    def majority(self) -> int:
        """How many Sentinels make a majority of those known."""
        return len(self.sentinels) // 2 + 1

    @property
    def master_down_flags(self) -> dict[str, frozenset[str]]:
        """{sentinel: its s_down/o_down flags on the master}, for those that flag it down."""
        return {s.addr: s.master_flags & MASTER_DOWN_FLAGS for s in self.reachable
                if s.master_flags & MASTER_DOWN_FLAGS}

    def view(self, addr: str) -> SentinelView | None:
        """The Sentinel at `addr`, if known."""
        return next((s for s in self.sentinels if s.addr == addr), None)


def clock_time(at: float) -> str:
    """``14:02:31`` in local time."""
    return time.strftime("%H:%M:%S", time.localtime(at))
