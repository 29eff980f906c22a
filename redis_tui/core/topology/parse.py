"""CLUSTER NODES / CLUSTER SHARDS / CLUSTER INFO replies → `Node`s and fields. Never raise.

Whatever a server (or something pretending to be one) sends, these return what they could
read and skip the rest: a line or an entry that makes no sense is left out, a number that
is not one becomes 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from redis_tui.core.nodes import PRIMARY, REPLICA, SLOTS, Node
from redis_tui.core.parse import text_of, to_int


def parse_cluster_info(data: Any) -> dict[str, str]:
    """CLUSTER INFO text → {field: value} (lines without ``:`` are skipped)."""
    out: dict[str, str] = {}
    for line in text_of(data).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def split_addr(field: str) -> tuple[str, str]:
    """``ip:port@cport[,hostname]`` → ("ip:port", hostname); unknown parts are ""."""
    addr, _, hostname = field.partition(",")
    addr = addr.partition("@")[0]
    return addr, hostname


def _slot_ranges(words: Iterable[str]) -> tuple[tuple[int, int], ...]:
    out = []
    for word in words:
        if word.startswith("["):  # a slot being migrated/imported: [slot->-id] / [slot-<-id]
            continue
        first, _, last = word.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        lo, hi = int(first), int(last or first)
        if lo <= hi < SLOTS:
            out.append((lo, hi))
    return tuple(out)


def parse_cluster_nodes(data: Any) -> tuple[Node, ...]:
    """CLUSTER NODES text → nodes (addresses as announced; replicas' `primary` by id until resolved)."""
    nodes = []
    for line in text_of(data).splitlines():
        parts = line.split()
        if len(parts) < 8:
            continue
        node_id, addr_field, flag_field, primary_id, _ping, _pong, epoch, link = parts[:8]
        flags = frozenset(f for f in flag_field.split(",") if f and f != "noflags")
        addr, _hostname = split_addr(addr_field)
        role = REPLICA if flags & {"slave", "replica"} else PRIMARY
        flags = flags - {"master", "slave", "replica", "primary"}
        nodes.append(Node(
            addr=addr,
            node_id=node_id,
            role=role,
            primary_id=primary_id if role == REPLICA and primary_id != "-" else None,
            slots=_slot_ranges(parts[8:]) if role == PRIMARY else (),
            flags=flags,
            link=link,
            config_epoch=to_int(epoch),
        ))
    return resolve_primaries(nodes)


def resolve_primaries(nodes: Iterable[Node]) -> tuple[Node, ...]:
    """Fill each replica's `primary` address from its `primary_id`."""
    nodes = tuple(nodes)
    by_id = {n.node_id: n.addr for n in nodes if n.node_id}
    return tuple(replace(n, primary=by_id.get(n.primary_id)) if n.primary_id and n.primary is None else n
                 for n in nodes)


def _pairs(value: Any) -> dict[str, Any]:
    """A RESP2 flat list [k, v, k, v…] (or a RESP3 map) → {str key: value}."""
    if isinstance(value, Mapping):
        return {text_of(k): v for k, v in value.items()}
    if not isinstance(value, (list, tuple)):
        return {}
    return {text_of(value[i]): value[i + 1] for i in range(0, len(value) - 1, 2)}


def parse_cluster_shards(data: Any) -> tuple[Node, ...]:
    """CLUSTER SHARDS reply (7.0+) → nodes with slots, role, replication offset and health."""
    if not isinstance(data, (list, tuple)):
        return ()
    nodes = []
    for shard in data:
        fields = _pairs(shard)
        raw_slots = fields.get("slots")
        slots = []
        if isinstance(raw_slots, (list, tuple)):
            numbers = [to_int(text_of(v), -1) for v in raw_slots]
            for lo, hi in zip(numbers[0::2], numbers[1::2], strict=False):
                if 0 <= lo <= hi < SLOTS:
                    slots.append((lo, hi))
        members = [_pairs(m) for m in fields.get("nodes") or () if isinstance(m, (list, tuple, Mapping))]
        primary = next((m for m in members if text_of(m.get("role")) == "master"), None)
        primary_id = text_of(primary.get("id")) if primary else None
        for member in members:
            ip = text_of(member.get("ip")) or text_of(member.get("endpoint"))
            port = to_int(text_of(member.get("port")) or text_of(member.get("tls-port")))
            is_primary = member is primary
            nodes.append(Node(
                addr=f"{ip}:{port}",
                node_id=text_of(member.get("id")),
                role=PRIMARY if is_primary else REPLICA,
                primary_id=None if is_primary else primary_id,
                slots=tuple(slots) if is_primary else (),
                repl_offset=to_int(text_of(member.get("replication-offset"))),
                health=text_of(member.get("health")),
            ))
    return resolve_primaries(nodes)


def merge(from_nodes: Iterable[Node], from_shards: Iterable[Node]) -> tuple[Node, ...]:
    """CLUSTER NODES (flags, link, epoch) completed with CLUSTER SHARDS (offset, health), by node id."""
    shards = {n.node_id: n for n in from_shards if n.node_id}
    out = []
    for node in from_nodes:
        extra = shards.get(node.node_id)
        out.append(replace(node, repl_offset=extra.repl_offset, health=extra.health) if extra else node)
    return tuple(out)
