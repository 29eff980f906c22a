"""Run the dashboard against a live server (the Poller is the snapshot source)."""

from __future__ import annotations

from redis_tui.core.monitor import MonitorOptions
from redis_tui.core.poller import Poller
from redis_tui.core.thresholds import Thresholds
from redis_tui.keyspace_config import keyspace_settings
from redis_tui.settings import Settings


def make_app(settings: Settings, notices: tuple[str, ...] = ()):
    """The app wired to a live poller for `settings.target`."""
    from redis_tui.ui.app import RedisTuiApp

    poller = Poller(
        settings.target,
        interval=settings.interval,
        client_list_every=settings.client_list_interval,
        config_every=settings.config_interval,
        history=settings.history,
    )
    return RedisTuiApp(poller, target=settings.target, write=settings.write, notices=notices or settings.warnings,
                       limits=Thresholds.from_config(settings.section("thresholds")),
                       monitor_options=MonitorOptions.from_section(settings.section("monitor")),
                       keyspace=keyspace_settings(settings.section("keyspace")))


def run_dashboard(settings: Settings, notices: tuple[str, ...] = ()) -> int:
    """Run until the user quits; 0."""
    make_app(settings, notices).run()
    return 0
