"""A fleet in the app: the overview of every server (`FleetScreen`), its status line, and the app's fleet
actions (a server's dashboard, back to the overview, the next server)."""

from redis_tui.ui.fleet.screen import FleetScreen

__all__ = ["FleetScreen"]
