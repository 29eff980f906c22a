"""Immutable values the poller produces and the UI renders.

One `Snapshot` per poll. Everything is frozen: a widget can keep a snapshot as long as it
likes, and tests can build one by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Problem:
    """A classified failure: a finding id (README "Findings"), a one-line summary, the raw detail."""

    id: str
    summary: str
    detail: str = ""
    source: str = ""  # which request failed, when only part of a poll did ("config", "slowlog"…)
    cause: str = ""  # a finer reason within the id ("tls-expected", "verify", "no-such-socket"…)
    evidence: tuple[tuple[str, Any], ...] = ()  # measured values for the finding ("databases", 16)…

    def __str__(self) -> str:
        return self.summary


@dataclass(frozen=True)
class Server:
    """Who answered: Redis or Valkey, its version, mode and role."""

    kind: str = "redis"  # "redis" | "valkey"
    version: str = "?"
    mode: str = "standalone"  # standalone | sentinel | cluster
    role: str = "master"
    uptime_s: int = 0
    port: int | None = None
    process_id: int | None = None
    config_file: str | None = None  # INFO server config_file: "" = started without one, None = not reported

    @property
    def label(self) -> str:
        """``Redis 7.0.15`` / ``Valkey 9.1.2``."""
        return f"{self.kind.capitalize()} {self.version}"


@dataclass(frozen=True)
class Memory:
    """INFO memory, in bytes; ``maxmemory == 0`` means no limit."""

    used: int = 0
    rss: int = 0
    peak: int = 0
    maxmemory: int = 0
    policy: str = "noeviction"
    fragmentation: float | None = None
    evicted_keys: int = 0
    dataset: int = 0

    @property
    def limit_ratio(self) -> float | None:
        """used / maxmemory, or None when there is no limit."""
        return self.used / self.maxmemory if self.maxmemory else None


@dataclass(frozen=True)
class Clients:
    """INFO clients (+ maxclients, from INFO or CONFIG GET)."""

    connected: int = 0
    blocked: int = 0
    maxclients: int | None = None
    rejected: int = 0


@dataclass(frozen=True)
class DbKeys:
    """One line of INFO keyspace."""

    db: int
    keys: int
    expires: int
    avg_ttl_ms: int


@dataclass(frozen=True)
class CommandStat:
    """One line of INFO commandstats (cumulative counters)."""

    name: str
    calls: int
    usec: int
    rejected: int = 0
    failed: int = 0


@dataclass(frozen=True)
class CommandRate:
    """A command's activity over the last interval."""

    name: str
    calls_per_s: float
    usec_per_call: float | None


class ClientRow(NamedTuple):
    """One connection from CLIENT LIST: the fields the dashboard and the rules read.

    A named tuple, not a frozen dataclass: as immutable, as small (no per-row dict), and ten
    times quicker to build — a server with 10,000 clients gives 10,000 of these on every
    CLIENT LIST (`bench/bench_clients.py`). Change one with ``row._replace(idle_s=3)``.
    Strings that repeat across clients (name, cmd, flags, user) share one object per reply
    (`core.parse.client_list_parts`).
    """

    id: int
    addr: str
    name: str = ""
    age_s: int = 0
    idle_s: int = 0
    db: int = 0
    cmd: str = ""
    omem: int = 0
    flags: str = ""
    user: str = ""
    tot_mem: int = 0

    @property
    def host(self) -> str:
        """The address without its port: ``10.0.0.5`` for ``10.0.0.5:41234``, ``::1`` for
        ``[::1]:6001``, the socket path for a unix socket (``/run/redis.sock:0``)."""
        host = self.addr.rpartition(":")[0] if ":" in self.addr else self.addr
        return host[1:-1] if host.startswith("[") and host.endswith("]") else host


