"""A throwaway Redis Cluster built from Python (no redis-cli): N primaries, N×R replicas.

Each node is an `EmbeddedServer` with ``cluster-enabled yes``. The build follows what
``redis-cli --cluster create`` does: slots to each primary (``CLUSTER ADDSLOTSRANGE``, or
``ADDSLOTS`` before 7.0), a distinct config epoch per primary, ``CLUSTER MEET`` from the
first node to all others, then ``CLUSTER REPLICATE`` once every node knows every other,
and a wait (polled, never a fixed sleep) until every node says ``cluster_state:ok`` with
the same view of the roles and every replica's link is up.

    with LocalCluster(primaries=3, replicas=1).start() as cluster:
        cluster.kill(cluster.primaries[0]); cluster.wait_promoted(...)
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import redis

from redis_tui.demo.server import EmbeddedServer, ServerError, free_port, wait_for

SLOTS = 16384
NODE_TIMEOUT_MS = 1000


def command(client: redis.Redis, *args: Any) -> Any:
    """One command on a synchronous client (redis-py's ``execute_command`` is not annotated)."""
    send: Callable[..., Any] = client.execute_command
    return send(*args)


class ClusterError(ServerError):
    """The cluster could not be built, or did not reach the state waited for in time."""


def slot_ranges(primaries: int) -> list[tuple[int, int]]:
    """16384 slots split into `primaries` contiguous ranges (as redis-cli does)."""
    per, extra = divmod(SLOTS, primaries)
    out, start = [], 0
    for i in range(primaries):
        end = start + per + (1 if i < extra else 0) - 1
        out.append((start, end))
        start = end + 1
    return out


class LocalCluster:
    """A cluster of local servers in temporary directories; `close()` removes them all."""

    def __init__(
        self,
        kind: str | None = None,
        primaries: int = 3,
        replicas: int = 1,
        node_timeout_ms: int = NODE_TIMEOUT_MS,
        config: dict[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.node_timeout_ms = node_timeout_ms
        self.nodes: list[EmbeddedServer] = []
        base = {
            "cluster-enabled": "yes",
            "cluster-config-file": "nodes.conf",
            "cluster-node-timeout": str(node_timeout_ms),
            "cluster-replica-validity-factor": "0",  # a replica may always take over (tests kill primaries)
            "repl-diskless-sync-delay": "0",  # replicas sync at once, not after 5 s
            "enable-debug-command": "local",
            **(config or {}),
        }
        for _ in range(primaries * (1 + replicas)):
            node_config = {**base, "cluster-port": str(free_port())}
            self.nodes.append(EmbeddedServer(kind, node_config))
        self.kind = self.nodes[0].kind if self.nodes else kind
        self.n_primaries = primaries
        self.n_replicas = replicas
        self.ids: dict[int, str] = {}  # port → node id

    # --- building ------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> LocalCluster:
        """Start every node and form the cluster; raises `ClusterError` (and cleans up) on failure."""
        try:
            for node in self.nodes:
                node.start()
            self._form(time.monotonic() + timeout)
        except Exception:
            self.close()
            raise
        return self

    def _form(self, deadline: float) -> None:
        for node in self.nodes:
            self.ids[node.port] = command(self.client(node), "CLUSTER", "MYID").decode()
        for i, (node, (first, last)) in enumerate(zip(self.primaries, slot_ranges(self.n_primaries), strict=False)):
            client = self.client(node)
            try:
                command(client, "CLUSTER", "ADDSLOTSRANGE", first, last)
            except redis.ResponseError:  # before 7.0
                command(client, "CLUSTER", "ADDSLOTS", *range(first, last + 1))
            command(client, "CLUSTER", "SET-CONFIG-EPOCH", i + 1)
        seed = self.client(self.nodes[0])
        for node in self.nodes[1:]:
            command(seed, "CLUSTER", "MEET", "127.0.0.1", node.port, node.config["cluster-port"])
        self._wait(lambda: all(self._known(n) >= len(self.nodes) for n in self.nodes), deadline, "every node to meet")
        for i, node in enumerate(self.replicas):
            primary = self.primaries[i % self.n_primaries]
            self._wait(partial(self._knows_primary, node, primary), deadline, "a replica to see its primary")
            command(self.client(node), "CLUSTER", "REPLICATE", self.ids[primary.port])
        self.wait_healthy(deadline - time.monotonic())

    def wait_healthy(self, timeout: float = 20.0) -> None:
        """Until every running node says cluster_state:ok, sees the same roles, and replicas are in sync."""
        self._wait(self._healthy, time.monotonic() + timeout, "a healthy cluster")

    def _healthy(self) -> bool:
        views = set()
        for node in self.running():
            info = self.cluster_info(node)
            if info.get("cluster_state") != "ok":
                return False
            views.add(self._roles_view(node))
            role = self.client(node).info("replication")
            if role.get("role") == "slave" and role.get("master_link_status") != "up":
                return False
        return len(views) == 1

    def _roles_view(self, node: EmbeddedServer) -> tuple[tuple[str, str, str, bool], ...]:
        lines = command(self.client(node), "CLUSTER", "NODES").decode().splitlines()
        out = []
        for line in lines:
            parts = line.split()
            if len(parts) >= 8:
                flags = set(parts[2].split(","))
                role = "master" if "master" in flags else "slave"
                down = bool(flags & {"fail", "fail?", "handshake", "noaddr"})
                out.append((parts[0], role, parts[3], down))
        return tuple(sorted(out))

    def _known(self, node: EmbeddedServer) -> int:
        return int(self.cluster_info(node).get("cluster_known_nodes", 0))

    def _knows_primary(self, replica: EmbeddedServer, primary: EmbeddedServer) -> bool:
        text = command(self.client(replica), "CLUSTER", "NODES").decode()
        return any(line.startswith(self.ids[primary.port]) and "master" in line and "handshake" not in line
                   for line in text.splitlines())

    @staticmethod
    def _wait(predicate: Callable[[], bool], deadline: float, what: str) -> None:
        wait_for(predicate, deadline, what, ClusterError)

    # --- reading -------------------------------------------------------------------------
    @property
    def primaries(self) -> list[EmbeddedServer]:
        """The nodes built as primaries (a failover may have changed who is primary now)."""
        return self.nodes[: self.n_primaries]

    @property
    def replicas(self) -> list[EmbeddedServer]:
        """The nodes built as replicas (replica i follows primary i mod N)."""
        return self.nodes[self.n_primaries:]

    def running(self) -> list[EmbeddedServer]:
        """Nodes whose process is alive and not stopped."""
        return [n for n in self.nodes if n.process is not None and n.process.poll() is None and not self.is_paused(n)]

    @staticmethod
    def is_paused(node: EmbeddedServer) -> bool:
        """True while the node is SIGSTOPped by `pause`."""
        return node.frozen

    @staticmethod
    def addr(node: EmbeddedServer) -> str:
        """The node's "host:port" as the cluster announces it."""
        return f"127.0.0.1:{node.port}"

    @property
    def addrs(self) -> list[str]:
        """Every node's "host:port"."""
        return [self.addr(n) for n in self.nodes]

    @property
    def seed_url(self) -> str:
        """redis://… of the first node (a seed for discovery)."""
        return self.nodes[0].url

    @staticmethod
    def client(node: EmbeddedServer) -> redis.Redis:
        """A short-lived synchronous client for one node (reply timeout 2 s)."""
        return redis.Redis(host="127.0.0.1", port=node.port, socket_timeout=2.0, socket_connect_timeout=2.0)

    def cluster_info(self, node: EmbeddedServer) -> dict[str, str]:
        """CLUSTER INFO of one node as a dict of strings."""
        text = command(self.client(node), "CLUSTER", "INFO").decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)

    def role(self, node: EmbeddedServer) -> str:
        """``master`` or ``slave``, from the node's INFO replication."""
        role: str = self.client(node).info("replication")["role"]
        return role

    # --- breaking ------------------------------------------------------------------------
    def kill(self, node: EmbeddedServer) -> None:
        """SIGKILL the node (its directory, and so its nodes.conf, stays for `restart`)."""
        process = node.process
        if process is None:
            return
        if self.is_paused(node):
            self.resume(node)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(5)
        node.stop()

    def pause(self, node: EmbeddedServer) -> None:
        """SIGSTOP: the node keeps its sockets open but answers nothing."""
        node.freeze()

    def resume(self, node: EmbeddedServer) -> None:
        """SIGCONT after `pause`."""
        node.thaw()

    def restart(self, node: EmbeddedServer) -> None:
        """Start a killed node again on its port, with its nodes.conf (it rejoins as the same node)."""
        node.start()

    def failover(self, replica: EmbeddedServer, option: str | None = None) -> None:
        """CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica (it becomes the primary of its shard)."""
        args = ["CLUSTER", "FAILOVER"] + ([option] if option else [])
        command(self.client(replica), *args)

    def wait_role(self, node: EmbeddedServer, role: str, timeout: float = 20.0) -> None:
        """Until the node's INFO says `role` (``master`` / ``slave``)."""
        self._wait(lambda: self.role(node) == role, time.monotonic() + timeout, f"{self.addr(node)} to be {role}")

    def close(self) -> None:
        """Stop every node and remove its directory."""
        for node in self.nodes:
            if self.is_paused(node):
                self.resume(node)
            node.close()

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
