"""Memory pane: used memory against maxmemory, RSS, peak, fragmentation, policy, evictions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Sparkline, Static

from redis_tui.core.format import DASH, human_bytes, human_rate, percent, thousands
from redis_tui.core.models import Snapshot
from redis_tui.ui.panes.base import Pane, label_value, lines, set_text
from redis_tui.ui.panes.meter import Meter


class MemoryPane(Pane):
    """INFO memory at a glance, with a sparkline of used memory."""

    TITLE = "Memory"

    def compose(self) -> ComposeResult:
        yield Meter(id="memory-meter")
        yield Static(id="memory-text")
        yield Sparkline([], id="memory-spark", summary_function=max)

    def show(self, snapshot: Snapshot | None) -> None:
        meter = self.query_one(Meter)
        text = self.query_one("#memory-text", Static)
        spark = self.query_one(Sparkline)
        if snapshot is None:
            meter.ratio, meter.label = None, "waiting for data"
            set_text(text, Text("—", style="dim"))
            return
        mem = snapshot.memory
        ratio = mem.limit_ratio
        if ratio is None:
            meter.ratio, meter.label = None, f"{human_bytes(mem.used)}, no maxmemory limit"
        else:
            meter.ratio, meter.label = ratio, f"{percent(ratio)} of {human_bytes(mem.maxmemory)}"
        frag = mem.fragmentation
        frag_text = Text(DASH if frag is None else f"{frag:.2f}", style="bold")
        if frag is not None and (frag > 1.5 or frag < 1.0):
            frag_text.stylize("yellow")
        evicted = label_value(
            ("evicted", thousands(mem.evicted_keys)),
            ("", Text(f"({human_rate(snapshot.rates.evicted)})", style="dim")),
            gap=" ",
        )
        set_text(text, 
            lines(
                label_value(("used", human_bytes(mem.used)), ("peak", human_bytes(mem.peak)),
                            ("rss", human_bytes(mem.rss))),
                label_value(("frag", frag_text), ("policy", mem.policy)),
                evicted,
            )
        )
        spark.data = list(snapshot.history.used_memory) or [0.0]
