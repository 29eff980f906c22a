"""Is a target a Sentinel, and which masters does it watch: ``INFO`` says ``redis_mode:sentinel``
(``server_mode`` on Valkey) and lists them (``master0:name=mymaster,…``)."""

from __future__ import annotations

import dataclasses

from redis_tui.core import parse
from redis_tui.core.connection import Commands
from redis_tui.core.sentinel.parse import master_names
from redis_tui.core.target import Target


async def sentinel_masters(client: Commands) -> tuple[str, ...] | None:
    """The master names the server watches when it is a Sentinel (sorted), None when it is not one."""
    info = parse.parse_info(await client.execute_command("INFO"))
    if parse.server_from(info).mode != "sentinel":
        return None
    return master_names(info)


def group_target(target: Target, name: str) -> Target:
    """The target of the group `name` watched by the Sentinel at `target` (its credentials go to the data nodes)."""
    return dataclasses.replace(target, sentinel=((target.host, target.port),), master=name, socket=None)
