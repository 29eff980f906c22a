"""The server-side batch script: one SCAN step, answered as one packed blob.

redis-py parses replies in pure Python at a few microseconds per element, which makes a
1M-key SCAN cost ~4 s of client time. The script runs the same SCAN on the server and
packs the keys (and, for `analyze`, TYPE / MEMORY USAGE / length / PTTL of each) into one
bulk string that `struct` unpacks in a fraction of that time.

Read-only: it is sent with EVALSHA_RO / EVAL_RO where the server has them (Redis 7+,
Valkey 7.2+), so replicas and read-only ACLs accept it; older servers get EVALSHA / EVAL.
No SCRIPT LOAD is ever sent: a NOSCRIPT answer is followed by EVAL of the body (which the
server caches, as it does for any script). Servers or users that forbid scripting make
`ScriptRunner.call` raise `ScriptsUnavailable`; callers then fall back to plain commands.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, NamedTuple

import redis.exceptions as rex

from redis_tui.core.connection import Client

SCAN_SCRIPT = r"""
local call = redis.call
local args = {'SCAN', ARGV[1], 'COUNT', ARGV[2]}
if ARGV[3] ~= '' then args[#args + 1] = 'MATCH'; args[#args + 1] = string.sub(ARGV[3], 2) end
if ARGV[4] ~= '' then args[#args + 1] = 'TYPE'; args[#args + 1] = ARGV[4] end
local res = call(unpack(args))
local keys = res[2]
local records, others = {}, {}
if ARGV[5] == '1' then
  -- lengths only for strings of at least ARGV[6] bytes and other types of at least ARGV[7]
  -- bytes (smaller keys cannot enter the client's top lists: a key's element count never
  -- exceeds its bytes); PTTL only if ARGV[8] == '1'
  local CODE = {string = 1, list = 2, set = 3, zset = 4, hash = 5, stream = 6}
  local LEN = {string = 'STRLEN', list = 'LLEN', set = 'SCARD', zset = 'ZCARD', hash = 'HLEN', stream = 'XLEN'}
  local string_threshold, threshold, ttls = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == '1'
  for i = 1, #keys do
    local k = keys[i]
    local t = call('TYPE', k).ok
    local m = call('MEMORY', 'USAGE', k) or -1
    local c = LEN[t]
    local l, p = -1, -1
    if not c then others[#others + 1] = struct.pack('<B', #t) .. t
    elseif m >= (t == 'string' and string_threshold or threshold) then l = call(c, k) end
    if ttls then p = call('PTTL', k) end
    records[i] = struct.pack('<Bi8i8i8I4', CODE[t] or 0, m, l, p, #k)
  end
else
  local lengths = {}
  for i = 1, #keys do lengths[i] = #keys[i] end
  for first = 1, #keys, 4000 do  -- unpack() takes ~8000 values at most
    local last = math.min(#keys, first + 3999)
    records[#records + 1] = struct.pack('<' .. string.rep('I4', last - first + 1), unpack(lengths, first, last))
  end
end
return {res[1], table.concat(records), table.concat(keys), table.concat(others)}
"""
# ARGV: cursor, COUNT, "" or "=" + MATCH pattern (an empty pattern is a real one), TYPE or "",
# "1" for stats; with stats: length thresholds (strings, others) and "1" to measure TTLs.

TYPE_CODES = {1: "string", 2: "list", 3: "set", 4: "zset", 5: "hash", 6: "stream"}
STATS_RECORD = struct.Struct("<BqqqI")


class ScriptsUnavailable(Exception):
    """The server or the ACL user does not allow running our read-only script."""


class KeyStats(NamedTuple):
    """What the analyzer needs about one key (a tuple: a million of them are made fast).
    `length` is -1 when not measured (module types, or keys too small for the top lists);
    `ttl_ms` is PTTL's answer (-1 = no expiry)."""

    key: bytes
    type: str
    bytes: int
    length: int
    ttl_ms: int


def _split(names: bytes, lengths: Sequence[int]) -> list[bytes]:
    ends = list(accumulate(lengths))
    return [names[end - length: end] for end, length in zip(ends, lengths, strict=True)]


def unpack_names(reply: list[Any]) -> list[bytes]:
    """Key names from a names-only reply."""
    lengths = struct.unpack(f"<{len(reply[1]) // 4}I", reply[1])
    return _split(reply[2], lengths)


def unpack_stats(reply: list[Any]) -> list[KeyStats]:
    """KeyStats from a stats reply; keys that vanished (type "none") are left out."""
    records = list(STATS_RECORD.iter_unpack(reply[1]))
    keys = _split(reply[2], [record[4] for record in records])
    new = tuple.__new__
    out = [new(KeyStats, (key, TYPE_CODES[code], memory, length, ttl))
           for key, (code, memory, length, ttl, _size) in zip(keys, records, strict=True) if code]
    if len(out) < len(records):
        out += _other_types(reply[3], keys, records)
    return out


def _other_types(blob: bytes, keys: list[bytes], records: list[tuple[int, ...]]) -> list[KeyStats]:
    """Keys of module types (and vanished ones, type "none", left out)."""
    out: list[KeyStats] = []
    offset = 0
    for key, (code, memory, length, ttl, _size) in zip(keys, records, strict=True):
        if code:
            continue
        name = blob[offset + 1: offset + 1 + blob[offset]].decode("ascii", "replace")
        offset += 1 + blob[offset]
        if name != "none":
            out.append(KeyStats(key, name, memory, length, ttl))
    return out


# errors that mean "this way of running a script is not available here"
_UNAVAILABLE_WORDS = ("unknown command", "noperm", "no permissions", "disabled", "not allowed", "unknown subcommand")


class ScriptRunner:
    """Runs SCAN_SCRIPT with the most read-only command the server accepts.

    Tries EVALSHA_RO (then EVAL_RO on NOSCRIPT), and EVALSHA / EVAL when the server has no
    *_RO commands. Raises `ScriptsUnavailable` when none may run, remembering the answer.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.sha = hashlib.sha1(SCAN_SCRIPT.encode()).hexdigest()
        self.variants = [("EVALSHA_RO", "EVAL_RO"), ("EVALSHA", "EVAL")]
        self.unavailable: str | None = None
        self.ready = False  # a call has worked: `send` may be used

    async def send(self, *argv: bytes | str | int) -> asyncio.Task[list[Any]]:
        """Write a call now and return a task for its reply, so that the caller can work
        while the server runs the script. Use only once `ready`."""
        pool = self.client.connection_pool
        connection = await pool.get_connection()
        try:
            await connection.send_command(self.variants[0][0], self.sha, 0, *argv)
        except BaseException:
            await connection.disconnect()
            await pool.release(connection)
            raise

        async def reply() -> list[Any]:
            try:
                response: list[Any] = await connection.read_response()
                return response
            except BaseException:
                await connection.disconnect()  # a reply may still be in flight
                raise
            finally:
                await pool.release(connection)

        return asyncio.ensure_future(reply())

    async def call(self, *argv: bytes | str | int) -> list[Any]:
        """Run the script with ARGV `argv` (no KEYS); the raw reply."""
        if self.unavailable is not None:
            raise ScriptsUnavailable(self.unavailable)
        reason = "scripting unavailable"
        while self.variants:
            by_sha, by_body = self.variants[0]
            try:
                try:
                    reply: list[Any] = await self.client.execute_command(by_sha, self.sha, 0, *argv)
                except rex.NoScriptError:
                    reply = await self.client.execute_command(by_body, SCAN_SCRIPT, 0, *argv)
                self.ready = True
                return reply
            except rex.ResponseError as exc:
                if not _means_unavailable(exc):
                    raise
                self.variants.pop(0)
                reason = f"{by_body}: {' '.join(str(exc).split())}"
        self.unavailable = reason
        raise ScriptsUnavailable(reason)


def _means_unavailable(exc: rex.ResponseError) -> bool:
    if isinstance(exc, rex.NoPermissionError):
        return True
    text = str(exc).lower()
    return any(word in text for word in _UNAVAILABLE_WORDS)
