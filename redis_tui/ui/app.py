"""`RedisTuiApp`: holds the latest update from an injected `SnapshotSource` and the controls.

Data flows one way: the source (a worker) posts `Updated` messages; the app stores the
newest `Snapshot`/`Outage` in reactive vars; panes watch those vars and render. No widget
talks to Redis. The screens that do (keys, MONITOR, analyze) get their connections from the
injected `Connections`; an app without it (tests on fixed data) sends nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen

from redis_tui.core.alerts import AlertOptions
from redis_tui.core.connection import Connections
from redis_tui.core.diagnosis.diagnose import Diagnoser
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.events import Event
from redis_tui.core.findings import Finding
from redis_tui.core.fleet.source import FleetRound
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.parse import to_int
from redis_tui.core.record.player import Player
from redis_tui.core.source import SnapshotSource
from redis_tui.core.target import Target
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui import partial_updates
from redis_tui.ui.analyze.screen import AnalyzeScreen
from redis_tui.ui.dashboard.clients import ClientsPane
from redis_tui.ui.dashboard.db_switch import CLUSTER_NOTE, DatabaseDialog
from redis_tui.ui.dashboard.screen import DashboardScreen
from redis_tui.ui.events.keeper import EventKeeper
from redis_tui.ui.fleet.actions import FleetActions, FleetUpdated
from redis_tui.ui.fleet.screen import FleetScreen
from redis_tui.ui.help import HelpScreen
from redis_tui.ui.insight.menu import InsightMenu
from redis_tui.ui.insight.registry import INSIGHTS, insight
from redis_tui.ui.keys.screen import KeysScreen
from redis_tui.ui.monitor.screen import MonitorScreen
from redis_tui.ui.palette import KEPT_FROM_TEXTUAL, RedisTuiCommands
from redis_tui.ui.password import AUTH_PROBLEMS, PasswordDialog
from redis_tui.ui.replay.actions import REPLAY_BINDINGS, ReplayActions
from redis_tui.ui.replication.screen import ReplicationScreen
from redis_tui.ui.topology.actions import CLUSTER_ACTIONS, ClusterActions
from redis_tui.ui.topology.events import SentinelNotices
from redis_tui.ui.troubleshoot.screen import TroubleshootScreen

INTERVALS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
partial_updates.install()  # a refreshed region writes its own cells only (bandwidth over ssh)


class Updated(Message):
    """A new update from the source.

    A newer snapshot replaces a pending snapshot (and an outage a pending outage), so a
    slow screen never works through a backlog; a snapshot is never dropped for an outage,
    so the last good data stays on screen, marked stale.
    """

    def __init__(self, update: Update, findings: tuple[Finding, ...], cluster: ClusterRound | None = None) -> None:
        super().__init__()
        self.update = update
        self.findings = findings
        self.cluster = cluster  # on a cluster: the whole round (`update` is what the dashboard shows)

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Updated) and type(message.update) is type(self.update)


class RedisTuiApp(ReplayActions, EventKeeper, FleetActions, ClusterActions, SentinelNotices, App[None]):
    """The redis-tui dashboard."""

    CSS_PATH = "app.tcss"
    MEMBER_SCREEN = DashboardScreen  # in a fleet: the dashboard of the server picked on the overview
    COMMANDS = {RedisTuiCommands}
    TITLE = "redis-tui"
    # The order is the footer's priority: when the terminal is narrow, keys drop from the end.
    # The tooltip is the longer sentence shown in help (?) and when hovering the footer.
    BINDINGS = [
        *REPLAY_BINDINGS,  # first: in a replay the footer shows them first (elsewhere they are off)
        Binding("question_mark", "help", "Help", key_display="?", tooltip="every key of every screen, and the panes"),
        Binding("escape", "fleet_overview", "Every server", key_display="esc", tooltip="in a fleet: back from a "
                "server's dashboard to the overview of every server"),
        Binding("t", "troubleshoot", "Troubleshoot",
                tooltip="findings: what is wrong, the evidence, what to type (esc: back)"),
        Binding("c", "checklist", "Checklist", tooltip="production readiness: password, persistence, maxmemory, "
                "HA, monitoring, backups"),
        Binding("m", "monitor", "MONITOR", tooltip="live command stream, filters, top commands/prefixes/clients "
                "(s starts it)"),
        Binding("k", "keys", "Keys", tooltip="browse keys (SCAN), namespace tree, a key's type, TTL, memory, value"),
        Binding("a", "analyze", "Analyze", tooltip="keys and bytes by type and prefix, biggest keys, TTLs "
                "(s starts it)"),
        Binding("q", "quit", "Quit", tooltip="leave redis-tui"),
        Binding("p", "pause", "Pause", tooltip="pause / resume polling (a paused dashboard sends nothing)"),
        Binding("r", "refresh", "Refresh", tooltip="poll now, or retry the connection now"),
        Binding("plus,equals_sign", "slower", "Slower", key_display="+",
                tooltip="poll less often (longer interval, up to 60 s)"),
        Binding("minus", "faster", "Faster", key_display="-", tooltip="poll more often (shorter interval, "
                "down to 0.25 s)"),
        Binding("o", "topology", "Topology", tooltip="every node: shards, slots, flags, lag, epoch, figures "
                "(enter: show that node)"),
        Binding("n", "next_node", "Next node", tooltip="on a cluster: the dashboard shows the next node alone "
                "(after the last: the whole cluster)"),
        Binding("w", "whole_cluster", "Whole cluster", show=False, tooltip="on a cluster: the dashboard shows "
                "the totals over the primaries again"),
        Binding("n", "next_server", "Next server", tooltip="in a fleet: the dashboard of the next server (in the "
                "overview's order)"),
        Binding("l", "replication", "Replication", tooltip="masters and replicas: state, link, offset, lag in bytes "
                "and seconds, sync progress, backlog, read-only, serve-stale-data"),
        Binding("K", "kill_client", "Kill client", show=False, tooltip="close the connection of the client "
                "selected in the clients table: CLIENT KILL ID (--write only; asks first, naming the client; on a "
                "cluster sent to the client's node)"),
        Binding("d", "switch_db", "Database", show=False, tooltip="switch to another database (a list of those "
                "with keys and a number; SELECT on our connections, not a write; not on a cluster)"),
        Binding("i", "insight_menu", "Insight", tooltip="the insight screens: " + ", ".join(
                f"{entry.title} ({entry.key})" for entry in INSIGHTS)),
        *(Binding(entry.key, f"insight('{entry.name}')", entry.title, show=False, tooltip=entry.description)
          for entry in INSIGHTS),
    ]

    snapshot: var[Snapshot | None] = var(None, always_update=True)
    outage: var[Outage | None] = var(None)
    paused: var[bool] = var(False)
    interval: var[float] = var(1.0)
    findings: var[tuple[Finding, ...]] = var(())
    monitor_since: var[float | None] = var(None)  # when MONITOR started, while it runs
    cluster: var[ClusterRound | None] = var(None)  # on a cluster: the latest round (None on one server)
    fleet: var[FleetRound | None] = var(None)  # in a fleet: the latest round over every server
    latest_event: var[Event | None] = var(None)  # the newest event since the first poll (the dashboard's line)
    event_count: var[int] = var(0)  # events seen so far (the events screen follows it)

    def __init__(
        self,
        source: SnapshotSource,
        *,
        target: Target,
        connections: Connections | None = None,
        write: bool = False,
        clock: Callable[[], float] = time.time,
        notices: Iterable[str] = (),
        limits: Thresholds = Thresholds(),
        monitor_options: MonitorOptions = MonitorOptions(),
        keyspace: KeyspaceSettings = KeyspaceSettings(),
        monitor_replicas: bool = False,
        sections: Mapping[str, Mapping[str, Any]] | None = None,
        alerts: AlertOptions = AlertOptions(),
        replay: Player | None = None,
    ) -> None:
        super().__init__()
        self.replay = replay  # --replay: the source is a recording played back
        if replay is not None:
            clock = lambda: replay.position  # noqa: E731 - "now" is the moment replayed
            replay.warm = self._warm_rules
            replay.moved = self._replay_moved
        self.source = source
        self.target = target
        self.target_label = target.display()
        self.write = write
        self.clock = clock
        self.notices = tuple(notices)
        self.diagnoser = Diagnoser(target, limits)
        self.interval = source.interval
        self.monitor_options = monitor_options
        self.monitor_replicas = monitor_replicas  # --replicas: on a cluster, MONITOR the replicas too
        self.keyspace = keyspace
        self.sections = sections or {}  # the config file's feature tables ([slowlog]…), checked: insight screens
        self.connections = connections  # None: nothing but the source talks to a server
        self._opened_on_problem = False
        self._offered_panel = False
        self._offered_password = False
        self.init_events(alerts, clock)  # app.events: the timeline of every update (ui/events/keeper.py)

    @property
    def _background_screens(self) -> list[Screen]:
        # Textual 8.2.8 counts the first opaque screen under the current one as visible even when the
        # current one is opaque too: under the MONITOR, keys or analyze screen the dashboard kept painting,
        # and each poll repainted the whole screen on top (MONITOR screen: 54 of 121 KB/s written). An
        # opaque screen hides what is below it; a translucent one (help, dialogs) still shows it.
        stack = self._screen_stack
        if stack and stack[-1].styles.background.a == 1:
            return []
        return super()._background_screens

    def on_mount(self) -> None:
        self.push_screen(FleetScreen() if self.fleet_source is not None else DashboardScreen())
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=8)
        self.run_worker(self.source.run(self._emit), name="source", group="source", exclusive=True)

    def _emit(self, update: Update | ClusterRound | FleetRound) -> None:
        if isinstance(update, FleetRound):  # diagnosed by the source, each server on its own
            self.keep_events(update)
            self.post_message(FleetUpdated(update))
            return
        if isinstance(update, ClusterRound):  # diagnosed by the source, across every node
            self.keep_events(update)
            self.post_message(Updated(update.view, update.findings, update))
            return
        # diagnose every update, even one the screen will skip: "rising" rules need each baseline (and the
        # events each change)
        findings = self.diagnoser.update(update)
        self.keep_events(update, findings)
        self.post_message(Updated(update, findings))

    def on_updated(self, message: Updated) -> None:
        update = message.update
        self.findings = message.findings
        self.cluster = message.cluster
        self.notice_sentinel(message.cluster)  # a Sentinel group's failover: a toast (and on the topology screen)
        if isinstance(update, Outage):
            never_connected = self.snapshot is None
            self.outage = update
            if never_connected and not self._offered_panel and not isinstance(self.screen, TroubleshootScreen):
                # nothing to show on the dashboard yet: open on the explanation (once: a user
                # who closed it is not dragged back on every retry)
                self._opened_on_problem = self._offered_panel = True
                self.push_screen(TroubleshootScreen())
            if update.problem.id in AUTH_PROBLEMS and not self._offered_password:
                self._offered_password = True  # offered once; P on the panel asks again
                self.action_password()
        else:
            self.outage = None
            self.snapshot = update
            if self._opened_on_problem and isinstance(self.screen, TroubleshootScreen):
                self.pop_screen()  # it was opened for us, and the problem is gone
            self._opened_on_problem = False

    def on_fleet_updated(self, message: FleetUpdated) -> None:
        if not self.fleet_current(message.fleet):
            return  # taken while another server was shown: the next round comes within the interval
        self.fleet = message.fleet
        view = message.fleet.view
        if view is not None:  # a server's dashboard is open: it reads that server's update and findings
            self.on_updated(Updated(view, message.fleet.findings.get(message.fleet.focus or "", ())))

    # --- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        """Show the help screen."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_password(self) -> None:
        """Ask for the password (this session only) and reconnect with it."""
        if isinstance(self.screen, PasswordDialog):
            return
        reason = self.outage.problem.summary if self.outage is not None else "password"
        self.push_screen(PasswordDialog(self.target_label, reason, self.target.username), self._use_password)

    def _use_password(self, password: str | None) -> None:
        if not password:
            return
        self.target = dataclasses.replace(self.target, password=password)
        self.target_label = self.target.display()
        if self.connections is not None:
            self.connections.use_password(password)
        self.source.set_password(password)
        self.source.refresh_now()
        self.notify("Reconnecting with the password you typed (kept for this session only)", timeout=4)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        replay = self.check_replay_action(action)
        if replay is not None:
            return replay
        if action == "insight" and parameters == ("events",):
            return True  # the timeline of every server, also on a fleet's overview
        fleet = self.check_fleet_action(action)
        if fleet is not None:
            return fleet
        if action in CLUSTER_ACTIONS:
            return self.cluster is not None
        if action in ("switch_db", "kill_client"):  # from the dashboard only (other screens have their own d)
            return isinstance(self.screen, DashboardScreen)
        if action == "password":  # only offered while the server wants a password
            return self.outage is not None and self.outage.problem.id in AUTH_PROBLEMS
        return True

    def connection_ok(self) -> None:
        """One of our other connections (MONITOR, keys, analyze) reached the server: if the
        dashboard still shows an outage, retry now, so the status line catches up at once."""
        if self.outage is not None and not self.paused:
            self.source.refresh_now()

    def action_kill_client(self) -> None:
        """Close the connection of the client selected in the clients table (--write only, asked first)."""
        self.screen.query_one(ClientsPane).action_kill_client()

    def action_switch_db(self) -> None:
        """Ask which database to look at (not on a cluster: it has one)."""
        if self.cluster is not None or (self.snapshot is not None and self.snapshot.server.mode == "cluster"):
            self.notify(CLUSTER_NOTE, timeout=5)
        elif not isinstance(self.screen, DatabaseDialog):
            snapshot = self.snapshot
            keyspace = snapshot.keyspace if snapshot is not None else ()
            count = to_int(snapshot.config.get("databases"), None) if snapshot is not None else None
            self.push_screen(DatabaseDialog(self.target.db, keyspace, count), self._use_db)

    def _use_db(self, db: int | None) -> None:
        if db is None or db == self.target.db:
            return
        self.target = dataclasses.replace(self.target, db=db)
        self.target_label = self.target.display()
        if self.connections is not None:
            self.connections.use_db(db)
        if self.is_screen_installed("keys"):
            keys = self.get_screen("keys")
            if isinstance(keys, KeysScreen):
                keys.reconnect()
        self.notify(f"Now looking at db{db}", timeout=3)

    def action_pause(self) -> None:
        """Pause or resume polling (in a replay: play or stop)."""
        if self.replay is not None:
            self.action_replay_play()
            return
        self.paused = not self.paused
        self.source.set_paused(self.paused)
        self.notify("Polling paused: press p to resume" if self.paused else "Polling resumed", timeout=2)

    def action_refresh(self) -> None:
        """Poll now (or retry the connection now)."""
        self.source.refresh_now()

    def action_slower(self) -> None:
        """Poll less often."""
        self._set_interval(next((i for i in INTERVALS if i > self.interval), INTERVALS[-1]))

    def action_faster(self) -> None:
        """Poll more often."""
        self._set_interval(next((i for i in reversed(INTERVALS) if i < self.interval), INTERVALS[0]))

    def action_troubleshoot(self) -> None:
        """Open the troubleshooting panel (findings)."""
        self._opened_on_problem = False
        if not isinstance(self.screen, TroubleshootScreen):
            self.push_screen(TroubleshootScreen())

    def action_checklist(self) -> None:
        """Open the production-readiness checklist."""
        self.action_troubleshoot()
        screen = self.screen
        if isinstance(screen, TroubleshootScreen):
            screen.call_after_refresh(screen.action_show_tab, "checklist")

    def action_monitor(self) -> None:
        """Open the MONITOR screen (it keeps its stream while you look elsewhere)."""
        if self.live_only("monitor"):
            return
        if not self.is_screen_installed("monitor"):
            target = self.connections.target if self.connections is not None else None
            self.install_screen(MonitorScreen(self.monitor_options, target, clock=self.clock,
                                              replicas=self.monitor_replicas), "monitor")
        if self.screen is not self.get_screen("monitor"):
            self.push_screen("monitor")

    def action_keys(self) -> None:
        """Open the keys screen (it keeps its list and tree while you look elsewhere)."""
        if self.live_only("keys"):
            return
        self._show_installed("keys", lambda: KeysScreen(self.keyspace, self.connections, write=self.write,
                                                        clock=self.clock))

    def action_analyze(self) -> None:
        """Open the analyze screen (it starts on a key press: analyze loads the server)."""
        if self.live_only("analyze"):
            return
        self._show_installed("analyze", lambda: AnalyzeScreen(self.keyspace, self.connections))

    def action_replication(self) -> None:
        """Open the replication screen (masters, replicas, lag, backlog)."""
        if not isinstance(self.screen, ReplicationScreen):
            self.push_screen(ReplicationScreen())

    def action_insight_menu(self) -> None:
        """Open the menu of insight screens."""
        if not isinstance(self.screen, InsightMenu):
            self.push_screen(InsightMenu(), lambda name: self.action_insight(name) if name else None)

    def action_insight(self, name: str) -> None:
        """Open the insight screen called `name` (it reads only while it is open)."""
        entry = insight(name)
        if entry is not None:
            self._show_installed(f"insight-{name}", entry.make)

    def _warm_rules(self, updates: list[Update]) -> None:
        """A replay jumped: the rules start again on the window before the new position."""
        self.diagnoser = Diagnoser(self.target, self.diagnoser.limits)
        for update in updates:
            self.diagnoser.update(update)

    def _replay_moved(self) -> None:
        for timeline in self.screen.query("Timeline"):
            timeline.refresh()
        self.replay_events()

    def _show_installed(self, name: str, make: Callable[[], Screen]) -> None:
        if not self.is_screen_installed(name):
            self.install_screen(make(), name)
        if self.screen is not self.get_screen(name):
            self.push_screen(name)

    async def on_unmount(self) -> None:
        if self.connections is not None:
            await self.connections.aclose()

    def _set_interval(self, seconds: float) -> None:
        self.interval = self.source.set_interval(seconds)
        self.notify(f"Polling every {self.interval:g} s", timeout=2)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return filter(self.fleet_allows, self._system_commands(screen))

    def _system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from self.replay_commands()
        yield SystemCommand("Dashboard: pause / resume polling", "Stop or restart polling the server (p)",
                            self.action_pause)
        yield SystemCommand("Dashboard: refresh now", "Poll the server now, or retry the connection (r)",
                            self.action_refresh)
        yield SystemCommand("Dashboard: poll slower", "Lengthen the polling interval (+)", self.action_slower)
        yield SystemCommand("Dashboard: poll faster", "Shorten the polling interval (-)", self.action_faster)
        if isinstance(screen, DashboardScreen):
            yield SystemCommand("Dashboard: sort clients", "Sort the clients table by the next column (s)",
                                screen.action_sort_clients)
            yield SystemCommand("Dashboard: group clients", "Clients by name, host, user, flag, idle time (g)",
                                screen.action_group_clients)
        if isinstance(screen, DashboardScreen):
            yield SystemCommand("Dashboard: switch database", "Look at another database: keys, analyze (d)",
                                self.action_switch_db)
        yield SystemCommand("Troubleshoot: findings", "What is wrong, the evidence, what to type (t)",
                            self.action_troubleshoot)
        yield SystemCommand("Troubleshoot: production checklist",
                            "Password, persistence, maxmemory, HA, monitoring, backups (c)", self.action_checklist)
        if self.outage is not None and self.outage.problem.id in ("auth-required", "auth-failed"):
            yield SystemCommand("Connection: enter the password", "Used for this session only, never stored (P)",
                                self.action_password)
        yield SystemCommand("MONITOR: live command stream",
                            "What is hitting the server right now, filtered, with top tables (m)", self.action_monitor)
        yield SystemCommand("Keys: browse keys", "Key list, namespace tree, a key's value; filter by glob and type (k)",
                            self.action_keys)
        yield SystemCommand("Analyze: keyspace report", "Keys and bytes by type and prefix, biggest keys, TTLs (a)",
                            self.action_analyze)
        yield SystemCommand("Replication: masters and replicas", "State, link, offset, lag, sync, backlog (l)",
                            self.action_replication)
        for entry in INSIGHTS:
            yield SystemCommand(f"Insight: {entry.title}", f"{entry.description} ({entry.key})",
                                lambda name=entry.name: self.action_insight(name))
        yield from self.cluster_commands()
        yield from self.fleet_commands()
        yield SystemCommand("Help: every key", "Keys of every screen and what each pane shows (?)", self.action_help)
        yield SystemCommand("Quit redis-tui", "Leave the app (q)", self.action_quit)
        for command in super().get_system_commands(screen):
            if command.title in KEPT_FROM_TEXTUAL:
                yield command

    def on_resize(self) -> None:
        self.set_class(self.size.height >= 34, "-tall")
        self.set_class(self.size.width >= 120, "-wide")
