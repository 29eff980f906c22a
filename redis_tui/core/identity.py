"""Who we are on the server: our own connection's address, to leave our own traffic out of what we show."""

from __future__ import annotations

from redis import exceptions as rex

from redis_tui.core import parse
from redis_tui.core.connection import Client


async def own_address(client: Client) -> str | None:
    """The client's address as the server sees it (CLIENT INFO, Redis 6.2+); None if unknown.

    Used to leave our own connections out of what we show (the dashboard's polling in MONITOR).
    """
    try:
        reply = await client.execute_command("CLIENT INFO")
    except rex.ResponseError:  # Redis < 6.2, or the ACL forbids it
        return None
    rows = parse.parse_client_list(reply)
    return rows[0].addr if rows else None
