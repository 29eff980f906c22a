"""Several servers seen as one: `Node`, `Topology`, the `Aggregate` over primaries, `TopologyUpdate`, and the
`NodeRow` a node table shows (a cluster's nodes, a fleet's servers).

A topology is a kind (standalone, cluster, sentinel, fleet) and its nodes with their roles.
For a cluster each node carries what ``CLUSTER SHARDS`` / ``CLUSTER NODES`` say about it
(slots, flags, link, epoch); a Sentinel group or a fleet (independent targets) uses the same
`Node` with fewer fields set. Everything is frozen, like `Snapshot`: it can be kept, compared
and recorded as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from redis_tui.core.models import Outage, Snapshot, Update
from redis_tui.core.sentinel_state import SentinelState

SLOTS = 16384
PRIMARY, REPLICA, SENTINEL = "primary", "replica", "sentinel"
FAILING_FLAGS = frozenset({"fail", "fail?"})


@dataclass(frozen=True)
class Node:
    """One server of a topology, as the topology describes it (not as it answers us)."""

    addr: str  # "host:port" we connect to (after remapping)
    node_id: str = ""
    role: str = PRIMARY  # primary | replica | sentinel
    primary: str | None = None  # the primary's addr, for a replica
    primary_id: str | None = None
    slots: tuple[tuple[int, int], ...] = ()  # inclusive ranges
    flags: frozenset[str] = frozenset()  # myself, fail?, fail, handshake, nofailover, noaddr…
    link: str = "connected"  # connected | disconnected (the cluster bus link, as seen from `seen_from`)
    config_epoch: int = 0
    repl_offset: int | None = None
    health: str = ""  # CLUSTER SHARDS: online | failed | loading ("" before 7.0)
    announced: str = ""  # the address the cluster announced, when remapping changed it
    name: str = ""  # a fleet member's name (its profile, else its address)

    @property
    def slot_count(self) -> int:
        """How many slots the node serves."""
        return sum(last - first + 1 for first, last in self.slots)

    @property
    def failing(self) -> bool:
        """The cluster flags the node ``fail`` or ``fail?``."""
        return bool(self.flags & FAILING_FLAGS)

    @property
    def host_port(self) -> tuple[str, int] | None:
        """(host, port) of `addr`, None when the address is unknown (``noaddr``, ``:0``)."""
        host, _, port = self.addr.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            return None
        return host.strip("[]"), int(port)


@dataclass(frozen=True)
class Topology:
    """The servers behind a target: a kind, its nodes, and (for a cluster) its state."""

    kind: str = "standalone"  # standalone | cluster | sentinel | fleet
    nodes: tuple[Node, ...] = ()
    state: str = "ok"  # cluster_state (ok | fail); "ok" for other kinds
    current_epoch: int = 0
    known_nodes: int = 0
    seen_from: str = ""  # the node whose view this is
    read_at: float = 0.0  # wall clock of the read

    @property
    def primaries(self) -> tuple[Node, ...]:
        """Nodes in the primary role (for a cluster, including a failed primary that lost its slots)."""
        return tuple(n for n in self.nodes if n.role == PRIMARY)

    @property
    def replicas(self) -> tuple[Node, ...]:
        """Nodes in the replica role."""
        return tuple(n for n in self.nodes if n.role == REPLICA)

    def node(self, addr: str) -> Node | None:
        """The node at `addr`, if any."""
        return next((n for n in self.nodes if n.addr == addr), None)

    def replicas_of(self, primary: Node) -> tuple[Node, ...]:
        """The replicas that follow `primary` (by id, else by address)."""
        by_id = primary.node_id
        return tuple(n for n in self.replicas
                     if (by_id and n.primary_id == by_id) or (n.primary and n.primary == primary.addr))

    @property
    def slots_assigned(self) -> int:
        """Slots served by some primary (0-16384)."""
        return SLOTS - sum(last - first + 1 for first, last in self.uncovered)

    @property
    def uncovered(self) -> tuple[tuple[int, int], ...]:
        """Slot ranges no primary serves."""
        owned = sorted(r for n in self.primaries for r in n.slots)
        out, nxt = [], 0
        for first, last in owned:
            if first > nxt:
                out.append((nxt, min(first - 1, SLOTS - 1)))
            nxt = max(nxt, last + 1)
        if nxt < SLOTS:
            out.append((nxt, SLOTS - 1))
        return tuple(out) if self.kind == "cluster" else ()

    def shard_of(self, node: Node) -> Node | None:
        """The primary of the node's shard (the node itself for a primary)."""
        if node.role == PRIMARY:
            return node
        return next((p for p in self.primaries if node in self.replicas_of(p)), None)


