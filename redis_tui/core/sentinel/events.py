"""A Sentinel's events: one pub/sub connection per Sentinel, ``PSUBSCRIBE *``, each message kept with its time.

A Sentinel publishes every state change on a channel named after it (``+sdown``, ``+odown``,
``+switch-master``…). `EventListener.run()` keeps a subscription open until cancelled, reconnecting
(every `RETRY_S`) when the Sentinel goes away, and hands each message to `on_event`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from redis_tui.core.connection import ClientFactory, make_client
from redis_tui.core.parse import text_of
from redis_tui.core.sentinel_state import SentinelEvent
from redis_tui.core.target import Target

RETRY_S = 1.0
CONNECT_TIMEOUT = 2.0


class EventListener:
    """Listens to one Sentinel's events until cancelled; `connected` says whether the subscription is up."""

    def __init__(self, target: Target, addr: str, on_event: Callable[[SentinelEvent], None], *,
                 clock: Callable[[], float] = time.time, client_factory: ClientFactory = make_client,
                 client_name: str | None = None) -> None:
        self.target = target
        self.addr = addr
        self.on_event = on_event
        self.clock = clock
        self.connected = False
        self._factory = client_factory
        self._client_name = client_name

    async def run(self) -> None:
        """Subscribe, hand over every message, reconnect after a failure; until cancelled."""
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the Sentinel went away: the poll round says why; try again
                pass
            self.connected = False
            await asyncio.sleep(RETRY_S)

    async def _listen(self) -> None:
        client = self._factory(self.target, connect_timeout=CONNECT_TIMEOUT, reply_timeout=None,
                               client_name=self._client_name)
        pubsub: Any = client.pubsub()
        try:
            await pubsub.psubscribe("*")
            self.connected = True
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None or message.get("type") != "pmessage":
                    continue
                channel = text_of(message.get("channel"))
                self.on_event(SentinelEvent(self.clock(), self.addr, channel, text_of(message.get("data"))))
        finally:
            self.connected = False
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()
