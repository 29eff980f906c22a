"""SENTINEL replies and published events → plain values. Never raise.

``SENTINEL MASTER`` / ``REPLICAS`` / ``SENTINELS`` answer flat ``[name, value, …]`` lists (one, or a
list of them); events arrive as ``(channel, payload)``: ``+sdown master mymaster 10.0.0.5 6379``,
``+switch-master mymaster 10.0.0.5 6379 10.0.0.6 6379``, ``+slave slave 10.0.0.7:6379 10.0.0.7 6379 @
mymaster 10.0.0.5 6379``. Whatever a server sends, these return what they could read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redis_tui.core.parse import text_of

# Events worth keeping and showing (the rest — +slave-reconf-*, +failover-state-*… — are steps of these)
SHOWN_EVENTS = frozenset({"+sdown", "-sdown", "+odown", "-odown", "+new-epoch", "+try-failover", "+elected-leader",
                          "+failover-end", "+failover-end-for-timeout", "+switch-master", "+tilt", "-tilt",
                          "+promoted-slave", "+convert-to-slave", "-failover-abort-not-elected",
                          "-failover-abort-no-good-slave", "+reset-master", "+monitor", "-monitor"})
# Events that start a failover episode for the master (its duration counts from the first of them)
START_EVENTS = frozenset({"+sdown", "+odown", "+try-failover", "+new-epoch"})


def fields(reply: Any) -> dict[str, str]:
    """A flat ``[name, value, …]`` reply (or a mapping) → {name: value} as text."""
    if isinstance(reply, Mapping):
        return {text_of(k): text_of(v) for k, v in reply.items()}
    if not isinstance(reply, (list, tuple)):
        return {}
    items = [text_of(item) if not isinstance(item, (list, tuple)) else "" for item in reply]
    return dict(zip(items[::2], items[1::2], strict=False))


def records(reply: Any) -> list[dict[str, str]]:
    """A list of flat replies (``SENTINEL REPLICAS``, ``SENTINEL SENTINELS``, ``SENTINEL MASTERS``) → dicts."""
    if not isinstance(reply, (list, tuple)):
        return []
    return [f for f in (fields(item) for item in reply if isinstance(item, (list, tuple, Mapping))) if f]


def addr_of(record: Mapping[str, str]) -> str | None:
    """``ip:port`` of a SENTINEL record (None without both)."""
    ip, port = record.get("ip", ""), record.get("port", "")
    if not ip or not port.isdigit():
        return None
    host = f"[{ip}]" if ":" in ip else ip
    return f"{host}:{port}"


def flags_of(record: Mapping[str, str]) -> frozenset[str]:
    """The ``flags`` field as a set (``master,s_down`` → {master, s_down})."""
    return frozenset(f for f in record.get("flags", "").split(",") if f)


def number(record: Mapping[str, str], name: str) -> int | None:
    """An integer field, None when missing or not a number."""
    value = record.get(name, "")
    return int(value) if value.lstrip("-").isdigit() else None


def master_names(info: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    """The master names a Sentinel monitors, from its ``INFO sentinel`` (``master0:name=mymaster,…``)."""
    names = []
    for key, value in info.get("sentinel", {}).items():
        if key.startswith("master") and key[6:].isdigit():
            for part in value.split(","):
                name, _, text = part.partition("=")
                if name == "name" and text:
                    names.append(text)
    return tuple(sorted(names))


def _hostport(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def switch_of(text: str) -> tuple[str, str, str] | None:
    """``+switch-master`` payload ``name old-ip old-port new-ip new-port`` → (name, old, new)."""
    words = text.split()
    if len(words) != 5 or not words[2].isdigit() or not words[4].isdigit():
        return None
    return words[0], _hostport(words[1], words[2]), _hostport(words[3], words[4])


def about_master(text: str) -> tuple[str, str] | None:
    """(master name, the master's address) an event is about: ``master <name> <ip> <port>`` or ``… @ <name> <ip>
    <port>`` (for ``+switch-master``: the old master); None when the payload names none."""
    words = text.split()
    if "@" in words:
        at = words.index("@")
        tail = words[at + 1:]
        return (tail[0], _hostport(tail[1], tail[2])) if len(tail) >= 3 else None
    if len(words) >= 4 and words[0] == "master":
        return words[1], _hostport(words[2], words[3])
    switch = switch_of(text)
    if switch is not None:
        return switch[0], switch[1]
    return None


def is_master_instance(text: str) -> bool:
    """The event is about the master itself (``master <name> …``), not a replica or a Sentinel of its group."""
    return text.split(" ", 1)[0] == "master"
