"""Inspecting one key and reading its value a page at a time.

`inspect_key` answers type, encoding, TTL (and when it expires), MEMORY USAGE and length
in two round trips. `read_string` reads at most `limit` bytes with GETRANGE (a 50 MB
string is never read whole) and classifies them as text, JSON or binary. `open_reader`
returns a reader per type whose `next_page()` pages with HSCAN / SSCAN / ZRANGE / LRANGE /
XRANGE, so a key with a million elements opens at once; lists, sorted sets and streams
also jump to their last page (LRANGE -N -1, ZRANGE by rank, XREVRANGE) and page
backwards. Counts come from LLEN / ZCARD / HLEN / SCARD / XLEN, never from reading.
Element values are kept as bytes, cut at `value_limit` bytes (with the full size alongside).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, cast

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.keystats import LENGTH_COMMANDS
from redis_tui.core.keyspace.seen import SeenKeys
from redis_tui.core.parse import text_or_none, to_int

STRING_PREVIEW = 64 * 1024
VALUE_LIMIT = 4096
PAGE_SIZE = 200


@dataclass(frozen=True)
class KeyInfo:
    """What a key is. `ttl_ms` None = no expiry; `exists` False when the key is gone."""

    key: bytes
    exists: bool
    type: str
    encoding: str | None
    ttl_ms: int | None
    expires_at: float | None  # epoch seconds
    memory: int | None
    length: int | None


async def inspect_key(client: Client, key: bytes) -> KeyInfo:
    """Type, encoding, TTL, MEMORY USAGE and length of `key` (read-only)."""
    pipe = client.pipeline(transaction=False)
    pipe.execute_command("TYPE", key)
    pipe.execute_command("OBJECT", "ENCODING", key)
    pipe.execute_command("PTTL", key)
    pipe.execute_command("MEMORY USAGE", key)
    kind, encoding, ttl, memory = await pipe.execute(raise_on_error=False)
    if isinstance(kind, Exception):
        raise kind  # encoding and memory may be refused (ACL) and shown as unknown; not the type
    now = time.time()
    kind = text_or_none(kind) or "none"
    if kind == "none":
        return KeyInfo(key, False, "none", None, None, None, None, None)
    length = None
    if kind in LENGTH_COMMANDS:
        length = to_int(await client.execute_command(LENGTH_COMMANDS[kind], key), None)
    ttl = to_int(ttl, None)
    ttl = ttl if ttl is not None and ttl >= 0 else None
    return KeyInfo(
        key, True, kind, text_or_none(encoding), ttl, None if ttl is None else now + ttl / 1000,
        to_int(memory, None), length,
    )


@dataclass(frozen=True)
class StringValue:
    """The head of a string value: `data` holds at most the preview limit of `size` bytes."""

    data: bytes
    size: int

    @property
    def complete(self) -> bool:
        """True when `data` is the whole value."""
        return len(self.data) >= self.size

    @property
    def kind(self) -> str:
        """"json" (whole value parses as a JSON object/array), "text" (UTF-8) or "binary"."""
        if self.complete and self.data[:1] in (b"{", b"["):
            try:
                json.loads(self.data)
                return "json"
            except ValueError:
                pass
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(self.data) - 3 or self.complete:  # not just a cut multibyte char
                return "binary"
            text = self.data[: exc.start].decode("utf-8")
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
        return "text" if printable >= 0.95 * max(1, len(text)) else "binary"

    def pretty_json(self) -> str | None:
        """Indented JSON (non-ASCII escaped, so no control character survives), or None."""
        if self.kind != "json":
            return None
        return json.dumps(json.loads(self.data), indent=2, ensure_ascii=True)


async def read_string(client: Client, key: bytes, limit: int = STRING_PREVIEW) -> StringValue:
    """At most `limit` bytes of the string at `key` (GETRANGE) and its full size (STRLEN)."""
    pipe = client.pipeline(transaction=False)
    pipe.execute_command("STRLEN", key)
    pipe.execute_command("GETRANGE", key, 0, max(0, limit - 1))
    size, data = await pipe.execute()
    return StringValue(data or b"", int(size))


def hex_dump(data: bytes, width: int = 16, group: int = 1) -> str:
    """``00000000  48 65 6c 6c 6f  |Hello|`` lines (printable ASCII only on the right), or
    with `group` 2 the denser xxd layout ``00000000  4865 6c6c 6f  Hello`` (16 bytes in 67
    columns instead of 77)."""
    full = width * 2 + -(-width // group) - 1  # characters of a full line's hex part
    lines = []
    for offset in range(0, len(data), width):
        chunk = data[offset: offset + width]
        hexes = " ".join(chunk[at: at + group].hex() for at in range(0, len(chunk), group))
        text = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in chunk)
        right = f"|{text}|" if group == 1 else text
        lines.append(f"{offset:08x}  {hexes:<{full}}  {right}")
    return "\n".join(lines)


def hex_line_width(width: int, group: int = 1) -> int:
    """Columns one `hex_dump` line of `width` bytes takes."""
    return 8 + 2 + width * 2 + -(-width // group) - 1 + 2 + width + (2 if group == 1 else 0)


@dataclass(frozen=True)
class Element:
    """One element of a collection. `value` is cut at the reader's value_limit; `size` is
    its full length. `name`: hash field or stream entry id; `index`: list position;
    `score`: sorted-set score as the server wrote it; `fields`: a stream entry's fields."""

    value: bytes = b""
    size: int = 0
    name: bytes | None = None
    index: int | None = None
    score: bytes | None = None
    fields: tuple[tuple[bytes, bytes], ...] = ()


