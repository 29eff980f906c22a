"""A ten-minute recording made from snapshots built through the real INFO parser (fixed data, no server):
memory climbs to 98 % of maxmemory with noeviction (memory-pressure, critical) between minutes 5 and 6,
then falls back; a config change at minute 2; the finding's events as the recorder writes them."""

from __future__ import annotations

from pathlib import Path

from redis_tui.core.events import CONFIG_CHANGE, FINDING_CLEARED, FINDING_OPENED, Event
from redis_tui.core.record.recording import with_rates
from redis_tui.core.record.store import RecordingWriter
from tests.diag_builders import MB, snapshot

START = 1_764_000_000.0
SECONDS = 600
PEAK = (300, 360)  # memory-pressure from START+300 to START+360
MAXMEMORY = 1024 * MB


def used_at(i: int) -> int:
    if PEAK[0] <= i < PEAK[1]:
        return int(MAXMEMORY * 0.98)
    return int(MAXMEMORY * (0.30 + 0.30 * i / SECONDS))


def write_sample(path: Path) -> Path:
    """The recording at `path` (a one-server recording of 600 snapshots, 1 s apart)."""
    writer = RecordingWriter(path, ["redis://cache.internal:6379/0"], 1.0)
    before = None
    for i in range(SECONDS):
        taken_at = START + i
        now = with_rates(snapshot({
            "memory": {"used_memory": used_at(i), "maxmemory": MAXMEMORY, "maxmemory_policy": "noeviction",
                       "used_memory_rss": used_at(i) + 20 * MB},
            "stats": {"total_commands_processed": 1000 + 2500 * i, "keyspace_hits": 900 * i,
                      "keyspace_misses": 100 * i},
        }, taken_at=taken_at), before)  # as the poller gives them: with rates
        writer.add("", now)
        before = now
        if i == 120:
            writer.add_event(Event(taken_at, CONFIG_CHANGE, "maxmemory 512mb → 1gb",
                                   payload={"name": "maxmemory", "old": "536870912", "new": "1073741824"}))
        if i == PEAK[0]:
            writer.add_event(Event(taken_at, FINDING_OPENED, "memory-pressure opened (critical)", severity="critical",
                                   payload={"id": "memory-pressure", "title": "Memory pressure"}))
        if i == PEAK[1]:
            writer.add_event(Event(taken_at, FINDING_CLEARED, "memory-pressure cleared",
                                   payload={"id": "memory-pressure"}))
        writer.commit()
    writer.close()
    return path
