"""The analyze screen: the `redis-tui analyze` report, live, with a progress bar.

Analyze measures every key, so it loads the server: the screen says so (with the batch
size and pause from [keyspace]) and starts only when asked (`s`). `s` or escape stops a run
and keeps the partial report. The run is an `Analyzer` in a worker, on its own connection
(``redis-tui-analyze``, opened from the app's connections for each run); the screen
renders its progress and (partial) reports.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static

from redis_tui.core.connection import Connections
from redis_tui.core.errors import classify
from redis_tui.core.format import human_duration, human_rate, percent, thousands
from redis_tui.core.keyspace.analyze import Analyzer, Progress, Report
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.ui.analyze.view import ReportView
from redis_tui.ui.widgets.tool_screen import ToolScreen

REPORT_EVERY_S = 3.0  # how often the partial report is redrawn during a run (a redraw costs ~0.1-0.3 s)

INTRO = (
    "Analyze walks the whole keyspace with SCAN and measures every key (TYPE, MEMORY USAGE, length, TTL) "
    "with a read-only server-side script, {batch} keys per call{pause}. While it runs the server is busy "
    "and other clients wait up to a few milliseconds per batch: on a busy production server, lower "
    "`batch` or `parallel`, or raise `pause_ms`, in the [keyspace] section of the config file.\n\n"
    "Press s to start. s or esc stops it and keeps the partial report."
)


def progress_text(progress: Progress) -> Text:
    """``412,000 keys · 41% · 205K keys/s · ETA 3s · 2s elapsed``."""
    rate = progress.keys / progress.elapsed_s if progress.elapsed_s > 0 else 0.0
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(thousands(progress.keys), style="bold")
    out.append(f" of ~{thousands(progress.dbsize)} keys · " if progress.dbsize else " keys · ", style="dim")
    out.append(percent(progress.fraction, 0), style="bold")
    out.append(f" · {human_rate(rate, ' keys/s')}", style="dim")
    if 0 < progress.fraction < 1:
        eta = progress.elapsed_s * (1 - progress.fraction) / progress.fraction
        out.append(f" · ETA {human_duration(eta)}", style="dim")
    out.append(f" · {human_duration(progress.elapsed_s)} elapsed", style="dim")
    return out


class AnalyzeScreen(ToolScreen):
    """Start, watch and stop an analysis; the report stays until the next run."""

    NAME = "analyze"

    BINDINGS = [
        Binding("s", "start_stop", "Start/stop"),
        Binding("escape", "stop_or_back", "Stop / back"),
        Binding("a", "app.pop_screen", "Dashboard", show=False),
    ]

    def __init__(self, settings: KeyspaceSettings = KeyspaceSettings(), connections: Connections | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.connections = connections  # None: nothing is sent (s does nothing)
        self.analyzer: Analyzer | None = None
        self.report: Report | None = None
        self.state = "idle"  # idle | running | stopping | done | failed
        self.message = ""
        self.progress: Progress | None = None
        self._shown_at = 0.0

    def compose_body(self) -> ComposeResult:
        yield ProgressBar(total=100, show_eta=False, id="analyze-progress")
        with VerticalScroll(id="analyze-body"):
            pause = (f", {self.settings.pause_ms:g} ms apart" if self.settings.pause_ms
                     else f", {self.settings.parallel} in flight at a time")
            yield Static(Text(INTRO.format(batch=self.settings.batch, pause=pause)), id="analyze-intro")
            yield Static(id="analyze-report")

    def on_mount(self) -> None:
        self.query_one("#analyze-body").border_title = "Analyze keyspace"
        self._show_bar()

    def action_start_stop(self) -> None:
        """Start a run, or stop the one running."""
        if self.state == "running":
            self.stop()
        elif self.state != "stopping" and self.connections is not None:
            self.start()

    def action_stop_or_back(self) -> None:
        """Stop a run (keeping the partial report), or go back to the dashboard."""
        if self.state == "running":
            self.stop()
        else:
            self.app.pop_screen()

    def start(self) -> None:
        """Begin a new run."""
        self.state, self.message, self.progress = "running", "", None
        self.query_one(ProgressBar).update(progress=0)
        self._run()
        self._show_bar()

    def stop(self) -> None:
        """Stop after the current batch; the partial report is shown."""
        if self.analyzer is not None:
            self.analyzer.stop()
            self.state = "stopping"
            self._show_bar()

    @work(exclusive=True, group="analyze")
    async def _run(self) -> None:
        assert self.connections is not None  # start() runs only with connections
        target, client = self.connections.target, self.connections.open("analyze")
        self.analyzer = analyzer = Analyzer(client, self.settings.analyze_options(), db=target.db)
        failure = ""
        try:
            report = await analyzer.run(progress=self._on_progress, every=0.25)
        except Exception as exc:  # noqa: BLE001 - shown on the screen with what was measured
            problem = classify(exc, target, connected=analyzer.keys_scanned > 0)
            failure, report = f"{problem.summary} ({problem.id})", analyzer.report()
        finally:
            await client.aclose()
        if analyzer is self.analyzer and self.alive():  # not replaced, not closing
            self.state, self.message = ("failed" if failure else "done"), failure
            self.show_report(report)

    def _on_progress(self, progress: Progress) -> None:
        if not self.alive():
            return
        self.progress = progress
        self.query_one(ProgressBar).update(progress=progress.fraction * 100)
        self._show_bar()
        now = time.monotonic()
        if now - self._shown_at >= REPORT_EVERY_S and self.analyzer is not None:
            self._shown_at = now
            self.show_report(self.analyzer.report(), final=False)

    def show_report(self, report: Report, final: bool = True) -> None:
        """Render a report (a partial one while the run goes on)."""
        self.report = report
        self.query_one("#analyze-intro").display = False
        self.query_one("#analyze-report", Static).update(ReportView(report))
        if final:
            if report.complete:
                self.query_one(ProgressBar).update(progress=100)
            self._show_bar()

    def _bar(self) -> Text:
        progress = self.progress
        out = Text(no_wrap=True, overflow="ellipsis")
        label, style = {
            "idle": ("not started: press s", "bold"),
            "running": ("● analyzing", "bold green"),
            "stopping": ("● stopping after this batch", "bold yellow"),
            "done": ("done", "bold"),
            "failed": ("failed", "bold red"),
        }[self.state]
        if self.state == "done" and self.report is not None and not self.report.complete:
            label, style = "stopped: partial report", "bold yellow"
        out.append(label, style=style)
        if progress is not None:
            out.append("  ")
            out.append_text(progress_text(progress))
        if self.message:
            out.append(f"  {self.message}", style="bold red")
        if self.state in ("done", "failed", "idle"):
            again = " · s: run again" if self.report is not None else ""
            out.append(f"  batch {self.settings.batch}{self._lowered()}, pause {self.settings.pause_ms:g} ms{again}",
                       style="dim")
        return out

    def _lowered(self) -> str:
        """`` → 48 to stay under slowlog-log-slower-than 2 ms`` when the run shrank its batches."""
        progress, analyzer = self.progress, self.analyzer
        if progress is None or analyzer is None or not 0 < progress.batch < self.settings.batch:
            return ""
        threshold = analyzer.governor.threshold_us or 0
        return f" → {progress.batch} to stay under slowlog-log-slower-than {threshold / 1000:g} ms"

    def _show_bar(self) -> None:
        self.show_bar(self._bar())
