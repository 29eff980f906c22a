"""The poller against real servers: the numbers it reports are the server's numbers."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import redis

from redis_tui.core.models import Outage, Snapshot
from redis_tui.core.poller import Poller
from redis_tui.core.target import Target
from redis_tui.settings import resolve


def target_of(server, **cli) -> Target:
    return resolve({"url": server.url, **cli}, {}).target


def sync_client(server, **kwargs) -> redis.Redis:
    return redis.Redis(port=server.port, **kwargs)


async def snapshot(poller: Poller) -> Snapshot:
    update = await poller.poll()
    assert isinstance(update, Snapshot), update
    return update


async def test_keyspace_pane_numbers_are_the_servers(server):
    r = sync_client(server)
    for i in range(137):
        r.set(f"user:{i}", i, ex=1000 if i % 3 == 0 else None)
    r3 = sync_client(server, db=3)
    r3.mset({f"k{i}": 1 for i in range(11)})
    poller = Poller(target_of(server))
    snap = await snapshot(poller)
    dbs = {db.db: db for db in snap.keyspace}
    assert dbs[0].keys == r.dbsize() == 137
    assert dbs[0].expires == 46
    assert dbs[3].keys == r3.dbsize() == 11 and snap.total_keys == 148
    await poller.close()


async def test_hit_ratio_is_hits_over_lookups(server):
    r = sync_client(server)
    r.set("present", "x")
    poller = Poller(target_of(server))
    await snapshot(poller)
    for _ in range(30):
        r.get("present")
    for _ in range(12):
        r.get("absent")
    snap = await snapshot(poller)
    assert (snap.totals.hits, snap.totals.misses) == (30, 12)
    assert snap.totals.hit_ratio == pytest.approx(30 / 42)
    assert snap.rates.hit_ratio == pytest.approx(30 / 42)
    assert round(snap.rates.hits * snap.rates.interval_s) == 30
    await poller.close()


async def test_clients_table_lists_every_connection(server):
    others = [sync_client(server, client_name=f"worker-{i}") for i in range(5)]
    for client in others:
        client.ping()
    poller = Poller(target_of(server), client_list_every=0)
    snap = await snapshot(poller)
    names = sorted(c.name for c in snap.client_list)
    assert names == ["redis-tui"] + [f"worker-{i}" for i in range(5)]
    assert snap.clients.connected == 6
    assert {c.id for c in snap.client_list} == {int(c["id"]) for c in others[0].client_list()}
    await poller.close()


async def test_memory_pane_numbers_are_the_servers(server_factory):
    server = server_factory({"maxmemory": "64mb", "maxmemory-policy": "volatile-lfu"})
    r = sync_client(server)
    r.set("blob", "x" * 200_000)
    poller = Poller(target_of(server))
    snap = await snapshot(poller)
    info = r.info("memory")
    assert snap.memory.maxmemory == 64 * 1024 * 1024 == int(r.config_get("maxmemory")["maxmemory"])
    assert snap.memory.policy == "volatile-lfu"
    assert abs(snap.memory.used - info["used_memory"]) < max(0.05 * info["used_memory"], 256 * 1024)
    assert snap.memory.limit_ratio == pytest.approx(snap.memory.used / (64 * 1024 * 1024))
    assert snap.clients.maxclients == int(r.config_get("maxclients")["maxclients"])
    await poller.close()


async def test_reset_stats_restarts_rates_without_negative_numbers(server):
    r = sync_client(server)
    poller = Poller(target_of(server))
    await snapshot(poller)
    for _ in range(50):
        r.get("miss")
    await snapshot(poller)
    r.config_resetstat()
    snap = await snapshot(poller)
    for value in (snap.rates.ops, snap.rates.hits, snap.rates.misses, snap.rates.net_in):
        assert value is None or value >= 0
    assert snap.rates.misses is None  # went backwards: restarted, not negative
    r.get("miss")
    snap = await snapshot(poller)
    assert snap.rates.misses is not None
    assert round(snap.rates.misses * snap.rates.interval_s) == 1  # exactly the one GET of a missing key
    await poller.close()


async def test_survives_the_server_stopping_and_starting(server):
    poller = Poller(target_of(server))
    first = await snapshot(poller)
    server.stop()
    down = await poller.poll()
    assert isinstance(down, Outage) and down.problem.id == "connection-lost"  # the open link broke
    assert str(server.port) in down.problem.summary
    again = await poller.poll()
    assert isinstance(again, Outage) and again.problem.id == "connection-refused"  # nobody listens now
    assert again.attempts == 2 and again.since == down.since
    assert again.retry_at - again.since > down.retry_at - down.since  # backoff grows
    server.start()
    back = await snapshot(poller)
    assert back.server.uptime_s <= first.server.uptime_s + 1
    assert back.rates.ops is None  # a fresh baseline, not a delta across the restart
    await poller.close()


async def test_steady_state_commands_per_poll(server):
    """5 polls = 5 INFO + 1 CLIENT LIST + 1 CONFIG GET (the budget bench/ measures over time)."""
    r = sync_client(server)
    poller = Poller(target_of(server))
    await snapshot(poller)  # connect: the handshake commands happen here
    before = r.info("commandstats")
    for _ in range(5):
        await snapshot(poller)
    after = r.info("commandstats")

    def calls(stats, name):
        return stats.get(f"cmdstat_{name}", {}).get("calls", 0)

    assert calls(after, "info") - calls(before, "info") == 5 + 1  # + the `before` INFO of this test
    assert calls(after, "client|list") - calls(before, "client|list") == 0  # due again only after 5 s
    assert calls(after, "config|get") - calls(before, "config|get") == 0
    await poller.close()


async def test_password_problems_are_named(server_factory):
    server = server_factory({"requirepass": "s3cret"})
    no_pass = await Poller(target_of(server)).poll()
    assert isinstance(no_pass, Outage) and no_pass.problem.id == "auth-required"
    wrong = await Poller(target_of(server, password="nope")).poll()
    assert isinstance(wrong, Outage) and wrong.problem.id == "auth-failed"
    assert "nope" not in wrong.problem.detail + wrong.problem.summary
    poller = Poller(target_of(server, password="s3cret"))
    snap = await snapshot(poller)
    assert snap.config.get("requirepass") == "(set)"  # the value never leaves the poller
    assert "s3cret" not in repr(snap.config)
    await poller.close()


async def test_unix_socket_and_db_selection(server_factory):
    server = server_factory(unix_socket=True)
    redis.Redis(unix_socket_path=server.socket_path, db=2).set("k", "v")
    poller = Poller(resolve({"socket": server.socket_path, "db": "2"}, {}).target)
    snap = await snapshot(poller)
    assert [(d.db, d.keys) for d in snap.keyspace] == [(2, 1)]
    assert [c.db for c in snap.client_list if c.name == "redis-tui"] == [2]
    await poller.close()


async def test_acl_user_without_client_list_or_config_degrades_gracefully(server):
    r = sync_client(server)
    r.execute_command("ACL", "SETUSER", "watcher", "on", ">pw", "+info", "+ping", "+client|setname", "+hello")
    with contextlib.suppress(redis.ResponseError):  # +client|setinfo exists on Redis 7.2+ / Valkey
        r.execute_command("ACL", "SETUSER", "watcher", "+client|setinfo")
    poller = Poller(target_of(server, user="watcher", password="pw"))
    snap = await snapshot(poller)
    assert snap.client_list is None and snap.config == {}
    assert {n.id for n in snap.notes} == {"permission-denied"}
    assert any(n.summary.startswith("CLIENT LIST") for n in snap.notes)
    assert snap.server.version != "?"
    await poller.close()


async def test_run_loop_retries_at_once_on_refresh(server):
    poller = Poller(target_of(server), interval=30)
    updates: list = []
    task = asyncio.create_task(poller.run(updates.append))
    try:
        await _wait_for(lambda: len(updates) == 1)
        server.stop()
        poller.refresh_now()
        await _wait_for(lambda: any(isinstance(u, Outage) for u in updates))
        server.start()
        poller.refresh_now()  # without this the next try would be 1 s away; with it, at once
        await _wait_for(lambda: isinstance(updates[-1], Snapshot) and len(updates) >= 3)
        poller.set_paused(True)
        count = len(updates)
        poller.refresh_now()  # refresh works while paused, once
        await _wait_for(lambda: len(updates) == count + 1)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def _wait_for(condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_user_that_may_not_name_its_connection_is_still_monitored(server):
    r = sync_client(server)
    r.execute_command("ACL", "SETUSER", "plain", "on", ">pw", "+info", "+client|list", "+hello", "+ping")
    poller = Poller(target_of(server, user="plain", password="pw"))
    snap = await snapshot(poller)
    assert snap.server.version != "?"
    assert [c.name for c in snap.client_list if c.user == "plain"] == [""]
    await poller.close()


async def test_knows_its_own_address(server):
    poller = Poller(target_of(server), client_list_every=0)
    snap = await snapshot(poller)
    mine = [c for c in snap.client_list if c.name == "redis-tui"]
    assert snap.own_addr == mine[0].addr
    await poller.close()
