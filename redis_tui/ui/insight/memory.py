"""The memory screen (``M``): where used memory went (`MEMORY STATS`: the dataset against each overhead, as bars),
what the process holds beyond it (fragmentation, RSS overhead), `MEMORY DOCTOR`'s advice, and the clients
holding the most memory (from the dashboard's CLIENT LIST: no extra one is sent). One node at a time on a
cluster (n: the next)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from redis_tui.core.connection import Commands
from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_duration, percent, thousands
from redis_tui.core.insight.memory import MemoryReading, breakdown, consumers, read_memory, waste
from redis_tui.core.models import Snapshot
from redis_tui.ui.insight.base import InsightScreen, Reading, missing
from redis_tui.ui.insight.readout import bar, finding_lines, node_snapshot, refused
from redis_tui.ui.widgets.text import label_value, lines

FINDINGS = ("memory-pressure", "oom-rejecting-writes", "evictions", "no-maxmemory", "high-fragmentation")
DOCTOR_LIMIT = 4000  # characters of MEMORY DOCTOR's text shown
DOCTOR_LINES = 40


class MemoryScreen(InsightScreen[MemoryReading]):
    """Memory breakdown of one server (or one cluster node)."""

    NAME = "memory"
    TITLE = "Memory"
    EVERY = 2.0
    COST = "MEMORY STATS + MEMORY DOCTOR every 2 s while open"

    DEFAULT_CSS = """
    #memory-scroll { height: 1fr; padding: 0 1; }
    #memory-scroll > Static { margin-bottom: 1; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="memory-scroll"):
            yield Static(id="memory-head")
            yield Static(id="memory-parts")
            yield Static(id="memory-clients")
            yield Static(id="memory-doctor")

    def on_mount(self) -> None:
        self.show({})  # what the dashboard's poll says, until the first read

    async def read(self, client: Commands) -> MemoryReading:
        return await read_memory(client)

    def show(self, readings: Mapping[str, Reading[MemoryReading]]) -> None:
        node, reading = next(iter(readings.items()), (self.node or "", None))
        snapshot = node_snapshot(self, node)
        value = reading.value if reading is not None else None
        self.query_one("#memory-head", Static).update(self._head(snapshot, value, node))
        self.query_one("#memory-parts", Static).update(self._parts(reading, node))
        self.query_one("#memory-clients", Static).update(self._clients(snapshot))
        self.query_one("#memory-doctor", Static).update(self._doctor(reading, node))

    def _head(self, snapshot: Snapshot | None, value: MemoryReading | None, node: str) -> Text:
        rows: list[Text] = []
        if snapshot is not None:
            memory = snapshot.memory
            used = value.stats.used if value is not None and value.stats.used else memory.used
            limit = (f"{human_bytes(memory.maxmemory)} ({percent(used / memory.maxmemory)} used)"
                     if memory.maxmemory else "none (no maxmemory: it grows until the OS stops it)")
            rows.append(label_value(("used", human_bytes(used)), ("maxmemory", limit)))
            rows.append(label_value(("policy", safe_text(memory.policy, 40)),
                                    ("evicted keys", thousands(memory.evicted_keys)),
                                    ("rss", human_bytes(memory.rss)), ("peak", human_bytes(memory.peak))))
        if value is not None and value.stats.fields:
            stats = value.stats
            frag = stats.fragmentation
            rows.append(label_value(("keys", thousands(stats.keys)),
                                    ("bytes per key", human_bytes(stats.bytes_per_key)),
                                    ("fragmentation", "—" if frag is None else f"{frag:.2f}")))
        rows.extend(finding_lines(self, FINDINGS, node))
        return lines(*rows) if rows else Text("Waiting for the first poll…", style="dim")

    def _parts(self, reading: Reading[MemoryReading] | None, node: str) -> Text:
        if reading is None:
            return Text("MEMORY STATS: reading…", style="dim")
        if reading.value is None:
            return missing(reading, "MEMORY STATS") or Text("")
        value = reading.value
        if value.stats_error is not None:
            return refused(self, node, value.stats_error, "MEMORY STATS") or Text("")
        parts = breakdown(value.stats)
        if not parts:
            return Text("MEMORY STATS: the server sent no totals.", style="dim")
        rows = [Text("Used memory, by part (share of used)", style="bold")]
        for part in parts:
            rows.append(self._part_row(part.label, part.bytes, part.share))
        extra = waste(value.stats)
        if extra:
            rows.append(Text("Beyond used memory (share of used): held by the process, used by no key",
                             style="bold"))
            for part in extra:
                rows.append(self._part_row(part.label, part.bytes, part.share))
        return lines(*rows)

    @staticmethod
    def _part_row(label: str, size: int, share: float | None) -> Text:
        row = Text(f"{label:<28.28} ", no_wrap=True, overflow="ellipsis")
        row.append(f"{human_bytes(size):>8} ", style="bold")
        row.append(f"{percent(share):>7} ")
        row.append(bar(share))
        return row

    def _clients(self, snapshot: Snapshot | None) -> Group | Text:
        if snapshot is None or snapshot.client_list is None:
            return Text("Top clients by memory: the dashboard has no client list (yet, or CLIENT LIST is not "
                        "permitted).", style="dim")
        top = consumers(snapshot.client_list)
        title = Text("Top clients by memory (the dashboard's CLIENT LIST; tot-mem includes the query buffer)",
                     style="bold")
        table = Table(box=None, pad_edge=False, expand=False)
        for header in ("id", "addr", "name", "cmd", "omem", "tot-mem", "idle"):
            table.add_column(header, justify="right" if header in ("id", "omem", "tot-mem", "idle") else "left",
                             no_wrap=True, overflow="ellipsis", max_width=28 if header in ("addr", "name") else None)
        for row in top:
            table.add_row(str(row.id), Text(safe_text(row.addr, 60)), Text(safe_text(row.name, 60)),
                          Text(safe_text(row.cmd, 30)), human_bytes(row.omem), human_bytes(row.tot_mem),
                          human_duration(row.idle_s))
        return Group(title, table)

    def _doctor(self, reading: Reading[MemoryReading] | None, node: str) -> Text:
        if reading is None or reading.value is None:
            return Text("")
        if reading.value.doctor_error is not None:
            return refused(self, node, reading.value.doctor_error, "MEMORY DOCTOR") or Text("")
        out = Text("MEMORY DOCTOR says\n", style="bold")
        text = reading.value.doctor[:DOCTOR_LIMIT]
        out.append("\n".join(safe_text(line, 400) for line in text.splitlines()[:DOCTOR_LINES]))
        return out
