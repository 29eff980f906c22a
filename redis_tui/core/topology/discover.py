"""Learn what a target is: a standalone server, or a node of a cluster (and then every node).

`discover(client, seed)` asks ``INFO cluster``; with ``cluster_enabled:1`` it reads the
topology from that node (`read_cluster`): ``CLUSTER INFO``, ``CLUSTER NODES`` (every
version: flags, link, epochs) and, on 7.0+, ``CLUSTER SHARDS`` (replication offset and
health). Announced addresses pass through `remap` (``"10.0.0.5:6379" → "localhost:16379"``)
for nodes behind NAT or in containers.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping

import redis.exceptions as rex

from redis_tui.core import parse
from redis_tui.core.connection import Commands
from redis_tui.core.nodes import PRIMARY, REPLICA, Node, Topology
from redis_tui.core.target import Target
from redis_tui.core.topology.parse import merge, parse_cluster_info, parse_cluster_nodes, parse_cluster_shards

Remap = Mapping[str, str]


def remap_nodes(nodes: tuple[Node, ...], remap: Remap) -> tuple[Node, ...]:
    """Nodes with announced addresses replaced by the reachable ones `remap` names."""
    if not remap:
        return nodes
    out = []
    for node in nodes:
        addr = remap.get(node.addr, node.addr)
        primary = remap.get(node.primary, node.primary) if node.primary else None
        announced = node.addr if addr != node.addr else node.announced
        out.append(dataclasses.replace(node, addr=addr, primary=primary, announced=announced))
    return tuple(out)


def _fill_own_address(nodes: tuple[Node, ...], seen_from: str) -> tuple[Node, ...]:
    """A node that has not learned its own IP reports ``:port``; use the address we reached it at."""
    host = seen_from.rpartition(":")[0]
    out = []
    for node in nodes:
        if "myself" in node.flags and node.addr.startswith(":") and host:
            node = dataclasses.replace(node, addr=f"{host}{node.addr}")
        out.append(node)
    return tuple(out)


def shard_order(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """Primaries by their first slot (slotless ones last), each followed by its replicas; then the rest."""
    primaries = sorted((n for n in nodes if n.role == PRIMARY), key=lambda n: (not n.slots, n.slots[:1], n.addr))
    out: list[Node] = []
    for primary in primaries:
        out.append(primary)
        out += sorted((n for n in nodes if n.role == REPLICA and n.primary_id and n.primary_id == primary.node_id),
                      key=lambda n: n.addr)
    return tuple(out) + tuple(sorted((n for n in nodes if n not in out), key=lambda n: n.addr))


async def cluster_enabled(client: Commands) -> bool:
    """True when the server runs in cluster mode (``INFO cluster`` → ``cluster_enabled:1``)."""
    info = parse.parse_info(await client.execute_command("INFO", "cluster"))
    return info.get("cluster", {}).get("cluster_enabled") == "1"


async def read_cluster(
    client: Commands, seen_from: str, remap: Remap | None = None, clock: Callable[[], float] = time.time
) -> Topology:
    """The cluster as the node behind `client` sees it (`seen_from`: the address we reached it at)."""
    info = parse_cluster_info(await client.execute_command("CLUSTER", "INFO"))
    nodes = parse_cluster_nodes(await client.execute_command("CLUSTER", "NODES"))
    try:
        shards = parse_cluster_shards(await client.execute_command("CLUSTER", "SHARDS"))
    except rex.ResponseError:  # before 7.0 (or renamed/forbidden): CLUSTER NODES has the rest
        shards = ()
    nodes = merge(nodes, shards) if nodes else shards
    nodes = remap_nodes(_fill_own_address(nodes, seen_from), remap or {})
    myself = next((n.addr for n in nodes if "myself" in n.flags), seen_from)
    return Topology(
        kind="cluster",
        nodes=shard_order(nodes),
        state=info.get("cluster_state", "?"),
        current_epoch=parse.to_int(info.get("cluster_current_epoch")),
        known_nodes=parse.to_int(info.get("cluster_known_nodes")),
        seen_from=myself,
        read_at=clock(),
    )


async def standalone(client: Commands, seed: Target, clock: Callable[[], float] = time.time) -> Topology:
    """One server: a topology of one node (its role from ``INFO replication``)."""
    info = parse.parse_info(await client.execute_command("INFO", "replication")).get("replication", {})
    role = REPLICA if info.get("role") == "slave" else PRIMARY
    primary = f"{info['master_host']}:{info['master_port']}" if role == REPLICA and "master_host" in info else None
    node = Node(addr=seed.address, role=role, primary=primary, flags=frozenset({"myself"}))
    return Topology(kind="standalone", nodes=(node,), seen_from=seed.address, read_at=clock())


async def discover(
    client: Commands, seed: Target, remap: Remap | None = None, clock: Callable[[], float] = time.time
) -> Topology:
    """The topology behind `seed` (a cluster when its node says so, else standalone); raises what the client raises."""
    if await cluster_enabled(client):
        return await read_cluster(client, seed.address, remap, clock)
    return await standalone(client, seed, clock)
