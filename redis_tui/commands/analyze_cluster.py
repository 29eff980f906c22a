"""``redis-tui analyze`` on a cluster: every primary analyzed at once, totals plus a per-node breakdown.

The composition: the topology (core/topology) names the primaries, core/keyspace's
`NodesAnalyzer` scans them concurrently. A primary that fails mid-run is looked for again:
once its replica has taken over (a failover keeps the slots), its scan restarts on the new
primary; when no node can take over (no replica, or the slots moved), the node is reported
INCOMPLETE with why, in the text and in ``--json``, and the exit code is 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from redis_tui.commands.cluster import keyed_primaries, node_target, read_topology
from redis_tui.core.connection import make_client
from redis_tui.core.errors import classify
from redis_tui.core.format import human_bytes, thousands
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Progress
from redis_tui.core.keyspace.nodes_analyze import ClusterReport, NodeResult, NodesAnalyzer, NodeSource
from redis_tui.core.nodes import Node, Topology
from redis_tui.core.target import Target

CLIENT_NAME = "redis-tui-analyze"
CONNECT_TIMEOUT = 5.0
FAILOVER_WAIT = 30.0  # how long a failed primary's slots may take to find a new primary
INCOMPLETE_EXIT = 1


class ClusterFailed(Exception):
    """The cluster could not be read at all (message ready for one line)."""


async def analyze_cluster(seed: Target, options: AnalyzeOptions, remap: Mapping[str, str],
                          progress: Callable[[Progress], None] | None = None,
                          failover_wait: float = FAILOVER_WAIT) -> ClusterReport:
    """Analyze every primary of the cluster behind `seed` concurrently."""
    try:
        topology = await read_topology(seed, remap, CONNECT_TIMEOUT, CLIENT_NAME)
    except Exception as exc:  # noqa: BLE001 - one classified line
        problem = classify(exc, seed, connected=False)
        raise ClusterFailed(f"cannot read the cluster topology: {problem.summary} ({problem.id})") from None
    nodes = _Nodes(seed, remap, topology, failover_wait)
    try:
        sources = [nodes.open(node) for node in keyed_primaries(topology)]
        if not sources:
            raise ClusterFailed("the cluster has no primary to analyze")
        analyzer = NodesAnalyzer(sources, options, relocate=nodes.relocate, describe=nodes.describe)
        return await analyzer.run(progress=progress)
    finally:
        await nodes.close()


class _Nodes:
    """Clients to the nodes, and finding the new home of a failed node's slots."""

    def __init__(self, seed: Target, remap: Mapping[str, str], topology: Topology, wait: float) -> None:
        self.seed, self.remap, self.topology, self.wait = seed, remap, topology, wait
        self.clients: list[Any] = []
        self.targets: dict[str, Target] = {}

    def target(self, node: Node) -> Target:
        found = node_target(self.seed, node)
        if found is None:
            raise ClusterFailed(f"the cluster gives no address for node {node.node_id or node.addr}")
        self.targets[node.addr] = found
        return found

    def open(self, node: Node) -> NodeSource:
        client = make_client(self.target(node), connect_timeout=CONNECT_TIMEOUT, client_name=CLIENT_NAME)
        self.clients.append(client)
        return NodeSource(node.addr, client)

    def describe(self, addr: str, exc: BaseException) -> str:
        where = self.targets.get(addr, self.seed)
        problem = classify(exc, where, connected=True)
        return f"{problem.summary} ({problem.id})" if problem.id != "error" else problem.detail

    async def relocate(self, addr: str, exc: BaseException) -> NodeSource | None:
        """The node that serves `addr`'s slots once the cluster is ok again: the new primary after a
        failover, or the same node after a passing failure (CLUSTERDOWN while another node fails).
        None (the node stays incomplete) when that cannot happen by itself: no replica to take over,
        or the slots moved elsewhere."""
        failed = self.topology.node(addr)
        if failed is None or not failed.slots:
            return None
        print(f"redis-tui analyze: {addr} failed during the scan ({self.describe(addr, exc)}); "
              f"waiting up to {self.wait:g} s for the cluster to serve its slots again", file=sys.stderr, flush=True)
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            topology = await self._read_any(avoid=addr)
            if topology is not None:
                self.topology = topology
                owner = next((n for n in topology.primaries if n.slots == failed.slots), None)
                if owner is None:
                    return None  # the slots moved elsewhere (a reshard): this scan cannot be redone here
                if _stuck(topology):
                    return None
                if topology.state == "ok" and not owner.failing:
                    if owner.addr != addr:
                        print(f"redis-tui analyze: {owner.addr} now serves the slots of {addr}: "
                              f"its scan starts again there", file=sys.stderr, flush=True)
                        return self.open(owner)
                    if await self._answers(owner):
                        return self.open(owner)
                    if not any(not r.failing for r in topology.replicas_of(owner)):
                        return None  # down, and no replica can take over
            await asyncio.sleep(0.5)
        return None

    async def _read_any(self, avoid: str) -> Topology | None:
        for node in self.topology.nodes:
            target = node_target(self.seed, node)
            if node.addr == avoid or target is None:
                continue
            try:
                return await read_topology(target, self.remap, 1.0, CLIENT_NAME)
            except Exception:  # noqa: BLE001 - try the next node
                continue
        return None

    async def _answers(self, node: Node) -> bool:
        client = make_client(self.target(node), connect_timeout=1.0, reply_timeout=1.0, client_name=CLIENT_NAME)
        try:
            return bool(await client.ping())
        except Exception:  # noqa: BLE001 - not answering is the answer
            return False
        finally:
            await client.aclose()

    async def close(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):  # closing a dead connection
                await client.aclose()


def _stuck(topology: Topology) -> bool:
    """A failing primary that still holds slots and has no healthy replica: the cluster will not heal by itself."""
    return any(p.failing and p.slots and not any(not r.failing for r in topology.replicas_of(p))
               for p in topology.primaries)


def cluster_lines(report: ClusterReport) -> list[str]:
    """The lines the text report adds on a cluster: what it covers, then each node's share."""
    nodes = report.nodes
    out = [f"Cluster: {len(nodes)} primaries analyzed concurrently; totals below are over all of them"]
    out += [_node_line(node) for node in nodes]
    missing = [node for node in nodes if not node.complete]
    if missing:
        names = ", ".join(node.addr for node in missing)
        out.append(f"INCOMPLETE: the scan of {names} did not finish; the totals leave out the rest of "
                   f"{'that node' if len(missing) == 1 else 'those nodes'}")
    return out


def _node_line(node: NodeResult) -> str:
    line = f"  {node.addr:<22} {thousands(node.keys):>12} keys {human_bytes(node.bytes):>10}"
    if node.started_on and node.started_on != node.addr:
        line += f"  (took over from {node.started_on}; scanned again from the start)"
    elif node.restarts:
        line += f"  (scanned again from the start after a failure, {node.restarts}×)"
    if not node.complete:
        line += f"  INCOMPLETE: {thousands(node.keys)} of {thousands(node.dbsize)} keys; {node.error}"
    return line
