"""The keys screen on a Redis Cluster: which nodes it scans, a client per node, routing by slot, and its words.

The app's cluster rounds (`ClusterRound`) say which nodes there are and which answer. The
keys screen scans every primary that holds keys (or the one node the dashboard shows, after
`n`), and reads and writes each key on the node that serves its slot through core's
`Router`, which follows MOVED and ASK. Node clients come from the app's `Connections` (one
``redis-tui-keys`` client per node, closed with the app). With ``--node-only`` on a cluster
node there are no rounds: the scan stays on that node, and reads still follow MOVED / ASK.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from redis_tui.commands.cluster import keyed_primaries, node_target
from redis_tui.core.connection import Client, Connections
from redis_tui.core.display import safe_text
from redis_tui.core.errors import classify
from redis_tui.core.keyspace.nodes_scan import NodesKeyScanner, NodesNamespaceScan, NodesScan
from redis_tui.core.keyspace.route import NoNode, Router
from redis_tui.core.keyspace.settings import KeyspaceSettings
from redis_tui.core.keyspace.slots import key_slot
from redis_tui.core.nodes import Node
from redis_tui.core.target import Target
from redis_tui.core.topology.source import ClusterRound
from redis_tui.ui.keys.tree import NamespaceView
from redis_tui.ui.widgets.host import Host

PURPOSE = "keys"  # the node clients are named redis-tui-keys, like the screen's own


class KeysCluster:
    """The cluster as the keys screen sees it: nodes to scan, clients, routing, and what to say about them."""

    NODE_ONLY = Text(" · this node only (--node-only)", style="dim")

    def __init__(self, connections: Connections, seed: Callable[[], Target], settings: KeyspaceSettings,
                 default: Client | None = None, on_moved: Callable[[], None] | None = None) -> None:
        self.connections, self.seed, self.settings = connections, seed, settings
        self.round: ClusterRound | None = None  # None: --node-only (no rounds)
        self.one_host = True  # every node shares one host: the list shows ":port"
        self.router = Router(self.connect, default, seed().address if default is not None else "", on_moved)

    def target_of(self, key: bytes) -> Target | None:
        """The node that serves `key`, as a target (None when routing knows no node for it)."""
        addr = self.router.node_of(key)
        return node_target(self.seed(), Node(addr=addr)) if addr else None

    def connect(self, addr: str) -> Client:
        """The ``redis-tui-keys`` client of the node at `addr` (the seed's credentials and TLS)."""
        target = node_target(self.seed(), Node(addr=addr))
        if target is None:
            raise NoNode(f"the cluster gives no usable address for node {addr}")
        return self.connections.node(PURPOSE, target)

    @staticmethod
    def node_only(app: Host) -> bool:
        """A cluster node watched alone (--node-only): the app has no rounds, yet the server says cluster."""
        snapshot = app.snapshot
        return app.cluster is None and snapshot is not None and snapshot.server.mode == "cluster"

    # --- the nodes ---------------------------------------------------------------------------
    def update(self, cluster: ClusterRound) -> None:
        """A new round: route by its topology."""
        self.round = cluster
        self.router.update(cluster.round.topology)
        self.one_host = len({node.addr.rpartition(":")[0] for node in cluster.round.topology.nodes}) <= 1

    def follow(self, cluster: ClusterRound, scanner: object, tree: NamespaceView) -> str:
        """A new round: "restart" when the dashboard now shows another node (or all of them), "resume" when a
        node's scan of the key list started again (a failover, a reshard, a node back), else ""."""
        focus = self.focus
        self.update(cluster)
        if self.focus != focus:
            return "restart"
        nodes, down = self.nodes(), self.down()
        tree.retarget(nodes, down)
        if isinstance(scanner, NodesKeyScanner) and scanner.retarget(nodes, down) and not scanner.done:
            return "resume"
        return ""

    @property
    def focus(self) -> str | None:
        """The node the dashboard shows alone (None: the whole cluster)."""
        return self.round.focus if self.round is not None else None

    def nodes(self) -> tuple[Node, ...]:
        """What to scan: the node the dashboard shows, else every primary that holds keys."""
        if self.round is None:
            return ()
        topology = self.round.round.topology
        focused = topology.node(self.round.focus) if self.round.focus is not None else None
        chosen = (focused,) if focused is not None else keyed_primaries(topology)
        return tuple(node for node in chosen if node.host_port is not None)  # a node without an address: no scan

    def down(self) -> frozenset[str]:
        """The nodes that did not answer the last round."""
        return frozenset(self.round.round.outages) if self.round is not None else frozenset()

    def key_scanner(self, match: bytes | None, kind: str | None) -> NodesKeyScanner:
        """A scan of the key list over the nodes, with these filters."""
        settings = self.settings
        return NodesKeyScanner(self.nodes(), self.connect, match=match, type=kind, count=settings.scan_count,
                               page_size=settings.page_size)

    def namespace_scan(self, prefix: bytes, delimiter: bytes, depth: int, **options) -> NodesNamespaceScan:
        """A tree count of `prefix` over the nodes (options: `NamespaceScan`'s)."""
        return NodesNamespaceScan(self.nodes(), self.connect, prefix, delimiter, depth, **options)

    # --- words -------------------------------------------------------------------------------
    def tag(self, addr: str) -> Text:
        """A node in the key list: ``:7001`` when every node shares one host, else ``host:port``."""
        short = ":" + addr.rpartition(":")[2] if self.one_host else addr
        return Text(safe_text(short, 40), style="cyan", no_wrap=True)

    def location(self, key: bytes) -> Text:
        """``slot 12182 · node 10.0.0.5:6379``: where `key` lives (its slot's node as routing knows it)."""
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append("slot ", style="dim")
        out.append(str(key_slot(key)), style="bold")
        addr = self.router.node_of(key)
        if addr:
            out.append(" · node ", style="dim")
            out.append(safe_text(addr, 60), style="bold")
        return out

    def cover(self, scanner: NodesScan | None) -> Text:
        """What the scan covers, for the bar: `` · 3 primaries`` and the nodes that are down, and why."""
        if self.round is None:
            return self.NODE_ONLY.copy()
        out = Text()
        parts = scanner.parts if scanner is not None else []
        count = len(parts) or len(self.nodes())
        if self.focus is not None:
            out.append(f" · node {safe_text(self.focus, 60)} only (the dashboard shows it)", style="dim")
        else:
            out.append(f" · {count} primar{'y' if count == 1 else 'ies'}", style="dim")
        failed = {part.addr: part.error for part in parts if part.error is not None}
        down = sorted(set(failed) | (self.down() & {part.addr for part in parts}))
        if down:
            words = []
            for addr in down:
                error = failed.get(addr)
                why = "not answering" if error is None else self._problem(addr, error)
                words.append(f"{safe_text(addr, 60)} ({why})")
            out.append(f" · down: {', '.join(words)}", style="bold red")
        return out

    def _problem(self, addr: str, error: BaseException) -> str:
        target = node_target(self.seed(), Node(addr=addr)) or self.seed()
        return classify(error, target, connected=True).id
