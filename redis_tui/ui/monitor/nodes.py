"""MONITOR on a cluster: which nodes to watch, their short tags in the stream, the per-node table."""

from __future__ import annotations

from collections.abc import Collection

from rich.table import Table
from rich.text import Text

from redis_tui.commands.cluster import keyed_primaries, node_target
from redis_tui.core.format import human_count, human_rate
from redis_tui.core.monitor.merged_session import NodeRate
from redis_tui.core.nodes import REPLICA, Node
from redis_tui.core.target import Target
from redis_tui.core.topology.rows import shard_order
from redis_tui.core.topology.source import ClusterRound


def monitor_nodes(cluster: ClusterRound, seed: Target, replicas: bool = False) -> list[tuple[str, Target]]:
    """(addr, target) of the nodes to watch: the node the dashboard shows alone, else every primary that
    holds keys (with `replicas`: each followed by its replicas that are not flagged failing)."""
    return [(n.addr, t) for n in chosen_nodes(cluster, replicas) if (t := node_target(seed, n)) is not None]


def chosen_nodes(cluster: ClusterRound, replicas: bool = False) -> list[Node]:
    """The nodes `monitor_nodes` watches, in shard order (a primary, then its replicas)."""
    topology = cluster.round.topology
    focused = topology.node(cluster.focus) if cluster.focus is not None else None
    if focused is not None:
        return [focused]
    primaries = set(keyed_primaries(topology))
    return [node for _, node, _ in shard_order(cluster.round)
            if node in primaries or (replicas and node.role == REPLICA and not node.failing)]


def what_runs(count: int, replicas: int) -> str:
    """``3 primaries`` / ``3 primaries + 3 replicas``: what the bar says MONITOR runs on."""
    primaries = count - replicas
    text = f"{primaries} primar{'ies' if primaries != 1 else 'y'}"
    if replicas:
        text += f" + {replicas} replica{'s' if replicas != 1 else ''}"
    return text


def node_tags(addrs: list[str]) -> list[str]:
    """Short tags, all one width: ``:7000`` when every node shares a host, else ``host:port``."""
    hosts = {addr.rpartition(":")[0] for addr in addrs}
    tags = [":" + addr.rpartition(":")[2] if len(hosts) == 1 else addr for addr in addrs]
    width = max(map(len, tags), default=0)
    return [tag.ljust(width) for tag in tags]


def nodes_table(rows: list[NodeRate], tags: list[str], replicas: Collection[str] = ()) -> Table:
    """Per node: its tag (``replica`` after a replica's) and address, matched commands/s, total; a node
    whose stream ended says so."""
    table = Table(title=Text("Nodes (commands/s)", style="bold"), title_justify="left", expand=True, box=None,
                  padding=(0, 1), show_header=False)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(justify="right", no_wrap=True, style="bold")
    table.add_column(justify="right", no_wrap=True)
    for row, tag in zip(rows, tags, strict=True):
        label = Text(tag.strip(), style="cyan")
        if row.addr in replicas:
            label.append(" replica", style="italic")
        if tag.strip() != row.addr:
            label.append(f" {row.addr}", style="dim")
        rate = Text("ended", style="bold red") if row.ended else Text(human_rate(row.rate, "/s"))
        table.add_row(label, rate, human_count(row.total))
    return table


def cost_note(count: int, focused: bool, replicas: int = 0) -> str:
    """What pressing s will do on this cluster, for the explanation shown before it starts
    (`count` nodes, of which `replicas` are replicas)."""
    if focused:
        return "\n\nOn this cluster the dashboard shows one node: s starts MONITOR on that node only."
    if replicas:
        return (f"\n\nOn this cluster, s starts one MONITOR on each of the {count} nodes ({what_runs(count, replicas)})"
                ": each of them pays that cost, and the lines are merged by time, each tagged with its node. A "
                "replica shows the writes it copies from its primary. R: the primaries only.")
    return (f"\n\nOn this cluster, s starts one MONITOR on each of the {count} primaries: each of them pays "
            "that cost, and the lines are merged by time, each tagged with its node. R: the replicas too.")
