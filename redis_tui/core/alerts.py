"""The ``[alerts]`` config table: what the TUI does when a finding turns critical (see config.example.toml).

A finding that opens, or changes to, at least `min_severity` rings the terminal bell (`bell`) and shows a
notification naming it (`notify`). `alerting` says whether an event is one of those.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis_tui.core.events import FINDING_CHANGED, FINDING_OPENED, SEVERITIES, Event, at_least
from redis_tui.core.options import FLAG, Options, option, text


@dataclass(frozen=True)
class AlertOptions(Options):
    """Every field is an ``[alerts]`` key."""

    bell: bool = option(True, FLAG, "ring the terminal bell when a finding opens or worsens to min_severity")
    notify: bool = option(True, FLAG, "show a notification naming the finding (t: troubleshoot)")
    min_severity: str = option("critical", text('"critical", "warning" or "info"', lambda v: v in SEVERITIES),
                               "the least severe finding that alerts")

    def alerting(self, event: Event) -> bool:
        """True for a finding that opened or changed to `min_severity` or worse (an improvement never alerts)."""
        if event.kind == FINDING_CHANGED:
            old = str(event.payload.get("old_severity", "info"))
            return at_least(event.severity, self.min_severity) and not at_least(old, event.severity)
        return event.kind == FINDING_OPENED and at_least(event.severity, self.min_severity)
