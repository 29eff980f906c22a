"""What one Sentinel says about one master: ``SENTINEL MASTER / REPLICAS / SENTINELS / CKQUORUM``.

`read_group(client, name)` sends the four commands on the Sentinel's connection (the same one
its INFO goes through) and returns them parsed. A Sentinel that does not know the name answers
the first with an error: the `GroupReply` then carries that error and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis.exceptions as rex

from redis_tui.core.connection import Commands
from redis_tui.core.parse import text_of
from redis_tui.core.sentinel.parse import fields, records


@dataclass(frozen=True)
class GroupReply:
    """One Sentinel's answers about the master `name` this round."""

    master: dict[str, str] = field(default_factory=dict)
    replicas: list[dict[str, str]] = field(default_factory=list)
    sentinels: list[dict[str, str]] = field(default_factory=list)
    ckquorum: str = ""
    ckquorum_ok: bool | None = None
    error: str = ""  # the Sentinel refused (e.g. "ERR No such master with that name")


async def read_group(client: Commands, name: str) -> GroupReply:
    """The four SENTINEL answers about `name` (raises what the connection raises, not what the Sentinel refuses)."""
    try:
        master = fields(await client.execute_command("SENTINEL", "MASTER", name))
    except rex.ResponseError as exc:
        return GroupReply(error=str(exc))
    try:
        replicas = records(await client.execute_command("SENTINEL", "REPLICAS", name))
    except rex.ResponseError:  # before Redis 5: SLAVES
        replicas = records(await client.execute_command("SENTINEL", "SLAVES", name))
    sentinels = records(await client.execute_command("SENTINEL", "SENTINELS", name))
    try:
        ckquorum, ok = text_of(await client.execute_command("SENTINEL", "CKQUORUM", name)), True
    except rex.ResponseError as exc:  # NOQUORUM … (or NOAUTH …): the check failed
        ckquorum, ok = str(exc), False
    return GroupReply(master, replicas, sentinels, ckquorum, ok)


async def sentinel_id(client: Commands) -> str:
    """The Sentinel's own id (``SENTINEL MYID``, 6.2+: the ``runid`` the other Sentinels list it by), "" when it
    cannot say."""
    try:
        return text_of(await client.execute_command("SENTINEL", "MYID"))
    except rex.ResponseError:
        return ""
