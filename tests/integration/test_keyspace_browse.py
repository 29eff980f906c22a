"""SCAN paging, filters, the namespace tree and key inspection against real servers."""

from __future__ import annotations

import pytest

from redis_tui.core.connection import make_client
from redis_tui.core.keyspace.namespace import NamespaceScan
from redis_tui.core.keyspace.scan import KeyScanner, glob_escape
from redis_tui.core.keyspace.values import inspect_key
from redis_tui.core.target import Target, parse_url
from tests.integration.keyspace_dataset import BIG_HASH, BIG_LIST, BIG_STRING, BINARY, GLOBBY, HOSTILE

pytestmark = pytest.mark.integration


def client_for(data):
    return make_client(Target(**parse_url(data.url)))


def server_keys(data) -> set[bytes]:
    """The server's own list of keys (KEYS is fine on a test server)."""
    return set(data.sync.keys(b"*"))


@pytest.mark.parametrize("server_side", [True, False], ids=["script", "scan"])
async def test_full_scan_returns_every_key_once(dataset, server_side):
    client = client_for(dataset)
    scanner = KeyScanner(client, count=50, page_size=100, server_side=server_side)
    seen: list[bytes] = []
    pages = 0
    async for page in scanner.pages():
        seen.extend(page.keys)
        pages += 1
        assert 0.0 <= page.progress <= 1.0
    assert scanner.method == ("script" if server_side else "scan")
    assert len(seen) == len(set(seen)) == dataset.sync.dbsize()
    assert set(seen) == server_keys(dataset)
    assert pages > 1 and page.done and page.progress == 1.0
    for key in (HOSTILE, BINARY, b"", GLOBBY):  # the bytes come back untouched
        assert key in seen
    await client.aclose()


async def test_match_and_type_filters_agree_with_the_server(dataset):
    client = client_for(dataset)
    for server_side in (True, False):
        users = KeyScanner(client, match=b"user:1*", server_side=server_side)
        found = [k async for page in users.pages() for k in page.keys]
        assert set(found) == set(dataset.sync.keys(b"user:1*"))
        hash_scan = KeyScanner(client, type="hash", server_side=server_side)
        hashes = [k async for page in hash_scan.pages() for k in page.keys]
        assert set(hashes) == {k for k in server_keys(dataset) if dataset.sync.type(k) == b"hash"}
    for key in (HOSTILE, GLOBBY, BINARY, b""):  # an escaped name matches exactly itself
        exact = [k async for page in KeyScanner(client, match=glob_escape(key)).pages() for k in page.keys]
        assert exact == [key]
    await client.aclose()


async def test_first_page_comes_back_within_the_time_budget(dataset):
    client = client_for(dataset)
    scanner = KeyScanner(client, match=b"no-such-prefix:*", count=10, page_size=100, time_budget=0.0)
    page = await scanner.next_page()  # one SCAN step, even if it finds nothing
    assert page.keys == () and page.calls == 1 and not page.done
    await client.aclose()


async def test_limit_and_parts_cover_the_keyspace(dataset):
    client = client_for(dataset)
    limited = [k async for page in KeyScanner(client, limit=37, count=10).pages() for k in page.keys]
    assert len(limited) == 37
    halves = []
    for part in ((0, 2), (1, 2)):
        halves += [k async for page in KeyScanner(client, part=part, count=20).pages() for k in page.keys]
    assert set(halves) == server_keys(dataset)  # the two slices together see every key
    await client.aclose()


async def test_namespace_scan_counts_like_the_server(dataset):
    client = client_for(dataset)
    scan = NamespaceScan(client, max_depth=2, count=100)
    async for _page in scan.pages():
        pass
    tree = scan.tree
    assert tree.total_keys == dataset.sync.dbsize()
    assert tree.branch(b"user:").keys == len(dataset.sync.keys(b"user:*")) == 300
    assert tree.branch(b"big:").keys == 3
    assert tree.branch(b"\xff:\xfe:").keys == 1 and not tree.knows_children(b"\xff:\xfe:")
    # opening a branch lazily: a scan with MATCH on its prefix
    deeper = NamespaceScan(client, prefix=b"\xff:\xfe:", max_depth=3)
    async for _page in deeper.pages():
        pass
    assert [b.prefix for b in deeper.tree.children()] == [b"\xff:\xfe:deep:"]
    assert deeper.tree.branch(b"\xff:\xfe:deep:er:").direct_keys == 1
    hostile = NamespaceScan(client, prefix=HOSTILE.split(b":")[0] + b":")
    async for _page in hostile.pages():
        pass
    assert hostile.tree.total_keys == 2  # HOSTILE and HOSTILE + ":h"
    await client.aclose()


async def test_inspect_key_matches_the_servers_answers(dataset):
    client = client_for(dataset)
    r = dataset.sync
    for key in (HOSTILE, BINARY, BIG_LIST, BIG_HASH, BIG_STRING, b"session:1", b"rank:9", b"events:3", b""):
        info = await inspect_key(client, key)
        assert info.exists and info.key == key
        assert info.type == r.type(key).decode()
        assert info.encoding == r.object("encoding", key).decode()
        assert info.memory == r.memory_usage(key)
        length = {"string": r.strlen, "list": r.llen, "set": r.scard, "zset": r.zcard, "hash": r.hlen,
                  "stream": r.xlen}[info.type](key)
        assert info.length == length
    expiring = await inspect_key(client, b"session:1")
    pttl = r.pttl(b"session:1")
    assert 0 < expiring.ttl_ms <= 600_000 and abs(expiring.ttl_ms - pttl) < 2000
    expires_at = r.execute_command("PEXPIRETIME", b"session:1") / 1000  # the server's absolute deadline
    assert abs(expiring.expires_at - expires_at) < 2.0
    persistent = await inspect_key(client, b"session:2")
    assert persistent.ttl_ms is None and persistent.expires_at is None
    gone = await inspect_key(client, b"no such key")
    assert not gone.exists and gone.type == "none"
    await client.aclose()
