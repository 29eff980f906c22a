"""What a rule looks at: the latest snapshot, an earlier one, the thresholds, the target.

Rules are pure functions ``rule(Situation) -> Finding | None``; `Situation` gives them the
deltas they need ("rising" means: went up between `before` and `now`) and one way to build
a finding with its hints filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from redis_tui.core.diagnosis import hints
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.findings import Finding, Severity
from redis_tui.core.format import human_duration
from redis_tui.core.models import Snapshot
from redis_tui.core.parse import parse_fields, to_int
from redis_tui.core.rates import counter, restarted
from redis_tui.core.target import Target

MB = 1024 * 1024


@dataclass(frozen=True)
class Situation:
    """The inputs of every rule."""

    now: Snapshot
    before: Snapshot | None = None
    limits: Thresholds = Thresholds()
    target: Target = Target()
    ctx: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, now: Snapshot, before: Snapshot | None, limits: Thresholds, target: Target) -> Situation:
        """A situation with the hint context filled from the target and the server."""
        if before is not None and (before.taken_at >= now.taken_at or restarted(now.info, before.info)):
            before = None  # no usable baseline: a restart or an out-of-order snapshot
        ctx = hints.context(target, now.server.kind, now.server.config_file)
        return cls(now, before, limits, target, ctx)

    @property
    def window_s(self) -> float:
        """Seconds between `before` and `now` (0 without a baseline)."""
        return self.now.taken_at - self.before.taken_at if self.before else 0.0

    @property
    def window(self) -> str:
        """The window in words: ``the last 60s``."""
        return f"the last {human_duration(self.window_s)}"

    def value(self, section: str, name: str, default: str = "") -> str:
        """A raw INFO field of `now`."""
        return self.now.info.get(section, {}).get(name, default)

    def number(self, section: str, name: str, default: int = 0) -> int:
        """An INFO field of `now` as an int."""
        return to_int(self.value(section, name), default)

    def increase(self, section: str, name: str) -> int | None:
        """How much a counter grew since `before`; None without a baseline or the counter."""
        if self.before is None:
            return None
        now, then = counter(self.now.info, section, name), counter(self.before.info, section, name)
        if now is None:
            return None
        return max(0, now - (then or 0))

    def errors(self, snapshot: Snapshot | None, prefix: str) -> int | None:
        """errorstat_<PREFIX> count in `snapshot` (0 when the server has none yet)."""
        if snapshot is None or "errorstats" not in snapshot.info:
            return None
        value = snapshot.info["errorstats"].get(f"errorstat_{prefix}", "count=0")
        return to_int(parse_fields(value).get("count"))

    def server_time(self) -> float:
        """Now on the server's clock (INFO server_time_usec), else our clock at the poll."""
        usec = self.number("server", "server_time_usec")
        return usec / 1e6 if usec > 0 else self.now.taken_at

    def saved_since_start(self) -> bool | None:
        """Whether an RDB save succeeded since the server started (None when INFO cannot tell).

        ``rdb_last_save_time`` is set to the start time when the server starts, so it alone
        cannot tell; ``rdb_saves`` (Redis 7+, Valkey) counts the saves since the start.
        """
        saves = self.value("persistence", "rdb_saves")
        if saves:
            return to_int(saves) > 0
        last = self.number("persistence", "rdb_last_save_time")
        uptime = self.value("server", "uptime_in_seconds")
        if not last or not uptime:
            return None
        return last > self.server_time() - to_int(uptime) + 2  # a save after the start, not the start itself

    def config(self, name: str) -> str | None:
        """A CONFIG GET value, None when CONFIG was not read (not permitted or not yet)."""
        return self.now.config.get(name) if self.now.config else None

    def finding(
        self,
        finding_id: str,
        severity: Severity,
        evidence: Mapping[str, Any],
        detail: str,
        values: Mapping[str, Any] | None = None,
        cases: tuple[str, ...] = (),
    ) -> Finding:
        """A finding whose title and hints are filled from the target and `values`."""
        title, steps = hints.render(finding_id, {**self.ctx, **dict(evidence), **(values or {})}, cases)
        return Finding(finding_id, severity, title, evidence, steps, detail)
