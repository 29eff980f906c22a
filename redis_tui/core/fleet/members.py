"""A fleet's members: independent servers, each with its own `Target` (credentials, TLS, database).

A member's `addr` is what the fleet knows it by (the node address of its `TopologyUpdate`, the row key
of the overview, the ``node`` of its findings): ``host:port`` (or the socket path), with the database when
it is not 0. Its `name` is the profile it came from, else that address. Neither ever holds a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from redis_tui.core.target import Target, TargetError


def member_addr(target: Target) -> str:
    """``host:port``, ``host:port/2`` (db 2), ``/run/redis.sock?db=2``: a server and database, no secret."""
    if not target.db or target.sentinel:
        return target.address
    return f"{target.address}?db={target.db}" if target.socket else f"{target.address}/{target.db}"


@dataclass(frozen=True)
class Member:
    """One server of a fleet: the name it is shown by, and how to reach it."""

    name: str
    target: Target

    @property
    def addr(self) -> str:
        """The member's key: its address (and database), never its password."""
        return member_addr(self.target)


def check_members(members: Iterable[Member]) -> tuple[Member, ...]:
    """The members, or `TargetError` when two name the same server and database (or the same name)."""
    out: tuple[Member, ...] = tuple(members)
    seen: dict[str, Member] = {}
    names: set[str] = set()
    for member in out:
        other = seen.get(member.addr)
        if other is not None:
            both = f" ({other.name} and {member.name})" if other.name != member.name else ""
            raise TargetError(f"the same server twice in the fleet: {member.addr}{both}")
        if member.name in names:
            raise TargetError(f"two servers of the fleet are named {member.name!r}")
        seen[member.addr] = member
        names.add(member.name)
    return out
