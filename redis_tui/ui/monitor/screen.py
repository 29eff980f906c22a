"""The MONITOR screen: a live, filtered command stream with commands/s and top-N tables.

It opens stopped and says what MONITOR costs; `s` starts and stops it. The session (core)
reads the socket at full speed; this screen takes at most a frame's worth of lines 15
times a second and the aggregates once a second, so a firehose never slows the UI.

On a cluster `s` starts one MONITOR per primary (with `--replicas`, or after `R`, on each replica
too; with the dashboard on one node, on that node), merged into one stream tagged by node.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Sparkline, Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, human_rate, thousands
from redis_tui.core.models import Snapshot
from redis_tui.core.monitor.events import StopReason
from redis_tui.core.monitor.filter import Filter
from redis_tui.core.monitor.lines import MonitorLine
from redis_tui.core.monitor.merged_session import MergedSession, NodeLine
from redis_tui.core.monitor.options import MonitorOptions
from redis_tui.core.monitor.session import MonitorEvent, MonitorSession
from redis_tui.core.target import Target
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.monitor.filter_dialog import FilterDialog
from redis_tui.ui.monitor.nodes import chosen_nodes, cost_note, monitor_nodes, node_tags, nodes_table, what_runs
from redis_tui.ui.monitor.view import COST, line_text, shares_table
from redis_tui.ui.widgets.figures import Figures
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.stream_view import StreamView
from redis_tui.ui.widgets.text import set_text
from redis_tui.ui.widgets.tool_screen import ToolScreen

FRAME_S = 1 / 5  # a firehose is unreadable anyway; fewer, bigger frames leave the UI snappy
LINES_PER_FRAME = 2000  # 10,000 lines/s shown in full; beyond that the newest are kept


class MonitorScreen(ToolScreen):
    """MONITOR, safely. Installed once: it keeps running while you look at other screens."""

    NAME = "monitor"
    AUTO_FOCUS = ""  # keys go to the screen (the stream); Tab focuses the side panel to scroll it
    # The single source of truth for this screen's keys: the footer and `?` help are built from
    # these (description: the footer label; tooltip: the help line).
    BINDINGS = [
        Binding("s", "start_stop", "Start/stop",
                tooltip="Start MONITOR, or stop it (it costs the server while it runs)"),
        Binding("space", "pause_view", "Pause view", key_display="space",
                tooltip="Freeze the stream on screen; counting and the top tables go on"),
        Binding("x", "clear", "Clear", tooltip="Empty the stream and the top tables"),
        Binding("f", "filter", "Filter", tooltip="Filter by commands, key glob, clients or database"),
        Binding("F", "clear_filter", "No filter", show=False, tooltip="Remove every filter"),
        Binding("w", "toggle_window", "Window/total", show=False,
                tooltip="Top tables over the sliding window, or since MONITOR started"),
        Binding("end", "follow", "Follow", tooltip="Jump to the newest line and keep following the stream"),
        Binding("up", "scroll_stream(-1)", "Line up", show=False,
                tooltip="Scroll the stream up a line (stops following)"),
        Binding("down", "scroll_stream(1)", "Line down", show=False,
                tooltip="Scroll the stream down a line (at the bottom it follows again)"),
        Binding("pageup", "page_stream(-1)", "Page up", show=False,
                tooltip="Scroll the stream up a page (stops following)"),
        Binding("pagedown", "page_stream(1)", "Page down", show=False,
                tooltip="Scroll the stream down a page (at the bottom it follows again)"),
        Binding("home", "oldest", "Oldest", show=False, tooltip="Jump to the oldest line kept (stops following)"),
        Binding("R", "toggle_replicas", "Replicas", show=False,
                tooltip="On a cluster: MONITOR the replicas too, or the primaries only again (--replicas starts "
                "with them; a running MONITOR restarts)"),
        Binding("escape,m", "app.pop_screen", "Dashboard", tooltip="Back to the dashboard (MONITOR keeps running)"),
    ]

    def __init__(self, options: MonitorOptions, target: Target | None, clock: Callable[[], float] = time.time,
                 replicas: bool = False) -> None:
        super().__init__()
        self.options = options
        self.replicas = replicas  # on a cluster: MONITOR the replicas too (--replicas, R)
        # no target (an app without connections): the session is never started, it only
        # parses the lines a test feeds it
        self.live = target is not None
        # on a cluster, `s` replaces it with a MergedSession over the nodes (its lines carry their node)
        self.session: MonitorSession | MergedSession = MonitorSession(
            target or Target(), options, Filter(), on_event=self._on_event, clock=clock)
        self.since_start = False
        self.dropped = 0
        self.shown = 0
        self.state_text = Text("stopped", style="bold")
        self.stop_message = ""
        self.node_note = ""  # on a cluster: the nodes whose stream ended
        self.tags: list[str] = []
        self.replica_addrs: frozenset[str] = frozenset()  # the watched nodes that are replicas
        self._restart = False  # R while running: start again on the new nodes once stopped
        self._own: frozenset[str] = frozenset()
        self.one_node = False  # on a cluster: MONITOR on the one node the dashboard showed
        self._bar_following = True

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="monitor-main"):
            with Vertical(id="stream-box"):
                duration = human_duration(self.options.max_duration_s) if self.options.max_duration_s else "never"
                yield Static(COST.format(buffer=f"{self.options.max_buffer_mb:g}", duration=duration),
                             id="monitor-intro")
                yield StreamView(self._line_text, max_lines=self.options.buffer_lines, id="stream")
            with VerticalScroll(id="monitor-side"):
                yield Static(id="monitor-rate")
                yield Sparkline([], id="monitor-spark", summary_function=max)
                yield Figures(id="monitor-tops")  # redrawn every second: only the changed cells are sent

    def on_mount(self) -> None:
        self.query_one("#stream").display = False
        self.query_one("#stream-box").border_title = "Stream"
        self.query_one("#monitor-side").border_title = f"Last {self.options.window_s} s"
        # a fixed height: the tables can be redrawn every second without a relayout
        self.query_one("#monitor-tops").styles.height = 3 * (self.options.top + 1)
        self.watch(self.app, "snapshot", self._hide_dashboard_connection, init=True)
        self.watch(self.app, "cluster", self._on_cluster, init=True)
        self.set_interval(FRAME_S, self._drain)
        self.set_interval(1.0, self._show_stats)
        self._show_bar()
        self._show_stats()

    # --- actions ---------------------------------------------------------------------------
    def action_start_stop(self) -> None:
        """Start or stop MONITOR."""
        session = self.session
        if session.state != "stopped":
            session.stop()
            return
        if not self.live:
            return
        cluster = host(self).cluster
        if cluster is not None:
            self._start_merged(cluster)
            session = self.session
        self.show_stream()
        self.state_text = Text("connecting…", style="bold yellow")
        self.run_worker(session.run(retry_first=True), name="monitor", group="monitor", exclusive=True)
        self._show_bar()

    def _start_merged(self, cluster: ClusterRound) -> None:
        """MONITOR on the cluster's primaries (or the one node the dashboard shows), one merged stream."""
        nodes = monitor_nodes(cluster, host(self).target, self.replicas)  # the app's target: with a password
        if not nodes:
            return
        self.session = MergedSession(nodes, self.options, self.session.filter, on_event=self._on_event,
                                     clock=self.session.clock)
        self.session.paused = False
        self.tags = node_tags(self.session.addrs)
        self.replica_addrs = frozenset(n.addr for n in chosen_nodes(cluster, self.replicas) if n.role == "replica")
        self.one_node = cluster.focus is not None
        self.node_note = ""
        self.session.hide_clients(self._own)
        self.query_one("#stream", StreamView).clear()
        self.query_one("#monitor-tops").styles.height = 3 * (self.options.top + 1) + len(nodes) + 1

    def _on_cluster(self, cluster: ClusterRound | None) -> None:
        if cluster is None:
            return
        own = frozenset(u.own_addr for u in cluster.round.updates.values() if isinstance(u, Snapshot) and u.own_addr)
        if own and own != self._own:  # the dashboard's connections to the nodes (new after a reconnect)
            self._own = own
            self.session.hide_clients(own)
        if self.session.state == "stopped" and not isinstance(self.session, MergedSession):
            self._show_intro(cluster)

    def _show_intro(self, cluster: ClusterRound) -> None:
        """The cost of MONITOR, and what `s` will start on this cluster."""
        nodes = chosen_nodes(cluster, self.replicas)
        replicas = sum(1 for n in nodes if n.role == "replica")
        duration = human_duration(self.options.max_duration_s) if self.options.max_duration_s else "never"
        text = COST.format(buffer=f"{self.options.max_buffer_mb:g}", duration=duration)
        set_text(self.query_one("#monitor-intro", Static),
                 text + cost_note(len(nodes), cluster.focus is not None, replicas))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_replicas":
            return host(self).cluster is not None
        return True

    def action_toggle_replicas(self) -> None:
        """On a cluster: MONITOR the replicas too, or the primaries only (a running MONITOR restarts)."""
        cluster = host(self).cluster
        if cluster is None:
            return
        self.replicas = not self.replicas
        what = "the primaries and their replicas" if self.replicas else "the primaries only"
        session = self.session
        if session.state != "stopped" and isinstance(session, MergedSession) and not self.one_node:
            self._restart = True
            session.stop()
            message = f"MONITOR restarts on {what}"
        elif cluster.focus is not None:
            message = f"MONITOR watches the node shown; on the whole cluster it will watch {what}"
        else:
            message = f"s starts MONITOR on {what}"
        if session.state == "stopped" and not isinstance(session, MergedSession):
            self._show_intro(cluster)
        self.app.notify(message, title="MONITOR", timeout=4, markup=False)

    def show_stream(self) -> None:
        """Replace the explanation with the stream (once MONITOR has been started)."""
        self.query_one("#monitor-intro").display = False
        self.query_one("#stream").display = True

    def action_pause_view(self) -> None:
        """Freeze the view; counting and the top tables go on."""
        self.session.paused = not self.session.paused
        self._show_bar()

    def action_clear(self) -> None:
        """Empty the view and the aggregates."""
        self.session.clear()
        self.query_one("#stream", StreamView).clear()
        self.dropped = self.shown = 0
        self._show_stats()

    def action_filter(self) -> None:
        """Edit the filters."""
        self.app.push_screen(FilterDialog(self.session.filter, self.session.feed.table), self._set_filter)

    def action_follow(self) -> None:
        """Show the newest lines and keep following them."""
        self.query_one("#stream", StreamView).follow()
        self._show_bar()

    def action_scroll_stream(self, lines: int) -> None:
        """Scroll the stream by `lines` (negative: up)."""
        self.query_one("#stream", StreamView).scroll_by_lines(lines)
        self._show_bar()

    def action_page_stream(self, pages: int) -> None:
        """Scroll the stream by whole pages (negative: up)."""
        self.query_one("#stream", StreamView).scroll_by_pages(pages)
        self._show_bar()

    def action_oldest(self) -> None:
        """Jump to the oldest line kept."""
        view = self.query_one("#stream", StreamView)
        view.scroll_by_lines(-len(view.items))
        self._show_bar()

    def action_clear_filter(self) -> None:
        """Remove every filter."""
        self._set_filter(Filter())

    def action_toggle_window(self) -> None:
        """Top tables over the sliding window, or since MONITOR started."""
        self.since_start = not self.since_start
        title = "Since start" if self.since_start else f"Last {self.options.window_s} s"
        self.query_one("#monitor-side").border_title = title
        self._show_stats()

    def _set_filter(self, spec: Filter | None) -> None:
        if spec is None:
            return
        self.session.set_filter(spec)
        self.query_one("#stream", StreamView).clear()
        self._show_bar()
        self._show_stats()

    # --- session → screen ------------------------------------------------------------------
    def _on_event(self, event: MonitorEvent) -> None:
        styles = {"started": "bold green", "resumed": "bold green", "lost": "bold red", "retrying": "bold yellow",
                  "warning": "bold yellow", "stopped": "bold"}
        label = {"started": "● MONITOR running", "resumed": "● MONITOR running (resumed)", "lost": "● server lost",
                 "retrying": "● retrying", "warning": "● MONITOR running", "stopped": "stopped"}
        session = self.session
        if isinstance(session, MergedSession):
            count = len(session.addrs)
            watched = session.addrs[0] if self.one_node else what_runs(count, len(self.replica_addrs))
            running = f"● MONITOR on {watched}"
            label.update(started=running, resumed=running, warning=running, retrying=running, lost=running)
            if event.kind == "ended":
                ended = session.merged.ended
                self.node_note = f"{len(ended)} node{'s' if len(ended) > 1 else ''} gone: {', '.join(ended)}"
                self.app.notify(safe_text(event.message, None), title="MONITOR", severity="warning", timeout=8,
                                markup=False)
                self._show_bar()
                return
        if event.kind == "stopped" and self._restart:  # R while running: on the new set of nodes now
            self._restart = False
            host(self).monitor_since = None
            self.state_text = Text("restarting…", style="bold yellow")
            self.call_later(self.action_start_stop)
            self._show_bar()
            return
        self.state_text = Text(label[event.kind], style=styles.get(event.kind, "bold"))
        if event.kind == "stopped":
            self.stop_message = "" if event.reason == StopReason.USER else event.message
        if event.kind in ("started", "resumed"):
            self.stop_message = ""
            host(self).monitor_since = self.session.started_at
            host(self).connection_ok()  # the dashboard's poller retries now: one connection state
        elif event.kind == "stopped":
            host(self).monitor_since = None
        if event.kind != "started":
            calm = event.kind in ("resumed",) or event.reason == StopReason.USER
            severity: Literal["information", "warning", "error"] = "information" if calm else "warning"
            if event.kind == "stopped" and event.reason not in (StopReason.USER, StopReason.MAX_DURATION):
                severity = "error"
            # server text (errors, user names) may hold markup-like brackets or escapes
            self.app.notify(safe_text(event.message, None), title="MONITOR", severity=severity, timeout=8,
                            markup=False)
        self._show_bar()

    def _hide_dashboard_connection(self, snapshot) -> None:
        if snapshot is not None and snapshot.own_addr and not isinstance(self.session, MergedSession):
            self.session.hide_clients({snapshot.own_addr})

    def _drain(self) -> None:
        session = self.session
        # the view keeps items and draws only what is visible, so every line can go in at a
        # normal rate; under a firehose (unreadable anyway) at most LINES_PER_FRAME are parsed
        batch = session.take(LINES_PER_FRAME)
        self.dropped += batch.dropped
        view = self.query_one("#stream", StreamView)
        if batch.lines:
            self.shown += len(batch.lines)
            view.write(batch.lines)
        if view.following != self._bar_following:  # the user scrolled (mouse wheel)
            self._show_bar()

    def _line_text(self, item: MonitorLine | NodeLine, width: int | None = None) -> Text:
        node = None
        if isinstance(item, NodeLine):
            node, item = self.tags[item.node], item.line
        spec = self.session.command_spec(item)
        return line_text(item, spec.label, spec.family, width, node)

    def _show_stats(self) -> None:
        stats = self.session.stats()
        set_text(self.query_one("#monitor-rate", Static),
            Text.assemble((human_rate(stats.rate, "/s"), "bold"), ("  matched ", "dim"),
                          (thousands(stats.matched), "bold"), (" of ", "dim"), (thousands(stats.seen), "bold"),
                          no_wrap=True, overflow="ellipsis"))
        self.query_one("#monitor-spark", Sparkline).data = [float(n) for n in stats.per_second] or [0.0]
        top = self.options.top
        if self.since_start:
            tables = (stats.since_start_commands, stats.since_start_prefixes, stats.since_start_clients)
        else:
            tables = (stats.commands, stats.prefixes, stats.clients)
        titles = ("Commands", f"Key prefixes (by {self.options.delimiter!r})", "Clients")
        snapshot = host(self).snapshot
        names = {c.addr: c.name for c in (snapshot.client_list or ()) if c.name} if snapshot else {}
        parts = [shares_table(title, rows, top, names if title == "Clients" else None)
                 for title, rows in zip(titles, tables, strict=True)]
        if isinstance(self.session, MergedSession):
            parts.insert(0, nodes_table(self.session.node_rates(), self.tags, self.replica_addrs))
        set_text(self.query_one("#monitor-tops", Static), Group(*parts))
        self._show_bar()

    def _show_bar(self) -> None:
        session = self.session
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append_text(self.state_text)
        if session.state not in ("stopped",) and session.started_at is not None:
            bar.append(f" {human_duration(session.elapsed)}", style="bold")
            if self.options.max_duration_s:
                bar.append(f" / {human_duration(self.options.max_duration_s)}", style="dim")
        if session.paused:
            bar.append("  ❚❚ view paused (space)", style="bold yellow")
        self._bar_following = self.query_one("#stream", StreamView).following
        if not self._bar_following:
            bar.append("  ▲ scrolled back (End: follow)", style="bold yellow")
        spec = session.filter
        bar.append("  filter: ", style="dim")
        bar.append(spec.describe() if spec.active else "none", style="bold" if spec.active else "dim")
        if self.node_note:
            bar.append(f"  {safe_text(self.node_note, None)}", style="bold red")
        if session.last_omem is not None:
            bar.append("  omem ", style="dim")
            bar.append(f"{human_bytes(session.last_omem)} (peak {human_bytes(session.peak_omem)})")
        if self.dropped:
            bar.append(f"  {thousands(self.dropped)} lines not drawn", style="dim")
        if self.stop_message and session.state == "stopped":
            bar.append(f"  {safe_text(self.stop_message, None)}", style="bold red")
        self.show_bar(bar)
