"""Throughput pane: commands and error replies per second, a sparkline of commands, network in/out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from redis_tui.core.format import human_bytes, human_rate
from redis_tui.core.models import Snapshot
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.dashboard.spark import Spark
from redis_tui.ui.widgets.figures import Figures
from redis_tui.ui.widgets.spread import SpreadLine
from redis_tui.ui.widgets.text import label_value, lines, set_text


class ThroughputPane(Pane):
    """Ops/s now and recently, errors/s (red when any: OOM, WRONGTYPE, NOPERM…), network traffic."""

    TITLE = "Throughput"

    def compose(self) -> ComposeResult:
        yield Figures(id="throughput-text")
        yield SpreadLine("ops")
        yield Spark(id="ops-spark", summary_function=max)
        yield Figures(id="network-text")

    def show(self, snapshot: Snapshot | None) -> None:
        text = self.query_one("#throughput-text", Figures)
        network = self.query_one("#network-text", Figures)
        if snapshot is None:
            set_text(text, Text("—", style="dim"))
            set_text(network, "")
            return
        rates = snapshot.rates
        history = snapshot.history.ops
        peak = max(history) if history else None
        errors = Text(human_rate(rates.errors), style="bold red" if rates.errors else "bold")
        set_text(text, label_value(("ops", human_rate(rates.ops)), ("errors", errors), ("peak", human_rate(peak))))
        self.query_one(Spark).plot(history, 0.0)  # from zero: 1 → 2 ops/s is no burst
        set_text(network,
            lines(
                label_value(
                    ("net in", human_rate(rates.net_in) if rates.net_in is None else f"{human_bytes(rates.net_in)}/s"),
                    ("out", human_rate(rates.net_out) if rates.net_out is None else f"{human_bytes(rates.net_out)}/s"),
                )
            )
        )
