from hypothesis import given, settings
from hypothesis import strategies as st

from redis_tui.core.parse import (
    client_list_parts,
    clients_from,
    commands_from,
    keyspace_from,
    memory_from,
    parse_client_list,
    parse_config_reply,
    parse_info,
    server_from,
    text_or_none,
    to_float,
    to_int,
)

INFO = b"""# Server\r
redis_version:7.2.4\r
redis_mode:standalone\r
uptime_in_seconds:3600\r
run_id:abc\r
\r
# Clients\r
connected_clients:7\r
blocked_clients:2\r
maxclients:10000\r
\r
# Memory\r
used_memory:1048576\r
used_memory_rss:2097152\r
used_memory_peak:1572864\r
maxmemory:4194304\r
maxmemory_policy:allkeys-lru\r
mem_fragmentation_ratio:2.00\r
\r
# Stats\r
evicted_keys:12\r
rejected_connections:3\r
\r
# Commandstats\r
cmdstat_get:calls=10,usec=25,usec_per_call=2.50,rejected_calls=0,failed_calls=1\r
cmdstat_client|list:calls=2,usec=40,usec_per_call=20.00\r
\r
# Keyspace\r
db0:keys=100,expires=10,avg_ttl=5000\r
db3:keys=5,expires=0,avg_ttl=0,subexpiry=0\r
"""


def test_info_sections_and_models():
    info = parse_info(INFO)
    assert info["server"]["redis_version"] == "7.2.4"
    server = server_from(info)
    assert (server.kind, server.version, server.uptime_s) == ("redis", "7.2.4", 3600)
    memory = memory_from(info)
    assert (memory.used, memory.maxmemory, memory.policy, memory.fragmentation, memory.evicted_keys) == (
        1048576, 4194304, "allkeys-lru", 2.0, 12)
    assert memory.limit_ratio == 0.25
    clients = clients_from(info)
    assert (clients.connected, clients.blocked, clients.maxclients, clients.rejected) == (7, 2, 10000, 3)
    assert [(d.db, d.keys, d.expires, d.avg_ttl_ms) for d in keyspace_from(info)] == [(0, 100, 10, 5000), (3, 5, 0, 0)]
    stats = {c.name: c for c in commands_from(info)}
    assert stats["get"].calls == 10 and stats["get"].failed == 1 and stats["client|list"].usec == 40


def test_valkey_is_recognised():
    info = parse_info("# Server\nredis_version:7.2.4\nserver_name:valkey\nvalkey_version:9.1.2\n")
    assert server_from(info).label == "Valkey 9.1.2"


def test_config_fills_gaps_of_old_servers():
    info = parse_info("# Memory\nused_memory:10\n# Clients\nconnected_clients:1\n")
    assert memory_from(info, {"maxmemory": "100", "maxmemory-policy": "volatile-lru"}).policy == "volatile-lru"
    assert clients_from(info, {"maxclients": "50"}).maxclients == 50


def test_client_list():
    rows = parse_client_list(
        b"id=3 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=worker age=10 idle=2 flags=N db=1 "
        b"omem=4096 tot-mem=22000 cmd=client|list user=default\n"
        b"id=4 addr=[::1]:6001 name= age=1 idle=0 db=0 cmd=NULL\n"
        b"garbage line without id\n"
    )
    assert [(r.id, r.addr, r.name, r.age_s, r.idle_s, r.db, r.omem, r.cmd) for r in rows] == [
        (3, "127.0.0.1:5000", "worker", 10, 2, 1, 4096, "client|list"),
        (4, "[::1]:6001", "", 1, 0, 0, 0, "NULL"),
    ]
    assert rows[0].user == "default" and rows[0].tot_mem == 22000 and rows[0].flags == "N"


# CLIENT LIST lines as each server writes them (fields between the ones we read differ)
LINES = {
    "redis 6.0": "id=7 addr=10.0.0.1:5000 fd=8 name=api-1 age=10 idle=2 flags=N db=0 sub=0 psub=0 multi=-1 "
                 "qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=get user=default",
    "redis 6.2": "id=7 addr=10.0.0.1:5000 laddr=10.0.0.2:6379 fd=8 name=api-1 age=10 idle=2 flags=N db=0 sub=0 "
                 "psub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 obl=0 oll=0 omem=0 tot-mem=20504 events=r cmd=get "
                 "user=default redir=-1",
    "redis 7.0": "id=7 addr=10.0.0.1:5000 laddr=10.0.0.2:6379 fd=8 name=api-1 age=10 idle=2 flags=N db=0 sub=0 "
                 "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 "
                 "omem=0 tot-mem=1928 events=r cmd=get user=default redir=-1 resp=2",
    "redis 8": "id=7 addr=10.0.0.1:5000 laddr=10.0.0.2:6379 fd=8 name=api-1 age=10 idle=2 flags=N db=0 sub=0 "
               "psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 "
               "oll=0 omem=0 tot-mem=1928 events=r cmd=get user=default redir=-1 resp=2 lib-name=redis-py "
               "lib-ver=5.0 io-thread=0 tot-net-in=10 tot-net-out=20 tot-cmds=1",
    "valkey 9": "id=7 addr=10.0.0.1:5000 laddr=10.0.0.2:6379 fd=8 name=api-1 age=10 idle=2 flags=N capa= db=0 "
                "sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16392 "
                "rbp=16392 obl=0 oll=0 omem=0 tot-mem=17002 events=r cmd=get user=default redir=-1 resp=2 "
                "lib-name= lib-ver= tot-net-in=26 tot-net-out=0 tot-cmds=0",
}


