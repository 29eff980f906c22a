"""MONITOR on a cluster: which nodes to watch, their short tags in the stream, the per-node table."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from redis_tui.commands.cluster import keyed_primaries, node_target
from redis_tui.core.format import human_count, human_rate
from redis_tui.core.monitor.merged_session import NodeRate
from redis_tui.core.target import Target
from redis_tui.core.topology.source import ClusterRound


def monitor_nodes(cluster: ClusterRound, seed: Target) -> list[tuple[str, Target]]:
    """(addr, target) of the nodes to watch: the node the dashboard shows alone, else every primary that holds keys."""
    topology = cluster.round.topology
    focused = topology.node(cluster.focus) if cluster.focus is not None else None
    chosen = (focused,) if focused is not None else keyed_primaries(topology)
    return [(n.addr, t) for n in chosen if (t := node_target(seed, n)) is not None]


def node_tags(addrs: list[str]) -> list[str]:
    """Short tags, all one width: ``:7000`` when every node shares a host, else ``host:port``."""
    hosts = {addr.rpartition(":")[0] for addr in addrs}
    tags = [":" + addr.rpartition(":")[2] if len(hosts) == 1 else addr for addr in addrs]
    width = max(map(len, tags), default=0)
    return [tag.ljust(width) for tag in tags]


def nodes_table(rows: list[NodeRate], tags: list[str]) -> Table:
    """Per node: its tag and address, matched commands/s, total; a node whose stream ended says so."""
    table = Table(title=Text("Nodes (commands/s)", style="bold"), title_justify="left", expand=True, box=None,
                  padding=(0, 1), show_header=False)
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(justify="right", no_wrap=True, style="bold")
    table.add_column(justify="right", no_wrap=True)
    for row, tag in zip(rows, tags, strict=True):
        label = Text(tag.strip(), style="cyan")
        if tag.strip() != row.addr:
            label.append(f" {row.addr}", style="dim")
        rate = Text("ended", style="bold red") if row.ended else Text(human_rate(row.rate, "/s"))
        table.add_row(label, rate, human_count(row.total))
    return table


def cost_note(count: int, focused: bool) -> str:
    """What pressing s will do on this cluster, for the explanation shown before it starts."""
    if focused:
        return "\n\nOn this cluster the dashboard shows one node: s starts MONITOR on that node only."
    return (f"\n\nOn this cluster, s starts one MONITOR on each of the {count} primaries: each of them pays "
            "that cost, and the lines are merged by time, each tagged with its node.")
