"""Value readers page by page, and the --write guard, against real servers."""

from __future__ import annotations

import pytest
import redis

from redis_tui.core.connection import make_client
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer
from redis_tui.core.keyspace.namespace import NamespaceScan
from redis_tui.core.keyspace.scan import KeyScanner
from redis_tui.core.keyspace.values import inspect_key, open_reader, read_string
from redis_tui.core.keyspace.writes import KeyWriter, WriteNotAllowed
from redis_tui.core.parse import commands_from, parse_info
from redis_tui.core.target import Target, parse_url
from tests.integration.keyspace_dataset import BIG_HASH, BIG_LIST, BIG_STRING, BIG_STRING_SIZE, BINARY, HOSTILE

pytestmark = pytest.mark.integration

WRITE_COMMANDS = {"del", "unlink", "expire", "persist", "rename", "renamenx", "pexpire", "expireat", "set", "hset",
                  "script|load", "script|flush", "flushdb", "flushall"}
# everything browsing and analyzing may send (client setup included)
READ_COMMANDS = {"scan", "evalsha_ro", "eval_ro", "type", "memory|usage", "pttl", "strlen", "llen", "scard", "zcard",
                 "hlen", "xlen", "object|encoding", "getrange", "lrange", "zrange", "hscan", "sscan", "xrange",
                 "dbsize", "info", "client|setname", "client|setinfo", "hello", "ping", "select", "exists"}


def client_for(data):
    return make_client(Target(**parse_url(data.url)))


def commands_sent(r: redis.Redis) -> dict[str, int]:
    info = parse_info(r.execute_command("INFO", "commandstats", NEVER_DECODE=True))  # the raw text, not a dict
    return {stat.name: stat.calls for stat in commands_from(info)}


async def read_all(reader) -> list:
    elements = []
    while True:
        page = await reader.next_page()
        elements.extend(page.elements)
        if page.done:
            return elements


async def test_big_string_is_read_as_a_bounded_head(dataset):
    client = client_for(dataset)
    value = await read_string(client, BIG_STRING, limit=4096)
    assert value.size == BIG_STRING_SIZE == dataset.sync.strlen(BIG_STRING)
    assert len(value.data) == 4096 and not value.complete
    assert value.data == dataset.sync.getrange(BIG_STRING, 0, 4095)
    assert value.kind == "binary"
    whole = await read_string(client, b"json")
    assert whole.complete and whole.kind == "json" and "\\u001b" in whole.pretty_json()
    hostile = await read_string(client, HOSTILE)
    assert hostile.data == dataset.sync.get(HOSTILE)
    await client.aclose()


async def test_big_list_opens_with_one_page_and_pages_to_the_end(dataset):
    client = client_for(dataset)
    reader = open_reader(client, BIG_LIST, "list", page_size=1000)
    first = await reader.next_page()
    assert len(first.elements) == 1000 and not first.done
    assert [e.value for e in first.elements[:3]] == dataset.sync.lrange(BIG_LIST, 0, 2)
    assert [e.index for e in first.elements[:3]] == [0, 1, 2]
    rest = await read_all(reader)
    assert len(first.elements) + len(rest) == dataset.sync.llen(BIG_LIST)
    assert rest[-1].value == dataset.sync.lindex(BIG_LIST, -1)
    await client.aclose()


async def test_hash_set_zset_stream_readers_return_everything_once(dataset):
    client = client_for(dataset)
    r = dataset.sync
    fields = await read_all(open_reader(client, BIG_HASH, "hash", page_size=500))
    assert {e.name: e.value for e in fields} == r.hgetall(BIG_HASH)
    assert len(fields) == r.hlen(BIG_HASH)
    hostile = await read_all(open_reader(client, HOSTILE + b":h", "hash"))
    assert [(e.name, e.value) for e in hostile] == [(HOSTILE, HOSTILE)]
    members = await read_all(open_reader(client, BINARY, "set"))
    assert {e.value for e in members} == r.smembers(BINARY)
    ranked = await read_all(open_reader(client, b"rank:20", "zset", page_size=7))
    assert [(e.value, float(e.score)) for e in ranked] == r.zrange(b"rank:20", 0, -1, withscores=True)
    assert ranked[3].score == b"4.5"  # the server's own text
    events = await read_all(open_reader(client, b"events:3", "stream", page_size=1))
    assert [(e.name, dict(e.fields)) for e in events] == r.xrange(b"events:3")
    await client.aclose()


async def test_values_are_cut_but_sizes_are_whole(dataset):
    client = client_for(dataset)
    elements = await read_all(open_reader(client, BIG_HASH, "hash", value_limit=10))
    longest = max(elements, key=lambda e: e.size)
    assert longest.size == 49 and len(longest.value) == 10
    await client.aclose()


async def test_nothing_is_written_without_write(dataset):
    client = client_for(dataset)
    r = dataset.sync
    before = commands_sent(r)
    writer = KeyWriter(client, write_allowed=False)
    for action in (writer.delete(HOSTILE), writer.delete(HOSTILE, unlink=False), writer.expire(HOSTILE, 10),
                   writer.persist(b"session:1"), writer.rename(HOSTILE, b"x"),
                   writer.rename(HOSTILE, b"x", replace=True)):
        with pytest.raises(WriteNotAllowed):
            await action
    # browse, inspect, read and analyze everything too
    async for _page in KeyScanner(client, count=100).pages():
        pass
    async for _page in NamespaceScan(client).pages():
        pass
    for key, kind in dataset.keys.items():
        await inspect_key(client, key)
        reader = open_reader(client, key, kind)
        if reader:
            await reader.next_page()
        else:
            await read_string(client, key)
    await Analyzer(client, AnalyzeOptions(batch=100)).run()
    await Analyzer(client, AnalyzeOptions(batch=100, server_side=False)).run()
    after = commands_sent(r)
    sent = {name for name, calls in after.items() if calls > before.get(name, 0)}
    assert not sent & WRITE_COMMANDS
    assert sent <= READ_COMMANDS, sent - READ_COMMANDS
    assert r.exists(HOSTILE) and r.ttl(b"session:1") > 0 and r.ttl(HOSTILE) == -1
    await client.aclose()


async def test_writes_work_with_write(server):
    r = redis.Redis(port=server.port)
    r.set(HOSTILE, b"v")
    r.set(b"other", b"v")
    client = make_client(Target(**parse_url(server.url)))
    writer = KeyWriter(client, write_allowed=True)
    assert await writer.expire(HOSTILE, 100) and 0 < r.ttl(HOSTILE) <= 100
    assert await writer.persist(HOSTILE) and r.ttl(HOSTILE) == -1
    assert not await writer.rename(HOSTILE, b"other")  # RENAMENX refuses to overwrite
    assert await writer.rename(HOSTILE, BINARY) and r.get(BINARY) == b"v" and not r.exists(HOSTILE)
    assert await writer.delete(BINARY) and not r.exists(BINARY)
    assert not await writer.delete(BINARY)
    with pytest.raises(ValueError):
        await writer.expire(b"other", 0)
    await client.aclose()
    r.close()
