"""The app says what happens to a Sentinel group: a toast when the master moves ("master mymaster moved
10.0.0.5:6379 → 10.0.0.6:6379 at 14:02:31, failover took 3.1 s") and when the Sentinels flag it down, once
each. A mixin of `RedisTuiApp`; the failovers stay listed on the topology screen (``o``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redis_tui.core.display import safe_text
from redis_tui.core.topology.source import ClusterRound

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object


class SentinelNotices(_AppBase):
    """Mixed into the app: toasts for a Sentinel group's failovers and master outages."""

    def notice_sentinel(self, cluster: ClusterRound | None) -> None:
        """Toast what is new in this round's Sentinel state (nothing outside a Sentinel group)."""
        state = cluster.round.sentinel if cluster is not None else None
        if state is None:
            return
        told: set[tuple[str, str, float]] | None = getattr(self, "_failovers_told", None)
        if told is None:
            told = set()
            self._failovers_told = told
        for failover in state.failovers:
            key = (failover.old, failover.new, failover.at)
            if key not in told:
                told.add(key)
                self.notify(safe_text(failover.text(), 200), title="Failover", severity="warning", timeout=15,
                            markup=False)
        down = bool(state.master_down_flags) or state.odown_open
        if down and not getattr(self, "_master_down_told", False):
            flags = sorted({f for fs in state.master_down_flags.values() for f in fs}) or ["o_down"]
            self.notify(safe_text(f"master {state.name} at {state.master} is down for the Sentinels "
                                  f"({','.join(flags)})", 200), title="Sentinel", severity="error", timeout=10,
                        markup=False)
        self._master_down_told = down
