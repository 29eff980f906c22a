"""Snapshot tests of the memory, config and Pub/Sub screens on fixed data (no server), at 80x24 and 120x40.

Regenerate after an intended visual change: pytest tests/ui/test_insight_memconf_snapshots.py --snapshot-update
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.widgets import Static

from redis_tui.core.events import CONFIG_CHANGE, Event, EventLog
from redis_tui.core.insight.config import parse_config
from redis_tui.core.insight.memory import MemoryReading, parse_memory_stats
from redis_tui.core.insight.pubsub import Channel, PubSubReading
from redis_tui.core.models import ClientRow
from redis_tui.ui.insight.base import Reading
from redis_tui.ui.insight.config import ConfigScreen
from redis_tui.ui.insight.memory import MemoryScreen
from redis_tui.ui.insight.pubsub import PubSubScreen
from tests.ui.helpers import make_app, settle, table_rows
from tests.ui.sample import MB, NOW, healthy

SIZES = [(80, 24), (120, 40)]

STATS = [b"peak.allocated", 450 * MB, b"total.allocated", 412 * MB, b"startup.allocated", 1 * MB,
         b"replication.backlog", 1 * MB, b"clients.slaves", 0, b"clients.normal", 38 * MB, b"aof.buffer", 0,
         b"lua.caches", 40_000, b"functions.caches", 200, b"overhead.total", 52 * MB, b"keys.count", 183_544,
         b"keys.bytes-per-key", 2350, b"dataset.bytes", 360 * MB,
         b"db.0", [b"overhead.hashtable.main", 9 * MB, b"overhead.hashtable.expires", 3 * MB],
         b"allocator-fragmentation.bytes", 20 * MB, b"rss-overhead.bytes", 36 * MB, b"fragmentation", b"1.13"]
DOCTOR = ("Sam, I detected a few issues in this Redis instance memory implants:\n\n"
          " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this "
          "means that the Resident Set Size of the allocator is much larger than the sum what the allocator "
          "actually holds).\n\nI'm here to keep you safe, Sam. \x1b[2J[red]bye[/]")


def subscriber(cid: int, name: str, omem: int, cmd: str = "subscribe") -> ClientRow:
    return ClientRow(id=cid, addr=f"10.0.4.{cid}:5{cid:04d}", name=name, age_s=600, idle_s=0, cmd=cmd, omem=omem,
                     flags="P", user="default", tot_mem=omem + 20_000)


def with_subscribers():
    base = healthy()
    subs = (subscriber(21, "ticker-feed", 14 * MB), subscriber(22, "notifier", 2 * MB, "psubscribe"),
            subscriber(23, "audit", 0, "ssubscribe"), subscriber(24, "chat-\x1b[31mred", 0))
    return dataclasses.replace(base, client_list=(base.client_list or ()) + subs,
                               config={**base.config, "client-output-buffer-limit": "pubsub 32mb 8mb 60"})


def at(value) -> dict[str, Reading]:
    return {"": Reading("", value=value, took_s=0.002, at=NOW)}


def opener(screen, *readings, events: EventLog | None = None, press: tuple[str, ...] = (), check=None, before=None):
    async def run_before(pilot) -> None:
        if events is not None:
            pilot.app.events = events
        while pilot.app.snapshot is None:
            await pilot.pause(0.01)
        await pilot.app.push_screen(screen)
        await settle(pilot)
        if before is not None:
            before(screen)
        for reading in readings:
            screen.show_readings(reading)
        await settle(pilot)
        if press:
            await pilot.press(*press)
            await settle(pilot)
            if check is not None:
                check(screen)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_memory_screen(snap_compare, size):
    reading = MemoryReading(parse_memory_stats(STATS), DOCTOR)
    assert snap_compare(make_app(healthy()), terminal_size=size, run_before=opener(MemoryScreen(), at(reading)))


CONFIG = [b"maxmemory", b"536870912", b"maxmemory-policy", b"allkeys-lru", b"requirepass", b"hunter2",
          b"masterauth", b"", b"appendonly", b"no", b"save", b"3600 1 300 100 60 10000", b"hz", b"10",
          b"timeout", b"0", b"notify-keyspace-events", b"\x1b[2J[red]x", b"dir", b"/var/lib/redis"]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_config_screen(snap_compare, size):
    first = parse_config(CONFIG)
    later = {**first, "maxmemory": "268435456", "hz": "20"}
    events = EventLog()
    events.add(Event(NOW - 5, CONFIG_CHANGE, "maxmemory 512mb → 256mb", payload={"name": "maxmemory"}))
    readings = (at(first), {"": Reading("", value=later, at=NOW)})
    screen = ConfigScreen()
    # without --write, enter on a parameter only says that editing needs it (no dialog, nothing sent)
    assert snap_compare(make_app(with_subscribers()), terminal_size=size,
                        run_before=opener(screen, *readings, events=events, press=("down", "enter"), check=read_only,
                                          before=polled))


def polled(screen: ConfigScreen) -> None:
    """No connection (fixed data, a replay): before any reading, the parameters the dashboard polled."""
    rows = {row[0]: row[1] for row in table_rows(screen.app, "#config-table")}
    assert rows == {"maxmemory": "536870912", "maxmemory-policy": "allkeys-lru", "client-output-buffer-limit":
                    "pubsub 32mb 8mb 60"}


def read_only(screen: ConfigScreen) -> None:
    assert screen.app.screen is screen  # no dialog
    assert "--write" in str(screen.query_one("#config-note", Static).content)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_pubsub_screen(snap_compare, size):
    reading = PubSubReading((Channel(b"ticks", 3), Channel(b"notifications", 1), Channel(b"chat:\x1b[2Jroom", 1),
                             Channel(b"orders{7}", 1, shard=True)), patterns=2)
    assert snap_compare(make_app(with_subscribers()), terminal_size=size,
                        run_before=opener(PubSubScreen(), at(reading)))

