"""Search inside one collection: ``HSCAN / SSCAN / ZSCAN … MATCH glob``, a page at a time.

The readers page like the value viewers' (`values.CollectionReader`: `next_page`, `done`,
`loaded`) and drop what SCAN returns twice the same way (`SeenKeys`), so the viewer shows a
search like any other page of the key. `scanned` counts the elements the server returned before
MATCH (the server filters after reading a COUNT of them, so a page may hold few or none of the
matches: the reader asks again until it has a page or the scan ends). Lists and streams have no
SCAN: `open_search` returns None for them.
"""

from __future__ import annotations

from typing import Any

from redis_tui.core.connection import Client
from redis_tui.core.keyspace.values import PAGE_SIZE, VALUE_LIMIT, Element, HashReader, SetReader

SEARCH_COMMANDS = {"hash": "HSCAN", "set": "SSCAN", "zset": "ZSCAN"}
MAX_CALLS = 50  # SCAN calls one page may take (a rare match in a huge key: the user asks for more)


class _Search:
    """MATCH added to a SCAN reader's calls; `calls` counts them (the search's cost)."""

    match: bytes = b"*"
    calls = 0
    options: dict[str, Any] = {}  # for the reply's parser (ZSCAN: scores kept as the server's bytes)

    async def _fetch(self) -> list[Element]:
        reader: Any = self
        out: list[Element] = []
        calls = 0
        while not reader.done and len(out) < reader.page_size and calls < MAX_CALLS:
            cursor, found = await reader.client.execute_command(
                reader.command, reader.key, reader.position, "MATCH", self.match, "COUNT", max(1000, reader.page_size),
                **self.options)
            calls += 1
            reader.position = int(cursor)
            reader.done = reader.position == 0
            pairs = reader._elements(found)
            out += reader.seen.fresh([element for _identity, element in pairs], [identity for identity, _ in pairs])
        self.calls += calls
        return out


class HashSearch(_Search, HashReader):
    """HSCAN … MATCH: fields matching the glob, with their values."""


class SetSearch(_Search, SetReader):
    """SSCAN … MATCH: members matching the glob."""


class ZSetSearch(_Search, SetReader):
    """ZSCAN … MATCH: members matching the glob, with their scores (as the server wrote them)."""

    command = "ZSCAN"
    options = {"score_cast_func": bytes}

    def _elements(self, found: Any) -> list[tuple[bytes, Element]]:
        if found and isinstance(found[0], (tuple, list)):  # parsed into (member, score) pairs
            pairs = [(member, score) for member, score in found]
        else:
            pairs = list(zip(found[::2], found[1::2], strict=False))
        return [(member, self._element(member, score=score)) for member, score in pairs]


SEARCHES: dict[str, type[_Search]] = {"hash": HashSearch, "set": SetSearch, "zset": ZSetSearch}


def open_search(client: Client, key: bytes, kind: str, match: bytes, page_size: int = PAGE_SIZE,
                value_limit: int = VALUE_LIMIT) -> HashSearch | SetSearch | ZSetSearch | None:
    """A reader of the elements of `key` (a hash, set or sorted set) matching the glob `match`;
    None for other types (lists and streams have no SCAN)."""
    reader: Any = SEARCHES.get(kind)
    if reader is None:
        return None
    out = reader(client, key, page_size, value_limit)
    out.match = match
    return out  # type: ignore[no-any-return]
