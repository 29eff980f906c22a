"""Run the dashboard against a live server (the Poller is the snapshot source; on a cluster, a
`ClusterSource` over the `ClusterPoller`: every node; on a Sentinel group, a `ClusterSource` over the
`SentinelPoller`: the Sentinels, the master and its replicas)."""

from __future__ import annotations

import asyncio
import dataclasses
import sys

from redis_tui.core.alerts import AlertOptions
from redis_tui.core.connection import Connections
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.poller import Poller
from redis_tui.core.target import Target
from redis_tui.crash import report_crash
from redis_tui.settings import Settings


def make_app(settings: Settings, notices: tuple[str, ...] = (), cluster: bool = False, replicas: bool = False,
             sentinel: bool = False):
    """The app wired to a live poller for `settings.target` (every node of its cluster with `cluster`, every
    member of its Sentinel group with `sentinel`), and its connections for the other screens; `replicas`: the
    MONITOR screen watches replicas too."""
    from redis_tui.ui.app import RedisTuiApp

    limits = Thresholds.from_section(settings.section("thresholds"))
    poller = sentinel_source(settings, limits) if sentinel else cluster_source(settings, limits) if cluster else Poller(
        settings.target,
        interval=settings.interval,
        client_list_every=settings.client_list_interval,
        client_list_max_every=settings.client_list_max_interval,
        config_every=settings.config_interval,
        history=settings.history,
    )
    return RedisTuiApp(poller, target=settings.target, connections=Connections(settings.target),
                       write=settings.write, notices=notices or settings.warnings,
                       limits=limits,
                       monitor_options=MonitorOptions.from_section(settings.section("monitor")),
                       keyspace=KeyspaceSettings.from_section(settings.section("keyspace")),
                       monitor_replicas=replicas, sections=settings.sections,
                       alerts=AlertOptions.from_section(settings.section("alerts")))


def cluster_source(settings: Settings, limits: Thresholds):
    """The `ClusterSource` over a `ClusterPoller` of every node behind `settings.target`."""
    from redis_tui.commands.cluster import remap_of
    from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
    from redis_tui.core.topology import ClusterPoller
    from redis_tui.core.topology.source import ClusterSource

    poller = ClusterPoller(settings.target, interval=settings.interval, remap=remap_of(settings.section("cluster")),
                           client_list_every=settings.client_list_interval, config_every=settings.config_interval,
                           history=settings.history, client_list_max_every=settings.client_list_max_interval)
    return ClusterSource(poller, ClusterDiagnoser(settings.target, limits), history=settings.history)


def sentinel_source(settings: Settings, limits: Thresholds):
    """The `ClusterSource` over a `SentinelPoller` of the group `settings.target` names."""
    from redis_tui.commands.sentinel import sentinel_poller
    from redis_tui.core.diagnosis.cluster import ClusterDiagnoser
    from redis_tui.core.topology import aggregate
    from redis_tui.core.topology.source import ClusterSource

    poller = sentinel_poller(settings.target, aggregate, interval=settings.interval,
                             client_list_every=settings.client_list_interval, config_every=settings.config_interval,
                             history=settings.history)
    return ClusterSource(poller, ClusterDiagnoser(settings.target, limits), history=settings.history)


def watch_sentinel(settings: Settings) -> tuple[Settings, str] | str | None:
    """The settings of the Sentinel group to watch and a notice: ``--sentinel``, or a target that is a Sentinel;
    None when it is neither; the reason (a str) when it is a Sentinel without the group asked for."""
    from redis_tui.commands.sentinel import choose_group, probe_sentinel, unknown_master

    if settings.target.sentinel:
        return asyncio.run(unknown_master(settings.target, 2.0)) or (settings, "")

    masters = asyncio.run(probe_sentinel(settings.target, 2.0))
    if masters is None:
        return None
    group, notice = choose_group(settings.target, masters)
    if group is None:
        return notice
    return dataclasses.replace(settings, target=group), notice


def watch_cluster(settings: Settings, insist: bool = False, node_only: bool = False) -> bool | None:
    """Whether to watch every node of a cluster: the target says ``cluster_enabled:1`` (or `insist`
    and it cannot tell yet); None after printing why `insist` cannot be met (not a cluster)."""
    if node_only:
        return False
    from redis_tui.commands.cluster import NOT_A_CLUSTER, probe_cluster

    found = asyncio.run(probe_cluster(settings.target, 2.0))
    if insist and found is False:
        print(f"redis-tui: {NOT_A_CLUSTER}", file=sys.stderr)
        return None
    return bool(found) or insist


