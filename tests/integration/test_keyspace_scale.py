"""At scale, against real servers: exact counts while the server's hash table grows and
shrinks in the middle of a scan, and collections of a million elements paged to the end.

SCAN may return a key twice when the table shrinks between two calls (the smaller table's
bucket holds keys of buckets already visited). Each test below keeps a few hundred keys
present from start to end, and between SCAN steps alternately adds thousands of keys
(the table grows) and deletes them again (it shrinks back, at the server's next cron,
which `hz 100` makes quick; DEBUG HTSTATS tells when). SCAN then returns some of the
lasting keys twice — the tests check it did — and the scanners, the namespace tree and
analyze must still count each of them exactly once.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis

from redis_tui.core.connection import make_client
from redis_tui.core.keyspace.analyze import AnalyzeOptions, Analyzer
from redis_tui.core.keyspace.namespace import NamespaceScan
from redis_tui.core.keyspace.scan import KeyScanner
from redis_tui.core.keyspace.values import inspect_key, open_reader
from redis_tui.core.target import Target
from redis_tui.demo.server import EmbeddedServer, available_kinds

pytestmark = pytest.mark.integration

LASTING = 300  # keys present for the whole scan: "stay:0" … "stay:299"
CHURN = 5000  # keys added and deleted between steps: "temp:0" … (the table grows 16x, then shrinks back)
DELETE = "for i = 0, tonumber(ARGV[1]) - 1 do redis.call('DEL', 'temp:' .. i) end return 1"


class Churn:
    """Grows and shrinks the server's main table between scan steps (a plain client)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sync = redis.Redis(port=port)
        self.sync.execute_command("DEBUG", "POPULATE", LASTING, "stay")
        self.big = False
        self.steps = 0
        self.cycles = 0

    def sizes(self) -> list[int]:
        """The main table's size(s): two while it is being rehashed."""
        text = self.sync.execute_command("DEBUG", "HTSTATS", 0).decode()
        main = text.split("[Expires")[0]
        sizes = [int(size) for size in re.findall(r"table size: (\d+)", main)]
        rehashing = re.search(r"rehashing index: (-?\d+)", main)
        return sizes + [0] if rehashing and rehashing.group(1) != "-1" else sizes

    def wait(self, settled) -> None:
        deadline = time.monotonic() + 5
        while not settled(self.sizes()):
            assert time.monotonic() < deadline, f"the table did not resize: {self.sizes()}"
            time.sleep(0.002)

    def after_step(self) -> None:
        """Between two SCAN steps: shrink if the table is big, else every other step grow it."""
        self.steps += 1
        if self.big:
            self.sync.eval(DELETE, 0, CHURN)
            self.wait(lambda sizes: len(sizes) == 1 and sizes[0] <= 16 * LASTING)
            self.big = False
        elif self.steps % 2 == 0:
            self.sync.execute_command("DEBUG", "POPULATE", CHURN, "temp")
            self.wait(lambda sizes: len(sizes) == 1 and sizes[0] >= CHURN)
            self.big = True
            self.cycles += 1

    def finish(self) -> None:
        if self.big:
            self.sync.eval(DELETE, 0, CHURN)
        self.sync.close()


@pytest.fixture
def churn(server_factory) -> Iterator[Churn]:
    made = Churn(server_factory(config={"hz": "100"}).port)
    yield made
    made.finish()


def lasting(counts: Counter) -> Counter:
    return Counter({key: n for key, n in counts.items() if key.startswith(b"stay:")})


async def test_each_lasting_key_once_while_the_table_resizes(churn):
    client = make_client(Target(host="127.0.0.1", port=churn.port))
    for _attempt in range(5):  # SCAN returns repeats only now and then: scan until it did
        returned: Counter = Counter()
        scanner = KeyScanner(client, count=10, page_size=1)
        while not scanner.done:
            returned.update(await scanner.step())
            churn.after_step()
        assert lasting(returned) == Counter({b"stay:%d" % n: 1 for n in range(LASTING)})
        assert max(returned.values()) == 1
        assert scanner.seen is None  # done: what it remembered is freed
        if scanner.duplicates:
            break
    assert scanner.duplicates > 0, "SCAN never returned a key twice: the test proved nothing"
    assert churn.cycles > 5
    await client.aclose()


async def test_tree_counts_exactly_while_the_table_resizes(churn):
    client = make_client(Target(host="127.0.0.1", port=churn.port))
    for _attempt in range(5):
        scan = NamespaceScan(client, count=10, page_size=1, time_budget=0.0)
        while not scan.done:
            await scan.next_page()
            churn.after_step()
        assert scan.tree.branch(b"stay:").keys == LASTING
        assert scan.tree.total_keys == scan.scanner.returned  # what was counted is what was listed
        if scan.scanner.duplicates:
            break
    assert scan.scanner.duplicates > 0, "SCAN never returned a key twice: the test proved nothing"
    await client.aclose()


async def test_analyze_counts_exactly_while_the_table_resizes(churn):
    client = make_client(Target(host="127.0.0.1", port=churn.port))
    for _attempt in range(5):
        # two slices of the cursor space share one SeenKeys; the callback runs between steps
        analyzer = Analyzer(client, AnalyzeOptions(batch=10, parallel=2))
        report = await analyzer.run(progress=lambda _progress: churn.after_step(), every=0.0)
        stay = next(branch for branch in report.namespaces if branch.prefix == b"stay:")
        assert stay.keys == LASTING and report.complete
        assert report.keys_scanned == sum(total.keys for total in report.by_type)
        if report.duplicates:
            break
    assert report.duplicates > 0, "SCAN never returned a key twice: the test proved nothing"
    await client.aclose()