@dataclass(frozen=True)
class ValuePage:
    """A page of elements; `done` when there is nothing after it, `at_start` when there is
    nothing before the first element read so far."""

    elements: tuple[Element, ...]
    done: bool
    loaded: int  # elements read so far, all pages
    at_start: bool = True


class CollectionReader:
    """Pages through a collection key; subclasses send the command of their type.

    `next_page` reads on from the last element read. Readers with `ends` (lists, sorted
    sets, streams: read by index or id) also jump to the end (`last_page`: the last
    `page_size` elements, in one command) and read backwards from the first element read
    (`previous_page`); `rewind_to` / `forward_to` move those two positions when a viewer
    drops pages it no longer shows, so that it can read them again. Nothing ever holds more
    than a page: a 50M-element list opens, pages and ends in a few commands.
    """

    ends = False

    def __init__(self, client: Client, key: bytes, page_size: int = PAGE_SIZE, value_limit: int = VALUE_LIMIT) -> None:
        self.client, self.key = client, key
        self.page_size, self.value_limit = max(1, page_size), value_limit
        self.position: int | bytes = 0
        self.done = False
        self.at_start = True
        self.loaded = 0

    async def next_page(self) -> ValuePage:
        """The next elements (at most about `page_size`); an empty done page at the end."""
        elements: list[Element] = []
        if not self.done:
            elements = await self._fetch()
        return self._page(elements)

    async def last_page(self) -> ValuePage:
        """The last `page_size` elements (readers with `ends` only); then `next_page` is done
        and `previous_page` reads backwards from there."""
        raise NotImplementedError(f"{type(self).__name__} has no last page")

    async def previous_page(self) -> ValuePage:
        """The `page_size` elements before the first one read (in order); an empty page
        with `at_start` when there are none."""
        raise NotImplementedError(f"{type(self).__name__} cannot read backwards")

    def rewind_to(self, element: Element) -> None:
        """`previous_page` reads what comes before `element` from now on."""
        raise NotImplementedError(f"{type(self).__name__} cannot read backwards")

    def forward_to(self, element: Element) -> None:
        """`next_page` reads what comes after `element` from now on."""
        raise NotImplementedError(f"{type(self).__name__} cannot move back")

    def _page(self, elements: list[Element]) -> ValuePage:
        self.loaded += len(elements)
        return ValuePage(tuple(elements), self.done, self.loaded, self.at_start)

    def _element(self, value: bytes, **extra: Any) -> Element:
        return Element(value[: self.value_limit], len(value), **extra)

    async def _fetch(self) -> list[Element]:
        raise NotImplementedError


class _IndexReader(CollectionReader):
    """Readers by position (0 = the first element): LRANGE, ZRANGE by rank."""

    ends = True
    length_command = "LLEN"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first = 0  # index of the first element read

    async def _fetch(self) -> list[Element]:
        start = int(self.position)
        out = await self._range(start, start + self.page_size - 1)
        self.position = start + len(out)
        self.done = len(out) < self.page_size
        return out

    async def last_page(self) -> ValuePage:
        pipe = self.client.pipeline(transaction=False)
        pipe.execute_command(self.length_command, self.key)
        self._queue_range(pipe, -self.page_size, -1)
        length, reply = await pipe.execute()
        first = max(0, int(length) - len(reply))
        elements = self._elements(reply, first)
        self.first, self.position, self.done, self.at_start = first, first + len(elements), True, first == 0
        return self._page(elements)

    async def previous_page(self) -> ValuePage:
        if self.first <= 0:
            self.at_start = True
            return self._page([])
        start = max(0, self.first - self.page_size)
        elements = await self._range(start, self.first - 1)
        self.first, self.at_start = start, start == 0
        return self._page(elements)

    def rewind_to(self, element: Element) -> None:
        self.first = element.index or 0
        self.at_start = self.first == 0

    def forward_to(self, element: Element) -> None:
        self.position = (element.index or 0) + 1
        self.done = False

    async def _range(self, start: int, stop: int) -> list[Element]:
        pipe = self.client.pipeline(transaction=False)
        self._queue_range(pipe, start, stop)
        (reply,) = await pipe.execute()
        return self._elements(reply, start)

    def _queue_range(self, pipe: Any, start: int, stop: int) -> None:
        raise NotImplementedError

    def _elements(self, reply: Any, first: int) -> list[Element]:
        raise NotImplementedError


