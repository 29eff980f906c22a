"""The keys screen's cluster half (a mixin of `KeysScreen`): on a cluster the list and the tree
scan every primary, a key is read and written on its node, and each round's topology is followed
(a failover or reshard restarts that node's scan). On one server nothing here runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from redis_tui.core.keyspace.writes import KeyWriter
from redis_tui.core.source import SnapshotSource
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.keys.cluster import KeysCluster
from redis_tui.ui.keys.detail import KeyDetail
from redis_tui.ui.keys.tree import NamespaceView
from redis_tui.ui.widgets.host import host
from redis_tui.ui.widgets.table import Table

if TYPE_CHECKING:
    from redis_tui.ui.keys.screen import KeysScreen


class ClusterKeys:
    """What `KeysScreen` does on a cluster (and on a node watched alone with --node-only)."""

    def _enter_cluster(self, cluster: ClusterRound) -> None:
        """Scan every primary from now on: the list gets a node column, reads and writes are routed."""
        me = cast("KeysScreen", self)
        assert me.connections is not None and me.client is not None
        me.cluster = KeysCluster(me.connections, lambda: host(me).target, me.settings,
                                   on_moved=me._moved)
        me.cluster.update(cluster)
        me._route()
        table = me.query_one("#key-list", Table)
        table.clear(columns=True)
        table.add_column("node")
        me.key_column = table.add_column("key")
        tree = me.query_one(NamespaceView)
        tree.connect(me.client, me.settings, me.cluster.namespace_scan)
        tree.reset_counts(me.type)
        me.start_scan()

    def _route(self) -> None:
        """Reads and writes of a key go to its node (the cluster's routing)."""
        me = cast("KeysScreen", self)
        assert me.cluster is not None and me.client is not None
        me.writer = KeyWriter(me.client, me.write, client_for=me.cluster.router.client)
        detail = me.query_one(KeyDetail)
        detail.connect(me.client, me.writer)
        detail.locate = me.cluster.location

    def _on_cluster(self, cluster: ClusterRound | None) -> None:
        """A new round: follow the topology (a failover or reshard restarts that node's scan)."""
        me = cast("KeysScreen", self)
        if cluster is None or me.connections is None:
            return
        if me.cluster is None or me.cluster.round is None:
            me._enter_cluster(cluster)
            return
        change = me.cluster.follow(cluster, me.scanner, me.query_one(NamespaceView))
        if change == "restart":  # the dashboard now shows another node (or all): so does this screen
            me.query_one(NamespaceView).reset_counts(me.type)
            me.start_scan()
        elif change == "resume" and me.scanner is not None and (
                me._keys_worker is None or me._keys_worker.is_finished):
            me._keys_worker = me._load_keys(me.scanner, max(me.listed + 1, me._screenful()))
        me._show_bar()

    def _moved(self) -> None:
        """A MOVED reply: the topology is worth reading again now."""
        me = cast("KeysScreen", self)
        source: SnapshotSource | None = getattr(me.app, "source", None)
        if source is not None:
            source.refresh_now()

    def _point_detail(self, key: bytes) -> None:
        """Before the detail reads `key`: on a cluster, give it the client of `key`'s node."""
        me = cast("KeysScreen", self)
        if me.cluster is None and me.connections is not None and me.client is not None \
                and KeysCluster.node_only(host(me)):
            # reads still follow MOVED / ASK from the node given (a replica redirects to its primary)
            me.cluster = KeysCluster(me.connections, lambda: host(me).target, me.settings, me.client)
            me._route()
        if me.cluster is not None and me.writer is not None:
            me.query_one(KeyDetail).connect(me.cluster.router.client(key), me.writer)

