"""The app's fleet actions: open a server's dashboard from the overview, ``esc`` back to the overview,
``n`` the next server, and their palette entries. A mixin of `RedisTuiApp`; off unless the source is a
`FleetSource`.

The dashboard of a member is the one-server dashboard: the app's target, label, connections and
diagnoser become the member's (each member has its own credentials, TLS and database), and its updates
and findings come from the fleet's round. The keys, MONITOR and analyze screens opened on one member
are closed when you leave it (a running MONITOR stops): they never show one server under another's name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SystemCommand
from textual.message import Message
from textual.screen import Screen

from redis_tui.core.connection import Connections
from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.display import safe_text
from redis_tui.core.fleet.members import Member, member_addr
from redis_tui.core.fleet.source import FleetRound, FleetSource
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.insight.registry import INSIGHTS

if TYPE_CHECKING:
    from textual.app import App

    from redis_tui.core.findings import Finding
    from redis_tui.core.models import Outage, Snapshot
    from redis_tui.core.source import SnapshotSource
    from redis_tui.core.target import Target

    _AppBase = App[None]
else:
    _AppBase = object

FLEET_ACTIONS = frozenset({"fleet_overview", "next_server"})
# actions about one server: off on the overview (open a server first)
ONE_SERVER_ACTIONS = frozenset({"troubleshoot", "checklist", "monitor", "keys", "analyze", "replication",
                                "insight_menu", "insight"})
# installed per server: closed when leaving a member
TOOL_SCREENS = ("monitor", "keys", "analyze", *(f"insight-{entry.name}" for entry in INSIGHTS))
# palette entries about one server (left out on the overview)
ONE_SERVER_COMMANDS = ("Dashboard: sort", "Troubleshoot:", "Connection:", "MONITOR:", "Keys:", "Analyze:", "Insight:",
                       "Cluster:", "Replication:")


class FleetUpdated(Message):
    """A new fleet round from the source (a newer one replaces a pending one for the same member shown)."""

    def __init__(self, fleet: FleetRound) -> None:
        super().__init__()
        self.fleet = fleet

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FleetUpdated) and message.fleet.focus == self.fleet.focus


class FleetActions(_AppBase):
    """Mixed into the app: the overview, a member's dashboard, the next member."""

    # the one-server dashboard, pushed above the overview for a member (given by the app: a screen folder
    # never imports another's)
    MEMBER_SCREEN: ClassVar[type[Screen]]
    _member_screen: Screen | None = None  # the dashboard pushed for the member shown
    _fleet_pool: dict[str, Connections] | None = None  # each member's connections, once one was shown
    _fleet_live = False  # the app was given connections (False: fixed data, nothing is sent)

    if TYPE_CHECKING:
        source: SnapshotSource
        fleet: FleetRound | None
        target: Target
        target_label: str
        connections: Connections | None
        diagnoser: Diagnoser
        snapshot: Snapshot | None
        outage: Outage | None
        findings: tuple[Finding, ...]
        monitor_since: float | None
        _offered_panel: bool
        _offered_password: bool
        _opened_on_problem: bool

        def _emit(self, update: Any) -> None: ...

    @property
    def fleet_source(self) -> FleetSource | None:
        """The source when the app watches a fleet."""
        return self.source if isinstance(self.source, FleetSource) else None

    def fleet_current(self, fleet: FleetRound) -> bool:
        """The round was taken for the server shown now (not one left since)."""
        source = self.fleet_source
        return source is None or fleet.focus == source.focus

    def check_fleet_action(self, action: str) -> bool | None:
        """Whether a fleet action (or a one-server action on the overview) may run; None: not ours to say."""
        source = self.fleet_source
        if source is None:
            return False if action in FLEET_ACTIONS else None
        on_member = source.focus is not None
        if action in FLEET_ACTIONS:  # esc: only where the screen has no esc of its own (the dashboard)
            return on_member and not isinstance(self.screen, FleetScreen)
        if action in ONE_SERVER_ACTIONS:
            return on_member
        if action == "topology":
            return False  # a member's topology is that one server: the overview is the fleet's
        return None

    def show_member(self, addr: str) -> None:
        """Open the dashboard of the member at `addr` (from the overview, or from another member's)."""
        source = self.fleet_source
        member = source.member(addr) if source is not None else None
        if source is None or member is None:
            return
        self._back_to(self._member_screen)  # from a screen opened over the last member's dashboard
        if source.focus != addr:
            self._leave_member()
            self._become(member)
        shown = source.show(addr)
        if isinstance(self.screen, FleetScreen):
            self._member_screen = self.MEMBER_SCREEN()
            self.push_screen(self._member_screen)
        if shown is not None:
            self._emit(shown)
        self.refresh_bindings()
        self.notify(f"Dashboard: {safe_text(member.name, 60)} (esc: every server, n: the next)", timeout=3,
                    markup=False)

    def action_fleet_overview(self) -> None:
        """Back to the overview of every server."""
        source = self.fleet_source
        if source is None:
            return
        self._back_to(None)
        self._leave_member()
        self._member_screen = None
        shown = source.show(None)
        if shown is not None:
            self._emit(shown)
        self.refresh_bindings()

    def action_next_server(self) -> None:
        """The dashboard of the next server (in the overview's order; after the last, the first)."""
        source = self.fleet_source
        if source is None or source.focus is None:
            return
        overview = next((s for s in self.screen_stack if isinstance(s, FleetScreen)), None)
        order = (overview.order() if overview is not None else []) or [m.addr for m in source.members]
        index = order.index(source.focus) + 1 if source.focus in order else 0
        self.show_member(order[index % len(order)])

    def fleet_allows(self, command: SystemCommand) -> bool:
        """False for a palette entry about one server while the overview is shown (no server is picked)."""
        source = self.fleet_source
        return source is None or source.focus is not None or not command.title.startswith(ONE_SERVER_COMMANDS)

    def fleet_commands(self) -> Iterator[SystemCommand]:
        """Palette entries: the overview, each server."""
        source = self.fleet_source
        if source is None:
            return
        yield SystemCommand("Fleet: overview", "Every server in one table (esc from a server's dashboard)",
                            self.action_fleet_overview)
        for member in source.members:
            addr = member.addr
            yield SystemCommand(f"Fleet: show {safe_text(member.name, 60)}",
                                f"The dashboard of {safe_text(addr, 60)} (n: the next server)",
                                lambda addr=addr: self.show_member(addr))

    # --- internals ---------------------------------------------------------------------
    def _back_to(self, screen: Screen | None) -> None:
        """Pop the screens above `screen` (None: above the overview)."""
        while (self.screen is not screen and not isinstance(self.screen, FleetScreen)
               and len(self.screen_stack) > 1):
            self.pop_screen()

    def _become(self, member: Member) -> None:
        """The app's one-server state is the member's from now on (nothing of the last one stays on screen)."""
        self.target = member.target
        display = member.target.display()
        self.target_label = display if member.name == member.addr else f"{member.name} {display}"
        self.diagnoser = Diagnoser(member.target, self.diagnoser.limits)
        self.connections = self._member_connections(member)
        self.outage = None
        self.snapshot = None
        self.findings = ()
        self._offered_panel = self._offered_password = self._opened_on_problem = False

    def _member_connections(self, member: Member) -> Connections | None:
        if self._fleet_pool is None:  # the first time: the app's own connections are the first member's
            own = self.connections
            self._fleet_pool = {member_addr(own.target): own} if own is not None else {}
            self._fleet_live = own is not None
        if not self._fleet_live:
            return None  # an app on fixed data sends nothing
        if member.addr not in self._fleet_pool:
            self._fleet_pool[member.addr] = Connections(member.target)
        return self._fleet_pool[member.addr]

    def _leave_member(self) -> None:
        """Close the tool screens opened on the member shown (a running MONITOR ends with its screen), and
        its connections (opened again if it is shown again)."""
        for name in TOOL_SCREENS:
            if not self.is_screen_installed(name):
                continue
            screen = self.get_screen(name)
            if screen in self.screen_stack:
                continue
            self.uninstall_screen(name)
            if screen.is_attached:
                screen.remove()
        self.monitor_since = None
        if self.connections is not None and self.fleet_source is not None and self.fleet_source.focus is not None:
            self.run_worker(self.connections.aclose(), group="fleet-close")

    async def on_unmount(self) -> None:
        """Close every member's connections (the app closes the ones of the member shown)."""
        for connections in (self._fleet_pool or {}).values():
            if connections is not self.connections:
                with contextlib.suppress(Exception):
                    await connections.aclose()
