"""What the dashboard and ``doctor`` share about Sentinel: is the target a Sentinel, which group to watch.

``--sentinel HOST:PORT --master NAME`` names a group; a target that answers ``redis_mode:sentinel``
(``server_mode`` on Valkey) is one of its Sentinels: the group is the master it monitors (with
``--master``, that one; the first by name when it monitors several, with a notice).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from redis_tui.core.connection import make_client
from redis_tui.core.models import Update
from redis_tui.core.nodes import Aggregate, Topology
from redis_tui.core.sentinel import SentinelPoller, group_target, sentinel_masters
from redis_tui.core.target import Target


async def probe_sentinel(target: Target, timeout: float, client_name: str | None = None) -> tuple[str, ...] | None:
    """The masters the target watches when it is a Sentinel; None when it is not one (or cannot be asked)."""
    if target.sentinel or target.socket:
        return None
    client = make_client(target, connect_timeout=timeout, reply_timeout=timeout, client_name=client_name)
    try:
        async with asyncio.timeout(timeout):
            return await sentinel_masters(client)
    except Exception:  # noqa: BLE001 - unreachable or refused: the command itself says why
        return None
    finally:
        await client.aclose()


async def unknown_master(target: Target, timeout: float, client_name: str | None = None) -> str | None:
    """Why the group `target` names cannot be watched: the first Sentinel answers but does not monitor that master;
    None when it does (or cannot be asked: the app then says what is wrong with it)."""
    host, port = target.sentinel[0]
    sentinel = Target(host=host, port=port, tls=target.tls, tls_files=target.tls_files)
    masters = await probe_sentinel(sentinel, timeout, client_name)
    if masters is None or target.master in masters:
        return None
    return choose_group(dataclasses.replace(sentinel, master=target.master), masters)[1]


def choose_group(target: Target, masters: tuple[str, ...]) -> tuple[Target | None, str]:
    """The group to watch on the Sentinel `target` that monitors `masters`, and a notice (or why none)."""
    if not masters:
        return None, f"{target.address} is a Sentinel that monitors no master"
    if target.master and target.master not in masters:
        return None, f"the Sentinel at {target.address} does not monitor {target.master!r} (it monitors: " \
                     f"{', '.join(masters)})"
    name = target.master or masters[0]
    notice = f"{target.address} is a Sentinel: watching its group {name!r}"
    if len(masters) > 1 and not target.master:
        notice += f" (it also monitors {', '.join(m for m in masters if m != name)}: --master NAME picks one)"
    return group_target(target, name), notice


def sentinel_poller(target: Target, totals: Callable[[Topology, Mapping[str, Update]], Aggregate],
                    **options: Any) -> SentinelPoller:
    """The `SentinelPoller` of the group `target` names (totals: `core.topology.aggregate`)."""
    return SentinelPoller(target, totals=totals, **options)
