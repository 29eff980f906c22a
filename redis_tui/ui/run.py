"""Run the dashboard against a live server (the Poller is the snapshot source)."""

from __future__ import annotations

from redis_tui.core.connection import Connections
from redis_tui.core.diagnosis.thresholds import Thresholds
from redis_tui.core.keyspace.settings import keyspace_settings
from redis_tui.core.monitor.session import MonitorOptions
from redis_tui.core.poller import Poller
from redis_tui.core.target import Target
from redis_tui.crash import report_crash
from redis_tui.settings import Settings


def make_app(settings: Settings, notices: tuple[str, ...] = ()):
    """The app wired to a live poller for `settings.target`, and its connections for the other screens."""
    from redis_tui.ui.app import RedisTuiApp

    poller = Poller(
        settings.target,
        interval=settings.interval,
        client_list_every=settings.client_list_interval,
        config_every=settings.config_interval,
        history=settings.history,
    )
    return RedisTuiApp(poller, target=settings.target, connections=Connections(settings.target),
                       write=settings.write, notices=notices or settings.warnings,
                       limits=Thresholds.from_config(settings.section("thresholds")),
                       monitor_options=MonitorOptions.from_section(settings.section("monitor")),
                       keyspace=keyspace_settings(settings.section("keyspace")))


def run_dashboard(settings: Settings, notices: tuple[str, ...] = ()) -> int:
    """Run until the user quits: 0, or 1 after a crash (reported by `run_guarded`)."""
    return run_guarded(make_app(settings, notices), settings.target)


def run_guarded(app, target: Target) -> int:
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
        return report_crash(crashes[0], target.display(), target.secrets)
    return app.return_code or 0
