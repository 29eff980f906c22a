"""The status line's cluster parts: ``cluster ok``, ``16384/16384 slots``, ``6/6 nodes up``, the node shown;
on a Sentinel group the current master (``master 10.0.0.6:6379``, on yellow for a minute after it moved) and the
quorum.

Each part has a short form (``all slots``, ``6/6 up``) the status line takes when the long ones do
not all fit (80 columns): the cluster's state, its slot coverage and the nodes up come first.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text

from redis_tui.core.display import safe_text
from redis_tui.core.nodes import SLOTS, TopologyUpdate
from redis_tui.core.topology.source import ClusterRound


class Part(NamedTuple):
    """A piece of the status line: lower `priority` survives longer (0: always shown); `glued` to the
    piece before it (no separator); `short`: the form taken when the line is too narrow for the long ones
    (parts shorten in `shrink` order, lowest first, until those of priority ≤ 1 fit), and `short_priority`
    the priority once the line shortens (None: the same)."""

    priority: int
    text: Text
    glued: bool = False
    short: Text | None = None
    short_priority: int | None = None
    shrink: int = 0


def cluster_parts(cluster: ClusterRound | None) -> list[Part]:
    """The cluster's parts for `StatusBar`; none on a single server."""
    if cluster is None:
        return []
    topology = cluster.round.topology
    parts: list[Part] = []
    if cluster.focus is not None:
        parts.append(Part(0, Text(f"node {safe_text(cluster.focus, 48)}", style="bold magenta")))
    if topology.kind == "cluster":
        ok = topology.state == "ok"
        parts.append(Part(0, Text(f"cluster {safe_text(topology.state, 12)}",
                                  style="bold green" if ok else "bold white on red")))
        covered = topology.slots_assigned
        style = "" if covered == SLOTS else "bold red"
        slots = Text(f"{covered}/{SLOTS} slots", style=style)
        parts.append(Part(1, slots, short=Text("all slots") if covered == SLOTS else slots, shrink=2))
    parts.extend(sentinel_parts(cluster.round))
    total, up = len(topology.nodes), cluster.nodes_up
    style = "" if up == total else "bold red"
    parts.append(Part(1, Text(f"{up}/{total} nodes up", style=style), short=Text(f"{up}/{total} up", style=style),
                      shrink=1))
    return parts


MOVED_S = 60.0  # the master part stays on yellow this long after a failover


def sentinel_parts(update: TopologyUpdate) -> list[Part]:
    """``master 10.0.0.6:6379`` (``→ 10.0.0.7:6379?`` while a switch waits for confirmation) and ``quorum ok`` /
    ``NO QUORUM``; none outside a Sentinel group."""
    state = update.sentinel
    if state is None:
        return []
    master = safe_text(state.master or "?", 48)
    recent = any(update.taken_at - f.at <= MOVED_S for f in state.failovers)
    down = bool(state.master_down_flags) or state.odown_open
    style = "bold white on red" if down else "bold black on yellow" if recent else "bold cyan"
    text = Text(f"master {master}", style=style)
    if state.pending and state.pending != state.master:
        text.append(f" → {safe_text(state.pending, 48)}?", style="bold yellow")
    parts = [Part(0, text, short=Text(master, style=style), shrink=4)]
    answering = state.reachable
    lost = not answering or any(v.ckquorum_ok is False for v in answering)
    quorum = Text("NO QUORUM", style="bold white on red") if lost else Text(f"quorum {state.quorum or '?'} ok")
    parts.append(Part(1 if lost else 4, quorum))
    return parts
