"""Diagnosis: snapshots and classified errors → findings, most severe first.

Everything here is pure except `Diagnoser`, a small helper that keeps the last
`window_s` seconds of snapshots so that "rising" rules compare with a baseline:

    diagnoser = Diagnoser(settings.target, Thresholds.from_section(settings.section("thresholds")))
    findings = diagnoser.update(update)   # on every Snapshot or Outage from the poller
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable

from redis_tui.core.diagnosis import hints, permissions
from redis_tui.core.diagnosis.rules import STATE_RULES, Rule
from redis_tui.core.diagnosis.situation import Situation
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.display import safe_text
from redis_tui.core.findings import CRITICAL, Finding, ordered
from redis_tui.core.models import Outage, Problem, Snapshot, Update
from redis_tui.core.target import Target


def diagnose(
    now: Snapshot,
    before: Snapshot | None = None,
    limits: Thresholds = Thresholds(),
    target: Target = Target(),
    rules: Iterable[Rule] = STATE_RULES,
) -> tuple[Finding, ...]:
    """Findings for the server state in `now`; `before` (an earlier snapshot) lets rules see change."""
    situation = Situation.of(now, before, limits, target)
    return ordered(f for f in (rule(situation) for rule in rules) if f is not None)


def diagnose_problem(problem: Problem, target: Target = Target()) -> tuple[Finding, ...]:
    """The finding for a server that could not be reached or answered with an error (critical)."""
    finding_id = problem.id if problem.id in hints.HINTS else "connection-error"
    denied = permissions.denied_command(problem.detail)
    ctx = {**hints.context(target), "command": _command_in(problem.detail),
           **permissions.hint_values([denied] if denied else [])}
    title, steps = hints.render(finding_id, ctx, (problem.cause,) if problem.cause else ())
    evidence = {"error": problem.detail, "address": target.address, **dict(problem.evidence)}
    if problem.cause:
        evidence["cause"] = problem.cause
    return (Finding(finding_id, CRITICAL, title, evidence, steps, safe_text(problem.detail, 240) or problem.summary),)


class Diagnoser:
    """Feeds each poller update through the rules with a baseline from about `window_s` ago."""

    def __init__(self, target: Target, limits: Thresholds = Thresholds()) -> None:
        self.target = target
        self.limits = limits
        self._recent: deque[Snapshot] = deque()
        self.findings: tuple[Finding, ...] = ()

    def update(self, update: Update) -> tuple[Finding, ...]:
        """Findings for this update (also kept in `findings`)."""
        if isinstance(update, Outage):
            self._recent.clear()  # counters after an outage may come from a restarted server
            self.findings = diagnose_problem(update.problem, self.target)
            return self.findings
        while self._recent and update.taken_at - self._recent[0].taken_at > self.limits.window_s:
            self._recent.popleft()
        before = self._recent[0] if self._recent else None
        # a baseline is read for its counters: without its client list (10,000 clients are ~3 MB,
        # and a minute of baselines would hold a dozen of them)
        self._recent.append(dataclasses.replace(update, client_list=None) if update.client_list else update)
        self.findings = diagnose(update, before, self.limits, self.target)
        return self.findings


def _command_in(detail: str) -> str:
    words = detail.replace("'", " ").split()
    for i, word in enumerate(words[:-1]):
        if word.lower() == "command":
            return words[i + 1].upper()
    return "a command"
