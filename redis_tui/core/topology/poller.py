"""Poll every node of a topology: one `Poller` (one connection) per node, all at once, each on a budget.

Each round every node's `Poller.poll()` runs concurrently inside its own time budget; a node
that is dead, or stopped (SIGSTOP) with its socket still open, becomes an `Outage` when its
budget runs out and never delays the others. The round ends as one `TopologyUpdate`.

Cost per node and interval: its one ``INFO all`` (the rare CLIENT LIST / CONFIG GET / SLOWLOG
GET of each `Poller` are staggered across nodes), plus one ``CLUSTER INFO`` sent to one node
per round in turn (epoch, state and node count: the cheap way to notice a change). The
topology (``CLUSTER NODES`` + ``CLUSTER SHARDS``, from one reachable node) is re-read when
something changed — the epoch, the state, the node count, a node's role in its INFO, a node
becoming (un)reachable, a `notice_moved()` — while the cluster is degraded every
`degraded_every` seconds, and at least every `topology_every` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any

from redis_tui.core.connection import CLIENT_NAME, Client, ClientFactory, make_client
from redis_tui.core.errors import make_problem
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.nodes import PRIMARY, REPLICA, Node, Topology, TopologyUpdate
from redis_tui.core.poller import MAX_CLIENT_LIST_EVERY, Poller, default_budget, poll_within
from redis_tui.core.rounds import Rounds, Via
from redis_tui.core.target import Target
from redis_tui.core.topology.aggregate import aggregate
from redis_tui.core.topology.discover import Remap, read_cluster
from redis_tui.core.topology.parse import parse_cluster_info


class ClusterPoller(Rounds):
    """Polls the nodes behind `seed` (every node of its cluster, or only the seed) round after round."""

    def __init__(
        self,
        seed: Target,
        *,
        interval: float = 1.0,
        budget: float | None = None,
        remap: Remap | None = None,
        node_only: bool = False,
        topology_every: float = 30.0,
        degraded_every: float = 5.0,
        client_list_every: float = 5.0,
        config_every: float = 30.0,
        slowlog_every: float = 15.0,
        history: int = 300,
        clock: Callable[[], float] = time.time,
        client_factory: ClientFactory = make_client,
        client_name: str | None = CLIENT_NAME,
        client_list_max_every: float = MAX_CLIENT_LIST_EVERY,
    ) -> None:
        self.seed = seed
        super().__init__(interval)
        self.budget = budget or default_budget(self.interval)
        self.remap = dict(remap or {})
        self.node_only = node_only
        self.topology_every = topology_every
        self.degraded_every = degraded_every
        self.clock = clock
        self.topology: Topology | None = None
        self.last: TopologyUpdate | None = None
        self._options: dict[str, Any] = dict(client_list_every=client_list_every, config_every=config_every,
                             slowlog_every=slowlog_every, history=history, clock=clock, client_name=client_name,
                             client_list_max_every=client_list_max_every)
        self._client_factory = client_factory
        self._pollers: dict[str, Poller] = {}
        self._updates: dict[str, Update] = {}
        self._seed_poller = self._make_poller(seed)
        self._read_mono = 0.0
        self._stale = False
        self._turn = 0
        self._unstaggered: set[Poller] = set()  # pollers whose rare commands are not yet spread out

    # --- controls -----------------------------------------------------------------------
    def refresh_now(self) -> None:
        """Poll right away (and re-read the topology)."""
        self._forced = self._stale = True
        self._wake.set()

    def set_password(self, password: str) -> None:
        """Connect to every node with this password from now on."""
        self.seed = dataclasses.replace(self.seed, password=password)
        for poller in {id(p): p for p in (self._seed_poller, *self._pollers.values())}.values():
            poller.set_password(password)

    def notice_moved(self) -> None:
        """A MOVED/ASK reply was seen elsewhere: re-read the topology in the next round."""
        self._stale = True

    # --- the loop -----------------------------------------------------------------------
    async def poll(self) -> TopologyUpdate:
        """One round over every node; never raises for what a server does, never outlasts the budgets."""
        started = time.monotonic()
        if self.topology is None:
            await self._first_round()
        else:
            await self._round()
        if self._needs_read():
            await self._read_topology()
        topology = self.topology or Topology(nodes=(Node(self.seed.address, flags=frozenset({"myself"})),))
        updates = {n.addr: self._updates[n.addr] for n in topology.nodes if n.addr in self._updates}
        self.last = TopologyUpdate(
            taken_at=self.clock(), topology=topology, updates=updates, aggregate=aggregate(topology, updates),
            round_s=time.monotonic() - started, seed=self.seed.display())
        return self.last

    async def close(self) -> None:
        """Close every node's connection."""
        pollers = {id(p): p for p in (self._seed_poller, *self._pollers.values())}.values()
        await asyncio.gather(*(p.close() for p in pollers), return_exceptions=True)

    # --- internals ---------------------------------------------------------------------
    def _make_poller(self, target: Target) -> Poller:
        budget = self.budget

        def factory(t: Target, client_name: str | None) -> Client:
            return self._client_factory(t, connect_timeout=budget, reply_timeout=budget, client_name=client_name)

        return Poller(target, interval=self.interval, client_factory=factory, **self._options)

    def _node_target(self, node: Node) -> Target | None:
        where = node.host_port
        if where is None:
            return None
        return dataclasses.replace(self.seed, host=where[0], port=where[1], socket=None, db=0, sentinel=(), master=None)

    async def _first_round(self) -> None:
        update, _ = await self._poll_node(self.seed.address, self._seed_poller, False)
        self._updates[self.seed.address] = update
        if not isinstance(update, Snapshot):
            return  # try again next round: nothing is known yet
        clustered = update.info.get("cluster", {}).get("cluster_enabled") == "1" and not self.node_only
        if clustered and await self._read_from(self._seed_poller, self.seed.address):
            await self._round(skip=self._seed_poller)
            return
        role = REPLICA if update.server.role == "slave" else PRIMARY
        self.topology = Topology(nodes=(Node(self.seed.address, role=role, flags=frozenset({"myself"})),),
                                 seen_from=self.seed.address, read_at=self.clock())
        self._pollers = {self.seed.address: self._seed_poller}

    async def _round(self, skip: Poller | None = None) -> None:
        assert self.topology is not None
        nodes = [n for n in self.topology.nodes if n.addr in self._pollers]
        asking = [n for n in nodes if isinstance(self._updates.get(n.addr), Snapshot)] or nodes
        ask = asking[self._turn % len(asking)].addr if asking and self.topology.kind == "cluster" else None
        self._turn += 1
        tasks = [self._poll_node(n.addr, self._pollers[n.addr], n.addr == ask)
                 for n in nodes if self._pollers[n.addr] is not skip]
        addrs = [n.addr for n in nodes if self._pollers[n.addr] is not skip]
        for addr, (update, cluster_info) in zip(addrs, await asyncio.gather(*tasks), strict=False):
            self._notice_changes(addr, update, cluster_info)
            self._updates[addr] = update
            poller = self._pollers[addr]
            if poller in self._unstaggered and isinstance(update, Snapshot):
                self._unstaggered.discard(poller)  # its first poll sent everything: spread the next ones
                poller.stagger(list(self._pollers).index(addr) / len(self._pollers))
        for node in self.topology.nodes:
            if node.addr not in self._pollers:
                self._updates[node.addr] = self._unreachable(node)

    async def _poll_node(self, addr: str, poller: Poller, ask_cluster: bool) -> tuple[Update, dict[str, str] | None]:
        started = time.monotonic()
        update = await poll_within(poller, self.budget, self._updates.get(addr), self.interval)
        cluster_info = None
        left = self.budget - (time.monotonic() - started)
        if ask_cluster and isinstance(update, Snapshot) and left > 0:
            with contextlib.suppress(Exception):  # the INFO answered; this one is a bonus
                async with asyncio.timeout(left):
                    cluster_info = parse_cluster_info(await poller.execute("CLUSTER", "INFO"))
        return update, cluster_info

    def _notice_changes(self, addr: str, update: Update, cluster_info: Mapping[str, str] | None) -> None:
        topology = self.topology
        assert topology is not None
        before = self._updates.get(addr)
        if before is not None and isinstance(before, Snapshot) != isinstance(update, Snapshot):
            self._stale = True  # a node went down or came back
        node = topology.node(addr)
        if (isinstance(update, Snapshot) and node is not None and topology.kind == "cluster"
                and (update.server.role == "master") != (node.role == PRIMARY)):
            self._stale = True  # promoted or demoted since the last read
        if cluster_info:
            seen = (cluster_info.get("cluster_state"), cluster_info.get("cluster_current_epoch"),
                    cluster_info.get("cluster_known_nodes"))
            if seen != (topology.state, str(topology.current_epoch), str(topology.known_nodes)):
                self._stale = True

    def _needs_read(self) -> bool:
        topology = self.topology
        if topology is None or topology.kind != "cluster":
            return False
        since = time.monotonic() - self._read_mono
        degraded = topology.state != "ok" or any(
            n.failing or not isinstance(self._updates.get(n.addr), Snapshot) for n in topology.nodes)
        return self._stale or since >= self.topology_every or (degraded and since >= self.degraded_every)

    async def _read_topology(self) -> None:
        topology = self.topology
        assert topology is not None
        ordered = sorted(topology.nodes, key=lambda n: (n.addr != topology.seen_from, n.role != PRIMARY))
        for node in ordered:
            if (node.addr in self._pollers and isinstance(self._updates.get(node.addr), Snapshot)
                    and await self._read_from(self._pollers[node.addr], node.addr)):
                return

    async def _read_from(self, poller: Poller, addr: str) -> bool:
        """Read the topology through `poller`'s connection; False when that node could not say."""
        try:
            async with asyncio.timeout(self.budget):
                topology = await read_cluster(Via(poller), addr, self.remap, self.clock)
        except Exception:  # noqa: BLE001 - a node that cannot answer now: try another
            return False
        if not topology.nodes:
            return False
        self.topology = topology
        self._read_mono, self._stale = time.monotonic(), False
        self._sync_pollers(poller, addr)
        return True

    def _sync_pollers(self, reader: Poller, reader_addr: str) -> None:
        """One poller per node of the new topology: keep the ones we have, add new nodes, drop gone ones."""
        assert self.topology is not None
        wanted: dict[str, Poller] = {}
        fresh = []
        for node in self.topology.nodes:
            poller = self._pollers.get(node.addr)
            if poller is None and (node.addr == reader_addr or "myself" in node.flags) and reader is self._seed_poller:
                poller = reader
                if node.addr != reader_addr and reader_addr in self._updates:
                    self._updates[node.addr] = self._updates.pop(reader_addr)
            if poller is None and (target := self._node_target(node)) is not None:
                poller = self._make_poller(target)
                fresh.append(poller)
            if poller is not None:
                wanted[node.addr] = poller
        for addr, poller in self._pollers.items():
            if addr not in wanted and poller not in wanted.values():
                asyncio.get_running_loop().create_task(poller.close())
        self._unstaggered.update(fresh)
        self._pollers = wanted

    @staticmethod
    def _unreachable(node: Node) -> Outage:
        target = Target(host=node.addr.rpartition(":")[0] or "?", port=1)
        detail = f"the cluster gives no usable address for node {node.node_id}"
        problem = make_problem("connection-error", target, detail)
        return Outage(problem, 0.0, 1, 0.0)
