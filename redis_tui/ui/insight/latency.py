"""The latency screen (``L``): where time goes, seen from the client, the server's monitor and each command.

- the client's view: a PING's round trip each read, min/avg/p99/max over the last pings (like
  ``redis-cli --latency``), next to the server's own time per call, so network and server delay can be
  told apart;
- the server's latency monitor: LATENCY LATEST, each event's LATENCY HISTORY as a sparkline, LATENCY
  DOCTOR's text (escaped) — or, when ``latency-monitor-threshold`` is 0, the command that turns it on;
- per command: p50/p99/p99.9 since the server started (INFO latencystats, Redis 7+ and Valkey) next to
  calls/s and the share of the server's time over the last poll (INFO commandstats deltas); on Redis 6
  the µs per call of commandstats instead, and a line saying what is missing.

Percentiles and rates come from the app's INFO polls; the screen itself reads the monitor and PINGs
(`core.insight.latency.read_latency`) while it is open. On a cluster it shows one node (n: next).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.format import DASH, human_rate, percent
from redis_tui.core.insight.latency import (
    ENABLE,
    CommandLatency,
    LatencyEvent,
    LatencyReading,
    RoundTrips,
    command_latencies,
    monitor_off,
    percentiles_from,
    read_latency,
)
from redis_tui.core.models import Snapshot
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table, sync_rows

BARS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 24  # the last spikes of an event shown
DOCTOR_LINES = 40  # LATENCY DOCTOR's text is kept to this many lines
COLUMNS = (("command", "command", None), ("calls/s", "rate", 9), ("time", "share", 7), ("µs/call", "usec", 9),
           ("p50 µs", "p50", 9), ("p99 µs", "p99", 9), ("p99.9 µs", "p999", 10))


def spark(values: Sequence[int], width: int = SPARK_WIDTH) -> str:
    """The last `width` values as bars from 0 to their maximum."""
    shown = list(values)[-width:]
    top = max(shown, default=0)
    if top <= 0:
        return BARS[0] * len(shown)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))] for v in shown)


def micro(value: float | None) -> str:
    """µs with sense: ``4.0``, ``812``, ``12.3K`` (ms range), ``—``."""
    if value is None:
        return DASH
    if value < 100:
        return f"{value:.1f}"
    if value < 10_000:
        return f"{value:.0f}"
    return f"{value / 1000:.1f}K"


def ms(value: float | None) -> str:
    """Milliseconds: ``0.21 ms``."""
    return DASH if value is None else f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def command_cells(row: CommandLatency) -> list[Text]:
    """One command's row (its name escaped)."""
    return [
        Text(safe_text(row.name, 40)),
        Text(human_rate(row.calls_per_s), justify="right"),
        Text(percent(row.share, 0) if row.share is not None else DASH, justify="right"),
        Text(micro(row.usec_per_call), justify="right"),
        *(Text(micro(row.percentile(label)), justify="right",
               style="bold yellow" if label != "p50" and (row.percentile(label) or 0) >= 10_000 else "")
          for label in ("p50", "p99", "p99.9")),
    ]


def client_text(trips: RoundTrips | None, commands: Sequence[CommandLatency]) -> Text:
    """The client's round trip over the window, and what the server spends per call, side by side."""
    text = Text()
    stats = trips.stats() if trips is not None else None
    text.append("PING round trip ", style="bold")
    if stats is None:
        text.append("not measured yet" if trips is not None else "not measured here (no live reads)", style="dim")
    else:
        text.append(f"{stats.last_ms:.2f} ms · min {stats.min_ms:.2f} · avg {stats.avg_ms:.2f} · "
                    f"p99 {stats.p99_ms:.2f} · max {stats.max_ms:.2f}")
        text.append(f" (last {stats.samples})", style="dim")
    ping = next((c for c in commands if c.name == "ping"), None)
    calls = sum(c.calls_per_s or 0.0 for c in commands)
    busy = sum((c.calls_per_s or 0.0) * (c.usec_per_call or 0.0) for c in commands)
    text.append("\nserver time ", style="bold")
    per_call = busy / calls if calls > 0 else None
    text.append(f"{micro(per_call)} µs/call avg" if per_call is not None else "no calls this interval")
    if ping is not None and ping.usec_per_call is not None:
        text.append(f", PING {micro(ping.usec_per_call)} µs")
    if stats is not None:
        text.append(" · the rest of a round trip is network + client", style="dim")
    return text


