"""Memory pane: used memory against maxmemory, RSS, peak, fragmentation, policy, evictions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from redis_tui.core.diagnosis.rules.memory import fragmentation_case
from redis_tui.core.format import DASH, human_bytes, human_rate, percent, thousands
from redis_tui.core.models import Snapshot
from redis_tui.ui.dashboard.meter import Meter
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.dashboard.spark import Spark
from redis_tui.ui.widgets.figures import Figures
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.spread import SpreadLine
from redis_tui.ui.widgets.text import label_value, lines, set_text


class MemoryPane(Pane):
    """INFO memory at a glance, with a sparkline of used memory from 0 to maxmemory (or to its peak)."""

    TITLE = "Memory"

    def compose(self) -> ComposeResult:
        yield Meter(id="memory-meter")
        yield Figures(id="memory-text")
        yield SpreadLine("memory")
        yield Spark(id="memory-spark", summary_function=max)

    def show(self, snapshot: Snapshot | None) -> None:
        meter = self.query_one(Meter)
        text = self.query_one("#memory-text", Figures)
        spark = self.query_one(Spark)
        if snapshot is None:
            meter.show(None, "waiting for data")
            set_text(text, Text("—", style="dim"))
            return
        mem = snapshot.memory
        ratio = mem.limit_ratio
        if ratio is None:
            meter.show(None, f"{human_bytes(mem.used)}, no maxmemory limit")
        else:
            meter.show(ratio, f"{percent(ratio)} of {human_bytes(mem.maxmemory)}")
        frag = mem.fragmentation
        frag_text = Text(DASH if frag is None else f"{frag:.2f}", style="bold")
        if fragmentation_case(mem, host(self).diagnoser.limits):  # the high-fragmentation rule's own test
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
        history = snapshot.history.used_memory
        top = max(max(history, default=0.0), mem.maxmemory) or 1.0
        spark.plot(history, 0.0, top)
        subtitle = f"graph 0–{human_bytes(top)}{' (maxmemory)' if top == mem.maxmemory else ''}"
        if self.border_subtitle != subtitle:  # setting it repaints the whole pane, even unchanged
            self.border_subtitle = subtitle
