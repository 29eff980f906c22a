"""A dataset with every type, TTLs, binary and hostile names and big keys, built by the
tests on their own throwaway server (shared by the keyspace and analyze tests through the
`dataset` fixture of tests/integration/conftest.py)."""

from __future__ import annotations

import redis

from redis_tui.demo.server import EmbeddedServer

HOSTILE = b"\x1b[2J\x1b]8;;http://x\x07[red]boom[/]"
BINARY = b"\xff\xfe"
GLOBBY = b"glob*?[x]\\:k"
BIG_LIST, BIG_STRING, BIG_HASH = b"big:list", b"big:string", b"big:hash"
BIG_LIST_LENGTH, BIG_STRING_SIZE, BIG_HASH_FIELDS = 200_000, 5 * 1024 * 1024, 20_000
TTLS_S = {b"ttl:50s": 50, b"ttl:2h": 7200, b"ttl:3d": 3 * 86400, b"ttl:10d": 10 * 86400, b"ttl:60d": 60 * 86400}


def build(r: redis.Redis) -> dict[bytes, str]:
    """Fill db 0; returns {key: type} of everything written."""
    keys: dict[bytes, str] = {}
    pipe = r.pipeline(transaction=False)
    for i in range(300):
        pipe.set(b"user:%d:name" % i, b"name %d" % i)
        keys[b"user:%d:name" % i] = "string"
    for i in range(100):
        pipe.hset(b"session:%d" % i, mapping={b"user": str(i), b"agent": b"curl"})
        keys[b"session:%d" % i] = "hash"
        if i % 2:
            pipe.expire(b"session:%d" % i, 600)
    for i in range(50):
        pipe.rpush(b"queue:%d" % i, *range(i + 1))
        pipe.sadd(b"tags:%d" % i, *[b"t%d" % n for n in range(i + 1)])
        pipe.zadd(b"rank:%d" % i, {b"m%d" % n: n * 1.5 for n in range(i + 1)})
        pipe.xadd(b"events:%d" % i, {b"n": str(i), b"what": b"x"})
        keys.update({b"queue:%d" % i: "list", b"tags:%d" % i: "set", b"rank:%d" % i: "zset",
                     b"events:%d" % i: "stream"})
    for key, ttl in TTLS_S.items():
        pipe.set(key, b"v", ex=ttl)
        keys[key] = "string"
    pipe.set(HOSTILE, b"\x1b[2J value [bold]x[/]")
    pipe.hset(HOSTILE + b":h", HOSTILE, HOSTILE)
    pipe.sadd(BINARY, b"\x00\xff", HOSTILE)
    pipe.set(b"", b"empty name")
    pipe.set(GLOBBY, b"literal")
    pipe.set(b"a::b", b"empty segment")
    pipe.set(b"\xff:\xfe:deep:er:still", b"deep")
    pipe.set(b"json", b'{"a": [1, 2, {"b": "\\u001b"}]}')
    keys.update({HOSTILE: "string", HOSTILE + b":h": "hash", BINARY: "set", b"": "string", GLOBBY: "string",
                 b"a::b": "string", b"\xff:\xfe:deep:er:still": "string", b"json": "string"})
    pipe.execute()
    for start in range(0, BIG_LIST_LENGTH, 20_000):
        r.rpush(BIG_LIST, *range(start, start + 20_000))
    r.setrange(BIG_STRING, BIG_STRING_SIZE - 1, b"!")  # 5 MB of zero bytes and a "!"
    for start in range(0, BIG_HASH_FIELDS, 5_000):
        r.hset(BIG_HASH, mapping={b"f%d" % n: b"v" * (n % 50) for n in range(start, start + 5_000)})
    keys.update({BIG_LIST: "list", BIG_STRING: "string", BIG_HASH: "hash"})
    return keys


class Dataset:
    """A started server holding the dataset, and what was written to it."""

    def __init__(self, kind: str) -> None:
        self.server = EmbeddedServer(kind, {"enable-debug-command": "local"}).start()
        self.url = self.server.url
        self.sync = redis.Redis(port=self.server.port)
        self.keys = build(self.sync)

    def close(self) -> None:
        self.sync.close()
        self.server.close()
