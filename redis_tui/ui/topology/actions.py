"""The app's cluster actions: the topology screen (``o``), the next node (``n``), the whole cluster
(``w``), and their palette entries. A mixin of `RedisTuiApp`; on a single server ``n``/``w`` are off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand

from redis_tui.core.display import safe_text
from redis_tui.core.topology.rows import shard_order
from redis_tui.core.topology.source import ClusterRound, ClusterSource
from redis_tui.ui.topology.screen import TopologyScreen

if TYPE_CHECKING:
    from textual.app import App

    from redis_tui.core.source import SnapshotSource

    _AppBase = App[None]
else:
    _AppBase = object

CLUSTER_ACTIONS = frozenset({"next_node", "whole_cluster"})


class ClusterActions(_AppBase):
    """Mixed into the app: switch the dashboard between the whole cluster and one node."""

    if TYPE_CHECKING:
        source: SnapshotSource
        cluster: ClusterRound | None

        def _emit(self, update: Any) -> None: ...

    def action_topology(self) -> None:
        """Open the topology screen (every node, shard by shard)."""
        self.open_topology()

    def open_topology(self, select: str | None = None) -> None:
        """Open the topology screen, with the node at `select` selected (a finding's node)."""
        if isinstance(self.screen, TopologyScreen):
            self.screen.select(select)
        else:
            self.push_screen(TopologyScreen(select=select))

    def action_next_node(self) -> None:
        """Show the next node (after the last one: the whole cluster again)."""
        cluster = self.cluster
        if cluster is None:
            return
        order = [node.addr for _, node, _ in shard_order(cluster.round)]
        if cluster.focus in order:
            index = order.index(cluster.focus) + 1
            self.show_node(order[index] if index < len(order) else None)
        elif order:
            self.show_node(order[0])

    def action_whole_cluster(self) -> None:
        """Show the whole cluster again."""
        self.show_node(None)

    def show_node(self, addr: str | None) -> None:
        """Switch the dashboard to the node at `addr` (None: the whole cluster)."""
        source = self.source
        if not isinstance(source, ClusterSource):
            return
        shown = source.show(addr)
        if shown is not None:
            self._emit(shown)
        what = f"node {addr}" if addr else "the whole cluster (totals over the primaries)"
        self.notify(f"Dashboard: {safe_text(what, 80)}", timeout=3, markup=False)

    def cluster_commands(self) -> Iterator[SystemCommand]:
        """Palette entries: the topology, the whole cluster, each node."""
        yield SystemCommand("Cluster: topology", "Every node: shards, slots, flags, lag, epoch, figures (o)",
                            self.action_topology)
        cluster = self.cluster
        if cluster is None:
            return
        yield SystemCommand("Cluster: whole cluster", "The dashboard shows the totals over the primaries (w)",
                            self.action_whole_cluster)
        for _, node, _ in shard_order(cluster.round):
            addr = node.addr
            yield SystemCommand(f"Cluster: show node {safe_text(addr, 60)} ({node.role})",
                                "The dashboard shows this node alone (n: the next one)",
                                lambda addr=addr: self.show_node(addr))
