"""The MONITOR guard's fallbacks, against real servers and ACL users that lack what it asks for."""

from __future__ import annotations

import pytest
import redis

from redis_tui.core.monitor.guard import GUARD_CLIENT_NAME, Guard, GuardUnavailable
from redis_tui.core.target import Target

pytestmark = pytest.mark.integration


def admin_for(server) -> redis.Redis:
    return redis.Redis(port=server.port, protocol=2)


def clients_of(admin: redis.Redis, user: str) -> list[dict]:
    return [c for c in admin.client_list() if c["user"] == user]


async def test_a_full_user_gets_a_named_guard_its_address_and_the_servers_table(server):
    admin = admin_for(server)
    guard = Guard(Target(port=server.port))
    try:
        table = await guard.prepare()
        mine = [c for c in admin.client_list() if c["name"] == GUARD_CLIENT_NAME]
        assert [c["addr"] for c in mine] == [guard.address]
        assert table.knows("hset") and table.lookup(b"hset").family == "hash"  # read from COMMAND
        own_id = int(mine[0]["id"])
        assert await guard.poll(own_id) == int(mine[0]["omem"])
        assert await guard.poll(own_id + 10_000) is None  # not listed: no figure, no error
    finally:
        await guard.close()


async def test_without_client_and_command_it_goes_unnamed_on_the_builtin_table(server):
    admin = admin_for(server)
    admin.execute_command("ACL", "SETUSER", "bare", "on", ">pw", "~*", "+@all", "-client", "-command")
    guard = Guard(Target(port=server.port, username="bare", password="pw"))
    try:
        table = await guard.prepare()
        assert guard.address is None  # CLIENT INFO refused
        assert [c["name"] for c in clients_of(admin, "bare")] == [""]  # CLIENT SETNAME refused: unnamed
        assert not table.knows("hset") and table.lookup(b"hset").family == "other"  # the built-in table
        assert table.first_key([b"HSET", b"h", b"f", b"v"]) == b"h"
        with pytest.raises(GuardUnavailable, match="client.list"):
            await guard.poll(1)  # CLIENT LIST refused: the output buffer cannot be watched
        with pytest.raises(GuardUnavailable, match="CLIENT ID"):
            await guard.poll(None)
    finally:
        await guard.close()
    admin.close()


async def test_with_client_list_but_not_client_info_it_still_watches(server):
    admin = admin_for(server)
    admin.execute_command("ACL", "SETUSER", "lister", "on", ">pw", "~*", "+@all", "-client", "+client|list",
                          "+client|setname")
    guard = Guard(Target(port=server.port, username="lister", password="pw"))
    try:
        await guard.prepare()
        assert guard.address is None
        mine = clients_of(admin, "lister")
        assert [c["name"] for c in mine] == [GUARD_CLIENT_NAME]
        assert await guard.poll(int(mine[0]["id"])) == int(mine[0]["omem"])
    finally:
        await guard.close()
    admin.close()