def test_client_list_of_every_server_version():
    for version, line in LINES.items():
        many = "\n".join(line.replace("id=7 ", f"id={n} ").replace("api-1", f"api-{n}") for n in range(3000))
        rows = parse_client_list(many.encode() + b"\n")
        assert len(rows) == 3000, version
        assert (rows[0].addr, rows[0].name, rows[0].age_s, rows[0].idle_s, rows[0].cmd, rows[0].user) == (
            "10.0.0.1:5000", "api-0", 10, 2, "get", "default"), version
        assert [r.id for r in rows] == list(range(3000)) and rows[-1].name == "api-2999"


def test_the_fast_path_agrees_with_the_lenient_parser():
    # each odd line sends its chunk through the lenient parser: the rows must be the same either way
    plain = "\n".join(LINES["redis 7.0"].replace("id=7 ", f"id={n} ") for n in range(2000))
    odd = plain.replace("id=1500 addr=10.0.0.1:5000 laddr=10.0.0.2:6379 fd=8 name=api-1",
                        "id=1500 fd=8 name=api-id=1 addr=10.0.0.1:5000", 1)  # fields out of order, "id=" in a name
    fast, slow = parse_client_list(plain), parse_client_list(odd)
    assert len(fast) == len(slow) == 2000
    assert [r for r in fast if r.id != 1500] == [r for r in slow if r.id != 1500]
    assert [(r.addr, r.name, r.cmd) for r in slow if r.id == 1500] == [("10.0.0.1:5000", "api-id=1", "get")]


def test_repeated_strings_share_one_object():
    rows = parse_client_list("\n".join(LINES["redis 7.0"].replace("id=7 ", f"id={n} ") for n in range(50)))
    assert len({id(r.name) for r in rows}) == 1 and len({id(r.cmd) for r in rows}) == 1
    assert len({id(r.user) for r in rows}) == 1


def test_client_list_parts_come_a_chunk_at_a_time():
    data = "\n".join(LINES["redis 7.0"].replace("id=7 ", f"id={n} ") for n in range(3000)).encode()
    parts = list(client_list_parts(data, chunk=16 * 1024))
    assert len(parts) >= len(data) // (16 * 1024) > 10
    assert [r.id for part in parts for r in part] == list(range(3000))


def test_client_list_hostile_bytes():
    rows = parse_client_list(b"id=1 addr=1.2.3.4:5 fd=8 name=\xff\xfe\x1b[2J age=1 idle=1 flags=N db=0 omem=0 "
                             b"tot-mem=1 events=r cmd=get user=\xc3\xa9\n"
                             b"id=99999999999999999999999 addr=x\nid=-1 addr=y\nid=2 addr=z age=-5 idle=x\n")
    assert [(r.id, r.name, r.user) for r in rows[:1]] == [(1, "\ufffd\ufffd\x1b[2J", "é")]
    assert rows[-1].id == 2 and rows[-1].age_s == 0 and rows[-1].idle_s == 0


def test_numbers_are_lenient():
    assert to_int("12") == 12 and to_int("1.5e3") == 1500 and to_int("x", 7) == 7 and to_int("nan", 0) == 0
    assert to_float("inf") is None and to_float("2.5") == 2.5


def test_numbers_from_replies_that_are_not_numbers():
    # a pipeline with raise_on_error=False hands back Exception objects in place of replies
    refused = ValueError("12")
    assert to_int(refused, None) is None and to_int(refused) == 0 and to_float(refused) is None
    assert to_int(float("inf"), None) is None and to_int(float("nan"), 5) == 5 and to_int(b"7") == 7
    assert to_int(None, None) is None and to_int(3.9) == 3 and to_int(10**400) == 10**400
    assert text_or_none(refused) is None and text_or_none(None) is None and text_or_none(12) is None
    assert text_or_none(b"hash") == "hash" and text_or_none("zset") == "zset"


def test_config_reply_forms():
    assert parse_config_reply([b"maxmemory", b"0", b"save", b""]) == {"maxmemory": "0", "save": ""}
    assert parse_config_reply({b"MaxMemory": b"1"}) == {"maxmemory": "1"}
    assert parse_config_reply(None) == {}


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_info_parsers_never_raise(data):
    info = parse_info(data)
    server_from(info), memory_from(info), clients_from(info), keyspace_from(info), commands_from(info)


INFO_LINE = st.builds(
    lambda k, v: f"{k}:{v}",
    st.sampled_from(["used_memory", "maxmemory", "connected_clients", "db0", "db1x", "cmdstat_get", "redis_version",
                     "mem_fragmentation_ratio", "uptime_in_seconds", "maxclients", "valkey_version", "role"]),
    st.one_of(st.text(max_size=40), st.integers().map(str), st.floats().map(str),
              st.just("keys=1,expires=x,avg_ttl=-5"), st.just("calls=,usec=1e999")),
)


@settings(max_examples=300)
@given(st.lists(st.one_of(INFO_LINE, st.sampled_from(["# Server", "# Memory", "# Keyspace", "# Commandstats",
                                                     "# Clients", "# Replication", "#", ""])), max_size=40))
def test_info_models_survive_hostile_field_values(lines):
    info = parse_info("\r\n".join(lines))
    memory = memory_from(info)
    assert memory.used >= 0 and memory.maxmemory >= 0
    assert all(d.keys >= 0 for d in keyspace_from(info))
    server_from(info), clients_from(info), commands_from(info)


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_client_list_never_raises(data):
    for row in parse_client_list(data):
        assert row.id >= 0
