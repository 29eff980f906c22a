"""Clients at scale: CLIENT LIST rows of one server or of every node, sorted, grouped and counted.

Pure computation (no I/O, no Textual): the clients pane shows what these return.

- An `Entry` is ``(node, client)``: the node's address on a cluster, ``""`` on one server
  (client ids are per node, so a client is named by both).
- `sort_entries` orders them by a column, ties by node and id, so equal rows never shuffle.
- `group_clients` sums them up by name (numbers as ``*``: ``worker-17`` and ``worker-18`` are
  the pool ``worker-*``), by host, by user, by flag (blocked, pub/sub, replica, MONITOR…), by
  idle time or by node: which pool holds 6,000 connections, which host leaks them.
- `client_list_period` picks how often to send CLIENT LIST from what it costs the server.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redis_tui.core.models import ClientRow

Entry = tuple[str, ClientRow]
"""(node address, or "" on one server; the client)."""

NO_NAME = "(no name)"  # a real name cannot hold a space, so this never collides with one

# column → the ClientRow field a client sorts by
SORT_FIELDS: Mapping[str, str] = {"addr": "addr", "name": "name", "age": "age_s", "idle": "idle_s", "db": "db",
                                  "cmd": "cmd", "omem": "omem", "id": "id", "user": "user", "flags": "flags"}
_ID = operator.attrgetter("id")


def entries(lists: Iterable[tuple[str, Sequence[ClientRow] | None]]) -> list[Entry]:
    """One list of `Entry`s from (node, that node's CLIENT LIST) pairs (None: not fetched), by node and id."""
    out: list[Entry] = []
    for node, rows in sorted(((n, r) for n, r in lists if r), key=lambda pair: pair[0]):
        out.extend((node, row) for row in sorted(rows, key=_ID))
    return out


def sort_entries(items: Sequence[Entry], column: str, descending: bool = False) -> list[Entry]:
    """`items` by `column` (a `SORT_FIELDS` key, or "node"); ties keep the order of `items`
    (by node and id from `entries`), so equal rows never shuffle."""
    if column == "node":
        return sorted(items, key=lambda e: e[0], reverse=descending)
    field = ClientRow._fields.index(SORT_FIELDS[column])
    return sorted(items, key=lambda e: e[1][field], reverse=descending)  # stable, also reversed


# --- groups ------------------------------------------------------------------------------------

GROUPINGS = ("name", "host", "user", "flags", "idle", "node")
"""The ways clients can be grouped ("node" only means something on a cluster)."""

# flag letter → group (a client with several of these is counted in each)
FLAG_GROUPS = (
    ("b", "blocked (b)"),
    ("P", "pub/sub (P)"),
    ("S", "replica (S)"),
    ("M", "master (M)"),
    ("O", "MONITOR (O)"),
    ("x", "in MULTI (x)"),
    ("t", "tracking (t)"),
    ("U", "unix socket (U)"),
    ("A", "closing (A)"),
)
PLAIN_FLAGS = "none of these (N)"

# (idle seconds from, label): a client is in the last band it reaches
IDLE_BANDS = ((0, "< 10s"), (10, "10s–1m"), (60, "1–10m"), (600, "10m–1h"), (3600, "1h–1d"), (86400, "≥ 1d"))

_NUMBERED = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{6,}(?![0-9A-Za-z])|[0-9]+")


def name_pattern(name: str) -> str:
    """A client name with its numbers (and hex ids) as ``*``: the pool it belongs to.

    ``worker-17`` → ``worker-*``; ``web01-pool`` → ``web*-pool``;
    ``sentinel-1a2b3c4d-cmd`` → ``sentinel-*-cmd``; no name → ``(no name)``.
    """
    return _NUMBERED.sub("*", name) if name else NO_NAME


def idle_band(idle_s: int) -> tuple[int, str]:
    """(band number, label) of an idle time."""
    band = 0
    for number, (start, _) in enumerate(IDLE_BANDS):
        if idle_s >= start:
            band = number
    return band, IDLE_BANDS[band][1]


def flag_groups(flags: str) -> list[str]:
    """The flag groups a client belongs to (at least one)."""
    found = [label for letter, label in FLAG_GROUPS if letter in flags]
    return found or [PLAIN_FLAGS]


@dataclass(frozen=True, slots=True)
class Group:
    """Clients that share a name pattern, host, user, flag, idle band or node."""

    key: str  # what they share (server text: show it escaped)
    clients: int
    names: int  # distinct names (exact, not patterns)
    hosts: int  # distinct hosts
    nodes: int  # distinct nodes (1 on one server)
    max_age_s: int
    max_idle_s: int
    omem: int  # output buffers, summed
    order: int = 0  # the key's own order (idle bands: shortest first); 0 elsewhere


class _Tally:
    __slots__ = ("clients", "names", "hosts", "nodes", "max_age", "max_idle", "omem")

    def __init__(self) -> None:
        self.clients = self.max_age = self.max_idle = self.omem = 0
        self.names: set[str] = set()
        self.hosts: set[str] = set()
        self.nodes: set[str] = set()

    def add(self, node: str, client: ClientRow, host: str) -> None:
        self.clients += 1
        self.names.add(client.name)
        self.hosts.add(host)
        self.nodes.add(node)
        self.max_age = max(self.max_age, client.age_s)
        self.max_idle = max(self.max_idle, client.idle_s)
        self.omem += client.omem


def group_keys(node: str, client: ClientRow, by: str, patterns: dict[str, str] | None = None) -> list[str]:
    """The groups a client is in when grouped `by` (one, but for "flags"); `patterns` caches `name_pattern`."""
    if by == "name":
        if patterns is None:
            return [name_pattern(client.name)]
        pattern = patterns.get(client.name)
        if pattern is None:
            pattern = patterns[client.name] = name_pattern(client.name)
        return [pattern]
    if by == "host":
        return [client.host or "?"]
    if by == "user":
        return [client.user or "?"]
    if by == "flags":
        return flag_groups(client.flags)
    if by == "idle":
        return [idle_band(client.idle_s)[1]]
    if by == "node":
        return [node or "?"]
    raise ValueError(f"unknown grouping {by!r} (known: {', '.join(GROUPINGS)})")


def in_group(entry: Entry, by: str, key: str) -> bool:
    """True if the client is in the group `key` when grouped `by`."""
    return key in group_keys(entry[0], entry[1], by)


def group_clients(items: Iterable[Entry], by: str) -> list[Group]:
    """The clients grouped `by` one of `GROUPINGS`, most clients first (idle bands: shortest first).

    By "flags" a client counts in every flag group it is in (a blocked pub/sub client is in
    both), so those counts may add up to more than the clients.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r} (known: {', '.join(GROUPINGS)})")
    tallies: dict[str, _Tally] = {}
    patterns: dict[str, str] = {}
    for node, client in items:
        host = client.host
        for key in group_keys(node, client, by, patterns):
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = _Tally()
            tally.add(node, client, host)
    bands = {label: number for number, (_, label) in enumerate(IDLE_BANDS)} if by == "idle" else {}
    groups = [Group(key, t.clients, len(t.names), len(t.hosts), len(t.nodes), t.max_age, t.max_idle, t.omem,
                    bands.get(key, 0)) for key, t in tallies.items()]
    if by == "idle":
        return sorted(groups, key=lambda g: g.order)
    return sorted(groups, key=lambda g: (-g.clients, g.key))


GROUP_SORT_VALUES: Mapping[str, Callable[[Group], Any]] = {
    "key": lambda g: (g.order, g.key),
    "clients": lambda g: g.clients,
    "names": lambda g: g.names,
    "hosts": lambda g: g.hosts,
    "nodes": lambda g: g.nodes,
    "age": lambda g: g.max_age_s,
    "idle": lambda g: g.max_idle_s,
    "omem": lambda g: g.omem,
}


def sort_groups(groups: Sequence[Group], column: str, descending: bool = False) -> list[Group]:
    """`groups` by `column` (a `GROUP_SORT_VALUES` key); ties by key."""
    ordered = sorted(groups, key=lambda g: (g.order, g.key))
    return sorted(ordered, key=GROUP_SORT_VALUES[column], reverse=descending)


# --- how often to ask --------------------------------------------------------------------------

BUDGET = 0.01  # CLIENT LIST may take this share of the server's main thread
PERIODS = (1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600)


def client_list_period(cost_s: float | None, floor: float, ceiling: float, budget: float = BUDGET) -> float:
    """Seconds between CLIENT LIST calls: `cost_s` (one call's time on the server) at most
    `budget` of the time, rounded up to a round period (5, 10, 15, 20, 30, 45, 60 s…: it does
    not wobble with each measure), between `floor` and `ceiling`. Unknown cost: the floor."""
    if cost_s is None or not math.isfinite(cost_s) or cost_s <= 0 or floor <= 0:
        return floor  # unknown cost, or asked for on every poll
    wanted = cost_s / budget
    if wanted <= floor:
        return floor
    rounded = next((float(p) for p in PERIODS if p >= wanted), wanted)
    return min(max(ceiling, floor), rounded)
