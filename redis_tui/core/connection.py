"""Target → `redis.asyncio.Redis` client, configured for a monitoring tool.

The client does not retry on its own (the poller owns retries and backoff), names itself
in CLIENT LIST, and returns raw bytes so that our parsers, not redis-py's, read INFO and
CLIENT LIST (ours never raise on odd input).
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import ssl
from collections.abc import Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from redis_tui.core.target import Target

Client = aioredis.Redis
"""The asyncio client every part of the core talks through."""
ClientFactory = Callable[..., Client]
"""`make_client` or a stand-in: (target, *, connect_timeout, reply_timeout, client_name) → Client."""

CLIENT_NAME = "redis-tui"
CONNECT_TIMEOUT = 3.0
REPLY_TIMEOUT = 5.0

# Commands whose replies we parse ourselves: keep them as raw bytes.
_RAW_COMMANDS = ("INFO", "CLIENT LIST", "CLIENT INFO", "CONFIG GET", "SLOWLOG GET", "MEMORY USAGE")


# No CLIENT SETINFO on connect: Redis before 7.2 answers it with an error, so every connection of ours would
# count in the server's errorstats (and in the errors/s the dashboard shows). redis-py 8 takes driver_info=None
# for that; older releases lib_name=None and lib_version=None (deprecated in 8).
NO_SETINFO: dict[str, Any] = (
    {"driver_info": None} if "driver_info" in inspect.signature(aioredis.Redis.__init__).parameters
    else {"lib_name": None, "lib_version": None})


def client_options(
    target: Target,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    reply_timeout: float | None = REPLY_TIMEOUT,
    client_name: str | None = CLIENT_NAME,
) -> dict[str, Any]:
    """Keyword arguments for `redis.asyncio.Redis` (and Sentinel) reaching `target`."""
    options: dict[str, Any] = {
        "db": target.db,
        "username": target.username,
        "password": target.password,
        "socket_connect_timeout": connect_timeout,
        "socket_timeout": reply_timeout,
        "retry": Retry(NoBackoff(), 0),
        "client_name": client_name,
        **NO_SETINFO,
        "decode_responses": False,
        "protocol": 2,
    }
    if target.tls:
        files = target.tls_files
        options.update(
            ssl=True,
            ssl_ca_certs=files.cacert,
            ssl_certfile=files.cert,
            ssl_keyfile=files.key,
            ssl_cert_reqs=ssl.CERT_NONE if files.insecure else ssl.CERT_REQUIRED,
            ssl_check_hostname=not files.insecure,
        )
    return options


def sentinel_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """The `client_options` that also apply to the Sentinels themselves: not the database, the
    connection name, or the master's credentials."""
    return {k: v for k, v in options.items() if k not in ("db", "client_name", "username", "password")}


def make_client(
    target: Target,
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    reply_timeout: float | None = REPLY_TIMEOUT,
    client_name: str | None = CLIENT_NAME,
) -> Client:
    """A lazily connecting asyncio client for `target` (no I/O happens here)."""
    options = client_options(target, connect_timeout=connect_timeout, reply_timeout=reply_timeout,
                             client_name=client_name)
    client: Client
    if target.sentinel:
        from redis.asyncio.sentinel import Sentinel

        sentinel = Sentinel(list(target.sentinel), sentinel_kwargs=sentinel_kwargs(options), **options)
        client = sentinel.master_for(target.master or "mymaster")
    elif target.socket:
        options = {k: v for k, v in options.items() if not k.startswith("ssl")}
        client = aioredis.Redis(unix_socket_path=target.socket, **options)
    else:
        client = aioredis.Redis(host=target.host, port=target.port, **options)
    for command in _RAW_COMMANDS:
        client.set_response_callback(command, _raw)
    return client


class Commands(Protocol):
    """Anything that sends a command and returns its reply: a `Client`, or an adapter over one."""

    async def execute_command(self, *args: Any) -> Any:
        """Send one command; raises what the connection raises."""


def _raw(response: object, **_options: object) -> object:
    return response


class Connections:
    """The app's connections to one target: named clients handed out on demand, closed together.

    `client(purpose)` is cached (one ``redis-tui-<purpose>`` client per purpose, for screens
    that outlive a visit); `open(purpose)` is a fresh one its caller closes (a run that ends).
    No I/O happens until a client sends a command.
    """

    def __init__(self, target: Target, factory: Callable[..., aioredis.Redis] = make_client) -> None:
        self.target = target
        self._factory = factory
        self._cached: dict[str, aioredis.Redis] = {}
        self._retired: list[aioredis.Redis] = []

    def client(self, purpose: str) -> aioredis.Redis:
        """The client named ``redis-tui-<purpose>`` (the same one on every call)."""
        if purpose not in self._cached:
            self._cached[purpose] = self.open(purpose)
        return self._cached[purpose]

    def node(self, purpose: str, target: Target) -> aioredis.Redis:
        """The client named ``redis-tui-<purpose>`` to another node of the same deployment (a cluster node at
        `target`): the same one on every call for that address, closed with the others."""
        key = f"{purpose}@{target.address}"
        if key not in self._cached:
            self._cached[key] = self._factory(target, client_name=f"{CLIENT_NAME}-{purpose}")
        return self._cached[key]

    def open(self, purpose: str) -> aioredis.Redis:
        """A new client named ``redis-tui-<purpose>``; the caller closes it."""
        return self._factory(self.target, client_name=f"{CLIENT_NAME}-{purpose}")

    def use_password(self, password: str) -> None:
        """Clients handed out from now on log in with `password` (the old ones still close)."""
        self.target = dataclasses.replace(self.target, password=password)
        self._retired.extend(self._cached.values())
        self._cached.clear()

    def use_db(self, db: int) -> None:
        """Clients handed out from now on SELECT database `db` (the old ones still close)."""
        self.target = dataclasses.replace(self.target, db=db)
        self._retired.extend(self._cached.values())
        self._cached.clear()

    async def aclose(self) -> None:
        """Close every cached client (a dead connection is closed enough)."""
        clients = [*self._retired, *self._cached.values()]
        self._retired.clear()
        self._cached.clear()
        for client in clients:
            with contextlib.suppress(Exception):
                await client.aclose()
