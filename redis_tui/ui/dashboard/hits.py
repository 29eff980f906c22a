"""Cache hit ratio pane: hits/misses per second, the ratio now and since start, top commands."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_rate, percent
from redis_tui.core.models import Snapshot
from redis_tui.ui.dashboard.pane import Pane
from redis_tui.ui.dashboard.spark import Spark
from redis_tui.ui.widgets.figures import Figures
from redis_tui.ui.widgets.table import build_figures_table, sync_rows
from redis_tui.ui.widgets.text import label_value, lines, set_text

TOP_COMMANDS = 8  # rows of the commands table, the busiest first; the pane shows 2-6 of them
COLUMNS = (("command", "command", 14), ("calls/s", "calls", 8), ("µs/call", "usec", 8), ("%", "share", 5))


class HitsPane(Pane):
    """Keyspace hits and misses, and the busiest commands from INFO commandstats."""

    TITLE = "Cache hit ratio"

    def compose(self) -> ComposeResult:
        yield Figures(id="hits-text")
        yield Spark(id="hits-spark", summary_function=min)
        yield build_figures_table(COLUMNS, id="commands")

    def show(self, snapshot: Snapshot | None) -> None:
        text = self.query_one("#hits-text", Figures)
        if snapshot is None:
            set_text(text, Text("—", style="dim"))
            return
        rates, totals = snapshot.rates, snapshot.totals
        ratio = rates.hit_ratio
        ratio_text = Text(percent(ratio), style="bold")
        if ratio is not None:
            ratio_text.stylize("green" if ratio >= 0.9 else "yellow" if ratio >= 0.7 else "red")
        set_text(text,
            lines(
                label_value(("ratio", ratio_text), ("since start", percent(totals.hit_ratio))),
                label_value(("hits", human_rate(rates.hits)), ("misses", human_rate(rates.misses))),
            )
        )
        self.query_one(Spark).plot(snapshot.history.hit_ratio)  # its own range: 90-99% matters
        total = sum(r.calls_per_s for r in rates.commands) or 1.0
        # a fixed set of rows, by rank: commands that come and go (CLIENT LIST every 5 s) change
        # cells in place instead of adding and removing rows, each of which re-lays out the screen
        busiest = [
            (
                Text(safe_text(r.name, 14), no_wrap=True, overflow="ellipsis"),
                Text(human_rate(r.calls_per_s, ""), justify="right"),
                Text("—" if r.usec_per_call is None else f"{r.usec_per_call:.1f}", justify="right"),
                Text(percent(r.calls_per_s / total, 0), justify="right"),
            )
            for r in rates.commands[:TOP_COMMANDS]
        ]
        blank = tuple(Text() for _ in COLUMNS)
        rows = {str(rank): busiest[rank] if rank < len(busiest) else blank for rank in range(TOP_COMMANDS)}
        sync_rows(self.query_one(DataTable), rows, order=list(rows))
