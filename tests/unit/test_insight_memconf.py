"""core/insight memory, config and pubsub: replies folded into what the screens show, odd replies never raising,
secrets masked before they are kept."""

from __future__ import annotations

import pytest

from redis_tui.core.insight.config import (
    SECRET_EMPTY,
    SECRET_SET,
    ConfigWatch,
    filtered,
    parse_config,
    refuse_set,
)
from redis_tui.core.insight.memory import breakdown, consumers, doctor_text, parse_memory_stats, waste
from redis_tui.core.insight.pubsub import (
    Channel,
    PubSubReading,
    channel_names,
    fold,
    is_slow,
    numsub_pairs,
    pubsub_soft_limit,
    subscribers,
)
from redis_tui.core.models import ClientRow

ODD = [None, 3, b"", "x", [b"a"], {b"a": [b"b", [b"c"]]}, [[b"a", b"b"]], object()]

STATS = [b"peak.allocated", 2_000_000, b"total.allocated", 1_000_000, b"startup.allocated", 100_000,
         b"replication.backlog", 50_000, b"clients.slaves", 0, b"clients.normal", 200_000, b"aof.buffer", 0,
         b"lua.caches", 10_000, b"functions.caches", 0, b"overhead.total", 400_000, b"keys.count", 1000,
         b"keys.bytes-per-key", 900, b"dataset.bytes", 600_000,
         b"db.0", [b"overhead.hashtable.main", 30_000, b"overhead.hashtable.expires", 10_000],
         b"allocator-fragmentation.bytes", 120_000, b"rss-overhead.bytes", 80_000, b"fragmentation", b"1.35",
         b"dataset.percentage", b"66.6"]


def test_memory_stats_parts_are_shares_of_used_memory():
    stats = parse_memory_stats(STATS)
    assert stats.used == 1_000_000 and stats.keys == 1000 and stats.bytes_per_key == 900
    assert stats.fragmentation == pytest.approx(1.35)
    parts = {p.label: (p.bytes, p.share) for p in breakdown(stats)}
    assert parts["dataset (keys and values)"] == (600_000, 0.6)
    assert parts["clients: normal"] == (200_000, 0.2)
    assert parts["keyspace hash tables"] == (40_000, 0.04)  # db.0's nested overheads summed
    assert "clients: replicas" not in parts and "AOF buffer" not in parts  # zero parts left out
    assert [p.label for p in breakdown(stats)][:3] == ["dataset (keys and values)", "clients: normal",
                                                        "startup (the server itself)"]
    assert {p.label: p.share for p in waste(stats)} == {"allocator fragmentation": 0.12, "RSS overhead": 0.08}


def test_memory_odd_replies_give_nothing_and_never_raise():
    for reply in ODD:
        stats = parse_memory_stats(reply)
        breakdown(stats), waste(stats), doctor_text(reply)
    assert breakdown(parse_memory_stats({b"total.allocated": b"x"})) == []
    assert parse_memory_stats({"total.allocated": 10, "dataset.bytes": 4}).used == 10  # RESP3-style dict
    deep = [b"a", [b"b", [b"c", [b"d", [b"e", [b"f", [b"g", 1]]]]]]]
    assert parse_memory_stats(deep).fields == {}  # nesting beyond a few levels is ignored, not recursed forever


def row(cid: int, omem: int = 0, tot: int = 0, flags: str = "N", cmd: str = "get") -> ClientRow:
    return ClientRow(id=cid, addr=f"10.0.0.{cid}:1", omem=omem, tot_mem=tot, flags=flags, cmd=cmd)


def test_top_consumers_by_total_memory():
    clients = [row(1, tot=10), row(2, omem=5, tot=500), row(3, tot=90)]
    assert [c.id for c in consumers(clients, limit=2)] == [2, 3]
    assert consumers(None) == [] and consumers([]) == []


def test_config_secrets_are_masked_before_they_are_kept():
    values = parse_config([b"requirepass", b"hunter2", b"masterauth", b"", b"tls-key-file-pass", b"x",
                           b"MaxMemory", b"100", b"odd", [b"nested"], b"lone"])
    assert values == {"masterauth": SECRET_EMPTY, "maxmemory": "100", "requirepass": SECRET_SET,
                      "tls-key-file-pass": SECRET_SET}
    assert "hunter2" not in repr(values)
    assert refuse_set("requirepass") and refuse_set("masteruser-auth") and refuse_set("maxmemory") is None
    for reply in ODD:
        parse_config(reply)


def test_config_watch_highlights_what_changed_since_the_first_read():
    watch = ConfigWatch()
    assert watch.update({"maxmemory": "2gb", "hz": "10"}, at=1.0) == []
    new = watch.update({"maxmemory": "1gb", "hz": "10", "added": "x"}, at=2.0)
    assert [(c.name, c.first, c.now) for c in new] == [("maxmemory", "2gb", "1gb"), ("added", None, "x")]
    assert watch.changes["maxmemory"].at == 2.0 and watch.changes["added"].first is None
    watch.update({"maxmemory": "3gb", "hz": "10", "added": "x"}, at=3.0)
    assert (watch.changes["maxmemory"].first, watch.changes["maxmemory"].now) == ("2gb", "3gb")
    watch.update({"maxmemory": "2gb", "hz": "10", "added": "x"}, at=4.0)
    assert "maxmemory" not in watch.changes  # back to what it was


def test_config_filter_by_name_or_value():
    values = {"maxmemory": "100mb", "hz": "10", "dir": "/var/lib/redis"}
    assert list(filtered(values, "MEM")) == ["maxmemory"]
    assert list(filtered(values, "lib")) == ["dir"]
    assert list(filtered(values, " ")) == list(values)


def test_pubsub_replies_and_the_fold_over_nodes():
    assert numsub_pairs([b"a", 2, b"b", b"3", b"c"]) == {b"a": 2, b"b": 3}
    assert numsub_pairs({"a": -1}) == {b"a": 0}
    assert channel_names([b"z", b"a", b"m"], cap=2) == ([b"a", b"m"], True)
    for reply in ODD:
        numsub_pairs(reply), channel_names(reply)
    total = fold({
        "n1:1": PubSubReading((Channel(b"news", 2), Channel(b"o{1}", 1, shard=True)), patterns=1),
        "n2:2": PubSubReading((Channel(b"news", 3),), patterns=2, truncated=True),
    })
    assert [(c.name, c.subscribers, c.shard, c.nodes) for c in total.channels] == [
        (b"news", 5, False, ("n1:1", "n2:2")), (b"o{1}", 1, True, ("n1:1",))]
    assert total.patterns == 3 and total.truncated


def test_subscribers_and_slow_ones():
    clients = [row(1, omem=10, flags="P", cmd="subscribe"), row(2, omem=0), row(3, omem=5_000_000, flags="P"),
               row(4, cmd="ssubscribe")]
    assert [c.id for c in subscribers(clients)] == [3, 1, 4]
    assert [c.id for c in subscribers(clients) if is_slow(c)] == [3]
    assert pubsub_soft_limit({"client-output-buffer-limit": "normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60"}
                             ) == 8 * 1024 * 1024
    assert pubsub_soft_limit({"client-output-buffer-limit": "pubsub 0 0 0"}) is None
    assert pubsub_soft_limit({}) is None and pubsub_soft_limit({"client-output-buffer-limit": "pubsub x"}) is None
