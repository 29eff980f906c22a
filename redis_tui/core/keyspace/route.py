"""One key's commands on a Redis Cluster: sent to the node that serves its slot, following MOVED and ASK.

`Router` keeps the slot → node map (from the topology's primaries, patched by each MOVED
reply) and hands out, per key, a client whose commands all concern that key
(`Router.client(key)`): the value readers of `values.py` and `KeyWriter` take it as they take
any client. Each command, or pipeline, goes to the node that serves the key's slot. A
``MOVED`` reply moves the slot to the node it names in the map, tells the caller (`on_moved`:
the topology is worth reading again) and sends the command again there; an ``ASK`` reply (the
slot is being migrated) sends it once to the node named, each command preceded by
``ASKING``. At most `MAX_REDIRECTS` redirections are followed for one command.

Slots no node is known to serve go to the `default` client (``--node-only``: the node given).
Node clients come from `connect` ("host:port" → client; the caller caches and closes them).
"""

from __future__ import annotations

import types
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

import redis.asyncio as aioredis
import redis.exceptions as rex

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.slots import key_slot
from redis_tui.core.nodes import SLOTS, Topology

MAX_REDIRECTS = 5

Connect = Callable[[str], Client]
Result = TypeVar("Result")
Command = tuple[tuple[Any, ...], dict[str, Any]]


class NoNode(rex.ResponseError):
    """No node is known to serve the key's slot (and there is no default node)."""


class Router:
    """Which node serves a key; clients that send one key's commands there and follow MOVED / ASK."""

    def __init__(self, connect: Connect, default: Client | None = None, default_addr: str = "",
                 on_moved: Callable[[], None] | None = None) -> None:
        self.connect = connect
        self.default = default
        self.default_addr = default_addr
        self.on_moved = on_moved
        self.redirects = 0  # MOVED and ASK replies followed
        self._owners: list[str] = [""] * SLOTS  # "" = not known: the default node
        self._layout: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = ()
        self._remap: Mapping[str, str] = {}

    def update(self, topology: Topology) -> None:
        """Route by `topology`'s primaries (the map is rebuilt only when their slots changed)."""
        layout = tuple((n.addr, n.slots) for n in topology.primaries if n.slots)
        self._remap = {n.announced: n.addr for n in topology.nodes if n.announced}
        if layout == self._layout:
            return
        owners = [""] * SLOTS
        for addr, ranges in layout:
            for first, last in ranges:
                owners[first:last + 1] = [addr] * (last - first + 1)
        self._owners, self._layout = owners, layout

    def node_of(self, key: bytes) -> str:
        """"host:port" of the node that serves `key` ("" when none is known and there is no default)."""
        return self._owners[key_slot(key)] or self.default_addr

    def client(self, key: bytes) -> Client:
        """A client for the commands about `key` (and only those: each goes to `key`'s node)."""
        return cast(Client, KeyClient(self, key))

    async def send(self, key: bytes, call: Callable[[Client, bool], Awaitable[Result]]) -> Result:
        """`call(client, asking)` on `key`'s node, again on the node a MOVED / ASK reply names."""
        slot = key_slot(key)
        addr = self._owners[slot] or self.default_addr
        asking = False
        for attempt in range(MAX_REDIRECTS + 1):
            try:
                return await call(self._client(addr, slot), asking)
            except rex.AskError as redirect:  # MovedError is an AskError too
                if attempt == MAX_REDIRECTS:
                    raise
                self.redirects += 1
                addr = self._target(redirect, addr)
                asking = not isinstance(redirect, rex.MovedError)
                if not asking:
                    self._owners[redirect.slot_id % SLOTS] = addr
                    if self.on_moved is not None:
                        self.on_moved()
        raise AssertionError("unreachable")  # the loop returns or raises

    def _client(self, addr: str, slot: int) -> Client:
        if addr and addr != self.default_addr:
            return self.connect(addr)
        if self.default is not None:
            return self.default
        if addr:
            return self.connect(addr)
        raise NoNode(f"no node is known to serve hash slot {slot}")

    def _target(self, redirect: rex.AskError, sent_to: str) -> str:
        """The redirection's "host:port" (an empty host is the node's we asked), remapped like the topology's."""
        host = redirect.host or sent_to.rpartition(":")[0]
        addr = f"{host}:{redirect.port}"
        return self._remap.get(addr, addr)


async def _command(client: Client, asking: bool, args: tuple[Any, ...], options: dict[str, Any]) -> Any:
    if not asking:
        return await client.execute_command(*args, **options)
    pipe = client.pipeline(transaction=False)
    pipe.execute_command("ASKING")
    pipe.execute_command(*args, **options)
    _ok, reply = await pipe.execute(raise_on_error=False)
    if isinstance(reply, Exception):
        raise reply
    return reply


async def _pipeline(client: Client, asking: bool, commands: list[Command], transaction: bool,
                    raise_on_error: bool) -> list[Any]:
    pipe = client.pipeline(transaction=transaction and not asking)
    for args, options in commands:
        if asking:
            pipe.execute_command("ASKING")
        pipe.execute_command(*args, **options)
    replies = await pipe.execute(raise_on_error=False)
    if asking:
        replies = replies[1::2]
    redirect = next((r for r in replies if isinstance(r, rex.AskError)), None)
    if redirect is not None:  # the whole pipeline concerns one key: send it all again there
        raise redirect
    if raise_on_error:
        failed = next((r for r in replies if isinstance(r, Exception)), None)
        if failed is not None:
            raise failed
    return list(replies)


def _redis_method(owner: object, name: str) -> Any:
    """redis-py's command method `name` (``zrange``, ``hscan``…) bound to `owner`: it builds the command and
    sends it through `owner.execute_command`."""
    method = getattr(aioredis.Redis, name, None)
    if name.startswith("__") or not isinstance(method, types.FunctionType):
        raise AttributeError(name)
    return types.MethodType(method, owner)


class KeyClient:
    """A stand-in for a client whose every command concerns one key: sent to the node that serves it.

    It has `execute_command`, `pipeline` and redis-py's command methods (built on `execute_command`);
    it owns no connection (the router's node clients do).
    """

    def __init__(self, router: Router, key: bytes) -> None:
        self.router, self.key = router, key

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        """Send one command about the key to its node."""
        return await self.router.send(self.key, lambda client, asking: _command(client, asking, args, options))

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> KeyPipeline:
        """Commands about the key, sent together to its node by `execute()`."""
        return KeyPipeline(self.router, self.key, transaction)

    async def aclose(self) -> None:
        """Nothing to close (the node clients belong to whoever made the router)."""

    def __getattr__(self, name: str) -> Any:
        return _redis_method(self, name)


class KeyPipeline:
    """Queued commands about one key; `execute()` sends them to its node (again where MOVED / ASK says)."""

    def __init__(self, router: Router, key: bytes, transaction: bool) -> None:
        self.router, self.key, self.transaction = router, key, transaction
        self.commands: list[Command] = []

    def execute_command(self, *args: Any, **options: Any) -> KeyPipeline:
        """Queue one command."""
        self.commands.append((args, options))
        return self

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        """The replies, in order (errors in place with `raise_on_error` False)."""
        commands, self.commands = self.commands, []
        return await self.router.send(
            self.key, lambda client, asking: _pipeline(client, asking, commands, self.transaction, raise_on_error))

    async def __aenter__(self) -> KeyPipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.commands = []

    def __getattr__(self, name: str) -> Any:
        return _redis_method(self, name)
