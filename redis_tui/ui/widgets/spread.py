"""`SpreadLine`: under a dashboard pane's figures, how one measure spreads over the primaries.

Shown only while the dashboard shows the whole cluster: ``max 410M on 10.0.0.6:6379 (3.1×) · min 120M``,
the node and ratio in red when it stands out (≥ the skew ratio × the median).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_rate, thousands
from redis_tui.core.topology.rows import stands_out
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.widgets.host import host

FORMATS = {"memory": human_bytes, "ops": lambda v: human_rate(v, "/s"), "keys": lambda v: thousands(int(v))}


def spread_text(cluster: ClusterRound | None, measure: str, ratio: float = 2.0) -> Text | None:
    """The line for `measure`, None when there is nothing to say (one node, or a node is shown)."""
    if cluster is None or cluster.focus is not None:
        return None
    aggregate = cluster.round.aggregate
    spread = aggregate.spread.get(measure)
    if spread is None or aggregate.reporting < 2:
        return None
    fmt = FORMATS[measure]
    hot = stands_out(spread.high, spread, ratio)
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append("max ", style="dim").append(fmt(spread.high), style="bold")
    line.append(" ").append(safe_text(spread.high_node, 48), style="bold red" if hot else "")
    if spread.median > 0:
        line.append(f" {spread.high / spread.median:.1f}×", style="bold red" if hot else "dim")
    line.append(" · min ", style="dim").append(fmt(spread.low), style="bold")
    line.append(f" · {aggregate.reporting} primaries", style="dim")
    return line


class SpreadLine(Static):
    """One line that follows the app's cluster round (hidden on a single server or a single node)."""

    DEFAULT_CSS = """
    SpreadLine { height: 1; display: none; }
    """

    def __init__(self, measure: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.measure = measure

    def on_mount(self) -> None:
        self.watch(self.app, "cluster", self._show, init=True)

    def _show(self, cluster: ClusterRound | None) -> None:
        ratio = host(self).diagnoser.limits.cluster_skew_ratio
        line = spread_text(cluster, self.measure, ratio)
        if line is None:
            self.display = False
            return
        self.display = True
        if self.content != line:
            self.update(line, layout=False)
