"""The slow log: `SLOWLOG GET` entries from one node or several, merged newest first, and grouped by shape
(the command and its key with numbers, uuids and hex folded to ``*``) — "HGETALL user:* is 82 % of slow
time". Pure: never raises on odd input; parsing is `core.parse.parse_slowlog`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from redis_tui.core.connection import CLIENT_NAME
from redis_tui.core.display import safe_text
from redis_tui.core.models import SlowEntry
from redis_tui.core.options import Options, option, whole
from redis_tui.core.parse import parse_slowlog, text_of

DEFAULT_COUNT = 128

# commands whose first argument is not a key (their shape is the command, or command + subcommand)
NO_KEY = frozenset({
    "ping", "info", "config", "client", "slowlog", "debug", "latency", "memory", "cluster", "command", "acl",
    "script", "function", "object", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "keys",
    "scan", "flushall", "flushdb", "dbsize", "save", "bgsave", "bgrewriteaof", "lastsave", "time", "select",
    "monitor", "multi", "exec", "discard", "publish", "spublish", "subscribe", "psubscribe", "pubsub", "auth",
    "hello", "echo", "quit", "shutdown", "replicaof", "slaveof", "sync", "psync", "wait", "waitaof", "xread",
    "xreadgroup", "module", "randomkey", "swapdb", "role", "lolwut", "failover", "readonly", "readwrite",
})
# commands with a subcommand worth keeping in the shape
WITH_SUBCOMMAND = frozenset({"config", "client", "debug", "latency", "memory", "cluster", "command", "acl",
                             "script", "function", "object", "slowlog", "xinfo", "pubsub", "module"})

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_HEX = re.compile(r"(?<![0-9a-z])(?=[0-9a-f]*\d)[0-9a-f]{8,}(?![0-9a-z])", re.I)  # ≥ 8 hex digits, one a digit
_NUMBER = re.compile(r"\d+")
_STARS = re.compile(r"\*+")


@dataclass(frozen=True)
class SlowlogOptions(Options):
    """The ``[slowlog]`` config table: what the slow log screen reads."""

    count: int = option(DEFAULT_COUNT, whole("a number of entries, 1-10000", at_least=1, at_most=10_000),
                        "entries the slow log screen reads from each node (SLOWLOG GET N)")


@dataclass(frozen=True)
class SlowRow:
    """One slow log entry on one node (`node` "" on a single server)."""

    node: str
    entry: SlowEntry

    @property
    def key(self) -> str:
        """What stays the same for this entry from one read to the next (row key of the table)."""
        return f"{self.node}#{self.entry.id}"


@dataclass(frozen=True)
class Shape:
    """Entries of one shape: how many, their total and longest time, their share of all slow time."""

    shape: str
    count: int
    total_us: int
    max_us: int
    share: float  # 0-1 of the total duration of every entry read


def fold(text: str) -> str:
    """`text` with uuids, long hex runs and numbers folded to ``*`` (``user:42:tok:9f8e7d6c`` → ``user:*:tok:*``)."""
    text = _UUID.sub("*", text)
    text = _HEX.sub("*", text)
    text = _NUMBER.sub("*", text)
    return _STARS.sub("*", text)


def shape_of(args: Iterable[bytes]) -> str:
    """The shape of a command: ``HGETALL user:*``, ``CONFIG GET``, ``DEBUG SLEEP``; escaped, at most 80 chars."""
    parts = [text_of(a[:200]) for a in args]
    if not parts or not parts[0]:
        return "(empty)"
    name = parts[0].lower()
    head = parts[0].upper()
    if name in WITH_SUBCOMMAND and len(parts) > 1:
        return safe_text(f"{head} {parts[1].upper()}", 80)
    if name in NO_KEY or len(parts) < 2:
        return safe_text(head, 80)
    return safe_text(f"{head} {fold(parts[1])}", 80)


def command_line(entry: SlowEntry, limit: int = 200) -> str:
    """The entry's command with its arguments, escaped once (redis-cli style), cut to `limit` characters."""
    return safe_text(b" ".join(a[: limit * 4] for a in entry.args[:64]), limit)


def merge(replies: Mapping[str, object]) -> tuple[SlowRow, ...]:
    """Raw `SLOWLOG GET` replies by node → every entry, newest first (by server time, then id)."""
    rows = [SlowRow(node, entry) for node, reply in replies.items() for entry in parse_slowlog(reply)]
    return tuple(sorted(rows, key=lambda r: (-r.entry.at, r.node, -r.entry.id)))


def merge_entries(entries: Mapping[str, Iterable[SlowEntry]]) -> tuple[SlowRow, ...]:
    """Parsed entries by node → every entry, newest first."""
    rows = [SlowRow(node, entry) for node, parsed in entries.items() for entry in parsed]
    return tuple(sorted(rows, key=lambda r: (-r.entry.at, r.node, -r.entry.id)))


def by_redis_tui(row: SlowRow) -> bool:
    """True for an entry of redis-tui's own connections (named ``redis-tui`` or ``redis-tui-<what>``)."""
    return row.entry.client_name == CLIENT_NAME or row.entry.client_name.startswith(CLIENT_NAME + "-")


def shapes(rows: Iterable[SlowRow]) -> tuple[Shape, ...]:
    """Entries grouped by shape, the most total time first."""
    counts: dict[str, list[int]] = {}
    total = 0
    for row in rows:
        duration = max(0, row.entry.duration_us)
        total += duration
        slot = counts.setdefault(shape_of(row.entry.args), [0, 0, 0])
        slot[0] += 1
        slot[1] += duration
        slot[2] = max(slot[2], duration)
    out = [Shape(name, n, spent, longest, spent / total if total else 0.0)
           for name, (n, spent, longest) in counts.items()]
    return tuple(sorted(out, key=lambda s: (-s.total_us, -s.count, s.shape)))


def headline(groups: tuple[Shape, ...]) -> str:
    """``HGETALL user:* is 82 % of slow time (40 of 52 entries)``, "" without entries."""
    if not groups:
        return ""
    top = groups[0]
    entries = sum(g.count for g in groups)
    return f"{top.shape} is {top.share * 100:.0f} % of slow time ({top.count} of {entries} entries)"


def duration(us: int) -> str:
    """``12.3 ms``, ``850 µs``, ``2.01 s``."""
    if us >= 1_000_000:
        return f"{us / 1_000_000:.2f} s"
    if us >= 1000:
        return f"{us / 1000:.1f} ms"
    return f"{us} µs"