def event_line(event: LatencyEvent, history: Sequence[tuple[int, int]] | None) -> Text:
    """One latency-monitor event: its latest and worst spike, when, and its recent spikes as bars."""
    line = Text()
    line.append(f"{safe_text(event.name, 24):<16}", style="bold")
    line.append(f" {event.latest_ms} ms, max {event.max_ms} ms, at "
                f"{time.strftime('%H:%M:%S', time.localtime(event.at))}  ")
    if history:
        line.append(spark([v for _, v in history]), style="yellow")
    return line


def monitor_text(reading: Reading[LatencyReading] | None, config: Mapping[str, str]) -> Text:
    """The latency monitor: off (and how to turn it on), its events, DOCTOR's text, what could not be read."""
    value = reading.value if reading is not None else None
    text = Text()
    off = monitor_off(value, config)
    if off:
        text.append("The latency monitor is off (latency-monitor-threshold is 0). Turn it on: ", style="bold yellow")
        text.append(ENABLE, style="bold")
        text.append(" (ms; spikes longer than that are kept)", style="dim")
    elif off is None:
        text.append("latency-monitor-threshold: unknown", style="dim")
    else:
        threshold = value.threshold_ms if value is not None and value.threshold_ms is not None \
            else config.get("latency-monitor-threshold")
        text.append(f"Latency monitor on: spikes ≥ {safe_text(str(threshold), 12)} ms are kept", style="dim")
    if reading is not None and value is None:
        line = missing(reading, "LATENCY")
        if line is not None:
            text.append("\n").append_text(line)
    if reading is None or value is None:
        if reading is None:
            text.append("\nLATENCY LATEST / HISTORY / DOCTOR: read while this screen is open", style="dim")
        return text
    for line in _refused(reading, value):
        text.append("\n").append_text(line)
    if not value.events and "LATENCY LATEST" not in value.problems:
        text.append("\nNo latency spike recorded" + (" (nothing is recorded while it is off)" if off else ""),
                    style="dim")
    for event in value.events:
        text.append("\n").append_text(event_line(event, value.histories.get(event.name)))
    if value.doctor:
        text.append("\n\nLATENCY DOCTOR\n", style="bold")
        doctor = value.doctor.strip().splitlines()
        text.append("\n".join(safe_text(line, 400) for line in doctor[:DOCTOR_LINES]))
        if len(doctor) > DOCTOR_LINES:
            text.append(f"\n… {len(doctor) - DOCTOR_LINES} more lines", style="dim")
    return text


def _refused(reading: Reading[LatencyReading], value: LatencyReading) -> list[Text]:
    """Lines for the commands the server refused; a user without any LATENCY subcommand gets one line."""
    problems = dict(value.problems)
    if "LATENCY LATEST" in problems and "LATENCY DOCTOR" in problems:
        problems.pop("LATENCY DOCTOR")
        problems["LATENCY"] = problems.pop("LATENCY LATEST")
    lines = []
    for command, problem in problems.items():
        line = missing(Reading(reading.node, problem=problem), command)
        if line is not None:
            lines.append(line)
    return lines


def _update(widget: Static, text: Text) -> None:
    """Replace an auto-height Static's content (it relayouts: its height follows the lines), when it changed."""
    if widget.content != text:
        widget.update(text)


