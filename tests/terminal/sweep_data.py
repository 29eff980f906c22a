"""What the real-terminal sweep runs against: a keyspace with every type and hostile names,
and a client sending hostile commands in bursts (for MONITOR)."""

from __future__ import annotations

import threading

import redis

CLEAR = b"\x1b[2J[red]"  # clears a terminal that prints it raw; markup for one that parses it
TITLE = b"\x1b]0;pwned\x07"  # sets the window title
BIDI = "evil\u202etxt.exe".encode()
# hostile key names (the keys sweep works on the first one listed: markup that breaks a parser first)
HOSTILE = {b"[/]": "string", CLEAR: "hash", b"[link=https://x]": "list", BIDI: "set", b"bin:\xff\xfe\x80": "zset",
           b"long:" + b"x" * 10240: "stream"}
HOSTILE_NAMES = list(HOSTILE)
MARKUP_NAMES = HOSTILE_NAMES[:3]  # a markup parser raises on these (or eats part of them)
# byte strings from the server that must never reach the terminal as they are
PAYLOADS = [CLEAR, TITLE, "\u202e".encode()]
VALUE = TITLE + CLEAR + b"boom[/] [link=https://x]x[/link] \xff\xfe"
DEL_KEY, TTL_KEY, REN_KEY, TAKEN_KEY = b"tmp:del[/]" + CLEAR, b"tmp:ttl[link=https://x]", b"tmp:ren", b"tmp:taken"
CLIENT_NAME = "[/]traffic[red]"


def fill(r: redis.Redis) -> int:
    """Every type, a big-ish value, binary, hostile names and values; returns the key count."""
    pipe = r.pipeline(transaction=False)
    pipe.set(b"str:plain", b"hello")
    pipe.set(b"str:hostile", VALUE)
    pipe.set(b"str:binary", bytes(range(256)))
    pipe.set(b"str:ttl", b"soon", ex=3600)
    pipe.set(b"big:string", b"0123456789abcdef" * 32768)  # 512 KB
    pipe.hset(b"hash:hostile", mapping={CLEAR: VALUE, b"[/]": b"[link=https://x]", BIDI: b"\xff"})
    pipe.rpush(b"list:hostile", VALUE, CLEAR, b"[/]", *range(2000))
    pipe.sadd(b"set:hostile", VALUE, CLEAR, b"[/]", BIDI)
    pipe.zadd(b"zset:hostile", {VALUE: 1, CLEAR: 2.5, b"[/]": -3})
    pipe.xadd(b"stream:hostile", {CLEAR: VALUE, b"[/]": b"x"})
    pipe.xadd(b"stream:hostile", {b"n": b"2"})
    for name, kind in HOSTILE.items():
        if kind == "string":
            pipe.set(name, VALUE)
        elif kind == "hash":
            pipe.hset(name, CLEAR, VALUE)
        elif kind == "list":
            pipe.rpush(name, VALUE)
        elif kind == "set":
            pipe.sadd(name, VALUE)
        elif kind == "zset":
            pipe.zadd(name, {VALUE: 1})
        else:
            pipe.xadd(name, {CLEAR: VALUE})
    for key in (DEL_KEY, TTL_KEY, REN_KEY, TAKEN_KEY):
        pipe.set(key, b"throwaway " + key)
    pipe.execute()
    return r.dbsize()


class Traffic(threading.Thread):
    """A client with a hostile name sending reads of hostile keys in bursts (for MONITOR)."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.client = redis.Redis(port=port, client_name=CLIENT_NAME)
        self.stopping = threading.Event()
        self.bursts = 0  # each burst ends with ECHO "sweep-N", N counting from 1

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            try:
                pipe = self.client.pipeline(transaction=False)
                for name in HOSTILE_NAMES[:5]:
                    pipe.exists(name)
                pipe.get(b"[/]")
                pipe.hget(b"hash:hostile", CLEAR)
                pipe.echo(VALUE)
                pipe.echo(b"sweep-%d" % (self.bursts + 1))
                pipe.execute(raise_on_error=False)
                self.bursts += 1
            except redis.RedisError:
                pass

    def stop(self) -> None:
        self.stopping.set()
        self.join(5)
        self.client.close()
