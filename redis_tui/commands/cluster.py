"""What the headless commands share about clusters: the flags, detection, the topology, node targets.

``doctor``, ``analyze`` and ``monitor`` detect a cluster the same way: ``INFO cluster`` on the
node given says ``cluster_enabled:1``. ``-c/--cluster`` insists on it (error when the server
is not a cluster node), ``--node-only`` keeps to the node given.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from collections.abc import Mapping
from typing import Any

from redis_tui.core.connection import make_client
from redis_tui.core.nodes import Node, Topology
from redis_tui.core.target import Target
from redis_tui.core.topology import cluster_enabled, read_cluster
from redis_tui.core.topology.options import ClusterOptions

NOT_A_CLUSTER = "not a cluster: cluster_enabled:0 in INFO cluster (drop -c/--cluster to use this server alone)"


def add_cluster_arguments(parser: argparse._ActionsContainer, what: str) -> None:
    """``-c/--cluster`` and ``--node-only``; `what` ends the help (e.g. "analyze every primary")."""
    parser.add_argument("-c", "--cluster", action="store_true",
                        help=f"the target must be a cluster node (error if not); {what}")
    parser.add_argument("--node-only", action="store_true", help="on a cluster, use only the node given")


def remap_of(section: Mapping[str, Any]) -> dict[str, str]:
    """The ``[cluster] remap`` table of the config file (announced address → reachable one)."""
    return dict(ClusterOptions.from_section(section).remap)


async def probe_cluster(target: Target, timeout: float, client_name: str | None = None) -> bool | None:
    """True for a cluster node, False for a server that is not one, None when it cannot tell (unreachable, refused)."""
    client = make_client(target, connect_timeout=timeout, reply_timeout=timeout, client_name=client_name)
    try:
        async with asyncio.timeout(timeout):
            return await cluster_enabled(client)
    except Exception:  # noqa: BLE001 - unreachable or refused: the command itself says why
        return None
    finally:
        await client.aclose()


async def read_topology(seed: Target, remap: Mapping[str, str], timeout: float,
                        client_name: str | None = None) -> Topology:
    """The cluster as the seed node sees it (raises what the client raises)."""
    client = make_client(seed, connect_timeout=timeout, reply_timeout=timeout, client_name=client_name)
    try:
        async with asyncio.timeout(timeout):
            return await read_cluster(client, seed.address, remap)
    finally:
        await client.aclose()


def node_target(seed: Target, node: Node) -> Target | None:
    """The seed's credentials and TLS at the node's address (db 0: a cluster has one), None without an address."""
    where = node.host_port
    if where is None:
        return None
    return dataclasses.replace(seed, host=where[0], port=where[1], socket=None, db=0, sentinel=(), master=None)


def keyed_primaries(topology: Topology) -> tuple[Node, ...]:
    """The primaries that hold keys: every primary except a failed one that lost its slots."""
    return tuple(n for n in topology.primaries if n.slots or not n.failing)