class LatencyScreen(InsightScreen[LatencyReading]):
    """Latency: the client's round trip, the server's latency monitor, per-command percentiles."""

    NAME = "latency"
    TITLE = "Latency"
    EVERY = 1.0
    COST = "LATENCY LATEST + CONFIG GET 1 key, PING (HISTORY and DOCTOR on a new spike): every 1 s while open"

    DEFAULT_CSS = """
    LatencyScreen #latency-client { height: auto; padding: 0 1; }
    LatencyScreen #latency-monitor-box { height: 1fr; min-height: 4; border: round $primary 60%;
        border-title-style: bold; }
    LatencyScreen #latency-monitor { height: auto; padding: 0 1; }
    LatencyScreen #latency-commands { height: 2fr; min-height: 5; border: round $primary 60%;
        border-title-style: bold; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.trips: dict[str, RoundTrips] = {}
        self._pushed: dict[str, Reading[LatencyReading]] = {}  # node → the last reading whose PING was kept
        self._previous: LatencyReading | None = None
        self._early = False  # the first read of this opening started before the first paint

    def compose_body(self) -> ComposeResult:
        yield Static(id="latency-client")
        with VerticalScroll(id="latency-monitor-box"):
            yield Static(id="latency-monitor")
        table = Table(id="latency-commands", cursor_type="row", zebra_stripes=True)
        for label, key, width in COLUMNS:
            table.add_column(Text(label, justify="left" if key == "command" else "right"), key=key, width=width)
        yield table

    def on_mount(self) -> None:
        self.query_one("#latency-monitor-box").border_title = "Latency monitor"
        table = self.query_one("#latency-commands", Table)
        table.border_title = "Commands"
        self.watch(self.app, "snapshot", lambda _value: self.refresh_view(), init=False)

    def on_screen_resume(self) -> None:
        # Textual calls this, then the base's handler (which schedules `_start` after the first paint): the
        # first read starts now, so its round trips overlap the screen's first paint
        if self.nodes():
            self.targets()  # settles the node shown (the dashboard's)
        self._early = self.connections is not None and self._timer is None
        if self._early:
            self.action_read_now()
        self.refresh_view()  # what the app's snapshot holds is in the first paint

    def _start(self) -> None:  # after the first paint on each opening
        if self._early:  # the first read is under way: only the timer to start
            self._early = False
            if self._timer is None and self.is_current:
                self._timer = self.set_interval(self.EVERY, self.action_read_now)
            self._show_bar()
        else:
            super()._start()
            self.refresh_view()
        self.query_one("#latency-commands").focus()

    async def read(self, client: Commands) -> LatencyReading:
        connections = self.connections
        assert connections is not None
        reading = await read_latency(client, connections.target, self._previous)
        self._previous = reading
        return reading

    def action_next_node(self) -> None:
        self._previous = None
        super().action_next_node()

    def show(self, readings: Mapping[str, Reading[LatencyReading]]) -> None:
        for reading in readings.values():
            if reading.value is not None and reading.value.rtt_ms is not None \
                    and self._pushed.get(reading.node) is not reading:
                self._pushed[reading.node] = reading
                self.trips.setdefault(reading.node, RoundTrips()).push(reading.value.rtt_ms)
        self.refresh_view()

    def node_snapshot(self) -> Snapshot | None:
        """The snapshot of the node shown (on one server: the app's)."""
        cluster = host(self).cluster
        nodes = self.nodes()
        if cluster is None or not nodes:
            return self.snapshot()
        update = cluster.round.updates.get(self.node or nodes[0])
        return update if isinstance(update, Snapshot) else None

    def refresh_view(self) -> None:
        """Render the readings and the app's latest snapshot (what is known; never raises on a gap)."""
        if not self.is_attached or not self.is_current or not self.query("#latency-commands"):
            return  # hidden, or not composed yet (a read that finished before the first paint)
        if self.nodes():
            self.targets()  # settles which node is shown
        snapshot = self.node_snapshot()
        reading = next(iter(self.readings.values()), None)
        node = reading.node if reading is not None else (self.node or "")
        rows: tuple[CommandLatency, ...] = ()
        if snapshot is not None:
            rows = command_latencies(snapshot.info, snapshot.commands, snapshot.rates.commands,
                                     rated=snapshot.rates.interval_s > 0 and bool(snapshot.rates.commands))
        live = self.connections is not None
        _update(self.query_one("#latency-client", Static),
                client_text(self.trips.setdefault(node, RoundTrips()) if live else self.trips.get(node), rows))
        config = snapshot.config if snapshot is not None else {}
        _update(self.query_one("#latency-monitor", Static), monitor_text(reading, config))
        table = self.query_one("#latency-commands", Table)
        table.border_subtitle = self._percentile_note(snapshot)
        sync_rows(table, {row.name: command_cells(row) for row in rows}, order=[row.name for row in rows])

    @staticmethod
    def _percentile_note(snapshot: Snapshot | None) -> str:
        if snapshot is None:
            return "waiting for the first poll"
        if percentiles_from(snapshot.info) is None:
            return f"{snapshot.server.label}: no INFO latencystats (Redis 7+): µs/call only"
        if snapshot.config.get("latency-tracking") == "no":
            return "percentiles off: CONFIG SET latency-tracking yes"
        return "percentiles: since start (latencystats) · calls/s, time: last poll"
