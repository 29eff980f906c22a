"""The topology screen (``o``): every node of the cluster in shard order — primary then replicas,
slot ranges and counts, link, flags, replication lag, config epoch, memory/ops/keys/clients and a
status badge; a down node is a red row. Enter shows that node on the dashboard; on a single
server the table holds that server alone. Opened from a finding, the node it names is selected.
On a Sentinel group: the master, its replicas and the Sentinels, and below them the Sentinel pane
(each Sentinel's view, the failovers seen and the latest events).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from redis_tui.core.display import safe_text
from redis_tui.core.format import human_duration
from redis_tui.core.models import Snapshot
from redis_tui.core.nodes import PRIMARY, REPLICA, SLOTS, Node, Topology, TopologyUpdate
from redis_tui.core.topology.aggregate import aggregate
from redis_tui.core.topology.rows import NodeRow, node_rows
from redis_tui.ui.topology.sentinels import SentinelPane
from redis_tui.ui.widgets.footer import KeyFooter
from redis_tui.ui.widgets.host import Host, host
from redis_tui.ui.widgets.node_table import CLUSTER_COLUMNS, SENTINEL_COLUMNS, NodeTable
from redis_tui.ui.widgets.outage import OutageBanner
from redis_tui.ui.widgets.status import StatusBar
from redis_tui.ui.widgets.table import selected_key
from redis_tui.ui.widgets.text import set_text


def single_server_rows(app: Host) -> list[NodeRow]:
    """The one server of a standalone target, as a one-row topology."""
    update = app.snapshot if app.outage is None else app.outage
    if update is None:
        return []
    role = REPLICA if isinstance(update, Snapshot) and update.server.role == "slave" else PRIMARY
    node = Node(app.target.address, role=role)
    updates = {node.addr: update}
    topology = Topology(nodes=(node,))
    return node_rows(TopologyUpdate(app.clock(), topology, updates, aggregate(topology, updates)), app.findings)


def summary(app: Host, width: int | None = None) -> Text:
    """One line above the table: state, slots, shards, nodes up, epoch, whose view and when; in `width`
    cells (None: no limit) whose view goes first, then the epoch, then the shards."""
    cluster = app.cluster
    if cluster is None:
        return Text("A single server, not a cluster: the table holds it alone.", style="dim")
    topology = cluster.round.topology
    # (priority: the higher goes first when space is short, text)
    parts: list[tuple[int, Text]] = []
    if topology.kind == "cluster":
        ok = topology.state == "ok"
        parts.append((0, Text(f" cluster {safe_text(topology.state, 12)} ", style="bold white on green" if ok
                              else "bold white on red")))
        parts.append((0, Text(f"  {topology.slots_assigned}/{SLOTS} slots",
                              style="" if not topology.uncovered else "bold red")))
        parts.append((2, Text(f" · {sum(1 for p in topology.primaries if p.slots)} shards")))
    elif cluster.round.sentinel is not None:
        state = cluster.round.sentinel
        parts.append((0, Text(f" sentinel {safe_text(state.name, 24)} ", style="bold white on green"
                              if topology.state == "ok" else "bold white on red")))
        parts.append((0, Text(f" · master {safe_text(state.master or '?', 48)}", style="bold")))
        lost = not state.reachable or any(v.ckquorum_ok is False for v in state.reachable)
        parts.append((2, Text(f" · quorum {state.quorum or '?'} {'LOST' if lost else 'ok'}",
                              style="bold red" if lost else "")))
    else:
        parts.append((0, Text(f"{topology.kind}", style="bold")))
    up, total = cluster.nodes_up, len(topology.nodes)
    parts.append((0, Text(f" · {up}/{total} nodes up", style="" if up == total else "bold red")))
    if topology.kind == "cluster":
        parts.append((3, Text(f" · epoch {topology.current_epoch}", style="dim")))
        view = Text(style="dim")
        if topology.seen_from:
            view.append(f" · as seen from {safe_text(topology.seen_from, 48)}")
        if topology.read_at:
            view.append(f", {human_duration(max(0.0, app.clock() - topology.read_at))} ago")
        parts.append((4, view))
    if width is not None:
        for drop in (4, 3, 2):
            if sum(text.cell_len for _, text in parts) <= width:
                break
            parts = [(priority, text) for priority, text in parts if priority != drop]
    line = Text(no_wrap=True, overflow="ellipsis")
    for _, text in parts:
        line.append_text(text)
    return line


class TopologyScreen(Screen):
    """Every node of the topology in one table (the reusable `NodeTable`)."""

    DEFAULT_CSS = """
    TopologyScreen #topology-summary { height: 1; padding: 0 1; }
    TopologyScreen #nodes { height: 1fr; border: round $primary 60%; border-title-style: bold; }
    """

    BINDINGS = [
        Binding("escape,o", "back", "Back", tooltip="back to the dashboard"),
        Binding("enter", "pick", "Show node", tooltip="show the selected node on the dashboard (n: the next node, "
                "w: the whole cluster again)"),
        Binding("s", "sort", "Sort", tooltip="sort by shard, memory, ops/s, keys, clients, address, status"),
    ]

    def __init__(self, select: str | None = None) -> None:
        super().__init__()
        self._select = select  # the node to put the cursor on once its row is there

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield OutageBanner(id="outage")
        yield Static(id="topology-summary")
        yield NodeTable(id="nodes")
        yield SentinelPane(id="sentinel-pane")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(NodeTable).border_title = "Nodes"
        for name in ("cluster", "snapshot", "outage"):
            self.watch(self.app, name, lambda _value: self.refresh_rows(), init=False)
        self.refresh_rows()
        self.query_one(NodeTable).focus()

    def refresh_rows(self) -> None:
        """Show the app's latest round."""
        app = host(self)
        cluster = app.cluster
        ratio = app.diagnoser.limits.cluster_skew_ratio
        rows = node_rows(cluster.round, cluster.findings, ratio) if cluster is not None else single_server_rows(app)
        table = self.query_one(NodeTable)
        state = cluster.round.sentinel if cluster is not None else None
        table.use_columns(SENTINEL_COLUMNS if state is not None else CLUSTER_COLUMNS)
        if state is not None:  # a few rows: the table takes what they need, the Sentinel pane the rest
            table.styles.height, table.styles.max_height = "auto", "60%"
        table.show(rows)
        self.query_one(SentinelPane).show(state, app.clock())
        table.border_subtitle = f"sort: {table.sort_name} (s) · enter: show node"
        self._fit_summary()
        if self._select is not None and self._select in table.rows:
            table.move_cursor(row=table.get_row_index(self._select), animate=False, scroll=True)
            self._select = None

    def select(self, addr: str | None) -> None:
        """Put the cursor on the node at `addr` (now, or once its row comes)."""
        self._select = addr
        self.refresh_rows()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_summary)  # once the line has its new width

    def _fit_summary(self) -> None:
        line = self.query_one("#topology-summary", Static)
        set_text(line, summary(host(self), line.content_region.width or None))

    def action_back(self) -> None:
        """Back to where you came from."""
        self.dismiss()

    def action_pick(self) -> None:
        """Show the node under the cursor on the dashboard."""
        addr = selected_key(self.query_one(NodeTable))
        if addr is not None:
            self._show(addr)

    def action_sort(self) -> None:
        """Sort by the next column."""
        table = self.query_one(NodeTable)
        table.cycle_sort()
        table.border_subtitle = f"sort: {table.sort_name} (s) · enter: show node"

    @on(NodeTable.Picked)
    def _picked(self, event: NodeTable.Picked) -> None:
        self._show(event.addr)

    def _show(self, addr: str) -> None:
        host(self).show_node(addr)
        self.dismiss()
