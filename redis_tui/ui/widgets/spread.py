"""`SpreadLine`: under a dashboard pane's figures, how one measure spreads over the primaries.

Shown only while the dashboard shows the whole cluster: ``max 410M 10.0.0.6:6379 3.1× · min 120M · 3 primaries``,
the node and ratio in red when it stands out (≥ the skew ratio × the median). In a narrow pane the line
drops what says least first: the primaries count, then the minimum (the node is written shorter first
when that keeps it: ``:7000`` when the primaries share a host, the host when they share a port), then
the ratio; it is never cut in the middle of a figure.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Resize
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_bytes, human_rate, thousands
from redis_tui.core.nodes import Topology
from redis_tui.core.topology.rows import stands_out
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.widgets.host import host

FORMATS = {"memory": human_bytes, "ops": lambda v: human_rate(v, "/s"), "keys": lambda v: thousands(int(v))}


def short_node(addr: str, topology: Topology) -> str:
    """`addr` written as short as the primaries allow: ``:port`` when they share a host, the host
    when they share a port, else the whole ``host:port``."""
    addrs = [n.addr for n in topology.primaries] or [addr]
    host_of, _, port = addr.rpartition(":")
    if not host_of:
        return addr
    if len({a.rpartition(":")[0] for a in addrs}) == 1:
        return f":{port}"
    if len({a.rpartition(":")[2] for a in addrs}) == 1:
        return host_of
    return addr


def spread_text(cluster: ClusterRound | None, measure: str, ratio: float = 2.0,
                width: int | None = None) -> Text | None:
    """The line for `measure` in `width` cells (None: no limit); None when there is nothing to say
    (one node, or a node is shown)."""
    if cluster is None or cluster.focus is not None:
        return None
    aggregate = cluster.round.aggregate
    spread = aggregate.spread.get(measure)
    if spread is None or aggregate.reporting < 2:
        return None
    fmt = FORMATS[measure]
    hot = stands_out(spread.high, spread, ratio)
    full = safe_text(spread.high_node, 48)
    short = safe_text(short_node(spread.high_node, cluster.round.topology), 48)
    times = f" {spread.high / spread.median:.1f}×" if spread.median > 0 else ""

    def line(node: str, ratio_shown: bool, low: bool, count: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("max ", style="dim").append(fmt(spread.high), style="bold")
        text.append(" ").append(node, style="bold red" if hot else "")
        if ratio_shown and times:
            text.append(times, style="bold red" if hot else "dim")
        if low:
            text.append(" · min ", style="dim").append(fmt(spread.low), style="bold")
        if count:
            text.append(f" · {aggregate.reporting} primaries", style="dim")
        return text

    # most to least said; the first that fits wins (the last one is cut with an ellipsis if need be)
    choices = [line(full, True, True, True), line(full, True, True, False), line(short, True, True, False),
               line(full, True, False, False), line(short, True, False, False), line(short, False, False, False)]
    if width is None:
        return choices[0]
    return next((c for c in choices if c.cell_len <= width), choices[-1])


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

    def on_resize(self, event: Resize) -> None:
        self._show(host(self).cluster)

    def _show(self, cluster: ClusterRound | None) -> None:
        ratio = host(self).diagnoser.limits.cluster_skew_ratio
        width = self.content_region.width or None  # not laid out yet: the whole line, fitted on resize
        line = spread_text(cluster, self.measure, ratio, width)
        if line is None:
            self.display = False
            return
        self.display = True
        if self.content != line:
            self.update(line, layout=False)