@dataclass(frozen=True)
class ClientListCost:
    """How often CLIENT LIST is sent and what the last one cost (it walks every connection on
    the server's main thread, so the poller sends it more rarely when it is expensive)."""

    every_s: float  # the period now
    floor_s: float  # the shortest period (client_list_interval)
    server_s: float | None  # one call's time on the server (INFO commandstats), None when unknown
    reply_s: float  # from sending it to the whole reply read (server + transfer)
    parse_s: float  # parsing the reply here
    clients: int  # rows in the reply

    @property
    def cost_s(self) -> float:
        """The cost the period follows: the server's time, else the reply time."""
        return self.server_s if self.server_s is not None else self.reply_s

    @property
    def adapted(self) -> bool:
        """True when the period was lengthened because of the cost."""
        return self.every_s > self.floor_s


@dataclass(frozen=True)
class SlowEntry:
    """One SLOWLOG entry: when (server clock), how long, what (args as sent), by whom."""

    id: int
    at: int  # unix time, server clock
    duration_us: int
    args: tuple[bytes, ...] = ()
    client_addr: str = ""
    client_name: str = ""


@dataclass(frozen=True)
class Rates:
    """Per-second rates from counter deltas; None where the counter restarted or is unknown."""

    interval_s: float = 0.0
    ops: float | None = None
    hits: float | None = None
    misses: float | None = None
    evicted: float | None = None
    expired: float | None = None
    net_in: float | None = None
    net_out: float | None = None
    keys: float | None = None
    rejected: float | None = None
    errors: float | None = None  # error replies (OOM, WRONGTYPE, NOPERM…) per second
    commands: tuple[CommandRate, ...] = ()

    @property
    def hit_ratio(self) -> float | None:
        """Hits / (hits + misses) over the interval, None without lookups."""
        if self.hits is None or self.misses is None or self.hits + self.misses <= 0:
            return None
        return self.hits / (self.hits + self.misses)


@dataclass(frozen=True)
class Totals:
    """Sums of positive counter deltas since the poller started (survive server restarts)."""

    hits: int = 0
    misses: int = 0

    @property
    def hit_ratio(self) -> float | None:
        """Hit ratio since the app started, None before any lookup."""
        lookups = self.hits + self.misses
        return self.hits / lookups if lookups else None


@dataclass(frozen=True)
class History:
    """Recent values for sparklines, oldest first (None where a rate was unknown)."""

    ops: tuple[float, ...] = ()
    used_memory: tuple[float, ...] = ()
    hit_ratio: tuple[float, ...] = ()
    net_in: tuple[float, ...] = ()
    net_out: tuple[float, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """Everything known about the server after one poll."""

    taken_at: float  # wall clock (time.time()) of the INFO reply
    server: Server = Server()
    memory: Memory = Memory()
    clients: Clients = Clients()
    keyspace: tuple[DbKeys, ...] = ()
    commands: tuple[CommandStat, ...] = ()
    rates: Rates = Rates()
    totals: Totals = Totals()
    history: History = History()
    client_list: tuple[ClientRow, ...] | None = None  # None: not fetched (yet) or not permitted
    client_list_at: float | None = None
    client_list_cost: ClientListCost | None = None  # its period and last cost (None before the first)
    config: Mapping[str, str] = field(default_factory=dict)  # CONFIG GET results we asked for
    info: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # every INFO field, by section
    notes: tuple[Problem, ...] = ()  # non-fatal problems (e.g. CLIENT LIST not permitted)
    own_addr: str | None = None  # the poller's own connection (ip:port), from CLIENT INFO
    slowlog: tuple[SlowEntry, ...] | None = None  # newest first; None: not fetched (yet) or not permitted
    slowlog_at: float | None = None

    @property
    def total_keys(self) -> int:
        """Keys across all databases."""
        return sum(db.keys for db in self.keyspace)

    @property
    def ttl_share(self) -> float | None:
        """Share of keys that have a TTL, 0-1 (None without keys)."""
        keys = self.total_keys
        return sum(db.expires for db in self.keyspace) / keys if keys else None


@dataclass(frozen=True)
class Outage:
    """The server cannot be reached (or answered with an error): what, since when, next try."""

    problem: Problem
    since: float  # wall clock of the first failure in this outage
    attempts: int
    retry_at: float  # wall clock of the next attempt


Update = Snapshot | Outage
