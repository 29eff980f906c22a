"""The status line's cluster parts: ``cluster ok``, ``16384/16384 slots``, ``6/6 nodes up``, the node shown."""

from __future__ import annotations

from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.nodes import SLOTS
from redis_tui.core.topology.source import ClusterRound


def cluster_parts(cluster: ClusterRound | None) -> list[tuple[int, Text, bool]]:
    """(priority, text, glued) parts for `StatusBar`; none on a single server."""
    if cluster is None:
        return []
    topology = cluster.round.topology
    parts: list[tuple[int, Text, bool]] = []
    if cluster.focus is not None:
        parts.append((0, Text(f"node {safe_text(cluster.focus, 48)}", style="bold magenta"), False))
    if topology.kind == "cluster":
        ok = topology.state == "ok"
        parts.append((0, Text(f"cluster {safe_text(topology.state, 12)}",
                              style="bold green" if ok else "bold white on red"), False))
        covered = topology.slots_assigned
        parts.append((1, Text(f"{covered}/{SLOTS} slots", style="" if covered == SLOTS else "bold red"), False))
    total, up = len(topology.nodes), cluster.nodes_up
    parts.append((1, Text(f"{up}/{total} nodes up", style="" if up == total else "bold red"), False))
    return parts
