"""What MONITOR needs to know about commands: where the first key is, and a family to color by.

Built from the server's own ``COMMAND`` reply when it can be read (name, first-key index,
ACL categories, subcommands); otherwise from a small built-in table (first key at 1 for
every command except the known keyless ones and containers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MOVABLE = -1  # the first key's place depends on the arguments (EVAL, XREAD, ZUNION, ...)

# name → where the number of keys is (the first key follows it), for movable-key commands
_NUMKEYS_AT = {
    b"eval": 2, b"evalsha": 2, b"eval_ro": 2, b"evalsha_ro": 2, b"fcall": 2, b"fcall_ro": 2,
    b"zunion": 1, b"zinter": 1, b"zdiff": 1, b"sintercard": 1, b"zintercard": 1,
    b"lmpop": 1, b"zmpop": 1, b"blmpop": 2, b"bzmpop": 2,
}
_AFTER_STREAMS = (b"xread", b"xreadgroup")

# families to color by, in priority order: the first ACL category a command has wins
FAMILIES = (
    ("scripting", b"@scripting"), ("pubsub", b"@pubsub"), ("transaction", b"@transaction"),
    ("admin", b"@admin"), ("admin", b"@dangerous"), ("connection", b"@connection"),
    ("stream", b"@stream"), ("string", b"@string"), ("hash", b"@hash"), ("list", b"@list"),
    ("set", b"@set"), ("sortedset", b"@sortedset"), ("bitmap", b"@bitmap"),
    ("hyperloglog", b"@hyperloglog"), ("geo", b"@geo"), ("keyspace", b"@keyspace"),
)

_KEYLESS = (
    b"ping echo info select auth hello quit reset multi exec discard watch unwatch dbsize "
    b"flushall flushdb time lastsave save bgsave bgrewriteaof shutdown monitor sync psync "
    b"replicaof slaveof role failover swapdb randomkey scan keys publish spublish subscribe "
    b"ssubscribe psubscribe unsubscribe sunsubscribe punsubscribe readonly readwrite wait "
    b"waitaof asking lolwut"
).split()
_CONTAINERS = {
    b"object": 2, b"memory": 2, b"xinfo": 2, b"xgroup": 2,  # subcommand, then the key
    b"client": 0, b"config": 0, b"cluster": 0, b"command": 0, b"function": 0, b"script": 0,
    b"acl": 0, b"debug": 0, b"latency": 0, b"module": 0, b"pubsub": 0, b"slowlog": 0,
}

# Every command name of Redis 2.6 to 8.x and Valkey 7 to 9 (for checking a user's command
# filter before any server is asked; a connected server's own COMMAND reply adds its modules').
_KNOWN_NAMES = (
    "ACL APPEND ASKING AUTH BGREWRITEAOF BGSAVE BITCOUNT BITFIELD BITFIELD_RO BITOP BITPOS BLMOVE BLMPOP "
    "BLPOP BRPOP BRPOPLPUSH BZMPOP BZPOPMAX BZPOPMIN CLIENT CLUSTER CLUSTERSCAN COMMAND COMMANDLOG CONFIG COPY "
    "DBSIZE DEBUG DECR DECRBY DEL DELEX DELIFEQ DIGEST DISCARD DUMP ECHO EVAL EVALSHA EVALSHA_RO EVAL_RO EXEC "
    "EXISTS EXPIRE EXPIREAT EXPIRETIME FAILOVER FCALL FCALL_RO FLUSHALL FLUSHDB FUNCTION GEOADD GEODIST "
    "GEOHASH GEOPOS GEORADIUS GEORADIUSBYMEMBER GEORADIUSBYMEMBER_RO GEORADIUS_RO GEOSEARCH GEOSEARCHSTORE GET "
    "GETBIT GETDEL GETEX GETRANGE GETSET HDEL HELLO HEXISTS HEXPIRE HEXPIREAT HEXPIRETIME HGET HGETALL HGETDEL "
    "HGETEX HINCRBY HINCRBYFLOAT HKEYS HLEN HMGET HMSET HPERSIST HPEXPIRE HPEXPIREAT HPEXPIRETIME HPTTL "
    "HRANDFIELD HSCAN HSET HSETEX HSETNX HSTRLEN HTTL HVALS INCR INCRBY INCRBYFLOAT INFO KEYS LASTSAVE LATENCY "
    "LCS LINDEX LINSERT LLEN LMOVE LMPOP LOLWUT LPOP LPOS LPUSH LPUSHX LRANGE LREM LSET LTRIM MEMORY MGET "
    "MIGRATE MODULE MONITOR MOVE MSET MSETEX MSETNX MULTI OBJECT PERSIST PEXPIRE PEXPIREAT PEXPIRETIME PFADD "
    "PFCOUNT PFDEBUG PFMERGE PFSELFTEST PING PSETEX PSUBSCRIBE PSYNC PTTL PUBLISH PUBSUB PUNSUBSCRIBE QUIT "
    "RANDOMKEY READONLY READWRITE RENAME RENAMENX REPLCONF REPLICAOF RESET RESTORE RESTORE-ASKING ROLE RPOP "
    "RPOPLPUSH RPUSH RPUSHX SADD SAVE SCAN SCARD SCRIPT SDIFF SDIFFSTORE SELECT SET SETBIT SETEX SETNX "
    "SETRANGE SHUTDOWN SINTER SINTERCARD SINTERSTORE SISMEMBER SLAVEOF SLOWLOG SMEMBERS SMISMEMBER SMOVE SORT "
    "SORT_RO SPOP SPUBLISH SRANDMEMBER SREM SSCAN SSUBSCRIBE STRLEN SUBSCRIBE SUBSTR SUNION SUNIONSTORE "
    "SUNSUBSCRIBE SWAPDB SYNC TIME TOUCH TTL TYPE UNLINK UNSUBSCRIBE UNWATCH VADD VCARD VDIM VEMB VGETATTR "
    "VINFO VISMEMBER VLINKS VRANDMEMBER VREM VSETATTR VSIM WAIT WAITAOF WATCH XACK XACKDEL XADD XAUTOCLAIM "
    "XCLAIM XDEL XDELEX XGROUP XINFO XLEN XPENDING XRANGE XREAD XREADGROUP XREVRANGE XSETID XTRIM ZADD ZCARD "
    "ZCOUNT ZDIFF ZDIFFSTORE ZINCRBY ZINTER ZINTERCARD ZINTERSTORE ZLEXCOUNT ZMPOP ZMSCORE ZPOPMAX ZPOPMIN "
    "ZRANDMEMBER ZRANGE ZRANGEBYLEX ZRANGEBYSCORE ZRANGESTORE ZRANK ZREM ZREMRANGEBYLEX ZREMRANGEBYRANK "
    "ZREMRANGEBYSCORE ZREVRANGE ZREVRANGEBYLEX ZREVRANGEBYSCORE ZREVRANK ZSCAN ZSCORE ZUNION ZUNIONSTORE"
)
_KNOWN_CONTAINER_NAMES = (
    "ACL CLIENT CLUSTER COMMAND COMMANDLOG CONFIG FUNCTION LATENCY MEMORY MODULE OBJECT PUBSUB SCRIPT SLOWLOG "
    "XGROUP XINFO")
KNOWN_COMMANDS = frozenset(_KNOWN_NAMES.split())
KNOWN_CONTAINERS = frozenset(_KNOWN_CONTAINER_NAMES.split())
_MODULE_COMMAND = re.compile(r"[A-Z][A-Z0-9_-]*\.[A-Z0-9_.-]+")  # JSON.GET, FT.SEARCH, TS.ADD, ...
_SUBCOMMAND = re.compile(r"[A-Z][A-Z0-9_-]*")


def unknown_commands(names: Iterable[str], table: CommandTable | None = None) -> list[str]:
    """The entries of a command filter (``GET``, ``CONFIG GET``, upper case) that are not commands.

    Known: Redis and Valkey commands, module commands (``JSON.GET``), and whatever `table`
    (a connected server's COMMAND reply) lists; a subcommand only after a container
    (``CONFIG GET``, not ``GET X``).
    """
    bad = []
    for name in names:
        words = name.split()
        first = words[0] if words else ""
        container = first in KNOWN_CONTAINERS
        known = first in KNOWN_COMMANDS or bool(_MODULE_COMMAND.fullmatch(first))
        if table is not None and table.knows(first):
            known, container = True, container or table.lookup(first.encode()).container
        if not known or len(words) > 2 or (len(words) == 2 and not (container and _SUBCOMMAND.fullmatch(words[1]))):
            bad.append(name)
    return bad


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command (or container|subcommand): display label, first key index, family."""

    label: str
    first_key: int = 1  # 0: no key; MOVABLE: found from the arguments
    family: str = "other"
    write: bool = False
    container: bool = False


class CommandTable:
    """Command name (bytes, any case) → `CommandSpec`, subcommands included."""

    def __init__(self, specs: dict[bytes, CommandSpec], default_first_key: int = 1) -> None:
        self._specs = specs
        self._default_first_key = default_first_key
        self._cache: dict[tuple[bytes, bytes], CommandSpec] = {}

    @classmethod
    def default(cls) -> CommandTable:
        """The built-in table, for servers whose COMMAND cannot be read."""
        specs: dict[bytes, CommandSpec] = {}
        for name in _KEYLESS:
            specs[name] = CommandSpec(name.decode().upper(), 0)
        for name, first in _CONTAINERS.items():
            specs[name] = CommandSpec(name.decode().upper(), 0, container=True)
            specs[name + b"|*"] = CommandSpec("", first)
        for name in (*_NUMKEYS_AT, *_AFTER_STREAMS):
            specs[name] = CommandSpec(name.decode().upper(), MOVABLE)
        return cls(specs)

    @classmethod
    def from_reply(cls, reply: object) -> CommandTable:
        """Build from the raw RESP2 reply of ``COMMAND`` (falls back to the defaults on odd input)."""
        specs: dict[bytes, CommandSpec] = {}
        if not isinstance(reply, list):
            return cls.default()
        for entry in reply:
            _add_entry(specs, entry)
        return cls(specs) if specs else cls.default()

    def knows(self, name: str) -> bool:
        """True when `name` (any case) is a command of this table."""
        return name.lower().encode("utf-8", "replace") in self._specs

    def lookup(self, name: bytes, sub: bytes | None = None) -> CommandSpec:
        """The spec of `name` (with its subcommand `sub` for containers like CONFIG GET)."""
        spec = self._cache.get((name, b""))
        if spec is None:
            spec = self._remember((name, b""), self._resolve(name.lower(), b""))
        if not spec.container or not sub:
            return spec
        child = self._cache.get((name, sub))
        if child is None:
            child = self._remember((name, sub), self._resolve(name.lower(), sub.lower()))
        return child

    def _remember(self, key: tuple[bytes, bytes], spec: CommandSpec) -> CommandSpec:
        if len(self._cache) < 4096:
            self._cache[key] = spec
        return spec

    def _resolve(self, name: bytes, sub: bytes) -> CommandSpec:
        spec = self._specs.get(name)
        if spec is None:
            return CommandSpec(name.decode("ascii", "replace").upper(), self._default_first_key)
        if not spec.container or not sub:
            return spec
        child = self._specs.get(name + b"|" + sub) or self._specs.get(name + b"|*")
        label = f"{spec.label} {sub.decode('ascii', 'replace').upper()}"
        if child is None:
            return CommandSpec(label, 0, spec.family, spec.write)
        family = child.family if child.family != "other" else spec.family
        return CommandSpec(label, child.first_key, family, child.write)

    def first_key(self, args: Sequence[bytes]) -> bytes | None:
        """The first key argument of a whole command line, or None when it names no key."""
        if not args:
            return None
        spec = self.lookup(args[0], args[1] if len(args) > 1 else None)
        return key_of(spec, args)


def key_of(spec: CommandSpec, args: Sequence[bytes]) -> bytes | None:
    """The first key in `args` according to `spec`."""
    if spec.first_key > 0:
        return args[spec.first_key] if len(args) > spec.first_key else None
    if spec.first_key == 0:
        return None
    name = args[0].lower()
    if name in _AFTER_STREAMS:
        for index, arg in enumerate(args):
            if arg.upper() == b"STREAMS":
                return args[index + 1] if len(args) > index + 1 else None
        return None
    at = _NUMKEYS_AT.get(name)
    if at is None or len(args) <= at + 1:
        return None
    try:
        count = int(args[at])
    except ValueError:
        return None
    return args[at + 1] if count > 0 else None


def _add_entry(specs: dict[bytes, CommandSpec], entry: object) -> None:
    if not isinstance(entry, list) or len(entry) < 6 or not isinstance(entry[0], bytes):
        return
    name = entry[0].lower()
    flags = [f for f in entry[2] if isinstance(f, bytes)] if isinstance(entry[2], list) else []
    categories = [c for c in entry[6] if isinstance(c, bytes)] if len(entry) > 6 and isinstance(entry[6], list) else []
    subcommands = entry[9] if len(entry) > 9 and isinstance(entry[9], list) else []
    first = entry[3] if isinstance(entry[3], int) else 0
    if first == 0 and (b"movablekeys" in flags or name in _NUMKEYS_AT or name in _AFTER_STREAMS):
        first = MOVABLE
    family = next((fam for fam, cat in FAMILIES if cat in categories), "other")
    label = name.decode("ascii", "replace").upper().replace("|", " ")
    spec = CommandSpec(label, first, family, b"write" in flags, container=bool(subcommands))
    specs[name] = spec
    for sub in subcommands:
        _add_entry(specs, sub)
