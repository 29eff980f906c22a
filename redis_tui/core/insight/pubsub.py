"""Pub/Sub: the channels with subscribers and how many (`PUBSUB CHANNELS` + `NUMSUB`), the pattern count
(`NUMPAT`), sharded channels on 7+ (`SHARDCHANNELS` + `SHARDNUMSUB`), folded over the nodes of a cluster; and
the subscriber clients with their output buffers, from the CLIENT LIST the dashboard already polls.

A subscriber that reads slower than messages arrive grows its output buffer on the server until the
`client-output-buffer-limit pubsub` closes it (or the server runs out of memory): the slow ones are marked.
Pure and never raising on an odd reply.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ResponseError

from redis_tui.core.connection import Commands
from redis_tui.core.models import ClientRow
from redis_tui.core.parse import text_of, to_int

CHANNEL_CAP = 500  # channels asked about per node (PUBSUB CHANNELS returns every one: capped here)
SLOW_OMEM = 1024 * 1024  # a subscriber holding this much output buffer is slow (pubsub soft limit: 8 MB)
SUBSCRIBE_COMMANDS = frozenset({"subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe",
                                "sunsubscribe"})


@dataclass(frozen=True)
class Channel:
    """A channel (name as sent, bytes), its subscribers, whether it is sharded, and the nodes it was seen on."""

    name: bytes
    subscribers: int
    shard: bool = False
    nodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PubSubReading:
    """One node's Pub/Sub: channels (classic and sharded), the pattern count, whether the channel list was
    cut at the cap, and the error of a sharded command the server does not have (pre-7)."""

    channels: tuple[Channel, ...] = ()
    patterns: int = 0
    truncated: bool = False
    shard_error: ResponseError | None = None


def numsub_pairs(reply: Any) -> dict[bytes, int]:
    """A PUBSUB NUMSUB / SHARDNUMSUB reply (channel, count, …; or a dict) → {channel: count}."""
    if isinstance(reply, Mapping):
        pairs: Iterable[tuple[Any, Any]] = reply.items()
    elif isinstance(reply, (list, tuple)):
        pairs = zip(reply[0::2], reply[1::2], strict=False)
    else:
        return {}
    return {_bytes(name): max(0, to_int(count)) for name, count in pairs}


def channel_names(reply: Any, cap: int = CHANNEL_CAP) -> tuple[list[bytes], bool]:
    """A PUBSUB CHANNELS reply → (the first `cap` names, sorted; whether there were more)."""
    if not isinstance(reply, (list, tuple)):
        return [], False
    names = sorted(_bytes(name) for name in reply)
    return names[:cap], len(names) > cap


def _bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return text_of(value).encode("utf-8", "surrogateescape")


async def read_pubsub(client: Commands, cap: int = CHANNEL_CAP) -> PubSubReading:
    """PUBSUB CHANNELS (capped), NUMSUB for them, NUMPAT, and SHARDCHANNELS + SHARDNUMSUB when the server has
    them (a refusal of those is kept, not raised)."""
    names, truncated = channel_names(await client.execute_command("PUBSUB", "CHANNELS"), cap)
    counts = numsub_pairs(await client.execute_command("PUBSUB", "NUMSUB", *names)) if names else {}
    patterns = max(0, to_int(await client.execute_command("PUBSUB", "NUMPAT")))
    channels = [Channel(name, counts.get(name, 0)) for name in names]
    shard_error = None
    try:
        shard_names, shard_more = channel_names(await client.execute_command("PUBSUB", "SHARDCHANNELS"), cap)
        shard_counts = (numsub_pairs(await client.execute_command("PUBSUB", "SHARDNUMSUB", *shard_names))
                        if shard_names else {})
        channels += [Channel(name, shard_counts.get(name, 0), shard=True) for name in shard_names]
        truncated = truncated or shard_more
    except ResponseError as exc:
        shard_error = exc
    return PubSubReading(tuple(channels), patterns, truncated, shard_error)


@dataclass(frozen=True)
class PubSubTotal:
    """Every node's Pub/Sub folded: a channel's subscribers summed over the nodes that have them."""

    channels: tuple[Channel, ...]
    patterns: int
    truncated: bool


def fold(readings: Mapping[str, PubSubReading]) -> PubSubTotal:
    """Sum each channel over the nodes (by name and kind), most subscribers first. Classic messages are
    broadcast to every node of a cluster, so a channel's subscribers on every node all receive them; a
    sharded channel lives on its slot's node (and its replicas)."""
    merged: dict[tuple[bytes, bool], tuple[int, list[str]]] = {}
    patterns = 0
    truncated = False
    for node, reading in readings.items():
        patterns += reading.patterns
        truncated = truncated or reading.truncated
        for channel in reading.channels:
            count, nodes = merged.setdefault((channel.name, channel.shard), (0, []))
            if node:
                nodes.append(node)
            merged[(channel.name, channel.shard)] = (count + channel.subscribers, nodes)
    channels = [Channel(name, count, shard, tuple(nodes)) for (name, shard), (count, nodes) in merged.items()]
    channels.sort(key=lambda c: (-c.subscribers, c.shard, c.name))
    return PubSubTotal(tuple(channels), patterns, truncated)


def is_subscriber(row: ClientRow) -> bool:
    """A client in Pub/Sub mode: the P flag, or a (un)subscribe command as its last."""
    return "P" in row.flags or row.cmd.lower() in SUBSCRIBE_COMMANDS


def subscribers(clients: Iterable[ClientRow] | None) -> list[ClientRow]:
    """The subscriber clients, the biggest output buffer first; [] when the client list is unknown."""
    if not clients:
        return []
    return sorted((c for c in clients if is_subscriber(c)), key=lambda c: (-c.omem, c.id))


def is_slow(row: ClientRow, threshold: int = SLOW_OMEM) -> bool:
    """True when the subscriber's output buffer holds `threshold` bytes or more (it reads slower than
    messages arrive)."""
    return row.omem >= threshold


def pubsub_soft_limit(config: Mapping[str, str]) -> int | None:
    """The pubsub class's soft limit in bytes from ``client-output-buffer-limit`` (``pubsub 32mb 8mb 60``),
    None when unknown or 0."""
    words = text_of(config.get("client-output-buffer-limit", "")).lower().split()
    for index, word in enumerate(words[:-2]):
        if word == "pubsub":
            soft = _size(words[index + 2])
            return soft or None
    return None


def _size(text: str) -> int:
    units = {"kb": 1024, "mb": 1024**2, "gb": 1024**3, "k": 1000, "m": 1000**2, "g": 1000**3, "b": 1}
    for unit, factor in units.items():
        if text.endswith(unit) and text[: -len(unit)].isdigit():
            return int(text[: -len(unit)]) * factor
    return max(0, to_int(text))
