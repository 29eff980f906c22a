"""The poller's SLOWLOG polling: rare, parsed, and degraded to a note when the ACL forbids it."""

from __future__ import annotations

import asyncio

import pytest

from redis_tui.core.poller import Poller
from redis_tui.core.target import Target
from tests.doctor_helpers import client

pytestmark = pytest.mark.integration


async def polls(target: Target, count: int, **options):
    poller = Poller(target, **options)
    try:
        return [await poller.poll() for _ in range(count)]
    finally:
        await poller.close()


def test_slowlog_is_read_rarely_and_parsed(server):
    admin = client(server)
    admin.execute_command("DEBUG", "SLEEP", "0.015")
    snapshots = asyncio.run(polls(Target(host="127.0.0.1", port=server.port), 4, slowlog_every=60))
    assert admin.info("commandstats")["cmdstat_slowlog|get"]["calls"] == 1  # once in four polls
    newest = snapshots[-1].slowlog[0]
    server_entry = admin.slowlog_get(1)[0]
    assert newest.id == server_entry["id"] and newest.duration_us == server_entry["duration"]
    assert newest.args == (b"DEBUG", b"SLEEP", b"0.015")
    assert snapshots[-1].slowlog_at == snapshots[0].taken_at


def test_slowlog_denied_becomes_a_note(server):
    admin = client(server)
    admin.execute_command("ACL", "SETUSER", "mon", "on", ">pw", "-@all", "+info", "+client|setname", "+client|list",
                          "+config|get")
    (snapshot,) = asyncio.run(polls(Target(host="127.0.0.1", port=server.port, username="mon", password="pw"), 1))
    assert snapshot.slowlog is None
    assert [(note.id, note.source) for note in snapshot.notes] == [("permission-denied", "slowlog")]
    assert "slowlog|get" in snapshot.notes[0].detail
