"""The README's least-privilege ACL recipe, on a real server: every feature works under it,
with the fast paths (no degraded pane, scripts allowed), and no write is possible."""

from __future__ import annotations

import asyncio

import pytest
import redis

from redis_tui.core.connection import make_client
from redis_tui.core.diagnosis.permissions import MONITORING_RULES, RECIPE_RULES
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer
from redis_tui.core.keyspace.values import inspect_key, open_reader, read_string
from redis_tui.core.models import Snapshot
from redis_tui.core.monitor.session import MonitorSession
from redis_tui.core.poller import Poller
from redis_tui.settings import resolve


def make_user(r: redis.Redis, name: str, rules) -> None:
    r.execute_command("ACL", "SETUSER", name, *[">pw" if rule == ">CHANGE-ME" else rule for rule in rules])


async def test_recipe_user_gets_every_feature(server):
    admin = redis.Redis(port=server.port)
    make_user(admin, "tui", RECIPE_RULES)
    admin.set("s", "text")
    admin.hset("h", mapping={"a": "1", "b": "2"})
    admin.rpush("l", "x", "y")
    admin.sadd("set", "m")
    admin.zadd("z", {"m": 1.5})
    admin.xadd("x", {"f": "v"})
    target = resolve({"url": server.url, "user": "tui", "password": "pw"}, {}).target

    poller = Poller(target)
    snap = await poller.poll()
    assert isinstance(snap, Snapshot) and snap.notes == ()
    assert snap.client_list and snap.config and snap.slowlog is not None and snap.own_addr
    await poller.close()

    client = make_client(target)
    report = await Analyzer(client, AnalyzeOptions()).run()
    assert report.method == "script" and report.keys_scanned == 6
    for key, kind in ((b"h", "hash"), (b"l", "list"), (b"set", "set"), (b"z", "zset"), (b"x", "stream")):
        info = await inspect_key(client, key)
        assert info.type == kind and info.memory and info.length
        page = await open_reader(client, key, kind).next_page()
        assert page.elements
    assert (await read_string(client, b"s")).data == b"text"
    with pytest.raises(redis.exceptions.NoPermissionError):
        await client.execute_command("DEL", "s")  # the recipe cannot write
    await client.aclose()

    seen = []
    session = MonitorSession(target, on_event=seen.append)
    task = asyncio.create_task(session.run())
    for _ in range(200):
        if session.state == "running":
            break
        await asyncio.sleep(0.02)
    assert session.state == "running" and not [e for e in seen if e.kind == "warning"]  # the guard can watch
    session.stop()
    await task


async def test_monitoring_only_user_reads_no_keys(server):
    admin = redis.Redis(port=server.port)
    make_user(admin, "watch", ("on", ">pw", "resetkeys", "-@all", *MONITORING_RULES))
    admin.set("secret", "value")
    target = resolve({"url": server.url, "user": "watch", "password": "pw"}, {}).target
    poller = Poller(target)
    snap = await poller.poll()
    assert isinstance(snap, Snapshot) and snap.notes == ()
    await poller.close()
    client = make_client(target)
    with pytest.raises(redis.exceptions.NoPermissionError):
        await client.execute_command("GET", "secret")
    await client.aclose()
