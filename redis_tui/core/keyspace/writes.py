"""The only commands of the keys screen that change data, behind the --write guard.

Every method checks `write_allowed` before anything is sent and raises `WriteNotAllowed`
without it, so a read-only session cannot send DEL, UNLINK, EXPIRE, PERSIST or RENAME
even by mistake. Keys are the original bytes (never a display string).
"""

from __future__ import annotations

from redis_tui.core.connection import Client


class WriteNotAllowed(PermissionError):
    """A data-changing action was asked for without --write."""


class KeyWriter:
    """Delete, expire, persist and rename keys, only when the user passed --write."""

    def __init__(self, client: Client, write_allowed: bool) -> None:
        self.client = client
        self.write_allowed = bool(write_allowed)

    def _check(self, action: str) -> None:
        if not self.write_allowed:
            raise WriteNotAllowed(f"{action} changes data: start redis-tui with --write to allow it")

    async def delete(self, key: bytes, unlink: bool = True) -> bool:
        """UNLINK (or DEL) `key`; True when it existed."""
        self._check("deleting a key")
        return bool(await self.client.execute_command("UNLINK" if unlink else "DEL", key))

    async def expire(self, key: bytes, seconds: int) -> bool:
        """Set a TTL of `seconds` (> 0); True when the key exists."""
        self._check("setting a TTL")
        if int(seconds) <= 0:
            raise ValueError("the TTL must be at least 1 second (use delete to remove the key)")
        return bool(await self.client.execute_command("EXPIRE", key, int(seconds)))

    async def persist(self, key: bytes) -> bool:
        """Remove the TTL; True when there was one."""
        self._check("removing a TTL")
        return bool(await self.client.execute_command("PERSIST", key))

    async def rename(self, key: bytes, new_key: bytes, replace: bool = False) -> bool:
        """RENAMENX (or RENAME with `replace`); True when renamed, False when `new_key` exists."""
        self._check("renaming a key")
        if replace:
            await self.client.execute_command("RENAME", key, new_key)
            return True
        return bool(await self.client.execute_command("RENAMENX", key, new_key))
