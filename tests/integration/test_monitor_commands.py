"""The command names a MONITOR filter accepts, checked against the real servers' COMMAND replies."""

from __future__ import annotations

import pytest
import redis

from redis_tui.core.monitor.commands import KNOWN_CONTAINERS, CommandTable, unknown_commands

pytestmark = pytest.mark.integration


def command_reply(server):
    client = redis.Redis(port=server.port, protocol=2)
    client.set_response_callback("COMMAND", lambda reply, **_: reply)
    try:
        return client.execute_command("COMMAND")
    finally:
        client.close()


def test_every_command_and_subcommand_of_the_server_is_known_without_asking_it(server):
    reply = command_reply(server)
    names = [entry[0].decode().upper() for entry in reply]
    subcommands = [sub[0].decode().upper().replace("|", " ") for entry in reply if len(entry) > 9
                   for sub in entry[9] or ()]
    assert unknown_commands(names + subcommands) == []
    assert {name for name in names if any(s.startswith(name + " ") for s in subcommands)} <= KNOWN_CONTAINERS


def test_what_is_not_a_command_is_refused(server):
    table = CommandTable.from_reply(command_reply(server))
    odd = ["HGETALLCACHE:API:V1:SEARCH:*", "GET X", "CONFIG GET MAXMEMORY", "[/]", "", "CONFIG [RED]", "JSON."]
    assert unknown_commands(odd, table) == odd
    assert unknown_commands(["GET", "CONFIG GET", "OBJECT FREQ", "JSON.GET", "FT.SEARCH"], table) == []