def run_dashboard(settings: Settings, notices: tuple[str, ...] = (), insist: bool = False,
                  node_only: bool = False, replicas: bool = False) -> int:
    """Run until the user quits: 0, or 1 after a crash (reported by `run_guarded`); 2 when `insist`
    (-c) meets a server that is not a cluster node."""
    cluster = False if settings.target.sentinel else watch_cluster(settings, insist, node_only)
    if cluster is None:
        return 2
    group = None if cluster or node_only else watch_sentinel(settings)
    if isinstance(group, str):
        print(f"redis-tui: {group}", file=sys.stderr)
        return 2
    if group is not None:
        settings, notice = group
        notices = (*notices, notice) if notice else notices
        return run_guarded(make_app(settings, notices, replicas=replicas, sentinel=True), settings.target)
    return run_guarded(make_app(settings, notices, cluster, replicas), settings.target)


def run_guarded(app, target: Target, secrets: tuple[str, ...] = ()) -> int:
    """Run `app`; an unhandled exception gives exit code 1 and one line naming the crash report.

    Textual restores the terminal either way; what it would print after a crash (a Rich
    traceback with local variables, which may hold secrets) is dropped, and the plain
    traceback goes to a file with the password masked (`redis_tui.crash`).
    """
    crashes: list[BaseException] = []
    handle = app._handle_exception  # Textual's one hook for unhandled errors (private, stable since 0.1)

    def record(error: Exception) -> None:
        handle(error)  # sets the return code and starts the shutdown
        crashes.append(error)
        app._exit_renderables.clear()

    app._handle_exception = record
    try:
        app.run()
    except Exception as error:  # noqa: BLE001 - failed before or after Textual's own handler could see it
        crashes.append(error)
    if crashes:
        return report_crash(crashes[0], target.display(), (*target.secrets, *secrets))
    return app.return_code or 0


def make_fleet_app(settings: Settings, notices: tuple[str, ...] = ()):
    """The app on a fleet: a `FleetSource` over a `FleetPoller` of every member of `settings.fleet` (each
    diagnosed as the single server it is); it opens on the overview."""
    from redis_tui.ui.app import RedisTuiApp

    limits = Thresholds.from_section(settings.section("thresholds"))
    first = settings.fleet[0].target
    return RedisTuiApp(fleet_source(settings, limits), target=first, connections=Connections(first),
                       write=settings.write, notices=notices or settings.warnings, limits=limits,
                       monitor_options=MonitorOptions.from_section(settings.section("monitor")),
                       keyspace=KeyspaceSettings.from_section(settings.section("keyspace")),
                       sections=settings.sections, alerts=AlertOptions.from_section(settings.section("alerts")))


def fleet_source(settings: Settings, limits: Thresholds):
    """The `FleetSource` over a `FleetPoller` of every member of `settings.fleet`."""
    from redis_tui.core.diagnosis.diagnose import Diagnoser
    from redis_tui.core.fleet import FleetPoller, FleetSource

    poller = FleetPoller(settings.fleet, interval=settings.interval, client_list_every=settings.client_list_interval,
                         config_every=settings.config_interval, history=settings.history)
    return FleetSource(poller, settings.fleet, lambda target: Diagnoser(target, limits))


def run_fleet(settings: Settings, notices: tuple[str, ...] = ()) -> int:
    """Run the fleet overview until the user quits: 0, or 1 after a crash (every member's password masked)."""
    secrets = tuple(secret for member in settings.fleet for secret in member.target.secrets)
    return run_guarded(make_fleet_app(settings, notices), settings.target, secrets)


def make_replay_app(recording, limits: Thresholds | None = None):
    """The app on a `Recording` played back (no connection: nothing is sent to any server)."""
    from redis_tui.commands.doctor_replay import target_of
    from redis_tui.core.record.player import Player
    from redis_tui.ui.app import RedisTuiApp

    if limits is None:
        limits = Thresholds.from_section(recording.header.get("thresholds") or {})
    player = Player(recording, warm_s=limits.window_s + 2 * recording.interval)
    return RedisTuiApp(player, target=target_of(recording, ""), connections=None, limits=limits, replay=player)


def run_replay(path: str) -> int:
    """Replay the recording at `path` until the user quits: 0; 2 with one line when it cannot be opened."""
    from redis_tui.core.record.recording import Recording
    from redis_tui.core.record.store import RecordingError

    try:
        recording = Recording.open(path)
        if recording.end is None:
            recording.close()
            raise RecordingError(f"{path}: the recording holds no snapshot yet")
    except RecordingError as exc:
        print(f"redis-tui: {exc}", file=sys.stderr)
        return 2
    with recording:
        app = make_replay_app(recording)
        return run_guarded(app, app.target)
