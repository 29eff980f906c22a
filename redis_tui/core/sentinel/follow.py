"""Which server is the master, and when it moved: `MasterTracker`. Pure (no I/O): fed events and answers.

Each Sentinel votes for the master it names last — in its ``SENTINEL MASTER`` answer, or in a
``+switch-master`` it published later. A new master counts once a majority of the known Sentinels
vote for it and ``ROLE`` on it says ``master`` (the caller asks, then calls `confirm`): a Sentinel
that comes back with an old configuration may republish a stale ``+switch-master``, and one
vote moves nothing.

A failover's duration runs from the first sign of it — ``+sdown`` / ``+odown`` on the master, or
``+try-failover`` — to the ``+switch-master`` that names the new master (or, when that event was
missed, to the round that confirmed it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from redis_tui.core.sentinel.parse import about_master, is_master_instance, switch_of
from redis_tui.core.sentinel_state import Failover, SentinelEvent

START_KINDS = frozenset({"+sdown", "+odown", "+try-failover"})
ABORT_KINDS = frozenset({"-failover-abort-not-elected", "-failover-abort-no-good-slave", "+failover-end-for-timeout"})
STALE_PENDING_S = 60.0  # a +switch-master no majority followed is forgotten after this long


class MasterTracker:
    """The confirmed master of `name`, the votes for it, and the failovers seen."""

    def __init__(self, name: str, keep: int = 20) -> None:
        self.name = name
        self.master: str | None = None
        self.failovers: deque[Failover] = deque(maxlen=keep)
        self.odown_open = False
        self.pending: tuple[str, float] | None = None  # (new master, when) from +switch-master, not confirmed
        self._started: float | None = None  # when the current failover episode began
        self._trying = False  # a +try-failover is under way (Valkey says -sdown in the middle of a manual one)
        self._votes: dict[str, tuple[str, float]] = {}  # sentinel → (master it names, as of when)

    def event(self, event: SentinelEvent) -> bool:
        """Take one published event; True when it announced a new master (worth a poll now)."""
        about = about_master(event.text)
        if about is None or about[0] != self.name:
            return False
        if event.kind == "+switch-master":
            switch = switch_of(event.text)
            if switch is None:
                return False
            self._vote(event.sentinel, switch[2], event.at)
            if switch[2] != self.master and (self.pending is None or self.pending[0] != switch[2]):
                self.pending = (switch[2], event.at)
            return switch[2] != self.master
        if not is_master_instance(event.text) or about[1] != self.master:
            return False  # about a replica or a Sentinel of the group, or about a master we no longer follow
        if event.kind in START_KINDS and self._started is None:
            self._started = event.at
        if event.kind == "+try-failover":
            self._trying = True
        elif event.kind in ABORT_KINDS:
            self._trying, self._started = False, None
        if event.kind == "+odown":
            self.odown_open = True
        elif event.kind == "-odown":
            self.odown_open = False
        if event.kind in ("-sdown", "-odown") and self.pending is None and not self._trying:
            self._started = None  # the master is back without a failover: that episode is over
        return event.kind == "+odown"

    def answers(self, named: Mapping[str, str], at: float) -> None:
        """This round's ``SENTINEL MASTER`` answers: {sentinel: the master it names}."""
        for sentinel, master in named.items():
            self._vote(sentinel, master, at)

    def _vote(self, sentinel: str, master: str, at: float) -> None:
        before = self._votes.get(sentinel)
        if before is None or at >= before[1]:
            self._votes[sentinel] = (master, at)

    def forget(self, sentinel: str) -> None:
        """A Sentinel that no longer answers keeps no vote."""
        self._votes.pop(sentinel, None)

    def tally(self) -> dict[str, int]:
        """{master: how many Sentinels name it}."""
        out: dict[str, int] = {}
        for master, _at in self._votes.values():
            out[master] = out.get(master, 0) + 1
        return out

    def candidate(self, known: int) -> tuple[str, int] | None:
        """A master other than the current one that a majority of the `known` Sentinels names, with its votes;
        at the start (no master yet) the most named one."""
        tally = self.tally()
        if not tally:
            return None
        best = max(sorted(tally), key=lambda addr: tally[addr])
        if self.master is None:
            return best, tally[best]
        if best != self.master and tally[best] >= known // 2 + 1:
            return best, tally[best]
        return None

    def confirm(self, new: str, votes: int, now: float) -> Failover | None:
        """`new` is the master (ROLE said so): a `Failover` when it replaces another."""
        old, self.master = self.master, new
        if old is None or old == new:
            return None
        at = self.pending[1] if self.pending is not None and self.pending[0] == new else now
        took = at - self._started if self._started is not None and self._started <= at else None
        failover = Failover(self.name, old, new, at, took, votes)
        self.failovers.append(failover)
        self.pending, self._started, self.odown_open, self._trying = None, None, False, False
        return failover

    def expire(self, now: float) -> None:
        """Forget a +switch-master that no majority followed for `STALE_PENDING_S`."""
        if self.pending is not None and (self.pending[0] == self.master or now - self.pending[1] > STALE_PENDING_S):
            self.pending = None
