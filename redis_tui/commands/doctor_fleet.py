"""``redis-tui doctor`` on a fleet (several targets): every target checked at once, one report each.

Each target is examined as it would be alone (a cluster node: its whole cluster, unless --node-only),
concurrently, within the same ``--timeout``. ``--json`` prints ``{"status": "<worst>", "targets":
[<one single-target object per target, plus its "name">]}``; the text groups the findings by target. The
worst status, and the exit code, ranks CRITICAL over UNKNOWN over WARNING over OK (a target that could
not be checked is worse than a warning, a critical finding is worse than a target we could not check).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from redis_tui.core.findings import Status
from redis_tui.core.fleet.members import Member
from redis_tui.core.target import Target, scrub

WORST_LAST = (Status.OK, Status.WARNING, Status.UNKNOWN, Status.CRITICAL)


@dataclasses.dataclass(frozen=True)
class FleetReport:
    """One doctor report per member, and the worst of their statuses."""

    members: tuple[Member, ...]
    reports: tuple[Any, ...]  # doctor.Report, one per member

    @property
    def status(self) -> str:
        """The worst status of the targets (CRITICAL > UNKNOWN > WARNING > OK)."""
        return max((r.status for r in self.reports), key=WORST_LAST.index, default=Status.UNKNOWN)

    def to_dict(self, with_checklist: bool = False) -> dict[str, Any]:
        """``{"status", "targets": [{"name", "status", "target", "findings", …}]}``."""
        targets = [{"name": m.name, **r.to_dict(with_checklist)} for m, r in zip(self.members, self.reports,
                                                                                   strict=True)]
        return {"status": self.status, "targets": targets}


async def examine_fleet(members: Sequence[Member], examine: Callable[[Target], Awaitable[Any]],
                        failed: Callable[[Target, str], Any]) -> FleetReport:
    """Every member examined at once (`examine`: one target's report); a check that itself fails is that
    member's UNKNOWN report (`failed`), never the others'."""
    answers = await asyncio.gather(*(examine(m.target) for m in members), return_exceptions=True)
    reports = []
    for member, answer in zip(members, answers, strict=True):
        if isinstance(answer, BaseException):
            if not isinstance(answer, Exception):
                raise answer
            message = scrub(f"{type(answer).__name__}: {answer}", member.target.secrets)
            answer = failed(member.target, f"internal error: {message}")
        reports.append(answer)
    return FleetReport(tuple(members), tuple(reports))


def render_fleet_text(fleet: FleetReport, render: Callable[[Any], str]) -> str:
    """The head line (worst status, how many targets in each), then each target's report under its name."""
    tally = {s: sum(1 for r in fleet.reports if r.status == s) for s in reversed(WORST_LAST)}
    parts = [f"{n} {s}" for s, n in tally.items() if n]
    out = [f"{fleet.status}: fleet of {len(fleet.members)} targets - {', '.join(parts)}"]
    for member, report in zip(fleet.members, fleet.reports, strict=True):
        out += ["", f"== {member.name} ==", render(report)]
    return "\n".join(out)
