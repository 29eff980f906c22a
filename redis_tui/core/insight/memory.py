"""Where the memory went: `MEMORY STATS` and `MEMORY DOCTOR` folded into parts of used memory, and the clients
that hold the most (from the CLIENT LIST the dashboard already polls).

Everything here is pure and never raises on an odd reply: a field the server did not send is 0 or None, and
a reply that is not what was expected gives an empty `MemoryStats`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import ResponseError

from redis_tui.core.connection import Commands
from redis_tui.core.models import ClientRow
from redis_tui.core.parse import text_of, to_float

TOP_CLIENTS = 10  # clients listed as the top memory consumers


@dataclass(frozen=True)
class Part:
    """One share of used memory: a label, its bytes, and its share of `total.allocated` (None when unknown)."""

    label: str
    bytes: int
    share: float | None
    overhead: bool = True  # False for the dataset itself


@dataclass(frozen=True)
class MemoryStats:
    """MEMORY STATS, flattened: every numeric field by its dotted name (``db.0.overhead.hashtable.main``)."""

    fields: Mapping[str, float] = field(default_factory=dict)

    def get(self, name: str) -> float | None:
        """The field `name`, None when the server did not send it."""
        return self.fields.get(name)

    def bytes(self, *names: str) -> int:
        """The sum of the fields `names` (absent ones count 0), as whole bytes."""
        return int(sum(self.fields.get(name, 0.0) for name in names))

    @property
    def used(self) -> int:
        """Bytes allocated in all (``total.allocated``: INFO's used_memory)."""
        return self.bytes("total.allocated")

    @property
    def keys(self) -> int:
        """Keys on the server."""
        return self.bytes("keys.count")

    @property
    def bytes_per_key(self) -> int:
        """The server's own figure: (used - startup) / keys."""
        return self.bytes("keys.bytes-per-key")

    @property
    def fragmentation(self) -> float | None:
        """RSS / used (MEMORY STATS ``fragmentation``; INFO's mem_fragmentation_ratio)."""
        return self.get("fragmentation")


def parse_memory_stats(reply: Any) -> MemoryStats:
    """A MEMORY STATS reply (a flat list of name, value pairs, nested for each ``db.N``; or a dict) →
    `MemoryStats`. Values that are not numbers are skipped."""
    fields: dict[str, float] = {}
    _flatten(reply, "", fields, depth=0)
    return MemoryStats(fields)


def _flatten(reply: Any, prefix: str, out: dict[str, float], depth: int) -> None:
    if depth > 4:
        return
    if isinstance(reply, Mapping):
        pairs: Iterable[tuple[Any, Any]] = reply.items()
    elif isinstance(reply, (list, tuple)):
        pairs = zip(reply[0::2], reply[1::2], strict=False)
    else:
        return
    for raw_name, value in pairs:
        name = prefix + text_of(raw_name)
        if isinstance(value, (list, tuple, Mapping)):
            _flatten(value, name + ".", out, depth + 1)
            continue
        number = to_float(value)
        if number is not None:
            out[name] = number


def breakdown(stats: MemoryStats) -> list[Part]:
    """Used memory in parts, biggest first after the dataset: the dataset (keys and values), then each overhead
    the server names (startup, clients, replication backlog, AOF buffer, scripts and functions, the
    keyspace's hash tables, cluster links). An empty list when the server sent no total."""
    used = stats.used
    if used <= 0:
        return []

    def part(label: str, value: int, overhead: bool = True) -> Part:
        return Part(label, max(0, value), max(0, value) / used, overhead)

    tables = sum(int(v) for k, v in stats.fields.items() if k.startswith("db.") and ".overhead." in k)
    tables += stats.bytes("overhead.db.hashtable.lut", "overhead.db.hashtable.rehashing")
    parts = [
        part("startup (the server itself)", stats.bytes("startup.allocated")),
        part("clients: normal", stats.bytes("clients.normal")),
        part("clients: replicas", stats.bytes("clients.slaves")),
        part("replication backlog", stats.bytes("replication.backlog")),
        part("AOF buffer", stats.bytes("aof.buffer")),
        part("scripts (Lua caches)", stats.bytes("lua.caches")),
        part("functions", stats.bytes("functions.caches")),
        part("keyspace hash tables", tables),
        part("cluster links", stats.bytes("cluster.links")),
    ]
    dataset = stats.bytes("dataset.bytes") if "dataset.bytes" in stats.fields else used - stats.bytes("overhead.total")
    head = [part("dataset (keys and values)", dataset, overhead=False)]
    return head + sorted((p for p in parts if p.bytes > 0), key=lambda p: -p.bytes)


def waste(stats: MemoryStats) -> list[Part]:
    """What the process holds beyond used memory, as shares of used memory: the allocator's fragmentation
    (active - allocated) and the RSS overhead (resident - allocator's resident); empty when not reported."""
    used = stats.used
    if used <= 0:
        return []
    rows = []
    for label, name in (("allocator fragmentation", "allocator-fragmentation.bytes"),
                        ("RSS overhead", "rss-overhead.bytes"),
                        ("allocator RSS overhead", "allocator-rss.bytes")):
        if name in stats.fields:
            value = stats.bytes(name)
            rows.append(Part(label, value, value / used))
    return rows


def doctor_text(reply: Any) -> str:
    """MEMORY DOCTOR's reply as text (not yet escaped: show it through safe_text), trimmed."""
    return text_of(reply).strip()


def consumers(clients: Iterable[ClientRow] | None, limit: int = TOP_CLIENTS) -> list[ClientRow]:
    """The clients holding the most memory (tot-mem: query and output buffers and the client's structures;
    then omem), most first; [] when the client list is unknown."""
    if not clients:
        return []
    return sorted(clients, key=lambda c: (-c.tot_mem, -c.omem, c.id))[:limit]


@dataclass(frozen=True)
class MemoryReading:
    """One node's memory: MEMORY STATS and MEMORY DOCTOR, each with the error reply that refused it (None when
    read)."""

    stats: MemoryStats = MemoryStats()
    doctor: str = ""
    stats_error: ResponseError | None = None
    doctor_error: ResponseError | None = None


async def read_memory(client: Commands) -> MemoryReading:
    """Send MEMORY STATS and MEMORY DOCTOR; one the server refuses (NOPERM, unknown) keeps its error and the
    other is still read. A failure of the connection itself raises."""
    stats, stats_error = MemoryStats(), None
    doctor, doctor_error = "", None
    try:
        stats = parse_memory_stats(await client.execute_command("MEMORY", "STATS"))
    except ResponseError as exc:
        stats_error = exc
    try:
        doctor = doctor_text(await client.execute_command("MEMORY", "DOCTOR"))
    except ResponseError as exc:
        doctor_error = exc
    return MemoryReading(stats, doctor, stats_error, doctor_error)
