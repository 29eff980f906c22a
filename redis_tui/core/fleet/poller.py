"""Poll every member of a fleet: one `Poller` per member (its own target and credentials), all at once.

Each round every member's poll runs concurrently within its own time budget (`poll_within`): a
member that is down answers an `Outage` at once, a stopped one when its budget runs out, and neither
delays the others. The round ends as one `TopologyUpdate` of kind ``fleet`` whose nodes are the
members, in the order given, with the role each reported (``primary``, ``replica``, ``sentinel``; a
member that is a cluster node is flagged ``cluster``: its figures are that node's, not the cluster's).

Cost per member and interval: one ``INFO all``; the rarer CLIENT LIST / CONFIG GET / SLOWLOG GET of
each `Poller` are staggered across the members, so they do not all go out in the same round.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable, Iterable
from typing import Any

from redis_tui.core.connection import CLIENT_NAME, Client, ClientFactory, make_client
from redis_tui.core.fleet.members import Member
from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.nodes import PRIMARY, REPLICA, SENTINEL, Node, Topology, TopologyUpdate
from redis_tui.core.poller import Poller, default_budget, poll_within
from redis_tui.core.rounds import Rounds
from redis_tui.core.target import Target

CLUSTER_FLAG = "cluster"  # the member is a node of a Redis Cluster (its row covers that node alone)


def member_node(member: Member, update: Update | None, before: Node | None = None) -> Node:
    """The member as a topology node: its role from its last answer (`before` while it does not answer)."""
    if not isinstance(update, Snapshot):
        return before or Node(member.addr, name=member.name)
    server = update.server
    replication = update.info.get("replication", {})
    primary = None
    if server.mode == "sentinel":
        role = SENTINEL
    elif server.role == "slave":
        role = REPLICA
        host, port = replication.get("master_host"), replication.get("master_port")
        primary = f"{host}:{port}" if host and port else None
    else:
        role = PRIMARY
    flags = frozenset({CLUSTER_FLAG}) if server.mode == "cluster" else frozenset()
    return Node(member.addr, role=role, primary=primary, flags=flags, name=member.name)


class FleetPoller(Rounds):
    """Polls every member of a fleet round after round (a `RoundSource`)."""

    def __init__(
        self,
        members: Iterable[Member],
        *,
        interval: float = 1.0,
        budget: float | None = None,
        client_list_every: float = 5.0,
        config_every: float = 30.0,
        slowlog_every: float = 15.0,
        history: int = 300,
        clock: Callable[[], float] = time.time,
        client_factory: ClientFactory = make_client,
        client_name: str | None = CLIENT_NAME,
    ) -> None:
        self.members = tuple(members)
        super().__init__(interval)
        self.budget = budget or default_budget(self.interval)
        self.clock = clock
        self.last: TopologyUpdate | None = None
        self._client_factory = client_factory
        options: dict[str, Any] = dict(client_list_every=client_list_every, config_every=config_every,
                                       slowlog_every=slowlog_every, history=history, clock=clock,
                                       client_name=client_name)
        self._pollers = {m.addr: Poller(m.target, interval=self.interval, client_factory=self._factory, **options)
                         for m in self.members}
        self._unstaggered = set(self._pollers)  # members whose rare commands are not yet spread out
        self._updates: dict[str, Update] = {}
        self._nodes: dict[str, Node] = {}

    def _factory(self, target: Target, client_name: str | None) -> Client:
        return self._client_factory(target, connect_timeout=self.budget, reply_timeout=self.budget,
                                    client_name=client_name)

    # --- controls -----------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Every member logs in with this password from now on (`set_member_password`: one member)."""
        for addr in self._pollers:
            self.set_member_password(addr, password)

    def set_member_password(self, addr: str, password: str) -> None:
        """The member at `addr` logs in with this password from now on (in memory only)."""
        poller = self._pollers.get(addr)
        if poller is not None:
            poller.set_password(password)

    # --- the loop -----------------------------------------------------------------------
    async def poll(self) -> TopologyUpdate:
        """One round over every member; never raises for what a server does, never outlasts the budget."""
        started = time.monotonic()
        addrs = list(self._pollers)
        answers = await asyncio.gather(*(
            poll_within(self._pollers[a], self.budget, self._updates.get(a), self.interval) for a in addrs))
        for index, (addr, update) in enumerate(zip(addrs, answers, strict=True)):
            if isinstance(update, Outage):  # retried every round, whatever one poller's own backoff says
                update = dataclasses.replace(update, retry_at=self.clock() + self.interval)
            elif addr in self._unstaggered:  # its first poll sent everything: spread the next ones
                self._unstaggered.discard(addr)
                self._pollers[addr].stagger(index / len(addrs))
            self._updates[addr] = update
        for member in self.members:
            self._nodes[member.addr] = member_node(member, self._updates.get(member.addr),
                                                   self._nodes.get(member.addr))
        now = self.clock()
        topology = Topology(kind="fleet", nodes=tuple(self._nodes[m.addr] for m in self.members), read_at=now)
        self.last = TopologyUpdate(taken_at=now, topology=topology, updates=dict(self._updates),
                                   round_s=time.monotonic() - started, seed=f"fleet of {len(self.members)}")
        return self.last

    async def close(self) -> None:
        """Close every member's connection."""
        await asyncio.gather(*(p.close() for p in self._pollers.values()), return_exceptions=True)