class ListReader(_IndexReader):
    """LRANGE by index."""

    def _queue_range(self, pipe: Any, start: int, stop: int) -> None:
        pipe.execute_command("LRANGE", self.key, start, stop)

    def _elements(self, reply: Any, first: int) -> list[Element]:
        return [self._element(value, index=first + offset) for offset, value in enumerate(reply)]


class ZSetReader(_IndexReader):
    """ZRANGE … WITHSCORES by rank (lowest score first), scores kept as the server's text."""

    length_command = "ZCARD"

    def _queue_range(self, pipe: Any, start: int, stop: int) -> None:
        pipe.zrange(self.key, start, stop, withscores=True, score_cast_func=bytes)

    def _elements(self, reply: Any, first: int) -> list[Element]:
        pairs = cast(list[tuple[bytes, bytes]], reply)  # withscores, scores as sent: (member, score) pairs
        return [self._element(member, score=score, index=first + n) for n, (member, score) in enumerate(pairs)]


class _ScanReader(CollectionReader):
    """HSCAN / SSCAN pages, without the elements SCAN returns twice (`SeenKeys`: ~10
    bytes an element read, never the elements themselves)."""

    command = "SSCAN"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen = SeenKeys()

    async def _fetch(self) -> list[Element]:
        out: list[Element] = []
        while not self.done and len(out) < self.page_size:
            cursor, found = await self.client.execute_command(
                self.command, self.key, self.position, "COUNT", self.page_size)
            self.position = int(cursor)
            self.done = self.position == 0
            pairs = self._elements(found)
            out += self.seen.fresh([element for _identity, element in pairs], [identity for identity, _ in pairs])
        return out

    def _elements(self, found: Any) -> list[tuple[bytes, Element]]:
        return [(member, self._element(member)) for member in found]


class SetReader(_ScanReader):
    """SSCAN."""


class HashReader(_ScanReader):
    """HSCAN: elements are (field → value)."""

    command = "HSCAN"

    def _elements(self, found: Any) -> list[tuple[bytes, Element]]:
        pairs = found.items() if isinstance(found, dict) else zip(found[::2], found[1::2], strict=False)
        return [(field, self._element(value, name=field)) for field, value in pairs]


class StreamReader(CollectionReader):
    """XRANGE from the oldest entry on, each page starting after the last id read;
    XREVRANGE for the last page and for pages before the first id read."""

    ends = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.position = b"-"
        self.first: bytes | None = None  # id of the first entry read

    async def _fetch(self) -> list[Element]:
        entries = await self.client.execute_command("XRANGE", self.key, self.position, "+", "COUNT", self.page_size)
        self.done = len(entries) < self.page_size
        if entries:
            self.position = b"(" + entries[-1][0]
            if self.first is None:
                self.first = entries[0][0]
        return [self._entry(entry) for entry in entries]

    async def last_page(self) -> ValuePage:
        entries = (await self.client.execute_command("XREVRANGE", self.key, "+", "-", "COUNT", self.page_size))[::-1]
        self.done, self.at_start = True, len(entries) < self.page_size
        if entries:
            self.first, self.position = entries[0][0], b"(" + entries[-1][0]
        return self._page([self._entry(entry) for entry in entries])

    async def previous_page(self) -> ValuePage:
        if self.first is None or self.at_start:
            self.at_start = True
            return self._page([])
        entries = (await self.client.execute_command("XREVRANGE", self.key, b"(" + self.first, "-",
                                                     "COUNT", self.page_size))[::-1]
        self.at_start = len(entries) < self.page_size
        if entries:
            self.first = entries[0][0]
        return self._page([self._entry(entry) for entry in entries])

    def rewind_to(self, element: Element) -> None:
        self.first, self.at_start = element.name, False

    def forward_to(self, element: Element) -> None:
        self.position, self.done = b"(" + (element.name or b"0-0"), False

    def _entry(self, entry: Any) -> Element:
        entry_id, fields = entry
        pairs = list(fields.items() if isinstance(fields, dict) else zip(fields[::2], fields[1::2], strict=False))
        cut = tuple((name[: self.value_limit], value[: self.value_limit]) for name, value in pairs)
        size = sum(len(name) + len(value) for name, value in pairs)
        return Element(b"", size, name=entry_id, fields=cut)


READERS = {"list": ListReader, "zset": ZSetReader, "set": SetReader, "hash": HashReader, "stream": StreamReader}


def open_reader(client: Client, key: bytes, kind: str, page_size: int = PAGE_SIZE,
                value_limit: int = VALUE_LIMIT) -> CollectionReader | None:
    """A reader for a collection of type `kind` (None for strings and unknown types)."""
    reader = READERS.get(kind)
    return reader(client, key, page_size, value_limit) if reader else None
