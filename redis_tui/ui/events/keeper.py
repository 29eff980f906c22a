"""The app keeps the timeline: every update of every node goes through an `EventWatch` into `app.events`;
MONITOR started/stopped by the MONITOR screen too. A new critical finding rings the bell and shows a
notification ([alerts] in the config file). A mixin of `RedisTuiApp`.

The first round is the state at start, not news: its events (the findings already open) are kept in the
log, but only later ones become the dashboard's newest-event line and alert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from redis_tui.core.alerts import AlertOptions
from redis_tui.core.display import safe_text
from redis_tui.core.events import SEVERITIES, Event, EventLog, EventWatch
from redis_tui.core.findings import Finding
from redis_tui.core.fleet.source import FleetRound
from redis_tui.core.models import Outage, Update
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object

LIMIT = 2000  # events kept in memory (the oldest go; the events screen counts them)


class EventKeeper(_AppBase):
    """Mixed into the app: `events`, the newest news (`latest_event`, a var of the app) and the alerts."""

    events: EventLog
    event_watch: EventWatch
    alerts: AlertOptions
    latest_event: Event | None
    event_count: int
    cluster: ClusterRound | None
    clock: Callable[[], float]

    def init_events(self, alerts: AlertOptions, clock: Callable[[], float]) -> None:
        """Called once by the app's constructor."""
        self.events = EventLog(LIMIT)
        self.event_watch = EventWatch(clock)
        self.alerts = alerts
        self._baseline_taken = False

    def keep_events(self, item: Update | ClusterRound | FleetRound, findings: tuple[Finding, ...] = ()) -> None:
        """Turn one update (one server's, with its findings) or one round into events: log, line, alerts."""
        if isinstance(item, FleetRound | ClusterRound):  # findings by member / one tuple naming nodes
            found = self.event_watch.observe_round(item.round, item.findings)
        else:
            found = self.event_watch.observe("", item, findings)
        news = self._baseline_taken
        self._baseline_taken = news or not isinstance(item, Outage)  # one server: from its first answer
        self.add_events(found, news=news)

    def add_events(self, found: list[Event], *, news: bool = True) -> None:
        """Keep `found`; news (not the state at start) becomes the dashboard's line and may alert."""
        if not found:
            return
        self.events.extend(found)
        self.event_count = self.events.total
        if not news:
            return
        self.latest_event = found[-1]
        self._alert([event for event in found if self.alerts.alerting(event)])

    def watch_monitor_since(self, before: float | None, now: float | None) -> None:
        """The MONITOR screen sets `monitor_since` when its stream starts and clears it when it stops."""
        if (before is None) == (now is None):
            return
        fleet = getattr(self, "fleet_source", None)
        focus = self.cluster.focus if self.cluster is not None else fleet.focus if fleet is not None else None
        self.add_events([self.event_watch.monitor(now is not None, focus or "", at=now)])

    def _alert(self, alerting: list[Event]) -> None:
        """One bell and one notification for a poll's alerting findings (a cluster may open several at once)."""
        if not alerting:
            return
        if self.alerts.bell:
            self.bell()
        if self.alerts.notify and not isinstance(self.screen, TroubleshootScreen):  # there: on screen already
            worst = max((e.severity for e in alerting), key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else 0)
            names = [safe_text(f"{e.payload.get('id', '?')}" + (f" on {e.node}" if e.node else ""), 120)
                     for e in alerting[:4]]
            more = [f"and {len(alerting) - 4} more"] if len(alerting) > 4 else []
            title = f"{worst.capitalize()} finding{'s' if len(alerting) > 1 else ''}"
            self.notify("\n".join([*names, *more, "t: troubleshoot"]), title=title,
                        severity="error", timeout=12, markup=False)
