"""What the fleet screens read from the app, typed (as `ui.widgets.host` does for one server)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from textual.dom import DOMNode

from redis_tui.core.fleet.source import FleetRound


class FleetHost(Protocol):
    """The app's fleet state: the latest round, the controls it shows."""

    fleet: FleetRound | None
    paused: bool
    interval: float
    write: bool
    clock: Callable[[], float]

    def show_member(self, addr: str) -> None:
        """Open the dashboard of the member at `addr`."""


def fleet_host(node: DOMNode) -> FleetHost:
    """The app `node` runs in, as the `FleetHost` it is."""
    return cast(FleetHost, node.app)
