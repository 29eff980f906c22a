"""SCAN paging for the keys screen: pages of key names, never KEYS.

`KeyScanner` walks the keyspace with SCAN (MATCH / TYPE / COUNT), drops the keys SCAN
returns twice (`SeenKeys`, seen.py: exact, ~10 bytes a key), and hands out pages: the UI
asks for `next_page()` when it wants more. A page comes back after `page_size` keys or
`time_budget` seconds, whichever is first, so a sparse MATCH still reports progress
instead of hanging. Keys stay bytes end to end; show them with `display.safe_text`,
operate on the bytes.

Progress is read from the SCAN cursor: Redis and Valkey advance it in reverse-binary
order, so the bit-reversed cursor over 2**64 is the share of the hash table visited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import redis.exceptions

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.scripts import ScriptRunner, ScriptsUnavailable, unpack_names
from redis_tui.core.keyspace.seen import SeenKeys

DEFAULT_COUNT = 1000
DEFAULT_PAGE_SIZE = 500
TYPES = ("string", "list", "set", "zset", "hash", "stream")

Item = TypeVar("Item")


def glob_escape(text: bytes) -> bytes:
    """`text` as a SCAN MATCH pattern that matches exactly it (escapes ``*?[]\\``)."""
    out = bytearray()
    for byte in text:
        if byte in b"*?[]\\":
            out.append(0x5C)
        out.append(byte)
    return bytes(out)


def glob_prefix(pattern: bytes | None) -> bytes | None:
    """The literal prefix a MATCH pattern stands for: b"" for None or b"*", b"user:" for
    ``user:*`` (escapes undone); None when the pattern is anything else."""
    if pattern is None or pattern == b"*":
        return b""
    if not pattern.endswith(b"*"):
        return None
    out, escaped = bytearray(), False
    for byte in pattern[:-1]:
        if escaped:
            out.append(byte)
            escaped = False
        elif byte == 0x5C:
            escaped = True
        elif byte in b"*?[]":
            return None
        else:
            out.append(byte)
    return None if escaped else bytes(out)


def _reverse64(number: int) -> int:
    return int(f"{number:064b}"[::-1], 2)


def scan_progress(cursor: int) -> float:
    """Share of the keyspace a SCAN cursor has covered (0.0 – 1.0; 0 cursor = start)."""
    return _reverse64(cursor) / 2**64


def cursor_at(position: float) -> int:
    """The SCAN cursor that starts `position` (0.0 – 1.0) of the way through the keyspace
    (exact for positions that are multiples of a power of two, e.g. 0.5, 0.25)."""
    return _reverse64(int(position * 2**64) % 2**64)


@dataclass(frozen=True)
class ScanPage(Generic[Item]):
    """One page of results: new items only (never one already returned)."""

    items: tuple[Item, ...]
    done: bool
    progress: float  # 0.0 – 1.0 of the keyspace visited
    returned: int  # items returned so far, all pages
    duplicates: int  # items SCAN returned twice, dropped
    calls: int  # SCAN steps sent so far
    elapsed_s: float

    @property
    def keys(self) -> tuple[Item, ...]:
        """Alias of `items` for pages of key names."""
        return self.items


class Scanner(Generic[Item]):
    """Items from SCAN, page by page. One scanner = one pass over the keyspace.

    `match` is a glob (bytes; see `glob_escape`), `type` one of TYPES (Redis 6+), `count`
    the SCAN COUNT hint. `server_side` runs each step through the read-only batch script
    (much faster to parse), falling back to plain SCAN when scripts are not allowed.
    Cancel by cancelling the task awaiting `next_page()`; the scanner stays usable.
    """

    def __init__(
        self,
        client: Client,
        *,
        match: bytes | str | None = None,
        type: str | None = None,
        count: int = DEFAULT_COUNT,
        page_size: int = DEFAULT_PAGE_SIZE,
        time_budget: float = 0.1,
        dedupe: bool = True,
        server_side: bool = True,
        limit: int | None = None,
        prefetch: bool = False,
        part: tuple[int, int] = (0, 1),
        seen: SeenKeys | None = None,
    ) -> None:
        self.client = client
        self.match = match.encode("utf-8", "surrogateescape") if isinstance(match, str) else match
        self.type = type
        self.count = max(1, int(count))
        self.page_size = max(1, int(page_size))
        self.time_budget = time_budget
        self.limit = limit
        self.seen = (seen if seen is not None else SeenKeys()) if dedupe else None
        self.runner = ScriptRunner(client) if server_side else None
        self.prefetch = prefetch
        self._pending: asyncio.Future[list[Any]] | None = None
        # part (i, n): only the i-th of n equal slices of the cursor space (parallel scans)
        self.start, self.stop = part[0] / part[1], (part[0] + 1) / part[1]
        self.cursor = cursor_at(self.start)
        self.done = False
        self.progress = self.start
        self.returned = 0
        self.duplicates = 0
        self.calls = 0
        self.started = time.monotonic()

    @property
    def method(self) -> str:
        """"script" or "scan": how steps are sent (after the first step)."""
        return "script" if self.runner is not None else "scan"

    async def step(self) -> list[Item]:
        """One SCAN step: the new items it found (maybe none). [] once done."""
        if self.done:
            return []
        reply = await self._reply()
        before = self.cursor, self.progress
        self.calls += 1
        self.cursor = cursor = int(reply[0])
        self.progress = max(self.progress, scan_progress(cursor))
        if cursor == 0 or self.progress >= self.stop:
            self.done, self.progress = True, self.stop
        elif self.prefetch and self.runner is not None and self.runner.ready:
            # the server scans the next batch while we unpack this one
            try:
                self._pending = await self.runner.send(*self._script_args(cursor))
            except asyncio.CancelledError:
                self.cursor, self.progress = before  # this step will be sent again
                raise
        items = self._new(self._unpack(reply))
        if self.limit is not None and self.returned + len(items) >= self.limit:
            items = items[: self.limit - self.returned]
            self.done = True
        self.returned += len(items)
        if self.done:
            self.seen = None  # nothing is left to compare with: its ~10 bytes a key are freed
        return items

    async def next_page(self) -> ScanPage[Item]:
        """About `page_size` new items, or what `time_budget` seconds found; done=True at the end."""
        deadline = time.monotonic() + self.time_budget
        items: list[Item] = []
        while not self.done and len(items) < self.page_size:
            items.extend(await self.step())
            if time.monotonic() >= deadline:
                break
        return self._page(items)

    async def pages(self, pause: float = 0.0) -> AsyncIterator[ScanPage[Item]]:
        """Every page until the end, sleeping `pause` seconds between pages (without a
        pause, each step is sent while the previous one is unpacked)."""
        prefetch, self.prefetch = self.prefetch, self.prefetch or not pause
        try:
            while not self.done:
                yield await self.next_page()
                if pause and not self.done:
                    await asyncio.sleep(pause)
        finally:
            self.prefetch = prefetch
            self.close()

    def _page(self, items: list[Item]) -> ScanPage[Item]:
        return ScanPage(tuple(items), self.done, self.progress, self.returned, self.duplicates,
                        self.calls, time.monotonic() - self.started)

    def close(self) -> None:
        """Drop a prefetched step (when a prefetching scanner is abandoned before the end)."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _new(self, found: list[Item]) -> list[Item]:
        if self.seen is None:
            return found
        fresh = self.seen.fresh(found, self._keys_of(found))
        self.duplicates += len(found) - len(fresh)
        return fresh

    def _keys_of(self, items: list[Item]) -> list[bytes]:
        raise NotImplementedError

    def _filters(self) -> list[bytes | str]:
        args: list[bytes | str] = []
        if self.match is not None:
            args += ["MATCH", self.match]
        if self.type:
            args += ["TYPE", self.type]
        return args

    async def _reply(self) -> list[Any]:
        pending, self._pending = self._pending, None
        if pending is not None:
            try:
                return await pending
            except redis.exceptions.ResponseError:
                pass  # e.g. NOSCRIPT after a SCRIPT FLUSH: ask again the slow way
        return await self._request(self.cursor)

    async def _request(self, cursor: int) -> list[Any]:
        """One step's reply: [cursor, ...] as the script sends it, or [cursor, items]."""
        if self.runner is not None:
            try:
                return await self.runner.call(*self._script_args(cursor))
            except ScriptsUnavailable:
                self.runner = None
        cursor, keys = await self.client.execute_command("SCAN", cursor, "COUNT", self.count, *self._filters())
        return [cursor, await self._measure(list(keys))]

    def _script_args(self, cursor: int, stats: bytes = b"0") -> tuple[int | bytes | str, ...]:
        match = b"" if self.match is None else b"=" + self.match
        return cursor, self.count, match, self.type or b"", stats

    async def _measure(self, keys: list[bytes]) -> list[Item]:
        """The items of `keys` when plain SCAN (not the script) found them."""
        raise NotImplementedError

    def _unpack(self, reply: list[Any]) -> list[Item]:
        """The items of a script reply ([cursor, ...]) or of [cursor, items]."""
        raise NotImplementedError


class KeyScanner(Scanner[bytes]):
    """Key names from SCAN, page by page (see `Scanner`)."""

    def _keys_of(self, items: list[bytes]) -> list[bytes]:
        return items

    async def _measure(self, keys: list[bytes]) -> list[bytes]:
        return keys

    def _unpack(self, reply: list[Any]) -> list[bytes]:
        names: list[bytes] = unpack_names(reply) if len(reply) > 2 else reply[1]
        return names
