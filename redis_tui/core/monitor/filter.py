"""Which MONITOR lines to keep: by command, key glob, client address and db.

The key glob follows Redis's own pattern rules (the ones SCAN MATCH and KEYS use): ``*``,
``?``, ``[abc]``, ``[^a-z]`` and ``\\`` to escape, matched against the raw bytes of the
command's first key. A filter applies to the stream and to the aggregates alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from redis_tui.core.display import safe_text
from redis_tui.core.monitor.commands import CommandTable, unknown_commands

_GLOB_CHARS = frozenset(b"*?[")


def glob_regex(pattern: bytes) -> re.Pattern[bytes]:
    """A compiled regex that fullmatches exactly the byte strings Redis's glob `pattern` matches."""
    out: list[bytes] = []
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == ord("*"):
            out.append(b".*")
        elif char == ord("?"):
            out.append(b".")
        elif char == ord("\\") and index + 1 < size:
            index += 1
            out.append(_byte(pattern[index]))
        elif char == ord("["):
            close = _class_end(pattern, index + 1)
            if close < 0:
                out.append(_byte(char))
            else:
                out.append(_char_class(pattern[index + 1 : close]))
                index = close
        else:
            out.append(_byte(char))
        index += 1
    return re.compile(b"".join(out), re.S)


def _byte(value: int) -> bytes:
    return b"\\x%02x" % value


def _class_end(pattern: bytes, start: int) -> int:
    index = start
    if index < len(pattern) and pattern[index] == ord("^"):
        index += 1
    while index < len(pattern):
        if pattern[index] == ord("\\") and index + 1 < len(pattern):
            index += 2
            continue
        if pattern[index] == ord("]"):
            return index
        index += 1
    return -1


def _char_class(body: bytes) -> bytes:
    negate = body[:1] == b"^"
    if negate:
        body = body[1:]
    members: list[bytes] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == ord("\\") and index + 1 < len(body):
            index += 1
            char = body[index]
        if index + 2 < len(body) and body[index + 1] == ord("-"):
            low, high = sorted((char, body[index + 2]))
            members.append(_byte(low) + b"-" + _byte(high))
            index += 3
            continue
        members.append(_byte(char))
        index += 1
    if not members:
        return b"(?!)" if not negate else b"."
    return b"[" + (b"^" if negate else b"") + b"".join(members) + b"]"


def normalize_command(text: str) -> str:
    """``config|get`` / ``config get`` / ``CONFIG  GET`` → ``CONFIG GET``."""
    return " ".join(text.replace("|", " ").upper().split())


class UnknownCommand(ValueError):
    """A command filter named something that is not a command (e.g. a key pattern)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        shown = ", ".join(safe_text(name, 60) for name in names)
        super().__init__(f"unknown command{'s' if len(names) > 1 else ''}: {shown} (give command names such as "
                         "GET or CONFIG GET, comma-separated; a key pattern belongs in the key glob)")


@dataclass(frozen=True)
class Filter:
    """Filters on MONITOR lines; an empty filter keeps everything.

    commands: names (``SET``) or container|subcommand (``CONFIG GET``); a container name
    alone keeps all its subcommands. key: a Redis glob on the first key (a line without a
    key never matches it). clients: ``ip:port``, ``ip`` (any port), ``unix:/path``, ``lua``,
    or a glob. db: a database number. exclude_clients: addresses always left out (the
    tool's own connections).
    """

    commands: frozenset[str] = frozenset()
    key: bytes | None = None
    clients: tuple[str, ...] = ()
    db: int | None = None
    exclude_clients: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(cls, commands: Iterable[str] = (), key: str | bytes | None = None, clients: Iterable[str] = (),
              db: int | None = None,
              table: CommandTable | None = None) -> Filter:
        """A filter from user input (command names in any case, the key glob as text or bytes).

        Raises `UnknownCommand` for a name that is not a Redis/Valkey command (nor one of
        `table`, a connected server's command table).
        """
        key_bytes = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
        names = [normalize_command(c) for c in commands if c.strip()]
        bad = unknown_commands(names, table)
        if bad:
            raise UnknownCommand(bad)
        return cls(
            commands=frozenset(names),
            key=key_bytes or None,
            clients=tuple(c.strip() for c in clients if c.strip()),
            db=db,
        )

    @property
    def active(self) -> bool:
        """True when the user asked to filter anything."""
        return bool(self.commands or self.key is not None or self.clients or self.db is not None)

    def describe(self) -> str:
        """A short human summary (``SET,GET key=user:* db=0``), empty when inactive."""
        parts = []
        if self.commands:
            parts.append(",".join(sorted(self.commands)))
        if self.key is not None:
            parts.append("key=" + self.key.decode("utf-8", "backslashreplace"))
        if self.clients:
            parts.append("client=" + ",".join(self.clients))
        if self.db is not None:
            parts.append(f"db={self.db}")
        return " ".join(parts)

    def with_excluded(self, addresses: Iterable[str]) -> Filter:
        """The same filter, also leaving out `addresses`."""
        return Filter(self.commands, self.key, self.clients, self.db, frozenset(addresses))


class Matcher:
    """A `Filter` compiled for speed: `accepts(...)` answers per line (or per distinct row)."""

    def __init__(self, spec: Filter) -> None:
        self.filter = spec
        self._key = glob_regex(spec.key).fullmatch if spec.key is not None else None
        self._client_globs = [glob_regex(c.encode()).fullmatch for c in spec.clients if _GLOB_CHARS & set(c.encode())]
        self._client_exact = frozenset(c for c in spec.clients if not _GLOB_CHARS & set(c.encode()))
        self._client_cache: dict[str, bool] = {}

    @property
    def needs_key(self) -> bool:
        """True when the first key's full bytes are needed (a key glob is set)."""
        return self._key is not None

    def accepts(self, db: int, client: str, label: str, key: bytes | None) -> bool:
        """Does a line with these fields pass?"""
        spec = self.filter
        if spec.db is not None and db != spec.db:
            return False
        if client in spec.exclude_clients:
            return False
        if spec.commands and label not in spec.commands and label.split(" ", 1)[0] not in spec.commands:
            return False
        if self._key is not None and (key is None or self._key(key) is None):
            return False
        return not spec.clients or self._client_ok(client)

    def _client_ok(self, client: str) -> bool:
        known = self._client_cache.get(client)
        if known is None:
            names = {client, "unix" if client.startswith("unix:") else client.rsplit(":", 1)[0].strip("[]")}
            raw = client.encode("utf-8", "surrogateescape")
            known = bool(names & self._client_exact) or any(m(raw) for m in self._client_globs)
            if len(self._client_cache) < 10_000:
                self._client_cache[client] = known
        return known
