"""The guard: a second connection that watches the MONITOR connection's output buffer.

A MONITOR client that reads too slowly makes the server buffer its output, by default
without limit. Every `interval` seconds the guard asks ``CLIENT LIST ID <monitor id>`` (one
client, cheap for the server) for that connection's ``omem`` and reports when it passes
the limit. It also reads ``COMMAND`` once (where each command's first key is) and learns
its own address so that its polling can be left out of the stream. Repeated failures of
the guard mean the server is gone even when the MONITOR socket has not noticed yet.
"""

from __future__ import annotations

import asyncio
import contextlib

import redis.exceptions as rex

from redis_tui.core import parse
from redis_tui.core.connection import Client, make_client
from redis_tui.core.identity import own_address
from redis_tui.core.monitor.commands import CommandTable
from redis_tui.core.target import Target

GUARD_CLIENT_NAME = "redis-tui-monitor-guard"
GUARD_REPLY_TIMEOUT = 2.0
FAILURES_FOR_LOST = 3


class GuardUnavailable(Exception):
    """The guard may not read CLIENT LIST (NOPERM): the output buffer cannot be watched."""


class Guard:
    """Owns the guard connection; `poll(client_id)` returns the monitor connection's omem."""

    def __init__(self, target: Target, connect_timeout: float = 3.0) -> None:
        self.target = target
        self.connect_timeout = connect_timeout
        self.client = self._make_client(GUARD_CLIENT_NAME)
        self.address: str | None = None
        self._list_by_id = True

    def _make_client(self, name: str | None) -> Client:
        client = make_client(self.target, connect_timeout=self.connect_timeout, reply_timeout=GUARD_REPLY_TIMEOUT,
                             client_name=name)
        client.set_response_callback("COMMAND", lambda response, **_: response)
        return client

    async def prepare(self) -> CommandTable:
        """Connect; learn our own address and the server's command table."""
        try:
            await self.client.ping()
        except rex.NoPermissionError:  # the ACL forbids naming the connection: go without a name
            await self.close()
            self.client = self._make_client(None)
        self.address = await own_address(self.client)
        try:
            reply = await self.client.execute_command("COMMAND")
        except rex.ResponseError:
            return CommandTable.default()
        return CommandTable.from_reply(reply)

    async def poll(self, client_id: int | None) -> int | None:
        """The output buffer (omem, bytes) of client `client_id`; None if it is not listed.

        Raises `GuardUnavailable` when the ACL forbids CLIENT LIST, and the client's own
        exceptions when the server cannot be reached.
        """
        if client_id is None:
            raise GuardUnavailable("the server did not tell the MONITOR connection's id (CLIENT ID)")
        try:
            if self._list_by_id:
                try:
                    reply = await self.client.execute_command("CLIENT LIST", "ID", client_id)
                except rex.ResponseError as exc:
                    if "noperm" in str(exc).lower():
                        raise
                    self._list_by_id = False  # before Redis 6.2: the whole list
                    reply = await self.client.execute_command("CLIENT LIST")
            else:
                reply = await self.client.execute_command("CLIENT LIST")
        except rex.NoPermissionError as exc:
            raise GuardUnavailable(str(exc)) from None
        except rex.ResponseError as exc:
            if "noperm" in str(exc).lower():
                raise GuardUnavailable(str(exc)) from None
            raise
        for row in parse.parse_client_list(reply):
            if row.id == client_id:
                return row.omem
        return None

    async def close(self) -> None:
        """Close the guard connection."""
        with contextlib.suppress(Exception):  # closing a dead connection
            await asyncio.wait_for(self.client.aclose(), 2.0)
