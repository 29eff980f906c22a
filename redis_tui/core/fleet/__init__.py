"""Fleets: several independent servers watched at once, each with its own target.

Entry points: ``Member`` (a name and a `Target`), ``FleetPoller`` (one round over every member →
a `TopologyUpdate` of kind ``fleet``), ``FleetSource`` / ``FleetRound`` (what the app reads: the round,
each member's findings, the member shown), ``fleet_rows`` (the overview's rows) and ``FleetOptions``
(the ``[fleet]`` config table). Imports only the core base.
"""

from redis_tui.core.fleet.members import Member, check_members, member_addr
from redis_tui.core.fleet.options import FleetOptions
from redis_tui.core.fleet.poller import FleetPoller
from redis_tui.core.fleet.rows import fleet_rows
from redis_tui.core.fleet.source import FixedFleet, FleetRound, FleetSource

__all__ = ["FixedFleet", "FleetOptions", "FleetPoller", "FleetRound", "FleetSource", "Member", "check_members",
           "fleet_rows", "member_addr"]