@dataclass(frozen=True)
class Spread:
    """One measure across primaries: the lowest and highest, and which node has them."""

    low: float
    high: float
    low_node: str
    high_node: str
    median: float


@dataclass(frozen=True)
class Aggregate:
    """Totals over the reachable primaries: sums of values and rates, ratios from the sums."""

    primaries: int = 0  # primaries in the topology
    reporting: int = 0  # of which answered this round
    used_memory: int = 0
    keys: int = 0
    clients: int = 0
    ops: float | None = None
    hits: float | None = None  # per second, summed
    misses: float | None = None
    spread: Mapping[str, Spread] = field(default_factory=dict)  # "memory", "keys", "ops" → Spread

    def __post_init__(self) -> None:
        object.__setattr__(self, "spread", MappingProxyType(dict(self.spread)))

    @property
    def hit_ratio(self) -> float | None:
        """Summed hits / (summed hits + summed misses), never an average of ratios."""
        if self.hits is None or self.misses is None or self.hits + self.misses <= 0:
            return None
        return self.hits / (self.hits + self.misses)

    @property
    def hot_node(self) -> str | None:
        """The primary with the most ops/s (None before rates are known)."""
        ops = self.spread.get("ops")
        return ops.high_node if ops else None


@dataclass(frozen=True)
class TopologyUpdate:
    """One poll round over every node: the topology, each node's Snapshot or Outage, the aggregate."""

    taken_at: float
    topology: Topology
    updates: Mapping[str, Update]  # node addr → its Snapshot or Outage this round
    aggregate: Aggregate = Aggregate()
    round_s: float = 0.0  # how long the round took
    seed: str = ""  # the masked target the user gave
    sentinel: SentinelState | None = None  # a Sentinel group: what its Sentinels say (kind "sentinel")

    def __post_init__(self) -> None:
        object.__setattr__(self, "updates", MappingProxyType(dict(self.updates)))

    def snapshot(self, addr: str) -> Snapshot | None:
        """The node's Snapshot this round (None if it did not answer)."""
        update = self.updates.get(addr)
        return update if isinstance(update, Snapshot) else None

    def reachable(self, addr: str) -> bool:
        """The node answered this round."""
        return isinstance(self.updates.get(addr), Snapshot)

    @property
    def outages(self) -> dict[str, Outage]:
        """Nodes that did not answer, with why."""
        return {a: u for a, u in self.updates.items() if isinstance(u, Outage)}


DOWN = "DOWN"


@dataclass(frozen=True)
class NodeRow:
    """One server of a node table: what the topology says of it and what it answered this round.

    A cluster fills the slot, link, epoch and lag fields (`core.topology.rows`); a fleet the name, server,
    memory % and hit ratio ones (`core.fleet.rows`). The table shows the columns it is asked for.
    """

    addr: str
    role: str
    shard: int  # rank of its shard (primaries by first slot; a fleet: the order given), for the default order
    primary: str = ""  # a replica's primary
    slots: str = ""  # "0-5460" (the first few ranges)
    slot_count: int = 0
    flags: str = ""  # the flags worth a look (not myself/master/slave)
    link: str = ""
    epoch: int = 0
    lag: int | None = None  # replication offset behind the primary (replicas)
    memory: int | None = None
    ops: float | None = None
    keys: int | None = None
    clients: int | None = None
    status: str = "OK"  # OK | WARNING | CRITICAL | DOWN
    problem: str = ""  # why it is down (a fleet: else its worst finding's id)
    hot: frozenset[str] = frozenset()  # measures where this node stands out ("memory", "keys", "ops")
    name: str = ""  # a fleet member's name
    server: str = ""  # "Redis 7.2.4" (a fleet)
    memory_pct: float | None = None  # used memory, % of maxmemory (None: no limit, or no answer)
    hit_ratio: float | None = None  # keyspace hits / lookups over the last interval (0-1)

    @property
    def down(self) -> bool:
        """The node did not answer this round, or the cluster flags it failing."""
        return self.status == DOWN or "fail" in self.flags.split(",")