# --- big collections: every viewer pages, the ends are one command away -------------------

BUILD = r"""
local kind, key, n = ARGV[1], KEYS[1], tonumber(ARGV[2])
for first = 1, n, 1000 do
  local last, args = math.min(n, first + 999), {}
  if kind == 'list' then
    for i = first, last do args[#args + 1] = 'item:' .. i end
    redis.call('RPUSH', key, unpack(args))
  elseif kind == 'hash' then
    for i = first, last do args[#args + 1] = 'f:' .. i; args[#args + 1] = i end
    redis.call('HSET', key, unpack(args))
  elseif kind == 'set' then
    for i = first, last do args[#args + 1] = 'm:' .. i end
    redis.call('SADD', key, unpack(args))
  elseif kind == 'zset' then
    for i = first, last do args[#args + 1] = i; args[#args + 1] = 'm:' .. i end
    redis.call('ZADD', key, unpack(args))
  else
    for i = first, last do redis.call('XADD', key, i .. '-1', 'n', i) end
  end
end
return n
"""
SIZES = {"list": 1_000_000, "zset": 100_000, "stream": 100_000, "hash": 50_000, "set": 50_000}
PAGE = 500


@pytest.fixture(scope="module")
def collections() -> Iterator[redis.Redis]:
    """One server (the first kind available: the paging is the client's) holding a list of a
    million elements, a sorted set and a stream of 100,000, a hash and a set of 50,000, built by Lua."""
    server = EmbeddedServer(available_kinds()[0]).start()
    r = redis.Redis(port=server.port)
    for kind, size in SIZES.items():
        r.eval(BUILD, 1, b"big:" + kind.encode(), kind, size)
    yield r
    r.close()
    server.close()


def calls(r: redis.Redis) -> Counter:
    """Calls per command since the last CONFIG RESETSTAT (``lrange``, ``memory|usage``)."""
    return Counter({name.removeprefix("cmdstat_"): stats["calls"] for name, stats in r.info("commandstats").items()})


@pytest.mark.parametrize("kind", ["list", "zset", "stream"])
async def test_a_big_collection_opens_ends_and_goes_back_in_a_few_commands(collections, kind):
    r, key, size = collections, b"big:" + kind.encode(), SIZES[kind]
    client = make_client(Target(host="127.0.0.1", port=r.connection_pool.connection_kwargs["port"]))
    r.config_resetstat()
    info = await inspect_key(client, key)
    assert info.length == size  # LLEN / ZCARD / XLEN, never a read
    reader = open_reader(client, key, kind, page_size=PAGE)
    first = await reader.next_page()
    last = await reader.last_page()
    before = await reader.previous_page()
    sent = calls(r)
    if kind == "list":
        assert [e.value for e in first.elements] == r.lrange(key, 0, PAGE - 1)
        assert [e.value for e in last.elements] == r.lrange(key, -PAGE, -1)
        assert [e.value for e in before.elements] == r.lrange(key, -2 * PAGE, -PAGE - 1)
        assert sent["lrange"] == 3
    elif kind == "zset":
        assert [(e.value, float(e.score)) for e in last.elements] == r.zrange(key, -PAGE, -1, withscores=True)
        assert [e.value for e in before.elements] == r.zrange(key, -2 * PAGE, -PAGE - 1)
        assert sent["zrange"] == 3
    else:
        assert [e.name for e in last.elements] == [entry_id for entry_id, _ in r.xrevrange(key, count=PAGE)][::-1]
        assert last.elements[-1].name == b"%d-1" % size
        assert before.elements[-1].name == b"%d-1" % (size - PAGE) and len(before.elements) == PAGE
        assert sent["xrange"] == 1 and sent["xrevrange"] == 2
    if kind != "stream":  # positions: what the viewer numbers its rows by
        assert [e.index for e in last.elements] == list(range(size - PAGE, size))
        assert before.elements[0].index == size - 2 * PAGE
    assert last.done and not last.at_start and not before.at_start
    assert sum(sent.values()) <= 12  # nothing walked it: the pages, inspect_key (5), CLIENT SETNAME, RESETSTAT
    reader.forward_to(before.elements[-1])  # a viewer that dropped the last page reads it again
    assert [e.value or e.name for e in (await reader.next_page()).elements] == [e.value or e.name for e in
                                                                                 last.elements]
    await client.aclose()


@pytest.mark.parametrize("kind", ["hash", "set"])
async def test_a_big_hash_or_set_pages_to_the_end_each_element_once(collections, kind):
    r, key, size = collections, b"big:" + kind.encode(), SIZES[kind]
    client = make_client(Target(host="127.0.0.1", port=r.connection_pool.connection_kwargs["port"]))
    reader = open_reader(client, key, kind, page_size=10_000)
    names: set[bytes] = set()
    count = 0
    while not reader.done:
        page = await reader.next_page()
        count += len(page.elements)
        names.update(e.name if kind == "hash" else e.value for e in page.elements)
    assert count == len(names) == size == (r.hlen(key) if kind == "hash" else r.scard(key))
    # what it keeps to drop HSCAN's repeats: ~10 bytes an element, past 2,048 empty partitions (~150 KB)
    assert reader.seen.nbytes < 10 * size + 160_000
    await client.aclose()
