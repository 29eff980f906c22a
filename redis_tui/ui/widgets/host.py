"""What screens and widgets read from the app, typed: `host(self).snapshot` instead of an
untyped `self.app.snapshot` (Textual types `Widget.app` as a plain `App`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from textual.dom import DOMNode

from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.events import Event, EventLog
from redis_tui.core.findings import Finding
from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.target import Target
from redis_tui.core.topology.source import ClusterRound


class Host(Protocol):
    """The app's shared state (see `RedisTuiApp`): the latest poll, the controls, the target."""

    snapshot: Snapshot | None
    outage: Outage | None
    paused: bool
    interval: float
    findings: tuple[Finding, ...]
    monitor_since: float | None  # when MONITOR started, while it runs
    target: Target
    target_label: str
    write: bool
    clock: Callable[[], float]
    diagnoser: Diagnoser
    cluster: ClusterRound | None  # on a cluster: the latest round (None on one server)
    events: EventLog  # the timeline since start (every node), newest last
    latest_event: Event | None  # the newest event after the first poll (the dashboard's line)
    event_count: int  # events seen so far, including those dropped for room

    def connection_ok(self) -> None:
        """Another of our connections reached the server (the dashboard retries now)."""

    def show_node(self, addr: str | None) -> None:
        """On a cluster: show one node on the dashboard (None: the whole cluster)."""

    def open_topology(self, select: str | None = None) -> None:
        """Open the topology screen, with the node at `select` selected."""


def host(node: DOMNode) -> Host:
    """The app `node` runs in, as the `Host` it is."""
    return cast(Host, node.app)
