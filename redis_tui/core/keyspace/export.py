"""Export what the keys screen lists, or the open collection, as JSON lines; and the text `Y` copies.

One JSON object a line: ``{"key": …, "type": …, "ttl": …}`` per key (ttl in seconds, -1: none,
-2: gone), or one per element of a collection (``field``/``value``, ``index``/``value``,
``member``/``score``, ``id``/``fields``). Names and values that are UTF-8 are written as JSON
strings (JSON escapes control characters itself: ``\\u001b``); the others as redis-cli's quoted
form plus a ``<name>_b64`` field holding the exact bytes. Reads only: no --write needed.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from redis_tui.core.connection import Client
from redis_tui.core.display import redis_repr
from redis_tui.core.keyspace.values import Element
from redis_tui.core.parse import text_or_none, to_int

BATCH = 500  # keys whose TYPE and TTL one pipeline reads
COPY_LIMIT = 64 * 1024  # characters `Y` puts on the clipboard at most


def put(out: dict[str, Any], name: str, data: bytes | None) -> None:
    """`out[name]` = `data` as text; not UTF-8: redis-cli's quoted form and `name_b64` (exact bytes)."""
    if data is None:
        return
    try:
        out[name] = data.decode("utf-8")
    except UnicodeDecodeError:
        out[name] = redis_repr(data)
        out[f"{name}_b64"] = base64.b64encode(data).decode("ascii")


def key_record(key: bytes, kind: str, ttl_ms: int | None) -> dict[str, Any]:
    """One key's line: name, type, TTL in seconds (-1: no expiry, -2: the key is gone)."""
    out: dict[str, Any] = {}
    put(out, "key", key)
    ttl = -2 if kind == "none" else -1 if ttl_ms is None or ttl_ms < 0 else round(ttl_ms / 1000, 3)
    out["type"], out["ttl"] = kind, ttl
    return out


def element_record(kind: str, element: Element) -> dict[str, Any]:
    """One element's line (values cut at the reader's limit say so with ``size``)."""
    out: dict[str, Any] = {}
    if kind == "hash":
        put(out, "field", element.name)
    elif kind in ("list", "zset") and element.index is not None:
        out["index"] = element.index
    if kind == "stream":
        put(out, "id", element.name)
        fields = []
        for name, value in element.fields:
            pair: dict[str, Any] = {}
            put(pair, "name", name)
            put(pair, "value", value)
            fields.append(pair)
        out["fields"] = fields
        return out
    put(out, "member" if kind in ("set", "zset") else "value", element.value)
    if kind == "zset":
        put(out, "score", element.score)
    if element.size > len(element.value):
        out["size"], out["cut"] = element.size, True
    return out


async def key_records(client_for: Any, keys: Sequence[bytes]) -> list[dict[str, Any]]:
    """TYPE and PTTL of `keys` (a batch), each on its node's client (`client_for(key)`)."""
    groups: dict[int, tuple[Client, list[bytes]]] = {}
    for key in keys:
        client = client_for(key)
        groups.setdefault(id(client), (client, []))[1].append(key)
    found: dict[bytes, tuple[str, int | None]] = {}
    for client, names in groups.values():
        pipe = client.pipeline(transaction=False)
        for key in names:
            pipe.execute_command("TYPE", key)
            pipe.execute_command("PTTL", key)
        replies = await pipe.execute(raise_on_error=False)
        for index, key in enumerate(names):
            kind, ttl = replies[2 * index], replies[2 * index + 1]
            if isinstance(kind, Exception):
                raise kind
            found[key] = (text_or_none(kind) or "none", None if isinstance(ttl, Exception) else to_int(ttl, None))
    return [key_record(key, *found[key]) for key in keys]


def check_path(text: str) -> Path | str:
    """The file to write (`~` expanded, relative to the current directory), or why it cannot be."""
    if not text.strip():
        return "type a file name"
    path = Path(os.path.expanduser(text.strip()))
    if path.is_dir():
        return f"{path} is a directory: add a file name"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        return f"no such directory: {parent}"
    if not os.access(parent, os.W_OK):
        return f"cannot write in {parent} (permission denied)"
    return path


def write_lines(path: Path, records: Iterable[dict[str, Any]], append: bool = False) -> int:
    """Write `records` as JSON lines (ASCII only); returns how many."""
    count = 0
    with path.open("a" if append else "w", encoding="ascii") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=True) + "\n")
            count += 1
    return count


def copy_text(data: bytes, limit: int = COPY_LIMIT) -> tuple[str, bool]:
    """What `Y` copies of `data`: the text itself when it is printable UTF-8 (newlines and tabs
    kept), else redis-cli's quoted form; cut at `limit` characters. (text, cut)."""
    try:
        text = data.decode("utf-8")
        if not all(ch.isprintable() or ch in "\n\t" for ch in text):
            text = redis_repr(data)
    except UnicodeDecodeError:
        text = redis_repr(data)
    return (text, False) if len(text) <= limit else (text[:limit], True)
