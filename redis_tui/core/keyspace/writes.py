"""The only commands of the keys screen that change data, behind the --write guard.

Every method checks `write_allowed` before anything is sent and raises `WriteNotAllowed`
without it, so a read-only session cannot send DEL, UNLINK, EXPIRE, PERSIST or RENAME
even by mistake. Keys are the original bytes (never a display string).

On a cluster, `client_for` (e.g. `Router.client`) gives the client of the key's node, so
each write goes there. A rename whose two names hash to different slots is refused by the
server (``CROSSSLOT``): `CrossSlot` carries its words and what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable

import redis.exceptions as rex

from redis_tui.core.connection import Client


class WriteNotAllowed(PermissionError):
    """A data-changing action was asked for without --write."""


class CrossSlot(rex.ResponseError):
    """The server refused a rename across hash slots (a cluster): its words, and the way out."""


class KeyWriter:
    """Delete, expire, persist and rename keys, only when the user passed --write."""

    def __init__(self, client: Client, write_allowed: bool,
                 client_for: Callable[[bytes], Client] | None = None) -> None:
        self.client = client
        self.write_allowed = bool(write_allowed)
        self.client_for = client_for  # on a cluster: the client of a key's node

    def _check(self, action: str) -> None:
        if not self.write_allowed:
            raise WriteNotAllowed(f"{action} changes data: start redis-tui with --write to allow it")

    def _on(self, key: bytes) -> Client:
        return self.client_for(key) if self.client_for is not None else self.client

    async def delete(self, key: bytes, unlink: bool = True) -> bool:
        """UNLINK (or DEL) `key`; True when it existed."""
        self._check("deleting a key")
        return bool(await self._on(key).execute_command("UNLINK" if unlink else "DEL", key))

    async def expire(self, key: bytes, seconds: int) -> bool:
        """Set a TTL of `seconds` (> 0); True when the key exists."""
        self._check("setting a TTL")
        if int(seconds) <= 0:
            raise ValueError("the TTL must be at least 1 second (use delete to remove the key)")
        return bool(await self._on(key).execute_command("EXPIRE", key, int(seconds)))

    async def persist(self, key: bytes) -> bool:
        """Remove the TTL; True when there was one."""
        self._check("removing a TTL")
        return bool(await self._on(key).execute_command("PERSIST", key))

    async def rename(self, key: bytes, new_key: bytes, replace: bool = False) -> bool:
        """RENAMENX (or RENAME with `replace`); True when renamed, False when `new_key` exists."""
        self._check("renaming a key")
        try:
            if replace:
                await self._on(key).execute_command("RENAME", key, new_key)
                return True
            return bool(await self._on(key).execute_command("RENAMENX", key, new_key))
        except rex.ClusterCrossSlotError as exc:
            raise CrossSlot(f"CROSSSLOT {exc} (on a cluster both names need the same hash tag, "
                            "e.g. {user:1}:a and {user:1}:b)") from None
